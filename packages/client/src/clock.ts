// Time comes in through this interface so tests can drive linger, backoff and timeouts by hand
// (@samsa/protocol/testing's ManualClock) instead of sleeping.

import type { Clock, TimerHandle } from '@samsa/protocol';

export type { Clock, TimerHandle };

export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: () => Date.now(),
  // Timers keep the process alive on purpose: a linger timer holds unsent records, a backoff
  // timer a consumer that is waiting out a failover.
  setTimeout: (callback: () => void, delayMs: number): TimerHandle => setTimeout(callback, delayMs),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
});

/** Resolves after `delayMs` on `clock`, or at once (resolving, not rejecting) when `signal` aborts. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A source of uniform random numbers in [0, 1): Math.random in production, seeded in tests. */
export type Random = () => number;
