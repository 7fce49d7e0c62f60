// Level 1 of the Raft tests: one test per sentence of the Raft paper (Ongaro & Ousterhout 2014, "§")
// or of Ongaro's thesis ("thesis §"), each quoting the sentence it checks. Each drives a single core
// by hand — messages in, Readys out through in-memory storage — so the sentence is checked against
// exactly the messages and state the core produces.
import { describe, it, expect } from 'vitest';
import { RaftCore } from './raft.js';
import { encodeConfChange, decodeConfChange } from './confchange.js';
import type { Entry, InitialState, Message, NodeId, RaftConfig } from './types.js';
import { message, singleCore, type SingleCore } from '../testing/single.js';
import { TEST_CONFIG } from '../testing/network.js';
import { silentLogger } from '../testing/logger.js';
import { seededRandom } from '../testing/random.js';

const data = (s: string): Uint8Array => new TextEncoder().encode(s);
const entry = (index: number, term: number, type: Entry['type'] = 'normal', d = data(`e${index}`)): Entry => ({ index, term, type, data: d });
/** A log whose entry i+1 has terms[i]. */
const log = (...terms: number[]): Entry[] => terms.map((t, i) => entry(i + 1, t));
const initial = (voters: NodeId[], terms: number[], term: number, vote = 0, commit = 0): InitialState => ({
  hardState: { term, vote, commit },
  entries: log(...terms),
  bootstrapVoters: voters,
});
const noPreVote = { preVote: false, checkQuorum: false };
const ofType = (msgs: Message[], type: Message['type']): Message[] => msgs.filter((m) => m.type === type);

/** Make node `sc` (of `voters`) leader by feeding it the votes it asks for. */
function elect(sc: SingleCore, voters: NodeId[]): void {
  sc.core.campaign();
  const term = sc.core.status().term;
  sc.drain();
  const others = voters.filter((v) => v !== sc.core.status().id);
  if (sc.core.status().role === 'pre-candidate') {
    for (const from of others) sc.core.step(message({ type: 'pre-vote-response', from, to: sc.core.status().id, term: term + 1 }));
    sc.drain();
  }
  const t = sc.core.status().term;
  for (const from of others) {
    if (sc.core.status().role === 'leader') break;
    sc.core.step(message({ type: 'vote-response', from, to: sc.core.status().id, term: t }));
  }
  sc.drain();
  expect(sc.core.status().role).toBe('leader');
}

describe('§5.1 terms', () => {
  it.each(['follower', 'pre-candidate', 'candidate', 'leader'] as const)(
    '"If one server’s current term is smaller than the other’s, then it updates its current term to the larger value. If a candidate or leader discovers that its term is out of date, it immediately reverts to follower state." (%s)',
    (role) => {
      const sc = singleCore(1, [1, 2, 3]);
      if (role === 'pre-candidate') sc.core.campaign();
      if (role === 'candidate') {
        sc.core.campaign();
        sc.core.step(message({ type: 'pre-vote-response', from: 2, to: 1, term: 1 }));
      }
      if (role === 'leader') elect(sc, [1, 2, 3]);
      sc.drain();
      expect(sc.core.status().role).toBe(role);
      sc.core.step(message({ type: 'append', from: 2, to: 1, term: 9 }));
      const s = sc.core.status();
      expect([s.role, s.term, s.leaderId]).toEqual(['follower', 9, 2]);
    },
  );

  it('"If a server receives a request with a stale term number, it rejects the request."', () => {
    const sc = singleCore(1, [1, 2, 3], {}, initial([1, 2, 3], [1, 2], 3));
    sc.core.step(message({ type: 'append', from: 2, to: 1, term: 2, index: 2, logTerm: 2, entries: [entry(3, 2)] }));
    const out = sc.drain();
    expect(sc.core.status().lastIndex).toBe(2);
    expect(sc.core.status().term).toBe(3);
    // The answer carries our term, so the stale leader learns it is stale.
    expect(out).toMatchObject([{ type: 'append-response', to: 2, term: 3 }]);
    // A stale vote request is ignored: no vote, no term change.
    sc.core.step(message({ type: 'vote', from: 2, to: 1, term: 2, index: 9, logTerm: 9 }));
    expect(sc.drain()).toEqual([]);
    expect(sc.core.status().term).toBe(3);
  });
});

