// Partition replication across real processes: a 3-node cluster (combined mode, one Raft metadata
// quorum) and topics of replication factor 3. It proves: acks=all records reach every replica
// (each node's own log has them, and the high watermark covers them); after the leader is
// SIGKILLed the new leader serves every acknowledged record; with min.insync.replicas 3 a dead
// broker makes acks=all fail with NOT_ENOUGH_REPLICAS and write nothing, and its restart restores
// service with no operator action; a leader SIGSTOPped past the session timeout acknowledges
// nothing after SIGCONT, truncates what diverged and follows the new leader. Bounds are generous;
// times are benchmark figures.
import { Samsa } from '@samsa/client';
import type { PartitionDescription } from '@samsa/client';
import type { AlterConfigsResponse__Output, DescribeTopicsResponse__Output, ProduceResponse__Output } from '@samsa/protocol';
import { encodeBatch } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, waitUntil } from './harness/cluster.js';
import type { BrokerNode } from './harness/cluster.js';

let cluster: Cluster;

const client = (): Samsa => new Samsa({ brokers: cluster.running().filter((n) => !n.paused).map((n) => n.address), clientId: 'replication-test', requestTimeoutMs: 10_000 });

async function admin<T>(fn: (a: ReturnType<Samsa['admin']>) => Promise<T>): Promise<T> {
  const a = client().admin();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

const partitionsOf = async (topic: string): Promise<PartitionDescription[]> => admin(async (a) => [...(await a.describeTopics([topic]))[0]!.partitions]);

/** Each node's own view of its replica of `topic`-`partition` (raw DescribeTopics). */
async function replicaView(node: BrokerNode, topic: string, partition: number): Promise<{ logEndOffset: number; highWatermark: number; isr: number[]; leader: number }> {
  const res = await new Promise<DescribeTopicsResponse__Output>((resolve, reject) =>
    node.rpc().DescribeTopics({ names: [topic] }, { deadline: Date.now() + 5_000 }, (err, r) => (err || !r ? reject(err ?? new Error('empty')) : resolve(r))),
  );
  const p = res.topics[0]!.partitions[partition]!;
  return { logEndOffset: Number(p.log_end_offset), highWatermark: Number(p.high_watermark), isr: p.isr, leader: p.leader_id };
}

/** A raw produce (acks=all unless told) of one batch to one node (no SDK retries). */
async function rawProduce(node: BrokerNode, topic: string, partition: number, values: string[], acks = -1): Promise<ProduceResponse__Output> {
  const records = encodeBatch(values.map((v) => ({ value: Buffer.from(v) })));
  return await new Promise((resolve, reject) =>
    node.rpc().Produce({ acks, timeout_ms: 3_000, topics: [{ name: topic, partitions: [{ partition, records, current_leader_epoch: -1 }] }] }, { deadline: Date.now() + 10_000 }, (err, r) =>
      err || !r ? reject(err ?? new Error('empty')) : resolve(r),
    ),
  );
}

/** Sets (or, with undefined, lifts) a broker's follower.replication.throttled.rate through any node. */
async function throttle(brokerId: number, bytesPerSec: number | undefined): Promise<void> {
  const node = cluster.running().find((n) => !n.paused)!;
  const set: Record<string, string> = bytesPerSec === undefined ? {} : { 'follower.replication.throttled.rate': String(bytesPerSec) };
  const res = await new Promise<AlterConfigsResponse__Output>((resolve, reject) =>
    node.rpc().AlterConfigs({ topic: '', broker: String(brokerId), set, delete: bytesPerSec === undefined ? ['follower.replication.throttled.rate'] : [], validate_only: false }, { deadline: Date.now() + 10_000 }, (err, r) =>
      err || !r ? reject(err ?? new Error('empty')) : resolve(r),
    ),
  );
  expect(res.error_code).toBe('NONE');
}

async function createTopic(topic: string, numPartitions: number, configs: Record<string, string> = {}): Promise<void> {
  await admin((a) => a.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 3, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }] }));
}

/** Every replica has the partition up to the leader's log end, and the ISR is full. */
async function waitInSync(topic: string, partition: number): Promise<number> {
  let end = -1;
  let last: unknown[] = [];
  await waitUntil(
    async () => {
      const views = await Promise.all(cluster.running().map((n) => replicaView(n, topic, partition).catch(() => undefined)));
      last = views;
      if (views.some((v) => v === undefined) || views.length !== 3) return false;
      const ends = new Set(views.map((v) => v!.logEndOffset));
      const leaderView = views.find((v, i) => v!.leader === cluster.running()[i]!.nodeId);
      if (ends.size !== 1 || leaderView === undefined || leaderView.isr.length !== 3 || leaderView.highWatermark !== leaderView.logEndOffset) return false;
      end = leaderView.logEndOffset;
      return true;
    },
    { what: `${topic}-${partition} in sync on all 3 replicas`, dump: () => `${JSON.stringify(last)}\n${cluster.describe()}` },
  );
  return end;
}

