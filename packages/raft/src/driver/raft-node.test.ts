// Proves the whole Raft stack in one process: RaftNodes driving the real core over the real gRPC
// transport (servers on 127.0.0.1) and the real LevelDB storage (temporary directories). A cluster
// elects a leader, replicates and applies proposals everywhere, fails over when the leader stops,
// catches a restarted node up by entries and, past a compaction, by snapshot; it survives a restart
// of every node; a voter is added (catching up by snapshot), handed leadership and removed; a
// proposal whose outcome is unknown fails with REQUEST_TIMED_OUT. Identity: a node whose metadata
// was lost (or whose whole data directory was wiped) comes back under a new directory id, takes no
// part in elections, and votes again only once removed and re-added.
//
// Times: a 20 ms tick and a 10-tick election timeout, so elections take a few hundred ms; every wait
// is bounded (waitUntil polls with a deadline and dumps the cluster's state when it gives up).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { GRPC_CHANNEL_OPTIONS, assert } from '@samsa/protocol';
import { EntryType, Role } from '../core/index.js';
import type { Entry, NodeId, Snapshot } from '../core/index.js';
import { LevelRaftStorage } from '../storage/level-storage.js';
import type { RecordedIdentity } from '../storage/level-storage.js';
import type { RaftIdentity } from '../storage/storage.js';
import { GrpcRaftTransport } from '../transport/grpc-transport.js';
import { RaftNode } from './raft-node.js';
import type { RaftNodeSettings } from './config.js';
import type { StateMachine } from './raft-node.js';

const logger = pino({ level: process.env['SAMSA_TEST_LOG'] ?? 'silent' });
const WAIT_MS_MAX = 20_000;
const TEST_SETTINGS: Partial<RaftNodeSettings> = { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, proposeTimeoutMs: 5000, changeTimeoutMs: 10_000 };

/** The state machine of these tests: the text of every application entry, in order. */
class TestMachine implements StateMachine {
  index = 0;
  values: string[] = [];
  restores = 0;

  apply(entry: Entry): void {
    assert(entry.index === this.index + 1, `state machine applied ${entry.index} after ${this.index}`);
    this.index = entry.index;
    if (entry.type === EntryType.NORMAL) this.values.push(Buffer.from(entry.data).toString('utf8'));
  }

  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify({ index: this.index, values: this.values }));
  }

  restore(snapshot: Snapshot): void {
    const image = JSON.parse(Buffer.from(snapshot.data).toString('utf8')) as { index: number; values: string[] };
    assert(image.index === snapshot.meta.index, `snapshot image at ${image.index}, meta at ${snapshot.meta.index}`);
    this.index = image.index;
    this.values = image.values;
    this.restores++;
  }
}

interface Member {
  readonly id: NodeId;
  readonly server: grpc.Server;
  readonly transport: GrpcRaftTransport;
  node: RaftNode;
  readonly sm: TestMachine;
}

interface StartOptions {
  bootstrapVoters?: NodeId[];
  clusterId?: string;
  recorded?: RecordedIdentity;
  settings?: Partial<RaftNodeSettings>;
}

class TestCluster {
  readonly members = new Map<NodeId, Member>();
  private readonly ports = new Map<NodeId, number>();
  private readonly settings: Partial<RaftNodeSettings>;
  private root = '';
  /** The voters the cluster was first started with: what a restarted member is given again. */
  private bootstrap: NodeId[] | undefined;

  constructor(settings: Partial<RaftNodeSettings> = {}) {
    this.settings = { ...TEST_SETTINGS, ...settings };
  }

  dir(id: NodeId): string {
    return join(this.root, `node-${id}`);
  }

  address(id: NodeId): string {
    const port = this.ports.get(id);
    assert(port !== undefined, `node ${id} has no port yet`);
    return `127.0.0.1:${port}`;
  }