describe('§5.2 leader election', () => {
  it('"When servers start up, they begin as followers."', () => {
    const s = singleCore(1, [1, 2, 3]).core.status();
    expect([s.role, s.term, s.leaderId]).toEqual(['follower', 0, 0]);
  });

  it('"Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries) to all followers in order to maintain their authority."', () => {
    const sc = singleCore(1, [1, 2, 3], { heartbeatTicks: 2 });
    elect(sc, [1, 2, 3]);
    sc.core.tick();
    expect(ofType(sc.drain(), 'heartbeat')).toEqual([]);
    sc.core.tick();
    const beats = ofType(sc.drain(), 'heartbeat');
    expect(beats.map((m) => m.to).sort()).toEqual([2, 3]);
    expect(beats.every((m) => m.entries.length === 0)).toBe(true);
  });

  it('"If a follower receives no communication over a period of time called the election timeout, then it assumes there is no viable leader and begins an election to choose a new leader."', () => {
    const sc = singleCore(1, [1, 2, 3], noPreVote);
    for (let i = 0; i < 2 * TEST_CONFIG.electionTicks; i++) sc.core.tick();
    expect(sc.core.status().role).toBe('candidate');
  });

  it('"To begin an election, a follower increments its current term and transitions to candidate state. It then votes for itself and issues RequestVote RPCs in parallel to each of the other servers in the cluster."', () => {
    const sc = singleCore(1, [1, 2, 3, 4, 5], noPreVote, initial([1, 2, 3, 4, 5], [1, 1, 2], 2));
    sc.core.campaign();
    const out = sc.drain();
    expect(sc.core.status()).toMatchObject({ role: 'candidate', term: 3 });
    expect(sc.storage.hardState).toMatchObject({ term: 3, vote: 1 });
    expect(out.map((m) => [m.type, m.to, m.term, m.index, m.logTerm])).toEqual([2, 3, 4, 5].map((to) => ['vote', to, 3, 3, 2]));
  });

  it.each([
    // voters, granted, rejected, expected role
    [1, [], [], 'leader'],
    [3, [2], [], 'leader'],
    [3, [], [2, 3], 'follower'],
    [5, [2], [], 'candidate'],
    [5, [2, 3], [], 'leader'],
    [5, [2], [3, 4], 'candidate'],
    [5, [], [2, 3, 4], 'follower'],
  ] as const)(
    '"A candidate wins an election if it receives votes from a majority of the servers in the full cluster for the same term." (%i voters, granted by %j, rejected by %j)',
    (n, granted, rejected, role) => {
      const voters = Array.from({ length: n }, (_, i) => i + 1);
      const sc = singleCore(1, voters, noPreVote);
      sc.core.campaign();
      for (const from of granted) sc.core.step(message({ type: 'vote-response', from, to: 1, term: 1 }));
      for (const from of rejected) sc.core.step(message({ type: 'vote-response', from, to: 1, term: 1, reject: true }));
      expect(sc.core.status().role).toBe(role);
    },
  );

  it('"Each server will vote for at most one candidate in a given term, on a first-come-first-served basis"', () => {
    const sc = singleCore(1, [1, 2, 3], noPreVote);
    const vote = (from: NodeId): Message => message({ type: 'vote', from, to: 1, term: 1 });
    sc.core.step(vote(2));
    sc.core.step(vote(3));
    sc.core.step(vote(2)); // a repeat of the vote it cast is granted again (the answer may be lost)
    expect(sc.drain().map((m) => [m.to, m.reject])).toEqual([
      [2, false],
      [3, true],
      [2, false],
    ]);
    expect(sc.storage.hardState.vote).toBe(2);
  });

  it('"While waiting for votes, a candidate may receive an AppendEntries RPC from another server claiming to be leader. If the leader’s term ... is at least as large as the candidate’s current term, then the candidate recognizes the leader as legitimate and returns to follower state."', () => {
    const sc = singleCore(1, [1, 2, 3], noPreVote);
    sc.core.campaign();
    sc.core.step(message({ type: 'append', from: 3, to: 1, term: 1 }));
    expect(sc.core.status()).toMatchObject({ role: 'follower', term: 1, leaderId: 3 });
  });

  it('"Raft uses randomized election timeouts to ensure that split votes are rare" — each timeout is drawn from [electionTicks, 2 * electionTicks)', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const sc = singleCore(1, [1, 2, 3], { ...noPreVote, random: seededRandom(seed) });
      let ticks = 0;
      while (sc.core.status().role === 'follower') {
        sc.core.tick();
        ticks++;
      }
      seen.add(ticks);
    }
    const et = TEST_CONFIG.electionTicks;
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(et);
    expect(Math.max(...seen)).toBeLessThan(2 * et);
    expect(seen.size).toBeGreaterThan(et / 2);
  });
});