/** Reads `expected` records of a partition from offset 0 through the SDK consumer (from its leader). */
async function readAll(topic: string, partition: number, expected: number): Promise<string[]> {
  const consumer = client().consumer();
  const values: string[] = [];
  const deadline = Date.now() + 30_000;
  try {
    await consumer.connect();
    consumer.assign([{ topic, partition, offset: '0' }]);
    for await (const m of consumer.messages()) {
      values.push(m.message.value!.toString());
      if (values.length >= expected || Date.now() > deadline) break;
    }
  } finally {
    await consumer.disconnect();
  }
  return values;
}

beforeAll(async () => {
  cluster = await Cluster.start(3, { quorum: true, args: ['--replica-lag-time-max-ms', '2000', '--retention-check-interval-ms', '200'] });
  await cluster.waitAllUnfenced([1, 2, 3]);
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('partition replication on a 3-node cluster', () => {
  it('replicates acks=all records to every replica and keeps them when the leader is SIGKILLed', async () => {
    await createTopic('replicated', 1);
    const samsa = client();
    const producer = samsa.producer({ acks: -1 });
    const sent: string[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const messages = Array.from({ length: 50 }, (_, j) => ({ value: `r${i * 50 + j}`, partition: 0 }));
        await producer.send({ topic: 'replicated', messages });
        sent.push(...messages.map((m) => m.value));
      }
    } finally {
      await producer.disconnect();
    }
    expect(await waitInSync('replicated', 0)).toBe(1000);
    const leaderId = (await partitionsOf('replicated'))[0]!.leader;
    const leader = cluster.node(leaderId);
    await leader.kill();
    await waitUntil(async () => {
      const p = (await partitionsOf('replicated').catch(() => []))[0];
      return p !== undefined && p.leader !== -1 && p.leader !== leaderId;
    }, { what: 'a new leader of replicated-0', dump: () => cluster.describe() });
    expect(await readAll('replicated', 0, 1000)).toEqual(sent);
    await leader.start();
    expect(await waitInSync('replicated', 0)).toBe(1000);
  });

  it('with min.insync.replicas 3, a dead broker makes acks=all fail with NOT_ENOUGH_REPLICAS and write nothing; its restart restores service', async () => {
    await createTopic('strict', 1, { 'min.insync.replicas': '3' });
    const leaderId = (await partitionsOf('strict'))[0]!.leader;
    const leader = cluster.node(leaderId);
    expect((await rawProduce(leader, 'strict', 0, ['a', 'b'])).topics[0]!.partitions[0]!.error_code).toBe('NONE');
    await waitInSync('strict', 0);
    const victim = cluster.nodes.find((n) => n.nodeId !== leaderId)!;
    await victim.kill();
    // The controller takes the dead broker out of the ISR once it is fenced.
    await waitUntil(async () => (await replicaView(leader, 'strict', 0)).isr.length === 2, { what: 'the ISR of strict-0 to shrink to 2', dump: () => cluster.describe() });
    const refused = (await rawProduce(leader, 'strict', 0, ['c'])).topics[0]!.partitions[0]!;
    expect(refused.error_code).toBe('NOT_ENOUGH_REPLICAS');
    expect((await replicaView(leader, 'strict', 0)).logEndOffset).toBe(2);
    await victim.start();
    await waitUntil(async () => (await rawProduce(leader, 'strict', 0, ['d'])).topics[0]!.partitions[0]!.error_code === 'NONE', {
      what: 'acks=all to succeed again after the restart',
      dump: () => cluster.describe(),
    });
    const end = await waitInSync('strict', 0);
    expect(end).toBeGreaterThanOrEqual(3);
  });

  it('a leader SIGSTOPped past the session timeout acknowledges nothing after SIGCONT, truncates what diverged and follows', async () => {
    await createTopic('zombie', 1);
    const first = (await partitionsOf('zombie'))[0]!;
    const old = cluster.node(first.leader);
    expect((await rawProduce(old, 'zombie', 0, ['z0', 'z1'])).topics[0]!.partitions[0]!.error_code).toBe('NONE');
    await waitInSync('zombie', 0);
    old.pause();
    let newLeader: BrokerNode | undefined;
    try {
      await waitUntil(async () => {
        const p = (await partitionsOf('zombie').catch(() => []))[0];
        if (p === undefined || p.leader === -1 || p.leader === old.nodeId) return false;
        newLeader = cluster.node(p.leader);
        return true;
      }, { what: 'a new leader of zombie-0 while the old one is paused', dump: () => cluster.describe() });
      await waitUntil(async () => (await rawProduce(newLeader!, 'zombie', 0, ['n0', 'n1', 'n2'])).topics[0]!.partitions[0]!.error_code === 'NONE', {
        what: 'a write acknowledged by the new leader',
        dump: () => cluster.describe(),
      });
    } finally {
      old.resume();
    }
    // Right after SIGCONT, before its metadata catches up: a write to the old leader is refused.
    const late = (await rawProduce(old, 'zombie', 0, ['late'])).topics[0]!.partitions[0]!;
    expect(late.error_code).not.toBe('NONE');
    const end = await waitInSync('zombie', 0);
    expect(end).toBe(5);
    expect(await readAll('zombie', 0, 5)).toEqual(['z0', 'z1', 'n0', 'n1', 'n2']);
  });

  it('a follower throttled far below the produce rate leaves the ISR after the lag time, and rejoins once the throttle is lifted', async () => {
    await createTopic('throttled', 1);
    const leader = cluster.node((await partitionsOf('throttled'))[0]!.leader);
    const follower = cluster.nodes.find((n) => n.nodeId !== leader.nodeId)!;
    await throttle(follower.nodeId, 2_000);
    try {
      const big = 'x'.repeat(8_000);
      // Bounded: about 20 batches of 80 KB a second until the follower is out (well past the 2 s lag).
      await waitUntil(async () => {
        await rawProduce(leader, 'throttled', 0, Array.from({ length: 10 }, () => big), 1);
        return !(await replicaView(leader, 'throttled', 0)).isr.includes(follower.nodeId);
      }, { what: `follower ${follower.nodeId} to leave the ISR of throttled-0`, dump: () => cluster.describe() });
    } finally {
      await throttle(follower.nodeId, undefined);
    }
    const end = await waitInSync('throttled', 0);
    expect((await replicaView(follower, 'throttled', 0)).logEndOffset).toBe(end);
  });

  it('an old leader truncates the suffix it wrote alone, once it follows the new leader', async () => {
    await createTopic('diverge', 1);
    const old = cluster.node((await partitionsOf('diverge'))[0]!.leader);
    const followers = cluster.nodes.filter((n) => n.nodeId !== old.nodeId);
    expect((await rawProduce(old, 'diverge', 0, ['a0', 'a1'])).topics[0]!.partitions[0]!.error_code).toBe('NONE');
    await waitInSync('diverge', 0);
    // Followers that may fetch one batch and then wait for ages: the next batch stays on the leader alone.
    for (const f of followers) await throttle(f.nodeId, 1);
    let newLeader: BrokerNode | undefined;
    try {
      expect((await rawProduce(old, 'diverge', 0, ['b0'], 1)).topics[0]!.partitions[0]!.error_code).toBe('NONE');
      await waitUntil(async () => (await Promise.all(followers.map((f) => replicaView(f, 'diverge', 0)))).every((v) => v.logEndOffset === 3), { what: 'both followers to fetch b0', dump: () => cluster.describe() });
      expect((await rawProduce(old, 'diverge', 0, ['lost0', 'lost1'], 1)).topics[0]!.partitions[0]!.error_code).toBe('NONE');
      expect((await replicaView(old, 'diverge', 0)).logEndOffset).toBe(5);
      old.pause();
      await waitUntil(async () => {
        const p = (await partitionsOf('diverge').catch(() => []))[0];
        if (p === undefined || p.leader === -1 || p.leader === old.nodeId) return false;
        newLeader = cluster.node(p.leader);
        return true;
      }, { what: 'a new leader of diverge-0', dump: () => cluster.describe() });
    } finally {
      for (const f of followers) await throttle(f.nodeId, undefined);
      old.resume();
    }
    await waitUntil(async () => (await rawProduce(newLeader!, 'diverge', 0, ['c0'])).topics[0]!.partitions[0]!.error_code === 'NONE', { what: 'c0 acknowledged by the new leader', dump: () => cluster.describe() });
    expect(await waitInSync('diverge', 0)).toBe(4);
    expect(await readAll('diverge', 0, 4)).toEqual(['a0', 'a1', 'b0', 'c0']);
  });

  it('a follower whose log end fell behind the leader\'s log start restarts its log there and rejoins', async () => {
    await createTopic('retained', 1, { 'retention.bytes': '20000' });
    const leader = cluster.node((await partitionsOf('retained'))[0]!.leader);
    const follower = cluster.nodes.find((n) => n.nodeId !== leader.nodeId)!;
    expect((await rawProduce(leader, 'retained', 0, ['first'])).topics[0]!.partitions[0]!.error_code).toBe('NONE');
    await waitInSync('retained', 0);
    await follower.kill();
    const value = 'r'.repeat(4_000);
    for (let i = 0; i < 30; i++) expect((await rawProduce(leader, 'retained', 0, [value, value])).topics[0]!.partitions[0]!.error_code).toBe('NONE');
    // Retention moves the leader's log start past everything the follower has (offset 1).
    let logStart = 0;
    await waitUntil(async () => {
      const res = await new Promise<DescribeTopicsResponse__Output>((resolve, reject) =>
        leader.rpc().DescribeTopics({ names: ['retained'] }, { deadline: Date.now() + 5_000 }, (err, r) => (err || !r ? reject(err ?? new Error('empty')) : resolve(r))),
      );
      logStart = Number(res.topics[0]!.partitions[0]!.log_start_offset);
      return logStart > 1;
    }, { what: 'retention to move the log start of retained-0 past offset 1', dump: () => cluster.describe() });
    await follower.start();
    const end = await waitInSync('retained', 0);
    expect(end).toBe(61);
    expect(follower.logs().some((l) => l.includes('restarting the log there'))).toBe(true);
  });
});
