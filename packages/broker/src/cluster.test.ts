// Proves a multi-node cluster in one process: one controller-only node and three broker-only nodes
// on 127.0.0.1, talking gRPC. Brokers register, follow the metadata by the watch stream (every
// node converges on the same image: same applied offset, same hash) and are unfenced; a topic of 6
// partitions with replication factor 3 spreads its leaders 2 per broker; the SDK produces to every
// partition through their leaders. A broker stopped gracefully, one killed (connections reset),
// and one whose heartbeats stop while its stream stays open are each fenced (closed stream: after
// the grace; silent: after the session timeout), and their partitions get new leaders from the ISR
// with bumped leader epochs; the silent one's own lease lapses so it takes no writes; a restarted
// broker registers a new incarnation and is unfenced; the SDK keeps producing to every partition
// throughout. A broker-only node with another cluster's directory is refused, and the start of one
// whose controllers do not answer can be abandoned. Waits are on metadata updates, never sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Samsa } from '@samsa/client';
import type { Producer } from '@samsa/client';
import { imageHash } from '@samsa/controller';
import type { MetadataImage } from '@samsa/controller';
import { encodeBatch } from '@samsa/protocol';
import type { ControllerServiceClient } from '@samsa/protocol';
import { brokerInternals, startBroker } from './broker.js';
import type { Broker } from './broker.js';
import { validateConfig } from './config.js';
import type { BrokerConfig } from './config.js';
import { call, connect, connectController, controllerCall, silentLogger, startTestBroker, tempDir, waitForImage } from './testing.js';

const CONTROLLER_ID = 100;
const LIVENESS: Partial<BrokerConfig> = { brokerSessionTimeoutMs: 1500, brokerHeartbeatIntervalMs: 250 };

let dirs: Map<number, { path: string; remove: () => Promise<void> }>;
let controller: Broker;
let controllerClient: ControllerServiceClient;
const brokers = new Map<number, Broker>();
let samsa: Samsa;
let producer: Producer;

const controllerImage = (): MetadataImage => brokerInternals(controller).metadata!.image;
const view = () => brokerInternals(controller).metadata!;

async function startBrokerNode(id: number): Promise<Broker> {
  const b = await startTestBroker(dirs.get(id)!.path, { nodeId: id, roles: ['broker'], controllerVoters: `${CONTROLLER_ID}@${controller.address}`, ...LIVENESS });
  brokers.set(id, b);
  return b;
}

/** Every broker's image is the controller's: same applied offset, same hash. */
async function converged(): Promise<void> {
  const target = controllerImage();
  for (const b of brokers.values()) {
    const image = await waitForImage(brokerInternals(b).metadata!, (i) => i.appliedIndex >= target.appliedIndex, `broker ${b.nodeId} to apply ${target.appliedIndex}`);
    expect(imageHash(image)).toBe(imageHash(target));
  }
}

const leadersOf = (image: MetadataImage, topic: string): number[] => image.topicsByName.get(topic)!.partitions.map((p) => p.leaderId);

/**
 * Records acknowledged per partition. With acks=all every in-sync replica has them, so whichever
 * broker leads next continues at the next offset.
 */
const written = new Map<string, number>();

/**
 * Produces one record to each partition of `topic` through the SDK (idempotent, acks=all), and
 * checks each landed at the partition's next offset, whoever leads it now.
 */
async function produceToAll(topic: string, label: string): Promise<void> {
  const partitions = controllerImage().topicsByName.get(topic)!.partitions.length;
  const results = await Promise.all(
    Array.from({ length: partitions }, (_, partition) => producer.send({ topic, messages: [{ partition, value: `${label}-${partition}` }] })),
  );
  const leaders = leadersOf(controllerImage(), topic);
  results.forEach((r, partition) => {
    const key = `${topic}/${partition}`;
    const expected = written.get(key) ?? 0;
    expect({ partition, leader: leaders[partition], offset: Number(r[0]!.baseOffset) }).toEqual({ partition, leader: leaders[partition], offset: expected });
    written.set(key, expected + 1);
  });
}

beforeAll(async () => {
  dirs = new Map();
  for (const id of [CONTROLLER_ID, 1, 2, 3]) dirs.set(id, await tempDir(`samsa-cluster-${id}-`));
  controller = await startTestBroker(dirs.get(CONTROLLER_ID)!.path, { nodeId: CONTROLLER_ID, roles: ['controller'], ...LIVENESS });
  controllerClient = connectController(controller.address);
  await Promise.all([1, 2, 3].map((id) => startBrokerNode(id)));
  samsa = new Samsa({ brokers: [...brokers.values()].map((b) => b.address), retry: { retries: 20 } });
  producer = samsa.producer({ lingerMs: 0 });
});

