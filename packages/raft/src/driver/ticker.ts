// The driver's clock: one tick every tickMs, from a setTimeout re-armed after each tick (never
// setInterval), so a stalled process (a long GC, SIGSTOP) gets one tick when it resumes, not a
// burst of the ticks it missed. A burst would expire every election timer at once and start
// elections that nothing justified.

/** The timer functions the ticker uses; tests pass their own. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: Timers = Object.freeze({
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout),
});

export class Ticker {
  private readonly tickMs: number;
  private readonly onTick: () => void;
  private readonly timers: Timers;
  private handle: unknown;
  private running = false;

  constructor(tickMs: number, onTick: () => void, timers: Timers = SYSTEM_TIMERS) {
    this.tickMs = tickMs;
    this.onTick = onTick;
    this.timers = timers;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      if (!this.running) return;
      // Re-armed before the tick runs, from now: however late this callback came, the next one is
      // a whole tick away.
      this.arm();
      this.onTick();
    }, this.tickMs);
  }
}