describe('§5.3 log replication', () => {
  it('"The leader appends the command to its log as a new entry, then issues AppendEntries RPCs in parallel to each of the other servers to replicate the entry."', () => {
    const sc = singleCore(1, [1, 2, 3]);
    elect(sc, [1, 2, 3]);
    for (const from of [2, 3]) sc.core.step(message({ type: 'append-response', from, to: 1, term: 1, index: 1 }));
    sc.drain();
    const r = sc.core.propose(data('x'));
    expect(r).toEqual({ ok: true, index: 2, term: 1 });
    const out = ofType(sc.drain(), 'append');
    expect(sc.readies[0]!.entries.map((e) => [e.index, e.term])).toEqual([[2, 1]]);
    expect(out.map((m) => [m.to, m.index, m.logTerm, m.entries.map((e) => e.index)])).toEqual([
      [2, 1, 1, [2]],
      [3, 1, 1, [2]],
    ]);
  });

  it('"A log entry is committed once the leader that created the entry has replicated it on a majority of the servers"', () => {
    const sc = singleCore(1, [1, 2, 3, 4, 5]);
    elect(sc, [1, 2, 3, 4, 5]);
    const committed = (): number => sc.core.status().commit;
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 1 }));
    expect(committed()).toBe(0);
    sc.core.step(message({ type: 'append-response', from: 3, to: 1, term: 1, index: 1 }));
    expect(committed()).toBe(1);
    sc.drain();
    expect(sc.readies[0]!.committedEntries.map((e) => e.index)).toEqual([1]);
  });

  it('"This also commits all preceding entries in the leader’s log, including entries created by previous leaders."', () => {
    const sc = singleCore(1, [1, 2, 3], {}, initial([1, 2, 3], [1, 1, 2], 2));
    elect(sc, [1, 2, 3]);
    expect(sc.core.status().lastIndex).toBe(4);
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 3, index: 4 }));
    sc.drain();
    expect(sc.core.status().commit).toBe(4);
    expect(sc.readies.flatMap((r) => r.committedEntries).map((e) => `${e.index}/${e.term}`)).toEqual(['1/1', '2/1', '3/2', '4/3']);
  });

  it('"Once a follower learns that a log entry is committed, it applies the entry to its local state machine (in log order)."', () => {
    const sc = singleCore(2, [1, 2, 3]);
    sc.core.step(message({ type: 'append', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: log(1, 1, 1), commit: 0 }));
    sc.drain();
    sc.core.step(message({ type: 'heartbeat', from: 1, to: 2, term: 1, commit: 2 }));
    sc.drain();
    expect(sc.readies.flatMap((r) => r.committedEntries).map((e) => e.index)).toEqual([1, 2]);
    sc.core.step(message({ type: 'append', from: 1, to: 2, term: 1, index: 3, logTerm: 1, commit: 3 }));
    sc.drain();
    expect(sc.readies.flatMap((r) => r.committedEntries).map((e) => e.index)).toEqual([3]);
  });

  it('"If the follower does not find an entry in its log with the same index and term, then it refuses the new entries."', () => {
    const sc = singleCore(2, [1, 2, 3], {}, initial([1, 2, 3], [1, 1, 2], 2));
    sc.core.step(message({ type: 'append', from: 1, to: 2, term: 3, index: 3, logTerm: 3, entries: [entry(4, 3)] }));
    const [resp] = sc.drain();
    expect(resp).toMatchObject({ type: 'append-response', reject: true, index: 3 });
    expect(sc.core.status().lastIndex).toBe(3);
  });

  it('"the leader handles inconsistencies by forcing the followers’ logs to duplicate its own. This means that conflicting entries in follower logs will be overwritten with entries from the leader’s log."', () => {
    const sc = singleCore(2, [1, 2, 3], {}, initial([1, 2, 3], [1, 1, 2, 2], 2));
    sc.core.step(message({ type: 'append', from: 1, to: 2, term: 3, index: 2, logTerm: 1, entries: [entry(3, 3), entry(4, 3), entry(5, 3)] }));
    const [resp] = sc.drain();
    expect(resp).toMatchObject({ type: 'append-response', reject: false, index: 5 });
    expect(sc.storage.entries.map((e) => e.term)).toEqual([1, 1, 3, 3, 3]);
  });

  it('"when rejecting an AppendEntries request, the follower can include the term of the conflicting entry and the first index it stores for that term" — the leader then skips a whole term per round trip', () => {
    // Leader log terms 1 3 3 3 5 5 5 5 5; follower 1 1 1 1 2 2 (etcd's example). Naive backtracking
    // needs 8 probes; term hints need at most one per term.
    const leader = singleCore(1, [1, 2, 3], {}, initial([1, 2, 3], [1, 3, 3, 3, 5, 5, 5, 5, 5], 5));
    const follower = singleCore(2, [1, 2, 3], {}, initial([1, 2, 3], [1, 1, 1, 1, 2, 2], 5));
    elect(leader, [1, 2, 3]);
    let toFollower = ofType(leader.readies.flatMap((r) => r.messages), 'append').filter((m) => m.to === 2);
    let rejections = 0;
    for (let round = 0; round < 20 && toFollower.length > 0; round++) {
      for (const m of toFollower) follower.core.step(m);
      const answers = follower.drain();
      rejections += answers.filter((a) => a.reject).length;
      for (const a of answers) leader.core.step(a);
      toFollower = ofType(leader.drain(), 'append').filter((m) => m.to === 2);
    }
    expect(follower.storage.entries.map((e) => e.term)).toEqual([1, 3, 3, 3, 5, 5, 5, 5, 5, 6]);
    expect(rejections).toBeLessThanOrEqual(2);
  });
});

