// Level 3, turned on the checker itself: mutation tests. Each test switches on one deliberate bug
// in every core (RaftConfig.mutations, test-only switches inside the real core, not a copy of it)
// and runs seeds until the checker reports a *safety* violation, which must happen within a bound.
// The same seed must then pass without the mutation, so the detection is the mutation's doing.
//   (a) a core that votes twice in one term                     -> two leaders in a term;
//   (b) one that commits a previous term's entry by counting    -> a committed entry can be lost
//       (the paper's Figure 8; the adversarial profile crashes fresh leaders to build it);
//   (c) one that sends before it persists (a Ready's messages leave one Ready before its state)
//       -> a crash loses acknowledged entries or votes.
import { describe, it, expect } from 'vitest';
import type { RaftMutations } from '../core/index.js';
import { runSimulation, type SimProfile, type SimResult } from './simulation.js';
import type { Invariant } from './checker.js';

const SEEDS_MAX = 300;
const SAFETY: readonly Invariant[] = ['election-safety', 'log-matching', 'leader-completeness', 'state-machine-safety', 'committed-lost'];

const cases: { name: string; mutations: RaftMutations; profile: SimProfile }[] = [
  { name: '(a) votes twice in one term', mutations: { voteTwice: true }, profile: 'default' },
  { name: '(b) commits a previous term’s entry by counting replicas', mutations: { commitPreviousTermByCounting: true }, profile: 'adversarial' },
  { name: '(c) sends messages before it persists the state they depend on', mutations: { sendBeforePersist: true }, profile: 'default' },
];

describe('the simulator catches a broken core', () => {
  it.each(cases)(
    '$name, within $profile seeds',
    ({ name, mutations, profile }) => {
      let caught: SimResult | undefined;
      for (let seed = 1; seed <= SEEDS_MAX && caught === undefined; seed++) {
        const r = runSimulation({ seed, profile, mutations });
        if (!r.ok && SAFETY.includes(r.invariant!)) caught = r;
      }
      expect(caught, `no safety violation within ${SEEDS_MAX} seeds`).toBeDefined();
      console.log(`mutation ${name}: seed=${caught!.seed} ${caught!.error}`);
      expect(runSimulation({ seed: caught!.seed, profile }).ok).toBe(true);
    },
    120_000,
  );
});
