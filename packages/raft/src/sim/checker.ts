// The simulator's safety checker: the properties of the Raft paper's Figure 3, checked from the
// outside on every step of a simulated run.
//
// - Election Safety: at most one leader per term (every node's role is observed after every event).
// - Log Matching: every entry that enters any log is registered by (index, term) with its content
//   and the term of the entry before it; a second entry with the same (index, term) must agree on
//   both. By induction this is the paper's property (same index and term => identical prefixes).
// - Leader Completeness: an index a leader of term u has committed holds, in every leader of a
//   term above u, the same entry (checked when that leader is first seen).
// - State Machine Safety: no two nodes apply different entries at one index; the state machine's
//   hash after each index is the same everywhere, and an installed snapshot matches it.
// - Committed entries are never lost: once a leader's commit index is on its disk, no node lacking
//   that entry can win an election from any state reachable by crashes (checkDurable), and no node
//   at or above the term in which an index was committed replaces that index's entry.
//
// The checker never looks inside the core beyond its public read API (status(), entryAt(), Ready).
import type { Entry, NodeId, RaftCore } from '../core/index.js';

export type Invariant = 'election-safety' | 'log-matching' | 'leader-completeness' | 'state-machine-safety' | 'committed-lost' | 'liveness' | 'core-assertion';

export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
  readonly invariant: Invariant;

  constructor(invariant: Invariant, message: string) {
    super(`${invariant}: ${message}`);
    this.invariant = invariant;
  }
}

/** The simulated state machine: a hash chain over the applied entries. */
export interface SimStateMachine {
  index: number;
  hash: number;
  count: number;
}

/** What LogState.idAt returns for an index its snapshot covers (committed, so the same everywhere). */
export const COVERED = '#covered';

/** One state a node's log can be in: in memory now, or as stored (what a restart would load). */
export interface LogState {
  readonly lastIndex: number;
  readonly lastTerm: number;
  /** The id of the entry at `index`, COVERED under the snapshot, undefined past the end. */
  idAt(index: number): string | undefined;
  /** The voters this state's configuration names. */
  voters(): readonly NodeId[];
  readonly label?: string;
}

/** A node that can still vote or campaign, with the states it can reach. */
export interface Elector {
  readonly id: NodeId;
  readonly states: readonly LogState[];
}

const ids = new WeakMap<Entry, string>();

/** An entry's identity: term, type and data (unique per proposal in the simulator). */
export function entryId(e: Entry): string {
  let id = ids.get(e);
  if (id === undefined) {
    id = `${e.term}|${e.type}|${String.fromCharCode(...e.data)}`;
    ids.set(e, id);
  }
  return id;
}

