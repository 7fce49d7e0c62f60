// Running many seeds: aggregation of coverage, reporting of failures. Shared by the vitest suite
// (sim.test.ts, mutation.test.ts) and the CLI (main.ts).
import type { RaftMutations } from '../core/index.js';
import { emptyCoverage, runSimulation, type Coverage, type SimProfile, type SimResult } from './simulation.js';

export interface RunOptions {
  readonly start: number;
  readonly count: number;
  readonly profile?: SimProfile;
  readonly mutations?: RaftMutations;
  /** Stop at the first failing seed (mutation tests). */
  readonly stopAtFirstFailure?: boolean;
  readonly onResult?: (result: SimResult) => void;
}

export interface RunSummary {
  readonly seeds: number;
  readonly failures: readonly SimResult[];
  readonly coverage: Coverage;
  readonly wallMs: number;
  readonly virtualMs: number;
  readonly events: number;
}

export function runSeeds(options: RunOptions): RunSummary {
  const started = performance.now();
  const coverage = emptyCoverage();
  const failures: SimResult[] = [];
  let seeds = 0;
  let virtualMs = 0;
  let events = 0;
  for (let seed = options.start; seed < options.start + options.count; seed++) {
    const result = runSimulation({ seed, ...(options.profile === undefined ? {} : { profile: options.profile }), ...(options.mutations === undefined ? {} : { mutations: options.mutations }) });
    seeds++;
    virtualMs += result.virtualMs;
    events += result.events;
    for (const k of Object.keys(coverage) as (keyof Coverage)[]) coverage[k] += result.coverage[k];
    options.onResult?.(result);
    if (!result.ok) {
      failures.push(result);
      if (options.stopAtFirstFailure === true) break;
    }
  }
  return { seeds, failures, coverage, wallMs: performance.now() - started, virtualMs, events };
}

/** The coverage CI requires of 500 seeds (issue 4). */
export const COVERAGE_MIN = Object.freeze({
  leaderChanges: 1_000,
  crashRestarts: 200,
  snapshotsInstalled: 100,
  membershipChanges: 50,
  transfersCompleted: 5,
});

export function formatCoverage(c: Coverage): string {
  const rows: [string, number][] = [
    ['leader changes', c.leaderChanges],
    ['crash-restarts', c.crashRestarts],
    ['InstallSnapshots (completed)', c.snapshotsInstalled],
    ['membership changes (committed)', c.membershipChanges],
    ['leadership transfers (completed)', c.transfersCompleted],
    ['leadership transfers (started)', c.transfersStarted],
    ['proposals committed', c.proposalsCommitted],
    ['partitions', c.partitions],
    ['pauses', c.pauses],
    ['messages delivered', c.messagesDelivered],
    ['messages dropped', c.messagesDropped],
  ];
  return rows.map(([k, v]) => `  ${k.padEnd(34)} ${v}`).join('\n');
}

export function formatFailure(r: SimResult, traceLines = 80): string {
  const trace = r.trace.slice(-traceLines).join('\n');
  return `seed=${r.seed} ${r.error ?? 'failed'}\nreplay: SAMSA_SEED=${r.seed} (pnpm sim, or the vitest suite)\nlast events:\n${trace}`;
}