describe('§5.4 safety', () => {
  it.each([
    [1, 10, false],
    [2, 2, false],
    [2, 3, true],
    [3, 1, true],
  ])('"the voter denies its vote if its own log is more up-to-date than that of the candidate" (voter last 3/2, candidate last term %i index %i)', (lastTerm, lastIndex, granted) => {
    const sc = singleCore(1, [1, 2, 3], noPreVote, initial([1, 2, 3], [1, 1, 2], 2));
    sc.core.step(message({ type: 'vote', from: 2, to: 1, term: 3, index: lastIndex, logTerm: lastTerm }));
    const [resp] = sc.drain();
    expect(resp).toMatchObject({ type: 'vote-response', reject: !granted });
  });

  it('"Raft never commits log entries from previous terms by counting replicas."', () => {
    // The leader of term 3 holds entry 2 from term 2 and its own empty entry 3.
    const sc = singleCore(1, [1, 2, 3], {}, initial([1, 2, 3], [1, 2], 2));
    elect(sc, [1, 2, 3]);
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 3, index: 2 }));
    // Entry 2 is on a majority (1 and 2) but of an earlier term: not committed.
    expect(sc.core.status().commit).toBe(0);
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 3, index: 3 }));
    expect(sc.core.status().commit).toBe(3);
  });

  it('"each leader commit a blank no-op entry into the log at the start of its term" (§8)', () => {
    const sc = singleCore(1, [1, 2, 3], {}, initial([1, 2, 3], [1, 1], 1));
    elect(sc, [1, 2, 3]);
    const appended = sc.readies.flatMap((r) => r.entries);
    expect(appended).toEqual([{ index: 3, term: 2, type: 'empty', data: new Uint8Array(0) }]);
  });

  it('Figure 2: currentTerm and votedFor are "Updated on stable storage before responding to RPCs" — the vote is in the Ready that answers, and survives a crash', () => {
    const sc = singleCore(1, [1, 2, 3], noPreVote);
    sc.core.step(message({ type: 'vote', from: 2, to: 1, term: 4 }));
    const answer = sc.core.ready();
    expect(answer.messages).toMatchObject([{ type: 'vote-response', to: 2, reject: false }]);
    expect(answer.hardState).toEqual({ term: 4, vote: 2, commit: 0 });
    sc.storage.persist(answer);
    // Crash and restart from storage: a second candidate of term 4 does not get the vote.
    const config: RaftConfig = { ...TEST_CONFIG, ...noPreVote, id: 1, random: seededRandom(1), logger: silentLogger };
    const restarted = new RaftCore(config, sc.storage.initialState([1, 2, 3]));
    restarted.step(message({ type: 'vote', from: 3, to: 1, term: 4 }));
    expect(restarted.ready().messages).toMatchObject([{ type: 'vote-response', to: 3, reject: true }]);
  });

  it('Figure 2: log entries are on stable storage before the follower acknowledges them — the ack travels in the Ready that holds them', () => {
    const sc = singleCore(2, [1, 2, 3]);
    sc.core.step(message({ type: 'append', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: log(1, 1) }));
    const rd = sc.core.ready();
    expect(rd.messages).toMatchObject([{ type: 'append-response', index: 2 }]);
    expect(rd.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(() => sc.core.ready()).toThrow(/before advance/);
  });
});

