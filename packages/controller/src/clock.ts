// Time for the controller's liveness decisions comes in through this interface, so that tests
// drive it with a manual clock (@samsa/protocol/testing) and never sleep.

import type { Clock, TimerHandle } from '@samsa/protocol';

export type { Clock, TimerHandle };

export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, delayMs: number): TimerHandle => {
    const timer = setTimeout(callback, delayMs);
    // A liveness timer never keeps a process alive by itself.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle: TimerHandle): void => clearTimeout(handle as NodeJS.Timeout),
});
