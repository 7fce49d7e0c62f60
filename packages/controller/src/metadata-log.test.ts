// Proves the LocalMetadataLog on a real LevelDB in a temp directory: appends are applied and
// published in order, survive a reopen (replayed through apply() into an equal image), a record
// apply() refuses is never written, the single voter leads from open to close (then tells its
// leader listeners and refuses appends with NOT_CONTROLLER), its snapshot is the current image
// encoded, and the data directory's identity (meta.properties) refuses another cluster's or
// another node's directory and a directory whose metadata was lost; formatDataDir does the same
// for a broker-only directory.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeImage, encodeImage } from './image-codec.js';
import { DataDirError, formatDataDir, readMetaProperties } from './meta-properties.js';
import { LocalMetadataLog } from './metadata-log.js';
import type { LeaderChange, MetadataUpdate } from './metadata-log.js';
import { Records } from './records.js';
import type { MetadataImage } from './image.js';

const logger = pino({ level: 'silent' });
const endpoint = { name: 'client', host: 'localhost', port: 9092 };
const topicId = Buffer.alloc(16, 3);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-metalog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A comparable form of an image (maps to sorted entries, buffers to hex). */
function plain(image: MetadataImage): unknown {
  return JSON.parse(
    JSON.stringify(
      {
        clusterId: image.clusterId,
        appliedIndex: image.appliedIndex,
        nextProducerId: image.nextProducerId,
        brokers: [...image.brokers.values()],
        topics: [...image.topicsById.values()].map((t) => ({ ...t, id: t.id.toString('hex'), configs: [...t.configs] })),
        byName: [...image.topicsByName.keys()].sort(),
      },
    ),
  );
}

async function populate(log: LocalMetadataLog): Promise<void> {
  await log.append([Records.registerBroker({ brokerId: 1, incarnationId: 'i1', endpoints: [endpoint] }), Records.brokerUnfenced(1, 'i1')]);
  const records = [Records.topicCreated({ name: 't', topicId, configs: { 'retention.ms': '9' } })];
  for (let p = 0; p < 5; p++) records.push(Records.partitionChanged({ topicId, partition: p, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }));
  await log.append(records);
  await log.append([Records.configChanged(topicId, { 'retention.bytes': '7' }, [])]);
  await log.append([Records.producerIdsAllocated(1, 0, 1000)]);
}