afterAll(async () => {
  await producer?.disconnect();
  controllerClient?.close();
  for (const b of brokers.values()) await b.stop();
  await controller?.stop();
  for (const d of dirs?.values() ?? []) await d.remove();
});

describe('a cluster of one controller and three brokers', () => {
  it('registers and unfences every broker; all follow the same image', async () => {
    const image = await waitForImage(view(), (i) => [1, 2, 3].every((id) => i.brokers.get(id)?.fenced === false), 'three unfenced brokers');
    expect([...image.brokers.keys()].sort()).toEqual([1, 2, 3]);
    const status = await controllerCall(controllerClient, 'DescribeQuorum', {});
    expect(status).toMatchObject({ node_id: CONTROLLER_ID, active_controller_id: CONTROLLER_ID, liveness_known: true, voters: [{ node_id: CONTROLLER_ID, address: controller.address }] });
    expect(status.brokers.map((b) => [b.broker_id, b.fenced, b.alive])).toEqual([
      [1, false, true],
      [2, false, true],
      [3, false, true],
    ]);
    expect(status.image_hash).toBe(imageHash(controllerImage()));
    await converged();
    // A broker-only node describes its own view: the same image, the active controller it knows.
    const viaBroker = connectController(brokers.get(1)!.address);
    const own = await controllerCall(viaBroker, 'DescribeQuorum', {});
    expect(own).toMatchObject({ node_id: 1, active_controller_id: CONTROLLER_ID, liveness_known: false, applied_offset: String(controllerImage().appliedIndex), image_hash: imageHash(controllerImage()) });
    // It answers what only a controller does with NOT_CONTROLLER naming the active one.
    const refused = (await controllerCall(viaBroker, 'AllocateProducerIds', { broker_id: 1, broker_epoch: -1 }).catch((e: unknown) => e)) as { metadata: { get(k: string): unknown[] } };
    expect(refused.metadata.get('samsa-error-code')).toEqual(['NOT_CONTROLLER']);
    expect(refused.metadata.get('samsa-controller-id')).toEqual([String(CONTROLLER_ID)]);
    viaBroker.close();
  });

  it('spreads 6 partitions of replication factor 3 over the brokers, 2 leaders each, and produces to all', async () => {
    const admin = samsa.admin();
    // Created through a broker, which forwards to the controller.
    await admin.createTopics({ topics: [{ topic: 't', numPartitions: 6, replicationFactor: 3 }] });
    await admin.disconnect();
    const image = controllerImage();
    const counts = new Map<number, number>();
    for (const p of image.topicsByName.get('t')!.partitions) {
      expect(p.replicas).toHaveLength(3);
      expect(p.isr).toEqual(p.replicas);
      counts.set(p.leaderId, (counts.get(p.leaderId) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ 1: 2, 2: 2, 3: 2 });
    await converged();
    await produceToAll('t', 'first');
  });

  it('answers NOT_LEADER_OR_FOLLOWER with the leader from a broker that does not lead', async () => {
    const image = controllerImage();
    const partition = leadersOf(image, 't').findIndex((l) => l !== 1);
    const client = connect(brokers.get(1)!.address);
    const res = await call(client, 'produce', { acks: 1, timeout_ms: 1000, topics: [{ name: 't', partitions: [{ partition, records: encodeBatch([{ value: 'x' }]), current_leader_epoch: -1 }] }] });
    client.close();
    const p = image.topicsByName.get('t')!.partitions[partition]!;
    expect(res.topics[0]!.partitions[0]).toMatchObject({ error_code: 'NOT_LEADER_OR_FOLLOWER', leader_id: p.leaderId, leader_epoch: p.leaderEpoch });
  });

  it('fences a gracefully stopped broker, moves its leaderships, and unfences it when it restarts', async () => {
    const before = controllerImage().topicsByName.get('t')!.partitions;
    const oldIncarnation = controllerImage().brokers.get(2)!.incarnationId;
    await brokers.get(2)!.stop();
    brokers.delete(2);
    const after = (await waitForImage(view(), (i) => i.brokers.get(2)?.fenced === true, 'broker 2 fenced')).topicsByName.get('t')!.partitions;
    after.forEach((p, i) => {
      const old = before[i]!;
      expect(p.isr).toEqual(old.isr.filter((id) => id !== 2));
      if (old.leaderId === 2) {
        expect(p.leaderId).toBe(old.replicas.find((id) => id !== 2));
        expect(p.leaderEpoch).toBe(old.leaderEpoch + 1);
      } else {
        expect([p.leaderId, p.leaderEpoch]).toEqual([old.leaderId, old.leaderEpoch]);
      }
    });
    await produceToAll('t', 'without-2');

    await startBrokerNode(2);
    const image = await waitForImage(view(), (i) => i.brokers.get(2)?.fenced === false, 'broker 2 unfenced');
    expect(image.brokers.get(2)!.incarnationId).not.toBe(oldIncarnation);
    await converged();
    await produceToAll('t', 'with-2-back');
  });

  it('fences a killed broker after the grace and moves its leaderships to the ISR', async () => {
    // Broker 2 came back: once it has rejoined every ISR, its preferred leaderships return to it.
    await waitForImage(view(), (i) => i.topicsByName.get('t')!.partitions.every((p) => p.isr.length === 3 && p.leaderId === p.replicas[0]), 'full ISRs and preferred leaders');
    const before = controllerImage().topicsByName.get('t')!.partitions;
    expect(before.some((p) => p.leaderId === 3)).toBe(true);
    await brokerInternals(brokers.get(3)!).kill();
    brokers.delete(3);
    const image = await waitForImage(view(), (i) => i.brokers.get(3)?.fenced === true, 'broker 3 fenced');
    for (const [i, p] of image.topicsByName.get('t')!.partitions.entries()) {
      // A leader from the ISR it had (broker 2 may be back in it by now), never the dead one.
      expect(p.leaderId).not.toBe(3);
      expect(before[i]!.isr).toContain(p.leaderId);
      expect(p.isr).not.toContain(3);
      expect(p.leaderEpoch).toBe(before[i]!.leaderId === 3 ? before[i]!.leaderEpoch + 1 : before[i]!.leaderEpoch);
    }
    await produceToAll('t', 'without-3');
    await startBrokerNode(3);
    await waitForImage(view(), (i) => i.brokers.get(3)?.fenced === false, 'broker 3 unfenced');
    await converged();
  });

  it('fences a broker whose stream stays open but silent; its own lease lapses so it takes no writes', async () => {
    const admin = samsa.admin();
    await admin.createTopics({ topics: [{ topic: 'z', numPartitions: 3, replicationFactor: 2 }] });
    await admin.disconnect();
    const before = controllerImage().topicsByName.get('z')!.partitions;
    const led = before.map((p, i) => [i, p] as const).filter(([, p]) => p.leaderId === 2);
    expect(led.length).toBeGreaterThan(0);
    await produceToAll('z', 'before-pause');

    const paused = brokers.get(2)!;
    brokerInternals(paused).lifecycle!.pauseHeartbeats();
    const image = await waitForImage(view(), (i) => i.brokers.get(2)?.fenced === true, 'silent broker 2 fenced');
    for (const [i, old] of led) {
      const p = image.topicsByName.get('z')!.partitions[i]!;
      expect(p.leaderId).not.toBe(2);
      expect(p.leaderEpoch).toBe(old.leaderEpoch + 1);
    }
    // Its lease ran out no later than the fence (sent + session timeout <= heard + session timeout).
    expect(brokerInternals(paused).lifecycle!.canAcceptWrites()).toBe(false);
    const client = connect(paused.address);
    const res = await call(client, 'produce', { acks: 1, timeout_ms: 1000, topics: [{ name: 'z', partitions: [{ partition: led[0]![0], records: encodeBatch([{ value: 'zombie' }]), current_leader_epoch: -1 }] }] });
    client.close();
    expect(res.topics[0]!.partitions[0]!.error_code).toBe('NOT_LEADER_OR_FOLLOWER');
    await produceToAll('z', 'after-pause');
  });
});

describe('starting a broker-only node', () => {
  it("refuses to join with another cluster's data directory", async () => {
    const dir = await tempDir('samsa-cluster-other-');
    try {
      await expect(startTestBroker(dir.path, { nodeId: 9, roles: ['broker'], clusterId: 'another-cluster', controllerVoters: `${CONTROLLER_ID}@${controller.address}`, ...LIVENESS })).rejects.toMatchObject({
        code: 'INCONSISTENT_CLUSTER_ID',
      });
      expect(controllerImage().brokers.has(9)).toBe(false);
    } finally {
      await dir.remove();
    }
  });

  it('can be abandoned while no controller answers', async () => {
    const dir = await tempDir('samsa-cluster-lonely-');
    try {
      const abandon = new AbortController();
      // Port 1: nothing listens there, so registration keeps failing and retrying.
      const started = startBroker(validateConfig({ listen: '127.0.0.1:0', dataDir: dir.path, nodeId: 9, roles: ['broker'], controllerVoters: '100@127.0.0.1:1', retentionCheckIntervalMs: 0 }), { logger: silentLogger(), signal: abandon.signal });
      abandon.abort();
      await expect(started).rejects.toMatchObject({ code: 'BROKER_NOT_AVAILABLE' });
    } finally {
      await dir.remove();
    }
  });
});