/** FNV-1a over a string, chained from `seed`. */
export function chainHash(seed: number, s: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class Checker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly logEntries = new Map<string, { id: string; prevTerm: number }>();
  /** committed[i]: the entry id at index i, as a leader committed it. */
  private readonly committed: string[] = [];
  private committedMax = 0;
  /** Per term: the highest commit index its leader was seen with. */
  private readonly leaderCommit = new Map<number, number>();
  /** applied[i]: what was applied at index i and the state machine's hash after it. */
  private readonly applied: ({ id: string; hash: number } | undefined)[] = [];
  private appliedMax = 0;

  private readonly electors: () => readonly Elector[];

  /** `electors` lists every node that may still vote or campaign, in the states it can reach. */
  constructor(electors: () => readonly Elector[]) {
    this.electors = electors;
  }

  /** A node was seen as leader of `term`. Returns true the first time this leadership is seen. */
  observeLeader(id: NodeId, term: number, core: RaftCore, snapshotIndex: number, lastIndex: number): boolean {
    const known = this.leaderOfTerm.get(term);
    if (known === id) return false;
    if (known !== undefined) throw new SafetyViolation('election-safety', `nodes ${known} and ${id} are both leaders of term ${term}`);
    this.leaderOfTerm.set(term, id);
    this.checkLeaderCompleteness(id, term, core, snapshotIndex, lastIndex);
    return true;
  }

  /**
   * A node persisted a hard state; if it led that term, its commit index is now a durable fact:
   * record what it committed (idAt reads its just-persisted log) and check that it cannot be lost.
   */
  onCommitPersisted(node: NodeId, term: number, commit: number, idAt: (index: number) => string | undefined): void {
    if (this.leaderOfTerm.get(term) !== node) return;
    const seen = this.leaderCommit.get(term) ?? 0;
    if (commit <= seen) return;
    let last: string | undefined;
    for (let i = seen + 1; i <= commit; i++) {
      const id = idAt(i);
      if (id !== undefined) this.recordCommitted(i, id, `leader ${node} of term ${term}`);
      last = id;
    }
    this.leaderCommit.set(term, commit);
    if (last !== undefined) this.checkDurable(commit, last, `leader ${node} of term ${term}`);
  }

  /**
   * Committed entries are never lost: no node that lacks the entry at `index` can win an election,
   * from any state the run can reach — each node as it is in memory, or as it would restart from
   * its storage after a crash. The candidate takes its most up-to-date such state, each voter its
   * least (§5.4.1's vote rule). A correct Raft passes by construction (the entry is of the
   * leader's term and durable on a majority); a violation means a schedule exists that elects a
   * leader without a committed entry.
   */
  private checkDurable(index: number, id: string, by: string): void {
    const electors = this.electors();
    const byId = new Map(electors.map((e) => [e.id, e]));
    for (const x of electors) {
      for (const sx of x.states) {
        const have = sx.idAt(index);
        if (have === id || have === COVERED) continue;
        const voters = sx.voters();
        if (!voters.includes(x.id)) continue;
        const granting: NodeId[] = [];
        for (const v of voters) {
          if (v === x.id) granting.push(v);
          else if (byId.get(v)?.states.some((sy) => sx.lastTerm > sy.lastTerm || (sx.lastTerm === sy.lastTerm && sx.lastIndex >= sy.lastIndex)) === true) granting.push(v);
        }
        if (granting.length >= Math.floor(voters.length / 2) + 1) {
          throw new SafetyViolation(
            'committed-lost',
            `${id} at ${index}, committed by ${by}, is missing on node ${x.id} (last ${sx.lastIndex}/${sx.lastTerm}${sx.label === undefined ? '' : `, ${sx.label}`}), which can still be elected with the votes of [${granting.join(',')}] of [${voters.join(',')}]`,
          );
        }
      }
    }
  }

  private checkLeaderCompleteness(id: NodeId, term: number, core: RaftCore, snapshotIndex: number, lastIndex: number): void {
    let mustHold = 0;
    for (const [t, c] of this.leaderCommit) if (t < term && c > mustHold) mustHold = c;
    mustHold = Math.min(mustHold, this.committedMax);
    if (lastIndex < mustHold) {
      throw new SafetyViolation('leader-completeness', `leader ${id} of term ${term} has log up to ${lastIndex}, but index ${mustHold} was committed in an earlier term`);
    }
    for (let i = snapshotIndex + 1; i <= mustHold; i++) {
      const want = this.committed[i];
      const e = core.entryAt(i);
      if (want !== undefined && (e === undefined || entryId(e) !== want)) {
        throw new SafetyViolation('leader-completeness', `leader ${id} of term ${term} holds ${e === undefined ? 'nothing' : entryId(e)} at ${i}, committed earlier as ${want}`);
      }
    }
  }

  private recordCommitted(index: number, id: string, by: string): void {
    const known = this.committed[index];
    if (known === undefined) {
      this.committed[index] = id;
      if (index > this.committedMax) this.committedMax = index;
    } else if (known !== id) {
      throw new SafetyViolation('state-machine-safety', `${by} committed ${id} at ${index}, where ${known} was committed before`);
    }
  }

  /**
   * Entries a node appended (a Ready's entries), checked against every other log. `nodeTerm` is the
   * lowest term the node held while it appended them.
   */
  onAppended(node: NodeId, core: RaftCore, nodeTerm: number, entries: readonly Entry[]): void {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      const id = entryId(e);
      const prevTerm = k > 0 ? entries[k - 1]!.term : (core.termAt(e.index - 1) ?? -1);
      const key = `${e.index}:${e.term}`;
      const known = this.logEntries.get(key);
      if (known === undefined) {
        this.logEntries.set(key, { id, prevTerm });
      } else if (known.id !== id) {
        throw new SafetyViolation('log-matching', `node ${node} has ${id} at (${e.index}, ${e.term}); another log has ${known.id}`);
      } else if (prevTerm !== -1 && known.prevTerm !== prevTerm) {
        throw new SafetyViolation('log-matching', `node ${node} has (${e.index}, ${e.term}) after an entry of term ${prevTerm}; another log has it after term ${known.prevTerm}`);
      }
      // A stale node (an old leader, a follower behind in terms) may hold another entry at an index
      // committed meanwhile; it will be repaired. But a node at or above the term in which the index
      // was committed takes entries only from a leader that must hold the committed one.
      const committed = this.committed[e.index];
      if (committed !== undefined && committed !== id && nodeTerm >= this.commitTerm(e.index)) {
        throw new SafetyViolation('committed-lost', `node ${node} (term ${nodeTerm}) replaced ${committed}, committed at ${e.index} in term ${this.commitTerm(e.index)}, by ${id}`);
      }
    }
  }

  /** The lowest term whose leader was seen committing `index`. */
  private commitTerm(index: number): number {
    let term = Infinity;
    for (const [t, c] of this.leaderCommit) if (c >= index && t < term) term = t;
    return term;
  }

  /** A node applies `e` to its state machine; returns the state machine after it. */
  onApply(node: NodeId, sm: SimStateMachine, e: Entry): SimStateMachine {
    if (e.index !== sm.index + 1) throw new SafetyViolation('state-machine-safety', `node ${node} applied ${e.index} after ${sm.index}`);
    const id = entryId(e);
    const hash = chainHash(sm.hash, id);
    const known = this.applied[e.index];
    if (known === undefined) {
      this.applied[e.index] = { id, hash };
      if (e.index > this.appliedMax) this.appliedMax = e.index;
    } else if (known.id !== id) {
      throw new SafetyViolation('state-machine-safety', `node ${node} applied ${id} at ${e.index}, another node applied ${known.id}`);
    } else if (known.hash !== hash) {
      throw new SafetyViolation('state-machine-safety', `node ${node} reached state ${hash} at ${e.index}, another node ${known.hash}`);
    }
    const committed = this.committed[e.index];
    if (committed !== undefined && committed !== id) {
      throw new SafetyViolation('state-machine-safety', `node ${node} applied ${id} at ${e.index}, but ${committed} was committed there`);
    }
    return { index: e.index, hash, count: sm.count + 1 };
  }

  /** A node replaced its state machine by a snapshot it received. */
  onInstall(node: NodeId, sm: SimStateMachine): void {
    const known = this.applied[sm.index];
    if (known === undefined) throw new SafetyViolation('state-machine-safety', `node ${node} installed a snapshot at ${sm.index}, a state no node applied`);
    if (known.hash !== sm.hash) throw new SafetyViolation('state-machine-safety', `node ${node} installed state ${sm.hash} at ${sm.index}, others have ${known.hash}`);
  }

  /** The entry id applied at `index`, if any node applied it. */
  appliedId(index: number): string | undefined {
    return this.applied[index]?.id;
  }

  firstApplied(index: number): boolean {
    return this.applied[index] === undefined;
  }
}