describe('LocalMetadataLog', () => {
  it('applies appends, publishes them in order, and replays them after a reopen', async () => {
    const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
    const updates: MetadataUpdate[] = [];
    const unsubscribe = log.subscribe((u) => updates.push(u));
    await populate(log);
    unsubscribe();
    expect(log.image.appliedIndex).toBe(10);
    expect(updates.map((u) => [u.previous.appliedIndex, u.entries.map((e) => e.index), u.image.appliedIndex])).toEqual([
      [0, [1, 2], 2],
      [2, [3, 4, 5, 6, 7, 8], 8],
      [8, [9], 9],
      [9, [10], 10],
    ]);
    const replayed = [];
    for await (const e of log.replay(8)) replayed.push(e.index);
    expect(replayed).toEqual([8, 9, 10]);
    const before = plain(log.image);
    const { clusterId, directoryId } = log;
    await log.close();
    await log.close(); // safe twice
    await expect(log.append([Records.brokerFenced(1, 'i1')])).rejects.toMatchObject({ code: 'NOT_CONTROLLER' });

    const reopened = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
    expect(reopened.clusterId).toBe(clusterId);
    expect(reopened.directoryId).toBe(directoryId);
    expect(plain(reopened.image)).toEqual(before);
    expect(reopened.image.topicsByName.get('t')?.partitions).toHaveLength(5);
    // Appends continue at the next index.
    expect(await reopened.append([Records.brokerFenced(1, 'i1')])).toBe(11);
    await reopened.close();
  });

  it('writes nothing when apply() refuses a record of an append', async () => {
    const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
    await populate(log);
    const before = log.image;
    // The second record is a bug (a second topic named t): the whole append fails.
    await expect(log.append([Records.configChanged(topicId, { 'retention.ms': '1' }, []), Records.topicCreated({ name: 't', topicId: Buffer.alloc(16, 4) })])).rejects.toThrow(/existing topic name t/);
    expect(log.image).toBe(before);
    await log.close();
    const reopened = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
    expect(reopened.image.appliedIndex).toBe(before.appliedIndex);
    expect(reopened.image.topicsByName.get('t')?.configs.get('retention.ms')).toBe('9');
    await reopened.close();
  });

  it('leads from open to close and snapshots its current image', async () => {
    const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 7, logger });
    expect(await log.snapshot()).toBeUndefined();
    expect([log.isLeader(), log.leaderId(), log.leaderEpoch(), log.nodeId, log.logStartIndex]).toEqual([true, 7, 1, 7, 1]);
    await populate(log);
    const snapshot = (await log.snapshot())!;
    expect(snapshot.index).toBe(10);
    expect(snapshot.bytes.equals(encodeImage(log.image))).toBe(true);
    const restored = decodeImage(snapshot.bytes);
    expect(encodeImage(restored).equals(snapshot.bytes)).toBe(true);
    expect(Object.fromEntries(restored.topicsByName.get('t')!.configs)).toEqual(Object.fromEntries(log.image.topicsByName.get('t')!.configs));
    expect(log.status()).toEqual({ nodeId: 7, leaderId: 7, leaderEpoch: 1, isLeader: true, commitIndex: 10, appliedIndex: 10, logStartIndex: 1, voters: [{ id: 7, address: '' }] });
    const changes: LeaderChange[] = [];
    log.onLeaderChange((c) => changes.push(c));
    await log.close();
    expect(changes).toEqual([{ leaderId: -1, leaderEpoch: 1, isLeader: false }]);
    expect([log.isLeader(), log.leaderId()]).toEqual([false, -1]);
    await expect(log.append([Records.brokerFenced(1, 'i1')])).rejects.toMatchObject({ code: 'NOT_CONTROLLER', details: { controllerId: -1 } });
  });

  it('serialises concurrent appends into consecutive indexes', async () => {
    const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
    await log.append([Records.registerBroker({ brokerId: 1, incarnationId: 'i1', endpoints: [endpoint] })]);
    const indexes = await Promise.all([0, 1, 2, 3].map(() => log.append([Records.brokerFenced(1, 'i1')])));
    expect(indexes).toEqual([2, 3, 4, 5]);
    await log.close();
  });

  describe('data directory identity', () => {
    it('formats a fresh directory once with meta.properties', async () => {
      const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 4, clusterId: 'my-cluster', logger });
      await log.close();
      const props = await readMetaProperties(dir);
      expect(props).toEqual({ version: 1, clusterId: 'my-cluster', nodeId: 4, directoryId: log.directoryId });
      const text = await readFile(join(dir, 'meta.properties'), 'utf8');
      expect(text).toContain('cluster.id=my-cluster');
      const again = await LocalMetadataLog.open({ dataDir: dir, nodeId: 4, logger });
      expect(again.clusterId).toBe('my-cluster');
      await again.close();
    });

    it("refuses another cluster's directory", async () => {
      await (await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, clusterId: 'alpha', logger })).close();
      await expect(LocalMetadataLog.open({ dataDir: dir, nodeId: 1, clusterId: 'beta', logger })).rejects.toThrow(/belongs to cluster alpha, not to cluster beta/);
      await expect(LocalMetadataLog.open({ dataDir: dir, nodeId: 1, clusterId: 'beta', logger })).rejects.toBeInstanceOf(DataDirError);
    });

    it("refuses another node's directory", async () => {
      await (await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger })).close();
      await expect(LocalMetadataLog.open({ dataDir: dir, nodeId: 2, logger })).rejects.toThrow(/belongs to node 1, not to node 2/);
    });

    it('refuses a formatted directory whose metadata log is gone', async () => {
      const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
      await populate(log);
      await log.close();
      await rm(join(dir, 'metadata'), { recursive: true });
      await expect(LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger })).rejects.toThrow(/metadata log is missing or empty/);
    });

    it('refuses a metadata log from another directory', async () => {
      const other = await mkdtemp(join(tmpdir(), 'samsa-metalog-other-'));
      try {
        await (await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, clusterId: 'same', logger })).close();
        await (await LocalMetadataLog.open({ dataDir: other, nodeId: 1, clusterId: 'same', logger })).close();
        await writeFile(join(dir, 'meta.properties'), await readFile(join(other, 'meta.properties')));
        await expect(LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger })).rejects.toThrow(/does not match its metadata log/);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });

    it('finishes formatting when meta.properties was not written', async () => {
      const log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, clusterId: 'c1', logger });
      await log.close();
      await rm(join(dir, 'meta.properties'));
      const again = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
      expect(again.directoryId).toBe(log.directoryId);
      await again.close();
      expect((await readMetaProperties(dir))?.clusterId).toBe('c1');
    });

    it('formats and checks a directory without a metadata log (a broker-only node)', async () => {
      const props = await formatDataDir(dir, { nodeId: 3, clusterId: 'c1' });
      expect(props).toMatchObject({ version: 1, nodeId: 3, clusterId: 'c1' });
      expect(await formatDataDir(dir, { nodeId: 3, clusterId: 'c1' })).toEqual(props);
      await expect(formatDataDir(dir, { nodeId: 3, clusterId: 'c2' })).rejects.toThrow(/belongs to cluster c1, not to cluster c2/);
      await expect(formatDataDir(dir, { nodeId: 4, clusterId: 'c1' })).rejects.toThrow(/belongs to node 3, not to node 4/);
    });

    it('rejects a malformed cluster id', async () => {
      await expect(LocalMetadataLog.open({ dataDir: dir, nodeId: 1, clusterId: 'no spaces', logger })).rejects.toThrow(/invalid cluster id/);
    });
  });
});