describe('§7 log compaction (InstallSnapshot)', () => {
  const snapMeta = { index: 5, term: 2, voters: [1, 2, 3] };
  const chunk = (offset: number, bytes: string, done: boolean): Message =>
    message({ type: 'snapshot', from: 1, to: 2, term: 3, snapshotMeta: snapMeta, snapshotOffset: offset, snapshotChunk: data(bytes), snapshotDone: done });

  it('Figure 13: the leader sends "the complete snapshot in chunks"; the follower will "Reply and wait for more data chunks if done is false" and installs it at the last one, discarding its log', () => {
    const sc = singleCore(2, [1, 2, 3], {}, initial([1, 2, 3], [1, 1, 1], 1));
    sc.core.step(chunk(0, 'abc', false));
    let out = sc.drain();
    expect(out).toMatchObject([{ type: 'snapshot-response', snapshotOffset: 3, snapshotDone: false }]);
    expect(sc.readies.some((r) => r.snapshot !== undefined)).toBe(false);
    sc.core.step(chunk(0, 'abc', false)); // a duplicate: answered with where we are
    sc.core.step(chunk(3, 'def', true));
    out = sc.drain();
    expect(out.map((m) => [m.snapshotOffset, m.snapshotDone, m.index])).toEqual([
      [3, false, 0],
      [0, true, 5],
    ]);
    const rd = sc.readies.find((r) => r.snapshot !== undefined)!;
    expect(new TextDecoder().decode(rd.snapshot!.data)).toBe('abcdef');
    expect(sc.core.status()).toMatchObject({ snapshotIndex: 5, lastIndex: 5, commit: 5 });
    expect(sc.storage.entries).toEqual([]);
  });

  it('a chunk out of order is refused with the offset the follower expects', () => {
    const sc = singleCore(2, [1, 2, 3]);
    sc.core.step(chunk(3, 'def', true));
    expect(sc.drain()).toMatchObject([{ type: 'snapshot-response', reject: true, snapshotOffset: 0 }]);
  });

  it('"If the follower receives a snapshot that describes a prefix of its log, log entries covered by the snapshot are deleted but entries following the snapshot are still valid and must be retained."', () => {
    const sc = singleCore(2, [1, 2, 3], {}, initial([1, 2, 3], [1, 1, 2, 2, 2, 2, 2], 2));
    sc.core.step(chunk(0, 'abcdef', true));
    sc.drain();
    expect(sc.core.status()).toMatchObject({ lastIndex: 7, commit: 5 });
    expect(sc.readies.some((r) => r.snapshot !== undefined)).toBe(false);
  });

  it('the leader sends a snapshot to a follower that needs compacted entries, in chunks of at most maxSnapshotChunkBytes', () => {
    const sc = singleCore(1, [1, 2, 3], { maxSnapshotChunkBytes: 4 });
    elect(sc, [1, 2, 3]);
    sc.core.step(message({ type: 'append-response', from: 3, to: 1, term: 1, index: 1 }));
    sc.core.propose(data('x'));
    sc.core.step(message({ type: 'append-response', from: 3, to: 1, term: 1, index: 2 }));
    sc.drain();
    const image = data('0123456789');
    sc.core.compact({ meta: sc.core.snapshotMeta(2), data: image });
    // Follower 2 says its log is empty: the leader cannot send entry 1 any more.
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 0, reject: true, rejectHint: 0 }));
    const chunks: Message[] = [];
    for (let i = 0; i < 10; i++) {
      const out = ofType(sc.drain(), 'snapshot');
      if (out.length === 0) break;
      chunks.push(...out);
      const last = out.at(-1)!;
      const offset = last.snapshotOffset + last.snapshotChunk.length;
      sc.core.step(message({ type: 'snapshot-response', from: 2, to: 1, term: 1, snapshotMeta: last.snapshotMeta!, snapshotOffset: offset, snapshotDone: last.snapshotDone, index: last.snapshotDone ? 2 : 0 }));
    }
    expect(chunks.map((c) => [c.snapshotOffset, c.snapshotChunk.length, c.snapshotDone])).toEqual([
      [0, 4, false],
      [4, 4, false],
      [8, 2, true],
    ]);
    expect(sc.core.status().progress?.find((p) => p.id === 2)).toMatchObject({ match: 2, next: 3, state: 'probe' }); // replicate again after its next answer
  });
});

