// Level 2 of the Raft tests: whole clusters of cores on the synchronous in-memory network, with
// faults injected by hand (drop, cut, isolate, crash/restart). Each test drives a scenario to its
// end and checks what every node applied, so it proves the behaviour end to end rather than one
// message at a time. Ticks are the only clock; every loop is bounded.
import { describe, it, expect } from 'vitest';
import { Network } from './network.js';
import type { Message } from '../core/types.js';

function converged(net: Network, ids: number[], values: string[]): void {
  for (const id of ids) expect(net.values(id), `node ${id}`).toEqual(values);
}

describe('election', () => {
  it('a fresh cluster elects exactly one leader, which every node follows', () => {
    const net = new Network({ ids: [1, 2, 3, 4, 5], seed: 7 });
    const leader = net.electLeader();
    net.tickAll(3);
    const statuses = [...net.nodes.values()].map((n) => n.core.status());
    expect(statuses.filter((s) => s.role === 'leader').map((s) => s.id)).toEqual([leader]);
    expect(new Set(statuses.map((s) => s.leaderId))).toEqual(new Set([leader]));
    expect(new Set(statuses.map((s) => s.term)).size).toBe(1);
  });

  it('a single-node cluster elects itself at once and commits alone', () => {
    const net = new Network({ ids: [1] });
    net.core(1).campaign();
    net.deliver();
    expect(net.leader()).toBe(1);
    expect(net.propose(1, 'solo').ok).toBe(true);
    net.deliver();
    converged(net, [1], ['solo']);
  });

  it('after the leader is partitioned away the others elect a new one; when it returns it follows', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 3 });
    const old = net.electLeader();
    net.propose(old, 'before');
    net.deliver();
    const oldTerm = net.core(old).status().term;
    net.isolate(old);
    let fresh: number | undefined;
    for (let i = 0; i < 100 && fresh === undefined; i++) {
      net.tickAll(1);
      fresh = [...net.nodes.keys()].find((id) => id !== old && net.core(id).status().role === 'leader');
    }
    expect(fresh).toBeDefined();
    expect(net.core(fresh!).status().term).toBeGreaterThan(oldTerm);
    expect(net.propose(fresh!, 'after').ok).toBe(true);
    net.heal();
    net.tickAll(5);
    expect(net.core(old).status()).toMatchObject({ role: 'follower', leaderId: fresh });
    converged(net, [1, 2, 3], ['before', 'after']);
  });
});

describe('log replication and repair', () => {
  it('a follower that missed entries is brought up to date', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 11 });
    const leader = net.electLeader();
    const lagging = [1, 2, 3].find((id) => id !== leader)!;
    net.cut(leader, lagging);
    const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
    for (const v of values) expect(net.propose(leader, v).ok).toBe(true);
    net.deliver();
    expect(net.values(lagging)).toEqual([]);
    net.heal();
    net.tickAll(3);
    converged(net, [1, 2, 3], values);
  });

  it('uncommitted entries of a deposed leader are overwritten by the new leader’s log', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 5 });
    const old = net.electLeader();
    net.propose(old, 'committed');
    net.deliver();
    net.isolate(old);
    // The isolated leader accepts entries it can never commit.
    for (let i = 0; i < 5; i++) net.propose(old, `lost${i}`);
    net.deliver();
    expect(net.core(old).status().lastIndex).toBeGreaterThan(net.core(old).status().commit);
    let fresh: number | undefined;
    for (let i = 0; i < 100 && fresh === undefined; i++) {
      net.tickAll(1);
      fresh = [...net.nodes.keys()].find((id) => id !== old && net.core(id).status().role === 'leader');
    }
    net.propose(fresh!, 'new');
    net.deliver();
    net.heal();
    net.tickAll(5);
    converged(net, [1, 2, 3], ['committed', 'new']);
    const stored = net.node(old).storage.entries.map((e) => new TextDecoder().decode(e.data));
    expect(stored.filter((d) => d.startsWith('lost'))).toEqual([]);
  });

  it('a lossy link slows replication but loses nothing', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 13 });
    const leader = net.electLeader();
    for (const id of [1, 2, 3]) if (id !== leader) net.drop(leader, id, 0.4);
    const values = Array.from({ length: 20 }, (_, i) => `x${i}`);
    for (const v of values) {
      net.propose(leader, v);
      net.tickAll(1);
    }
    net.heal();
    net.tickAll(5);
    converged(net, [1, 2, 3], values);
  });

  it('a crashed follower restarts from its storage and catches up', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 17 });
    const leader = net.electLeader();
    const f = [1, 2, 3].find((id) => id !== leader)!;
    net.propose(leader, 'a');
    net.deliver();
    net.crash(f);
    net.propose(leader, 'b');
    net.deliver();
    net.restart(f);
    expect(net.core(f).status().term).toBe(net.core(leader).status().term);
    net.tickAll(3);
    converged(net, [1, 2, 3], ['a', 'b']);
  });
});

