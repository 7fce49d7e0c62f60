// Proves the retry policy: the backoff schedule (100 ms doubling to 1 s, jitter within ±factor,
// never above the maximum), that withRetry retries only retriable errors, refreshes through
// onRetry before each wait, waits on the injected clock, and gives up after `retries` with the
// last error's code.
import { describe, expect, it } from 'vitest';
import { SamsaError } from '@samsa/protocol';
import { DEFAULTS } from './defaults.js';
import { backoffMs, resolveRetryPolicy, withRetry } from './retry.js';
import { ManualClock } from './testing/manual-clock.js';

describe('backoffMs', () => {
  const policy = resolveRetryPolicy(undefined);

  it('doubles from 100 ms to a 1 s cap without jitter at the midpoint', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((r) => backoffMs(policy, r, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('jitters by up to ±20% and never exceeds the maximum', () => {
    expect(backoffMs(policy, 0, () => 0)).toBe(80);
    expect(backoffMs(policy, 0, () => 0.999999)).toBe(120);
    expect(backoffMs(policy, 3, () => 0.999999)).toBe(960);
    expect(backoffMs(policy, 4, () => 0.999999)).toBe(1000);
    expect(backoffMs(policy, 4, () => 0)).toBe(800);
  });

  it('takes its defaults from DEFAULTS and rejects bad values', () => {
    expect(policy).toEqual(DEFAULTS.retry);
    expect(() => resolveRetryPolicy({ retries: -1 })).toThrow(/retry.retries must be an integer/);
    expect(() => resolveRetryPolicy({ initialRetryTimeMs: 500, maxRetryTimeMs: 100 })).toThrow(/below retry.initialRetryTimeMs/);
  });
});

describe('withRetry', () => {
  const policy = resolveRetryPolicy({ retries: 3 });

  it('retries retriable errors on the clock, refreshing before each wait', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const attempts: number[] = [];
    const refreshes: string[] = [];
    const result = withRetry(
      async (attempt) => {
        attempts.push(clock.now() - start);
        if (attempt < 2) throw new SamsaError('NOT_LEADER_OR_FOLLOWER');
        return 'ok';
      },
      { policy, clock, random: () => 0.5, onRetry: (e) => void refreshes.push(e.code) },
    );
    await clock.advance(1000);
    await expect(result).resolves.toBe('ok');
    expect(attempts).toEqual([0, 100, 300]);
    expect(refreshes).toEqual(['NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_OR_FOLLOWER']);
  });

  it('gives up after `retries` retries with the last code', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetry(
      async () => {
        calls++;
        throw new SamsaError('NETWORK_EXCEPTION', 'cannot reach broker 127.0.0.1:1');
      },
      { policy, clock, random: () => 0.5 },
    );
    const settled = result.catch((e: unknown) => e);
    await clock.advance(10_000);
    const error = (await settled) as SamsaError;
    expect(calls).toBe(4);
    expect(error.code).toBe('NETWORK_EXCEPTION');
    expect(error.message).toMatch(/cannot reach broker 127.0.0.1:1 \(gave up after 4 attempts\)/);
    expect(error.cause).toBeInstanceOf(SamsaError);
  });

  it('does not retry a non-retriable error', async () => {
    const clock = new ManualClock();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new SamsaError('TOPIC_ALREADY_EXISTS');
        },
        { policy, clock, random: () => 0.5 },
      ),
    ).rejects.toMatchObject({ code: 'TOPIC_ALREADY_EXISTS' });
    expect(calls).toBe(1);
  });

  it('stops waiting when its signal aborts', async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    const result = withRetry(
      async () => {
        throw new SamsaError('LEADER_NOT_AVAILABLE');
      },
      { policy, clock, random: () => 0.5, signal: abort.signal },
    );
    abort.abort();
    await expect(result).rejects.toMatchObject({ code: 'LEADER_NOT_AVAILABLE' });
  });
});