describe('thesis chapter 4: membership changes', () => {
  const cc = (index: number, term: number, type: 'add-voter' | 'remove-voter', nodeId: NodeId, voters: NodeId[]): Entry =>
    entry(index, term, 'conf-change', encodeConfChange({ type, nodeId, voters }));

  it('§4.1: "a server always uses the latest configuration in its log, regardless of whether the entry is committed" — and falls back when the entry is truncated', () => {
    const sc = singleCore(2, [1, 2, 3]);
    sc.core.step(message({ type: 'append', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: [entry(1, 1), cc(2, 1, 'add-voter', 4, [1, 2, 3, 4])] }));
    expect(sc.core.status()).toMatchObject({ voters: [1, 2, 3, 4], commit: 0 });
    sc.core.step(message({ type: 'append', from: 3, to: 2, term: 2, index: 1, logTerm: 1, entries: [entry(2, 2)] }));
    expect(sc.core.status().voters).toEqual([1, 2, 3]);
  });

  it('§4.1: "the leader ... does not start a new change until the previous one has committed", and (Ongaro 2015) not before an entry of its own term committed', () => {
    const sc = singleCore(1, [1, 2, 3]);
    elect(sc, [1, 2, 3]);
    expect(sc.core.proposeConfChange({ type: 'add-voter', nodeId: 4 })).toMatchObject({ ok: false, reason: 'leader-term-not-committed' });
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 1 }));
    const first = sc.core.proposeConfChange({ type: 'add-voter', nodeId: 4 });
    expect(first).toMatchObject({ ok: true, index: 2 });
    expect(sc.core.status().voters).toEqual([1, 2, 3, 4]); // in effect when appended
    expect(sc.core.proposeConfChange({ type: 'remove-voter', nodeId: 3 })).toMatchObject({ ok: false, reason: 'conf-change-pending' });
    expect(sc.core.proposeConfChange({ type: 'add-voter', nodeId: 2 })).toMatchObject({ ok: false });
    // The new configuration has 4 voters: committing needs 3 of them.
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 2 }));
    expect(sc.core.status().commit).toBe(1);
    sc.core.step(message({ type: 'append-response', from: 3, to: 1, term: 1, index: 2 }));
    expect(sc.core.status().commit).toBe(2);
    expect(sc.core.proposeConfChange({ type: 'remove-voter', nodeId: 3 })).toMatchObject({ ok: true, index: 3 });
    sc.drain();
    const entryData = sc.storage.entries.at(-1)!.data;
    expect(decodeConfChange(entryData)).toEqual({ type: 'remove-voter', nodeId: 3, voters: [1, 2, 4] });
  });

  it('§4.2.2: a leader removed from the configuration "steps down (returns to follower state) once the Cnew entry is committed"', () => {
    const sc = singleCore(1, [1, 2, 3]);
    elect(sc, [1, 2, 3]);
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 1 }));
    expect(sc.core.proposeConfChange({ type: 'remove-voter', nodeId: 1 }).ok).toBe(true);
    expect(sc.core.status().role).toBe('leader');
    expect(sc.core.propose(data('x'))).toMatchObject({ ok: false, reason: 'not-leader' });
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 2 }));
    expect(sc.core.status().commit).toBe(1); // {2, 3} must both have it: the leader no longer counts
    sc.core.step(message({ type: 'append-response', from: 3, to: 1, term: 1, index: 2 }));
    expect(sc.core.status()).toMatchObject({ commit: 2, role: 'follower' });
    // Not a voter: it never campaigns.
    for (let i = 0; i < 100; i++) sc.core.tick();
    expect(sc.core.status().role).toBe('follower');
  });

  it('§4.2.3: "if a server receives a RequestVote request within the minimum election timeout of hearing from a current leader, it does not update its term or grant its vote" — unless the vote is part of a leadership transfer', () => {
    const sc = singleCore(2, [1, 2, 3]);
    sc.core.step(message({ type: 'heartbeat', from: 1, to: 2, term: 1 }));
    sc.drain();
    sc.core.step(message({ type: 'vote', from: 3, to: 2, term: 2 }));
    sc.core.step(message({ type: 'pre-vote', from: 3, to: 2, term: 2 }));
    expect(sc.drain()).toEqual([]);
    expect(sc.core.status().term).toBe(1);
    sc.core.step(message({ type: 'vote', from: 3, to: 2, term: 2, transfer: true }));
    expect(sc.drain()).toMatchObject([{ type: 'vote-response', to: 3, term: 2, reject: false }]);
    // After an election timeout without word from the leader, votes are considered again.
    const lease = singleCore(2, [1, 2, 3], { random: () => 0.99 });
    lease.core.step(message({ type: 'heartbeat', from: 1, to: 2, term: 1 }));
    for (let i = 0; i < TEST_CONFIG.electionTicks; i++) lease.core.tick();
    lease.drain();
    lease.core.step(message({ type: 'pre-vote', from: 3, to: 2, term: 2 }));
    expect(lease.drain()).toMatchObject([{ type: 'pre-vote-response', term: 2, reject: false }]);
  });
});