describe('pre-vote and check-quorum', () => {
  it('pre-vote: a partitioned node does not inflate its term, and rejoining does not disturb the leader', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 19 });
    const leader = net.electLeader();
    const term = net.core(leader).status().term;
    const loner = [1, 2, 3].find((id) => id !== leader)!;
    net.isolate(loner);
    net.tickAll(20 * 10);
    expect(net.core(loner).status().term).toBe(term);
    net.heal();
    net.tickAll(20);
    expect(net.leader()).toBe(leader);
    expect(net.core(leader).status().term).toBe(term);
  });

  it('without pre-vote the same partition inflates the term and deposes the leader on return (the contrast)', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 19, config: { preVote: false, checkQuorum: false } });
    const leader = net.electLeader();
    const term = net.core(leader).status().term;
    const loner = [1, 2, 3].find((id) => id !== leader)!;
    net.isolate(loner);
    net.tickAll(20 * 10);
    expect(net.core(loner).status().term).toBeGreaterThan(term + 5);
    net.heal();
    net.tickAll(40);
    expect(net.core(net.leader()!).status().term).toBeGreaterThan(term + 5);
  });

  it('check-quorum: a leader cut off from its quorum steps down within two election timeouts', () => {
    const net = new Network({ ids: [1, 2, 3, 4, 5], seed: 23 });
    const leader = net.electLeader();
    net.isolate(leader);
    let ticks = 0;
    while (net.core(leader).status().role === 'leader' && ticks < 100) {
      net.tickAll(1);
      ticks++;
    }
    expect(net.core(leader).status().role).toBe('follower');
    expect(ticks).toBeLessThanOrEqual(2 * 10);
  });
});

describe('leadership transfer', () => {
  it('completes at once, without waiting out the leader lease, and the old leader follows', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 29 });
    const old = net.electLeader();
    net.propose(old, 'x');
    net.deliver();
    const target = [1, 2, 3].find((id) => id !== old)!;
    expect(net.core(old).transferLeadership(target)).toBe(true);
    // No tick at all: every voter heard from the old leader just now (in lease), yet they vote.
    net.deliver();
    expect(net.leader()).toBe(target);
    expect(net.core(old).status()).toMatchObject({ role: 'follower', leaderId: target });
    expect(net.propose(target, 'y').ok).toBe(true);
    net.tickAll(2);
    converged(net, [1, 2, 3], ['x', 'y']);
  });

  it('brings a lagging target up to date first', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 31 });
    const old = net.electLeader();
    const target = [1, 2, 3].find((id) => id !== old)!;
    net.cut(old, target);
    for (let i = 0; i < 10; i++) net.propose(old, `e${i}`);
    net.deliver();
    net.heal();
    expect(net.core(old).transferLeadership(target)).toBe(true);
    net.tickAll(3);
    expect(net.leader()).toBe(target);
    expect(net.values(target)).toHaveLength(10);
  });
});