  /** Starts nodes together: their servers first (to learn the ports), then the Raft nodes. */
  async start(ids: NodeId[], options: StartOptions = {}): Promise<void> {
    if (this.root === '') this.root = await mkdtemp(join(tmpdir(), 'samsa-raft-node-'));
    this.bootstrap ??= ids;
    const servers = new Map<NodeId, { server: grpc.Server; transport: GrpcRaftTransport }>();
    for (const id of ids) {
      const server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
      const transport = new GrpcRaftTransport({ nodeId: id, server, logger: logger.child({ nodeId: id }) });
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${this.ports.get(id) ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
      );
      this.ports.set(id, port);
      servers.set(id, { server, transport });
    }
    const peers = new Map([...this.ports].map(([id, port]) => [id, `127.0.0.1:${port}`]));
    for (const id of ids) {
      const { server, transport } = servers.get(id)!;
      const storage = await LevelRaftStorage.open({ path: join(this.dir(id), 'metadata'), nodeId: id, clusterId: options.clusterId ?? 'test-cluster', logger, ...(options.recorded ? { recorded: options.recorded } : {}) });
      const sm = new TestMachine();
      const node = await RaftNode.start({
        id,
        storage,
        transport,
        stateMachine: sm,
        bootstrapVoters: options.bootstrapVoters ?? this.bootstrap,
        peers,
        logger: logger.child({ nodeId: id }),
        ...this.settings,
        ...options.settings,
      });
      this.members.set(id, { id, server, transport, node, sm });
    }
  }

  async stop(id: NodeId): Promise<void> {
    const m = this.members.get(id);
    if (m === undefined) return;
    this.members.delete(id);
    await m.node.stop();
    m.server.forceShutdown();
  }

  async close(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.stop(id);
    if (this.root !== '') await rm(this.root, { recursive: true, force: true });
  }

  get(id: NodeId): Member {
    const m = this.members.get(id);
    assert(m !== undefined, `node ${id} is not running`);
    return m;
  }

  /** The running node that leads: the only one that says so, in a term no running node is past. */
  leader(): Member | undefined {
    const members = [...this.members.values()];
    const leaders = members.filter((m) => m.node.status().role === Role.LEADER);
    if (leaders.length !== 1) return undefined;
    const l = leaders[0]!;
    const term = l.node.status().term;
    return members.every((m) => m.node.status().term <= term) ? l : undefined;
  }

  async waitForLeader(): Promise<Member> {
    await this.waitUntil(() => this.leader() !== undefined, 'a leader');
    return this.leader()!;
  }

  dump(): string {
    return [...this.members.values()]
      .map((m) => {
        const s = m.node.status();
        return `node ${m.id}: ${s.role} term ${s.term} leader ${s.leaderId} commit ${s.commit} applied ${m.node.appliedIndex} last ${s.lastIndex} snapshot ${s.snapshotIndex} voters [${s.voters.join(',')}] canVote ${m.node.canVote()} values ${m.sm.values.length}`;
      })
      .join('\n');
  }

  async waitUntil(predicate: () => boolean, what: string, timeoutMs = WAIT_MS_MAX): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms\n${this.dump()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Every running node listed has applied exactly `values`. */
  allHave(values: string[], ids: NodeId[] = [...this.members.keys()]): boolean {
    return ids.every((id) => {
      const v = this.members.get(id)?.sm.values;
      return v !== undefined && v.length === values.length && v.every((x, i) => x === values[i]);
    });
  }

  /** Every running node knows the directory id of every voter (the bootstrap binding is done). */
  allBound(): boolean {
    return [...this.members.values()].every((m) => m.node.voters().every((v) => v.directoryId !== ''));
  }
}

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function proposeAll(leader: Member, values: string[]): Promise<void> {
  for (const v of values) await leader.node.propose(Buffer.from(v));
}

/** Waits `ms` doing nothing: only to let an absence show (no leader can be elected), never for a result. */
const quietPeriod = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RaftNode: a three-node cluster over gRPC and LevelDB', () => {
  it('elects a leader, applies proposals everywhere, fails over, and catches a restarted node up', async () => {
    cluster = new TestCluster();
    await cluster.start([1, 2, 3]);
    const first = await cluster.waitForLeader();
    const values = ['a', 'b', 'c', 'd', 'e'];
    const results = [];
    for (const v of values) results.push(await first.node.propose(Buffer.from(v)));
    expect(results.map((r) => r.index)).toEqual([...results.map((r) => r.index)].sort((a, b) => a - b));
    expect(new Set(results.map((r) => r.term)).size).toBe(1);
    await cluster.waitUntil(() => cluster!.allHave(values), 'every node applying a..e');

    // A follower refuses, naming the leader.
    const follower = [...cluster.members.values()].find((m) => m !== first)!;
    await expect(follower.node.propose(Buffer.from('x'))).rejects.toMatchObject({ code: 'NOT_CONTROLLER', details: { leaderId: first.id } });

    await cluster.stop(first.id);
    const second = await cluster.waitForLeader();
    expect(second.id).not.toBe(first.id);
    expect(second.node.status().term).toBeGreaterThan(results[0]!.term);
    const more = ['f', 'g', 'h'];
    await proposeAll(second, more);
    await cluster.waitUntil(() => cluster!.allHave([...values, ...more]), 'the two survivors applying f..h');

    // Restarted with a wrong voter list, it keeps the one it first started with (recorded in its
    // storage): the log has no configuration entry yet, so a list of one would make it a cluster of one.
    await cluster.start([first.id], { bootstrapVoters: [first.id] });
    expect(cluster.get(first.id).node.status().voters).toEqual([1, 2, 3]);
    await cluster.waitUntil(() => cluster!.allHave([...values, ...more]), 'the restarted node catching up by entries');
    expect(cluster.get(first.id).sm.restores).toBe(0);
  });