describe('thesis: availability', () => {
  it('§6.2 (check-quorum): "a leader steps down if an election timeout elapses without a successful round of heartbeats to a majority of its cluster"', () => {
    const sc = singleCore(1, [1, 2, 3, 4, 5]);
    elect(sc, [1, 2, 3, 4, 5]);
    for (let i = 0; i < TEST_CONFIG.electionTicks; i++) {
      sc.core.tick();
      sc.core.step(message({ type: 'heartbeat-response', from: 2, to: 1, term: 1 }));
      sc.core.step(message({ type: 'heartbeat-response', from: 3, to: 1, term: 1 }));
    }
    expect(sc.core.status().role).toBe('leader'); // 3 of 5 active
    // From now on only node 2 answers: by the end of the next full window the leader is alone.
    for (let i = 0; i < 2 * TEST_CONFIG.electionTicks; i++) {
      sc.core.tick();
      sc.core.step(message({ type: 'heartbeat-response', from: 2, to: 1, term: 1 }));
    }
    expect(sc.core.status()).toMatchObject({ role: 'follower', term: 1, leaderId: 0 });
  });

  it('§9.6 (pre-vote): "Only if the candidate believed it could get votes from a majority of the cluster would it increment its term and start a normal election."', () => {
    const sc = singleCore(1, [1, 2, 3], {}, initial([1, 2, 3], [1], 1));
    sc.core.campaign();
    const out = sc.drain();
    expect(sc.core.status()).toMatchObject({ role: 'pre-candidate', term: 1 });
    expect(sc.storage.hardState).toMatchObject({ term: 1, vote: 0 });
    expect(out.map((m) => [m.type, m.term])).toEqual([
      ['pre-vote', 2],
      ['pre-vote', 2],
    ]);
    sc.core.step(message({ type: 'pre-vote-response', from: 2, to: 1, term: 1, reject: true }));
    sc.core.step(message({ type: 'pre-vote-response', from: 3, to: 1, term: 1, reject: true }));
    expect(sc.core.status()).toMatchObject({ role: 'follower', term: 1 });
    sc.core.campaign();
    sc.core.step(message({ type: 'pre-vote-response', from: 2, to: 1, term: 2 }));
    expect(sc.core.status()).toMatchObject({ role: 'candidate', term: 2 });
  });

  it('§3.10 (leadership transfer): the leader stops accepting proposals, brings the target up to date, sends TimeoutNow; "If the transfer does not complete within about an election timeout, the prior leader aborts the transfer and resumes accepting client requests."', () => {
    const sc = singleCore(1, [1, 2, 3]);
    elect(sc, [1, 2, 3]);
    sc.core.step(message({ type: 'append-response', from: 3, to: 1, term: 1, index: 1 }));
    sc.drain();
    expect(sc.core.transferLeadership(9)).toBe(false);
    expect(sc.core.transferLeadership(2)).toBe(true);
    expect(sc.core.propose(data('x'))).toMatchObject({ ok: false, reason: 'transferring' });
    expect(ofType(sc.drain(), 'timeout-now')).toEqual([]);
    sc.core.step(message({ type: 'append-response', from: 2, to: 1, term: 1, index: 1 }));
    expect(ofType(sc.drain(), 'timeout-now')).toMatchObject([{ to: 2 }]);
    for (let i = 0; i < TEST_CONFIG.electionTicks; i++) sc.core.tick();
    expect(sc.core.status().transferee).toBe(0);
    expect(sc.core.propose(data('x')).ok).toBe(true);
  });

  it('the target of TimeoutNow campaigns at once, without pre-vote, and its vote request says it is a transfer', () => {
    const sc = singleCore(2, [1, 2, 3]);
    sc.core.step(message({ type: 'heartbeat', from: 1, to: 2, term: 1 }));
    sc.core.step(message({ type: 'timeout-now', from: 1, to: 2, term: 1 }));
    expect(sc.core.status()).toMatchObject({ role: 'candidate', term: 2 });
    expect(ofType(sc.drain(), 'vote').every((m) => m.transfer)).toBe(true);
  });
});