describe('membership changes', () => {
  it('adds a voter that starts empty, then removes the leader, which steps down; the cluster keeps committing', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 37 });
    const leader = net.electLeader();
    net.propose(leader, 'a');
    net.deliver();
    net.add(4, []);
    expect(net.proposeConfChange(leader, { type: 'add-voter', nodeId: 4 }).ok).toBe(true);
    net.tickAll(3);
    for (const id of [1, 2, 3, 4]) expect(net.core(id).status().voters).toEqual([1, 2, 3, 4]);
    converged(net, [1, 2, 3, 4], ['a']);

    expect(net.proposeConfChange(leader, { type: 'remove-voter', nodeId: leader }).ok).toBe(true);
    net.tickAll(2);
    expect(net.core(leader).status().role).toBe('follower');
    const rest = [1, 2, 3, 4].filter((id) => id !== leader);
    const fresh = net.electLeader();
    expect(rest).toContain(fresh);
    expect(net.propose(fresh, 'b').ok).toBe(true);
    net.tickAll(3);
    converged(net, rest, ['a', 'b']);
    for (const id of rest) expect(net.core(id).status().voters).toEqual(rest);
  });

  it('a removed node that never heard of its removal cannot disrupt the cluster (pre-vote and the lease)', () => {
    const net = new Network({ ids: [1, 2, 3, 4], seed: 41 });
    const leader = net.electLeader();
    net.propose(leader, 'a');
    net.deliver();
    const victim = [1, 2, 3, 4].find((id) => id !== leader)!;
    net.isolate(victim);
    expect(net.proposeConfChange(leader, { type: 'remove-voter', nodeId: victim }).ok).toBe(true);
    net.tickAll(3);
    const term = net.core(leader).status().term;
    net.heal();
    net.tickAll(100);
    expect(net.leader()).toBe(leader);
    expect(net.core(leader).status().term).toBe(term);
  });
});

describe('snapshots', () => {
  it('a follower that needs compacted entries receives the snapshot in chunks and installs it', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 43, config: { maxSnapshotChunkBytes: 16 } });
    const leader = net.electLeader();
    const behind = [1, 2, 3].find((id) => id !== leader)!;
    net.isolate(behind);
    const values = Array.from({ length: 12 }, (_, i) => `value-${i}`);
    for (const v of values) net.propose(leader, v);
    net.deliver();
    for (const id of [1, 2, 3]) if (id !== behind) net.compact(id);
    expect(net.core(leader).status().snapshotIndex).toBeGreaterThan(10);
    const chunks: Message[] = [];
    net.filter = (m) => {
      if (m.type === 'snapshot') chunks.push(m);
      return true;
    };
    net.heal();
    net.tickAll(10);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.snapshotChunk.length <= 16)).toBe(true);
    expect(net.values(behind)).toEqual(values);
    expect(net.node(behind).storage.snapshot?.meta.index).toBe(net.core(leader).status().snapshotIndex);
    // And it goes on replicating normally afterwards.
    net.propose(leader, 'later');
    net.tickAll(2);
    converged(net, [1, 2, 3], [...values, 'later']);
  });

  it('a transfer interrupted by a crash of the receiver starts over and completes', () => {
    const net = new Network({ ids: [1, 2, 3], seed: 47, config: { maxSnapshotChunkBytes: 8 } });
    const leader = net.electLeader();
    const behind = [1, 2, 3].find((id) => id !== leader)!;
    net.isolate(behind);
    for (let i = 0; i < 8; i++) net.propose(leader, `v${i}`);
    net.deliver();
    net.compact(leader);
    let seen = 0;
    net.filter = (m) => {
      if (m.type === 'snapshot' && m.to === behind && ++seen === 3) net.crash(behind);
      return true;
    };
    net.heal();
    net.tickAll(5);
    net.filter = undefined;
    net.restart(behind);
    net.tickAll(20);
    expect(net.values(behind)).toEqual(net.values(leader));
    expect(net.values(behind)).toHaveLength(8);
  });
});
