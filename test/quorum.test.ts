// A 3-node cluster across real processes: every node a broker and a voter of one Raft metadata
// quorum (combined mode), as `samsa cluster start` runs it. It proves: 30 partitions of
// replication factor 3 give each broker 10 ± 1 leaderships; SIGKILL of the active controller
// leaves another active and serving admin requests; SIGKILL of a broker fences it and gives its
// partitions new leaders (leader epoch + 1), and a restart unfences it; an active controller
// SIGSTOPped past the election timeout steps down after SIGCONT, and then every node reports the
// same applied offset and image hash; a full restart keeps the metadata. Bounds are generous
// (several times the expected time); the times themselves are benchmark figures (pnpm bench).
import { Samsa } from '@samsa/client';
import type { PartitionDescription } from '@samsa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, sleep, waitUntil } from './harness/cluster.js';
import type { BrokerNode } from './harness/cluster.js';

let cluster: Cluster;

/** An SDK client of the nodes that run and are not paused, with short deadlines. */
const client = (): Samsa =>
  new Samsa({ brokers: cluster.running().filter((n) => !n.paused).map((n) => n.address), clientId: 'quorum-test', requestTimeoutMs: 5_000 });

async function partitionsOf(topic: string): Promise<PartitionDescription[]> {
  const admin = client().admin();
  try {
    const [t] = await admin.describeTopics([topic]);
    return [...t!.partitions];
  } finally {
    await admin.disconnect();
  }
}

async function createTopic(topic: string, numPartitions: number, replicationFactor: number): Promise<void> {
  const admin = client().admin();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }] });
  } finally {
    await admin.disconnect();
  }
}

async function waitActiveOtherThan(id: number): Promise<BrokerNode> {
  let found: BrokerNode | undefined;
  await waitUntil(
    async () => {
      found = await cluster.activeController();
      return found !== undefined && found.nodeId !== id;
    },
    { what: `an active controller other than node ${id}`, dump: () => cluster.describe() },
  );
  return found!;
}

beforeAll(async () => {
  cluster = await Cluster.start(3, { quorum: true });
  await cluster.waitAllUnfenced([1, 2, 3]);
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('a 3-node cluster with a Raft metadata quorum', () => {
  it('spreads 30 partitions of replication factor 3 as 10 ± 1 leaderships per broker', async () => {
    await createTopic('spread', 30, 3);
    const partitions = await partitionsOf('spread');
    expect(partitions).toHaveLength(30);
    const counts = new Map<number, number>();
    for (const p of partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3]);
    for (const n of counts.values()) expect(Math.abs(n - 10)).toBeLessThanOrEqual(1);
  });

  it('routes produce to each partition leader and describes every partition from its leader', async () => {
    await createTopic('routed', 3, 1);
    const samsa = client();
    const producer = samsa.producer({ acks: 1 });
    try {
      for (let partition = 0; partition < 3; partition++) {
        await producer.send({ topic: 'routed', messages: Array.from({ length: 10 + partition }, (_, i) => ({ value: `v${i}`, partition })) });
      }
    } finally {
      await producer.disconnect();
    }
    const partitions = await partitionsOf('routed');
    expect(new Set(partitions.map((p) => p.leader)).size).toBe(3);
    expect(partitions.map((p) => [p.partitionId, p.logEndOffset, p.highWatermark])).toEqual([
      [0, '10', '10'],
      [1, '11', '11'],
      [2, '12', '12'],
    ]);
  });

  it('elects another active controller when the active one is SIGKILLed, which serves admin requests', async () => {
    const active = (await cluster.activeController())!;
    expect(active).toBeDefined();
    await active.kill();
    await waitActiveOtherThan(active.nodeId);
    await createTopic('after-controller-kill', 3, 2);
    expect(await partitionsOf('after-controller-kill')).toHaveLength(3);
    await active.start();
    await cluster.waitAllUnfenced([1, 2, 3]);
  });

  it('fences a SIGKILLed broker, moves its leaderships with a new leader epoch, and unfences it after a restart', async () => {
    const active = (await cluster.activeController())!;
    const before = await partitionsOf('spread');
    // A broker that leads something and is not the active controller.
    const victim = cluster.nodes.find((n) => n.nodeId !== active.nodeId && before.some((p) => p.leader === n.nodeId))!;
    const led = before.filter((p) => p.leader === victim.nodeId);
    await victim.kill();
    await waitUntil(
      async () => {
        const view = (await cluster.quorumViews()).find((v) => v.liveness_known);
        return view?.brokers.find((b) => b.broker_id === victim.nodeId)?.fenced === true;
      },
      { what: `node ${victim.nodeId} fenced`, dump: () => cluster.describe() },
    );
    let after: PartitionDescription[] = [];
    await waitUntil(
      async () => {
        after = await partitionsOf('spread');
        return after.every((p) => p.leader !== victim.nodeId);
      },
      { what: `no partition led by node ${victim.nodeId}`, dump: () => cluster.describe() },
    );
    for (const p of led) {
      const now = after.find((q) => q.partitionId === p.partitionId)!;
      expect(now.leader).not.toBe(-1);
      expect(now.leaderEpoch).toBeGreaterThan(p.leaderEpoch);
    }
    await victim.start();
    await cluster.waitAllUnfenced([1, 2, 3]);
  });

  it('an active controller paused past the election timeout steps down; then all nodes agree on the image', async () => {
    const active = (await cluster.activeController())!;
    active.pause();
    try {
      await waitActiveOtherThan(active.nodeId);
      // Metadata moves on without it.
      await createTopic('while-paused', 1, 1);
    } finally {
      active.resume();
    }
    await waitUntil(
      async () => {
        const old = await active.quorum().catch(() => undefined);
        if (old === undefined || old.liveness_known || old.active_controller_id === active.nodeId) return false;
        const views = await cluster.quorumViews();
        return views.length === 3 && new Set(views.map((v) => `${v.applied_offset}/${v.image_hash}`)).size === 1;
      },
      { what: `node ${active.nodeId} to step down and every node to report the same applied offset and image hash`, dump: () => cluster.describe() },
    );
    await cluster.waitAllUnfenced([1, 2, 3]);
  });

  it('keeps its metadata across a full restart', async () => {
    const admin = client().admin();
    const before = await admin.listTopics();
    const ids = (await admin.describeTopics(before)).map((t) => `${t.name}=${t.topicId}`).sort();
    await admin.disconnect();
    for (const n of cluster.nodes) expect(await n.stop()).toBe(0);
    await sleep(100);
    await Promise.all(cluster.nodes.map((n) => n.start()));
    await cluster.waitAllUnfenced([1, 2, 3]);
    const again = client().admin();
    try {
      expect(await again.listTopics()).toEqual(before);
      expect((await again.describeTopics(before)).map((t) => `${t.name}=${t.topicId}`).sort()).toEqual(ids);
    } finally {
      await again.disconnect();
    }
  });
});