  it('catches a node up by snapshot once the log it needs was compacted', async () => {
    cluster = new TestCluster({ snapshotEveryEntries: 10 });
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    const lagging = [...cluster.members.values()].find((m) => m !== leader)!.id;
    await cluster.stop(lagging);
    const values = Array.from({ length: 35 }, (_, i) => `v${i}`);
    await proposeAll(leader, values);
    await cluster.waitUntil(() => [...cluster!.members.values()].every((m) => m.node.status().snapshotIndex >= 30), 'both running nodes compacting');

    await cluster.start([lagging]);
    await cluster.waitUntil(() => cluster!.allHave(values), 'the lagging node catching up');
    // At least one snapshot: a second comes when the leader compacts again before the entries after the first reach it.
    expect(cluster.get(lagging).sm.restores).toBeGreaterThanOrEqual(1);
    expect(cluster.get(lagging).node.status().snapshotIndex).toBeGreaterThanOrEqual(30);

    // The snapshot it received is on its disk: after a restart it starts from it.
    await cluster.stop(lagging);
    await cluster.start([lagging]);
    expect(cluster.get(lagging).sm.restores).toBe(1);
    expect(cluster.get(lagging).sm.index).toBeGreaterThanOrEqual(30);
    await cluster.waitUntil(() => cluster!.allHave(values), 'the lagging node after its own restart');
  });

  it('survives a restart of every node: term, log, snapshots and identities', async () => {
    cluster = new TestCluster({ snapshotEveryEntries: 8 });
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    const values = Array.from({ length: 12 }, (_, i) => `p${i}`);
    await proposeAll(leader, values);
    await cluster.waitUntil(() => cluster!.allHave(values) && cluster!.allBound(), 'everything applied and bound');
    const before = new Map([...cluster.members.values()].map((m) => [m.id, { term: m.node.status().term, identity: m.node.identity }]));

    for (const id of [1, 2, 3]) await cluster.stop(id);
    await cluster.start([1, 2, 3]);
    for (const m of cluster.members.values()) {
      expect(m.node.identity).toEqual(before.get(m.id)!.identity);
      expect(m.node.status().term).toBeGreaterThanOrEqual(before.get(m.id)!.term);
    }
    const again = await cluster.waitForLeader();
    await cluster.waitUntil(() => cluster!.allHave(values), 'every node re-applying its state after the restart');
    await again.node.propose(Buffer.from('after'));
    await cluster.waitUntil(() => cluster!.allHave([...values, 'after']), 'a proposal after the restart');
    expect(cluster.allBound()).toBe(true);
  });

  it('adds a voter (it catches up by snapshot), hands it leadership, and removes it', async () => {
    cluster = new TestCluster({ snapshotEveryEntries: 10 });
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    const values = Array.from({ length: 15 }, (_, i) => `m${i}`);
    await proposeAll(leader, values);
    await cluster.waitUntil(() => cluster!.allHave(values) && cluster!.allBound(), 'the first three in sync');

    // Node 4 joins a running cluster: no bootstrap voters.
    await cluster.start([4], { bootstrapVoters: [] });
    expect(cluster.get(4).node.status().voters).toEqual([]);
    await leader.node.addVoter(4, cluster.address(4));
    await cluster.waitUntil(() => cluster!.allHave(values), 'node 4 catching up');
    expect(cluster.get(4).sm.restores).toBe(1);
    await cluster.waitUntil(() => [...cluster!.members.values()].every((m) => m.node.status().voters.join() === '1,2,3,4'), 'everyone seeing four voters');
    const four = leader.node.voters().find((v) => v.nodeId === 4)!;
    expect(four).toEqual({ nodeId: 4, directoryId: cluster.get(4).node.identity.directoryId, address: cluster.address(4) });
    await cluster.waitUntil(() => cluster!.allBound(), 'node 4 knowing every directory id');

    await leader.node.transferLeadership(4);
    expect(cluster.get(4).node.status().role).toBe(Role.LEADER);
    await cluster.get(4).node.propose(Buffer.from('from-4'));
    await cluster.waitUntil(() => cluster!.allHave([...values, 'from-4']), 'a proposal through node 4');

    await cluster.get(4).node.transferLeadership(leader.id);
    await leader.node.removeVoter(4);
    await leader.node.removeVoter(4);
    await cluster.waitUntil(() => [1, 2, 3].every((id) => cluster!.get(id).node.status().voters.join() === '1,2,3'), 'the voters back to 1,2,3');
    expect(leader.node.voters().map((v) => v.nodeId)).toEqual([1, 2, 3]);
    await cluster.stop(4);
    await leader.node.propose(Buffer.from('without-4'));
    await cluster.waitUntil(() => cluster!.allHave([...values, 'from-4', 'without-4']), 'proposals without node 4');
  });

