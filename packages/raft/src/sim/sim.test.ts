// Level 3 of the Raft tests: the seeded simulator. Each seed runs 3–5 cores through a random
// schedule of message loss, duplication, reordering and delay, partitions, pauses, crashes that
// lose unpersisted state, restarts, compaction, membership changes, leadership transfers and client
// proposals; the checker asserts election safety, log matching, leader completeness, state-machine
// safety and that no committed entry can be lost, after every event; after the faults heal a
// leader must commit a proposal on every voter within a bound. The suite runs 500 seeds of the
// default profile (and checks the coverage issue 4 demands) plus seeds of the adversarial profile.
// A failure prints `seed=N` and its last events; SAMSA_SEED=N (and SAMSA_PROFILE) replays one seed.
import { describe, it, expect } from 'vitest';
import { runSimulation, type SimProfile } from './simulation.js';
import { COVERAGE_MIN, formatCoverage, formatFailure, runSeeds } from './run.js';

const SEEDS_DEFAULT = 500;
const SEEDS_ADVERSARIAL = 200;
const TIMEOUT_MS = 170_000;

const replay = process.env['SAMSA_SEED'];
const replayProfile = (process.env['SAMSA_PROFILE'] ?? 'default') as SimProfile;

describe.runIf(replay !== undefined && replay !== '')('simulator replay', () => {
  it(`replays SAMSA_SEED=${replay} (${replayProfile})`, () => {
    const r = runSimulation({ seed: Number(replay), profile: replayProfile, traceAll: true });
    if (!r.ok) console.error(formatFailure(r, Number.MAX_SAFE_INTEGER));
    expect(r.ok, r.error).toBe(true);
  });
});

describe.runIf(replay === undefined || replay === '')('simulator', () => {
  it(
    `${SEEDS_DEFAULT} seeds: no safety violation, liveness after healing, and the required coverage`,
    () => {
      const summary = runSeeds({ start: 1, count: SEEDS_DEFAULT });
      for (const f of summary.failures) console.error(formatFailure(f));
      console.log(`simulator: ${summary.seeds} seeds in ${(summary.wallMs / 1000).toFixed(1)} s, ${summary.failures.length} failed\n${formatCoverage(summary.coverage)}`);
      expect(summary.failures.map((f) => `seed=${f.seed} ${f.error?.split('\n')[0]}`)).toEqual([]);
      for (const [k, min] of Object.entries(COVERAGE_MIN)) {
        expect(summary.coverage[k as keyof typeof COVERAGE_MIN], k).toBeGreaterThanOrEqual(min);
      }
    },
    TIMEOUT_MS,
  );

  it(
    `${SEEDS_ADVERSARIAL} seeds of the adversarial profile: no safety violation, liveness after healing`,
    () => {
      const summary = runSeeds({ start: 1, count: SEEDS_ADVERSARIAL, profile: 'adversarial' });
      for (const f of summary.failures) console.error(formatFailure(f));
      expect(summary.failures.map((f) => `seed=${f.seed} ${f.error?.split('\n')[0]}`)).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it('a seed replays exactly', () => {
    const a = runSimulation({ seed: 42 });
    const b = runSimulation({ seed: 42 });
    expect(a.ok).toBe(true);
    expect([b.events, b.virtualMs, b.coverage]).toEqual([a.events, a.virtualMs, a.coverage]);
  });
});
