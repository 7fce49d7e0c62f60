// Proves the reconciler against a real metadata log and real storage in a temp directory (no
// gRPC): it opens the logs of created topics with their retention, passes config changes on,
// deletes the logs of deleted topics, deletes on start a log whose topic is gone, and keeps the
// high watermark of a sole in-sync leader at the log end offset (also after a reopen).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControllerFrontend, LocalMetadataLog } from '@samsa/controller';
import { LogManager } from '@samsa/storage';
import { encodeBatch, newTopicId } from '@samsa/protocol';
import { PartitionRegistry } from './partitions.js';
import { Reconciler } from './reconciler.js';
import { ReplicaManager } from './replica-manager.js';
import type { ControllerChannel } from './controller-client.js';
import { silentLogger, tempDir } from './testing.js';

const logger = silentLogger();
let dir: { path: string; remove: () => Promise<void> };

beforeEach(async () => {
  dir = await tempDir('samsa-reconciler-');
});
afterEach(async () => {
  await dir.remove();
});

async function open() {
  const metadataLog = await LocalMetadataLog.open({ dataDir: dir.path, nodeId: 1, logger });
  const logManager = await LogManager.open({ dataDir: dir.path, retentionCheckIntervalMs: 0 }, { logger });
  const frontend = new ControllerFrontend(metadataLog, { logger });
  const registry = new PartitionRegistry();
  // A cluster of one: the broker leads every partition alone, so no ISR change ever goes out.
  const channel = { unary: () => Promise.reject(new Error('no controller calls expected')) } as unknown as ControllerChannel;
  const replicas = new ReplicaManager({ nodeId: 1, logger, registry, image: () => metadataLog.image, brokerEpoch: () => 1, channel, replicaLagTimeMaxMs: 10_000, throttleBytesPerSec: () => 0 });
  const reconciler = new Reconciler({ nodeId: 1, metadata: metadataLog, logManager, registry, maxMessageBytes: 1_048_576, logger, replicas });
  const incarnationId = `i-${Math.random()}`;
  await frontend.registerBroker({ brokerId: 1, incarnationId, endpoints: [{ name: 'client', host: 'localhost', port: 9092 }] });
  await frontend.unfenceBroker(1, incarnationId);
  await reconciler.start();
  const close = async () => {
    await reconciler.stop();
    await replicas.stop();
    await logManager.close();
    await metadataLog.close();
  };
  const settle = () => reconciler.waitFor(metadataLog.image.appliedIndex);
  return { metadataLog, logManager, frontend, registry, reconciler, close, settle };
}

describe('Reconciler', () => {
  it('follows topic creation, config changes and deletion', async () => {
    const n = await open();
    const [created] = await n.frontend.createTopics([{ name: 't', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '60000' } }]);
    await n.settle();
    const topicId = created!.topicId!;
    expect(n.logManager.list()).toHaveLength(3);
    expect(n.logManager.get(topicId, 2)?.config).toEqual({ retentionMs: 60000, retentionBytes: -1 });
    const hosted = n.registry.get(n.metadataLog.image.topicsByName.get('t')!.idString, 0)!;
    expect(hosted.current).toBe(n.logManager.get(topicId, 0));

    await n.frontend.alterConfigs('t', { set: { 'retention.bytes': '5000' }, delete: ['retention.ms'] });
    await n.settle();
    expect(n.logManager.get(topicId, 1)?.config).toEqual({ retentionMs: 604800000, retentionBytes: 5000 });

    // Appends move the high watermark with them: the leader is the only in-sync replica.
    const log = n.logManager.get(topicId, 0)!;
    const generation = hosted.generation;
    await log.append([encodeBatch([{ value: 'a' }, { value: 'b' }])], 0);
    expect(log.highWatermark).toBe(2);
    expect(hosted.generation).toBeGreaterThan(generation);

    await n.frontend.deleteTopics(['t']);
    await n.settle();
    expect(n.logManager.list()).toHaveLength(0);
    expect(n.registry.size).toBe(0);
    expect(hosted.current).toBeUndefined();
    await n.close();
  });

  it('deletes on start the logs whose topic is gone and reopens the others', async () => {
    let n = await open();
    const [kept] = await n.frontend.createTopics([{ name: 'kept', numPartitions: 1, replicationFactor: 1 }]);
    await n.settle();
    await n.logManager.get(kept!.topicId!, 0)!.append([encodeBatch([{ value: 'x' }])], 0);
    await n.close();

    // A log of a topic the metadata never had (or lost): written behind the broker's back.
    const orphan = newTopicId();
    const storage = await LogManager.open({ dataDir: dir.path, retentionCheckIntervalMs: 0 }, { logger });
    const orphanLog = await storage.getOrCreate(orphan, 0, { retentionMs: -1, retentionBytes: -1 });
    await orphanLog.append([encodeBatch([{ value: 'orphan' }])], 0);
    await storage.close();

    n = await open();
    expect(n.logManager.get(orphan, 0)).toBeUndefined();
    expect(n.logManager.list().map((p) => p.topicId.equals(kept!.topicId!))).toEqual([true]);
    const keptLog = n.logManager.get(kept!.topicId!, 0)!;
    expect([keptLog.logEndOffset, keptLog.highWatermark]).toEqual([1, 1]);
    await n.close();

    const check = await LogManager.open({ dataDir: dir.path, retentionCheckIntervalMs: 0 }, { logger });
    expect(check.list()).toHaveLength(1);
    await check.close();
  });
});