  it('refuses to add a node of another cluster, or one that is not the node it claims to be', async () => {
    cluster = new TestCluster();
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    await cluster.start([4], { bootstrapVoters: [], clusterId: 'other-cluster' });
    await expect(leader.node.addVoter(4, cluster.address(4))).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/cluster other-cluster/) });
    await expect(leader.node.addVoter(5, cluster.address(4))).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/is node 4, not node 5/) });
    const follower = [...cluster.members.values()].find((m) => m !== leader && m.id !== 4)!;
    await expect(follower.node.addVoter(4, cluster.address(4))).rejects.toMatchObject({ code: 'NOT_CONTROLLER', details: { leaderId: leader.id } });
    expect(leader.node.status().voters).toEqual([1, 2, 3]);
  });

  it('reports an unknown outcome as REQUEST_TIMED_OUT, and stops cleanly', async () => {
    cluster = new TestCluster();
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    await leader.node.propose(Buffer.from('ok'));
    for (const m of [...cluster.members.values()]) if (m !== leader) await cluster.stop(m.id);
    await expect(leader.node.propose(Buffer.from('lost?'), { timeoutMs: 600 })).rejects.toMatchObject({ code: 'REQUEST_TIMED_OUT' });
    await expect(leader.node.propose(Buffer.alloc(9 * 1024 * 1024))).rejects.toMatchObject({ code: 'RECORD_LIST_TOO_LARGE' });
    await leader.node.stop();
    await leader.node.stop();
    await expect(leader.node.closed()).resolves.toBeUndefined();
    await expect(leader.node.propose(Buffer.from('late'))).rejects.toMatchObject({ code: 'NOT_CONTROLLER' });
  });
});

describe('RaftNode: a single node', () => {
  it('leads a cluster of one by itself and applies its proposals', async () => {
    cluster = new TestCluster();
    await cluster.start([1]);
    const only = await cluster.waitForLeader();
    await expect(only.node.propose(Buffer.from('solo'))).resolves.toMatchObject({ term: only.node.status().term });
    expect(only.sm.values).toEqual(['solo']);
    expect(only.node.appliedIndex).toBe(only.sm.index);
    await cluster.stop(1);
    await cluster.start([1]);
    await cluster.waitForLeader();
    expect(cluster.get(1).sm.values).toEqual(['solo']);
  });

  it('stops, with the error, when a write fails', async () => {
    cluster = new TestCluster();
    await cluster.start([1]);
    const only = await cluster.waitForLeader();
    // Pull the storage from under the node: its next write fails.
    await (only.node as unknown as { storage: LevelRaftStorage }).storage.close();
    await expect(only.node.propose(Buffer.from('x'))).rejects.toMatchObject({ code: 'REQUEST_TIMED_OUT' });
    const err = await only.node.closed();
    expect(err).toMatchObject({ name: 'RaftStorageError', reason: 'io' });
  });
});

