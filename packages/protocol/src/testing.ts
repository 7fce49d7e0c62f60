// Test support (the `@samsa/protocol/testing` subpath, shared by the packages' tests): a clock that moves
// only when a test says so. Timers fire in time order during advance(); between timers, pending
// promise callbacks run, so code that awaits after a timer behaves as it would in real time.
import type { Clock, TimerHandle } from './clock.js';

interface Timer {
  id: number;
  atMs: number;
  callback: () => void;
}

/** Lets every queued promise callback (and what they queue in turn) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private nowMs: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, atMs: this.nowMs + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** The time the next timer fires, if any. */
  get nextTimerAtMs(): number | undefined {
    return this.timers.reduce<number | undefined>((min, t) => (min === undefined || t.atMs < min ? t.atMs : min), undefined);
  }

  /** Moves time forward by `ms`, firing due timers in order and settling promises after each. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    await settle();
    // Bounded: each pass fires one due timer, and a test creates finitely many.
    for (let fired = 0; fired < 100_000; fired++) {
      const due = this.timers.filter((t) => t.atMs <= target).sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = Math.max(this.nowMs, due.atMs);
      due.callback();
      await settle();
    }
    this.nowMs = target;
    await settle();
  }

  /** Jumps time forward without firing timers (a process that was paused, then runs again). */
  jump(ms: number): void {
    this.nowMs += ms;
  }
}
