// Retries with exponential backoff: 100 ms doubling to 1 s by default, each wait jittered so that
// many clients hit by one failover do not retry in lockstep. The clock and the random source are
// injected so tests can check the schedule exactly.
import { SamsaError, isSamsaError } from '@samsa/protocol';
import type { Clock, Random } from './clock.js';
import { sleep } from './clock.js';
import { DEFAULTS, LIMITS } from './defaults.js';
import type { RetryOptions } from './types.js';
import { checkInteger, checkNumber } from './validate.js';

export interface RetryPolicy {
  readonly retries: number;
  readonly initialRetryTimeMs: number;
  readonly maxRetryTimeMs: number;
  readonly multiplier: number;
  readonly factor: number;
}

/** Fills in defaults (from `base`, itself defaulting to DEFAULTS.retry) and validates. */
export function resolveRetryPolicy(options: RetryOptions | undefined, base: RetryPolicy = DEFAULTS.retry): RetryPolicy {
  const o = options ?? {};
  const policy = {
    retries: checkInteger('retry.retries', o.retries ?? base.retries, 0, LIMITS.retriesMax),
    initialRetryTimeMs: checkInteger('retry.initialRetryTimeMs', o.initialRetryTimeMs ?? base.initialRetryTimeMs, 0, LIMITS.timeoutMsMax),
    maxRetryTimeMs: checkInteger('retry.maxRetryTimeMs', o.maxRetryTimeMs ?? base.maxRetryTimeMs, 0, LIMITS.timeoutMsMax),
    multiplier: checkNumber('retry.multiplier', o.multiplier ?? base.multiplier, 1, 100),
    factor: checkNumber('retry.factor', o.factor ?? base.factor, 0, 0.99),
  };
  if (policy.maxRetryTimeMs < policy.initialRetryTimeMs) {
    throw new SamsaError('INVALID_CONFIG', `retry.maxRetryTimeMs (${policy.maxRetryTimeMs}) is below retry.initialRetryTimeMs (${policy.initialRetryTimeMs})`);
  }
  return Object.freeze(policy);
}

/**
 * The wait before retry number `retry` (0 for the first retry): initial * multiplier^retry, capped
 * at the maximum, scaled by a random factor in [1 - factor, 1 + factor], never above the maximum.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: Random): number {
  const base = Math.min(policy.maxRetryTimeMs, policy.initialRetryTimeMs * policy.multiplier ** retry);
  const jittered = base * (1 + policy.factor * (2 * random() - 1));
  return Math.max(0, Math.min(policy.maxRetryTimeMs, Math.round(jittered)));
}

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

export const isRetriable = (error: unknown): boolean => isSamsaError(error) && error.retriable;

export interface RetryContext {
  policy: RetryPolicy;
  clock: Clock;
  random: Random;
  signal?: AbortSignal;
  /** Called before each wait; a refresh of metadata goes here. Errors from it are ignored. */
  onRetry?: (error: SamsaError, retry: number, delayMs: number) => void | Promise<void>;
  isRetriable?: (error: unknown) => boolean;
}

/**
 * Runs `fn` until it succeeds, a non-retriable error occurs, or the retries run out. The error of
 * the last attempt is rethrown; when retries ran out, its message says so (same code, cause kept).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, ctx: RetryContext): Promise<T> {
  const retriable = ctx.isRetriable ?? isRetriable;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!retriable(error) || ctx.signal?.aborted === true) throw error;
      const e = error as SamsaError;
      if (attempt >= ctx.policy.retries) {
        if (ctx.policy.retries === 0) throw e;
        throw new SamsaError(e.code, `${e.message} (gave up after ${attempt + 1} attempts)`, { cause: e, details: { ...e.details } });
      }
      const delayMs = backoffMs(ctx.policy, attempt, ctx.random);
      try {
        await ctx.onRetry?.(e, attempt, delayMs);
      } catch {
        // A failed metadata refresh shows up again on the next attempt.
      }
      await sleep(ctx.clock, delayMs, ctx.signal);
      if (isAborted(ctx.signal)) throw e;
    }
  }
}
