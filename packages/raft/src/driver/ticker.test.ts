// Proves that the driver's tick timer does not burst after a stall: it re-arms one setTimeout after
// each tick, so however late a callback comes (a long pause of the process), it gives one tick and
// the next is a whole tick away. Driven by a virtual timer so that the test does not depend on the
// machine's speed; the last test checks the same on the real clock with an event-loop stall.
import { describe, expect, it } from 'vitest';
import { Ticker } from './ticker.js';
import type { Timers } from './ticker.js';

/** A virtual clock: timers fire when the test advances time, at most once each (like setTimeout). */
class VirtualTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Jumps to `to` at once (a stall), firing what is due, in order of due time, each once. */
  jumpTo(to: number): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const due = [...this.pending].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.pending.delete(due[0]);
      // A late callback runs at the time it is finally run, not at its due time.
      this.now = Math.max(this.now, due[1].at);
      due[1].callback();
    }
    this.now = to;
  }

  /** Advances step by step, as a healthy process would. */
  advance(ms: number, stepMs: number): void {
    const end = this.now + ms;
    for (let t = this.now + stepMs; t <= end; t += stepMs) this.jumpTo(t);
  }

  get size(): number {
    return this.pending.size;
  }
}

describe('Ticker', () => {
  it('ticks once per tickMs while the process runs smoothly', () => {
    const timers = new VirtualTimers();
    let ticks = 0;
    const ticker = new Ticker(100, () => ticks++, timers);
    ticker.start();
    timers.advance(1000, 10);
    expect(ticks).toBe(10);
    ticker.stop();
  });

  it('gives one tick, not ten, after a 1 s stall, and the next a whole tick later', () => {
    const timers = new VirtualTimers();
    const at: number[] = [];
    const ticker = new Ticker(100, () => at.push(timers.now), timers);
    ticker.start();
    timers.advance(200, 10);
    expect(at).toEqual([100, 200]);
    // The process stalls from 200 to 1250: the timer due at 300 runs at 1250, alone.
    timers.now = 1250;
    timers.jumpTo(1250);
    expect(at).toEqual([100, 200, 1250]);
    // Its successor was armed from the late run: nothing more until 100 ms after the stall.
    timers.advance(90, 10);
    expect(at.length).toBe(3);
    timers.advance(20, 10);
    expect(at.length).toBe(4);
    ticker.stop();
  });

  it('stops: no timer left armed, start is idempotent', () => {
    const timers = new VirtualTimers();
    let ticks = 0;
    const ticker = new Ticker(50, () => ticks++, timers);
    ticker.start();
    ticker.start();
    expect(timers.size).toBe(1);
    timers.advance(100, 10);
    ticker.stop();
    expect(timers.size).toBe(0);
    timers.advance(500, 10);
    expect(ticks).toBe(2);
  });

  it('on the real clock, a stalled event loop yields one tick, then a tick-long gap', async () => {
    const times: number[] = [];
    let wake: (() => void) | undefined;
    const ticker = new Ticker(10, () => {
      times.push(performance.now());
      wake?.();
    });
    ticker.start();
    // Stall the event loop for 20 ticks' worth.
    const stallUntil = performance.now() + 200;
    while (performance.now() < stallUntil) {
      // busy: the timer cannot fire
    }
    for (let guard = 0; times.length < 2 && guard < 100; guard++) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    ticker.stop();
    expect(times.length).toBeGreaterThanOrEqual(2);
    // setTimeout may fire up to a millisecond early by rounding; a burst would give ~0.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(8);
  });
});