describe('robustness', () => {
  it('malformed, misaddressed and nonsensical messages are dropped, never thrown on', () => {
    const sc = singleCore(1, [1, 2, 3]);
    const bad: unknown[] = [
      null,
      {},
      { ...message({ type: 'append', from: 2, to: 1, term: 1 }), type: 'nonsense' },
      message({ type: 'append', from: 2, to: 1, term: 1, index: 0, entries: [entry(5, 1)] }),
      message({ type: 'append', from: 2, to: 1, term: 1, index: 0, entries: [entry(1, 2)] }),
      message({ type: 'append', from: 2, to: 1, term: -1 }),
      message({ type: 'append', from: 0, to: 1, term: 1 }),
      message({ type: 'snapshot', from: 2, to: 1, term: 1 }),
      message({ type: 'heartbeat', from: 2, to: 1, term: 1, commit: 99 }),
      message({ type: 'append', from: 2, to: 7, term: 5 }),
      message({ type: 'append-response', from: 2, to: 1, term: 1, index: 1e6 }),
    ];
    for (const m of bad) expect(() => sc.core.step(m as Message)).not.toThrow();
    sc.drain();
    expect(sc.core.status()).toMatchObject({ commit: 0, lastIndex: 0 });
  });

  it('a follower refuses a snapshot larger than maxSnapshotBytes (a bounded buffer) and stays consistent', () => {
    const sc = singleCore(2, [1, 2, 3], { maxSnapshotBytes: 4 });
    const meta = { index: 5, term: 1, voters: [1, 2, 3] };
    sc.core.step(message({ type: 'snapshot', from: 1, to: 2, term: 1, snapshotMeta: meta, snapshotOffset: 0, snapshotChunk: data('abc') }));
    sc.core.step(message({ type: 'snapshot', from: 1, to: 2, term: 1, snapshotMeta: meta, snapshotOffset: 3, snapshotChunk: data('def'), snapshotDone: true }));
    expect(sc.drain().map((m) => [m.reject, m.snapshotOffset])).toEqual([
      [false, 3],
      [true, 0],
    ]);
    expect(sc.core.status()).toMatchObject({ snapshotIndex: 0, lastIndex: 0 });
  });

  it('rejects an impossible configuration with a clear message', () => {
    expect(() => singleCore(1, [1], { heartbeatTicks: 10, electionTicks: 10 })).toThrow(/heartbeatTicks must be less than electionTicks/);
    expect(() => singleCore(0, [1])).toThrow(/id must be a positive integer/);
  });
});