describe('RaftNode: identity', () => {
  it('records every bootstrap voter with its directory id', async () => {
    cluster = new TestCluster();
    await cluster.start([1, 2, 3]);
    await cluster.waitForLeader();
    await cluster.waitUntil(() => cluster!.allBound(), 'every voter recorded');
    const ids = new Map([...cluster.members.values()].map((m) => [m.id, m.node.identity.directoryId]));
    for (const m of cluster.members.values()) {
      expect(m.node.voters()).toEqual([1, 2, 3].map((id) => ({ nodeId: id, directoryId: ids.get(id), address: cluster!.address(id) })));
      expect(m.node.canVote()).toBe(true);
    }
  });

  it('a voter whose metadata was lost comes back as a new incarnation that does not vote until it is removed and re-added', async () => {
    cluster = new TestCluster();
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    await proposeAll(leader, ['one']);
    await cluster.waitUntil(() => cluster!.allHave(['one']) && cluster!.allBound(), 'in sync and bound');
    const lost = [...cluster.members.values()].find((m) => m !== leader)!.id;
    const survivor = [1, 2, 3].find((id) => id !== lost && id !== leader.id)!;
    const old: RaftIdentity = cluster.get(lost).node.identity;

    await cluster.stop(lost);
    await rm(join(cluster.dir(lost), 'metadata'), { recursive: true, force: true });
    // meta.properties still names the old directory id: the storage knows its state is lost.
    await cluster.start([lost], { bootstrapVoters: [1, 2, 3], recorded: { clusterId: old.clusterId, nodeId: lost, directoryId: old.directoryId } });
    const reborn = cluster.get(lost);
    expect(reborn.node.identity.replaces).toBe(old.directoryId);
    expect(reborn.node.identity.directoryId).not.toBe(old.directoryId);
    expect(reborn.node.canVote()).toBe(false);

    await proposeAll(leader, ['two']);
    await cluster.waitUntil(() => cluster!.allHave(['one', 'two'], [leader.id, survivor]), 'the others going on');
    expect(reborn.sm.values).toEqual([]);
    expect(reborn.node.status().term).toBe(0);

    // Without the survivor there is no quorum: the new incarnation's vote does not count.
    await cluster.stop(survivor);
    await quietPeriod(1500);
    expect(cluster.leader()).toBeUndefined();
    expect(reborn.node.status()).toMatchObject({ term: 0, role: Role.FOLLOWER });
    await cluster.start([survivor], { bootstrapVoters: [1, 2, 3] });
    const back = await cluster.waitForLeader();
    expect(back.id).not.toBe(lost);

    // The operator removes the lost incarnation and adds the new one.
    await back.node.removeVoter(lost);
    await back.node.addVoter(lost, cluster.address(lost));
    await cluster.waitUntil(() => reborn.node.canVote(), 'the new incarnation recorded');
    await cluster.waitUntil(() => cluster!.allHave(['one', 'two']), 'the new incarnation catching up');
    expect(back.node.voters().find((v) => v.nodeId === lost)?.directoryId).toBe(reborn.node.identity.directoryId);
    await back.node.propose(Buffer.from('three'));
    await cluster.waitUntil(() => cluster!.allHave(['one', 'two', 'three']), 'all three applying again');
  });

  it('a node whose whole data directory was wiped cannot pass for its former self', async () => {
    cluster = new TestCluster();
    await cluster.start([1, 2, 3]);
    const leader = await cluster.waitForLeader();
    await proposeAll(leader, ['one']);
    await cluster.waitUntil(() => cluster!.allHave(['one']) && cluster!.allBound(), 'in sync and bound');
    const wiped = [...cluster.members.values()].find((m) => m !== leader)!.id;
    const survivor = [1, 2, 3].find((id) => id !== wiped && id !== leader.id)!;
    const old = cluster.get(wiped).node.identity;

    await cluster.stop(wiped);
    await rm(cluster.dir(wiped), { recursive: true, force: true });
    // Nothing local tells it that it lost anything: it starts as a bootstrap voter would.
    await cluster.start([wiped], { bootstrapVoters: [1, 2, 3] });
    const fresh = cluster.get(wiped);
    expect(fresh.node.identity.directoryId).not.toBe(old.directoryId);
    expect(fresh.node.identity.replaces).toBeUndefined();

    // The others know voter `wiped` by its old directory id: they refuse the new one's messages,
    // and it refuses theirs (addressed to the old one). Without the survivor, nobody is elected.
    await cluster.stop(survivor);
    await quietPeriod(1500);
    expect(cluster.leader()).toBeUndefined();
    expect(cluster.get(leader.id).node.status().role).not.toBe(Role.LEADER);
    expect(fresh.sm.values).toEqual([]);

    await cluster.start([survivor], { bootstrapVoters: [1, 2, 3] });
    const back = await cluster.waitForLeader();
    expect(back.id).not.toBe(wiped);
    await back.node.removeVoter(wiped);
    await back.node.addVoter(wiped, cluster.address(wiped));
    await cluster.waitUntil(() => cluster!.allHave(['one']), 'the new incarnation catching up');
    expect(back.node.voters().find((v) => v.nodeId === wiped)?.directoryId).toBe(fresh.node.identity.directoryId);
  });
});
