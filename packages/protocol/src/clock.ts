// Time comes into Samsa's components through this interface (STYLE.md practice 8), so tests drive
// timeouts, lingers and liveness by hand (@samsa/protocol/testing's ManualClock) instead of
// sleeping. Each package chooses its own system clock (whether its timers keep a process alive).

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
