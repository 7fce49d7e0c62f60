// Proves the handling of storage faults, truncation and deletion on real LevelDB directories:
// a blob corrupted directly in log/ (through a raw level handle while the node is down) makes the
// read fail with KAFKA_STORAGE_ERROR, logs an error naming topic id, partition and offset, takes
// only that partition offline (every later call on it fails, other partitions keep working);
// truncateTo removes whole batches for good (also across a reopen) and clamps the high
// watermark; a deleted partition's blobs and index entries are gone.
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRecords, iterateBatches, newTopicId, topicIdToString } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import { batchOf, captureLogger, makeTempDir, openManager } from './testing.js';

const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

/** Counts log/ keys whose value belongs to (topicId, partition), through a raw handle. */
async function rawBlobs(dir: string, topicId: Buffer, partition: number): Promise<{ key: Buffer; value: Buffer }[]> {
  const db = new Level<Buffer, Buffer>(join(dir, 'log'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  try {
    const out: { key: Buffer; value: Buffer }[] = [];
    for await (const [key, value] of db.iterator()) {
      if (value.subarray(0, 16).equals(topicId) && value.readUInt32BE(16) === partition) out.push({ key, value });
    }
    return out;
  } finally {
    await db.close();
  }
}

describe('storage faults', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let manager: LogManager | undefined;
  const topic = newTopicId();
  const other = newTopicId();

  beforeEach(async () => {
    temp = await makeTempDir();
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await temp.remove();
  });

  it('takes a partition with a corrupt batch offline and keeps serving the others', async () => {
    manager = await openManager(temp.dir);
    const victim = await manager.getOrCreate(topic, 0, UNLIMITED);
    const healthy = await manager.getOrCreate(other, 0, UNLIMITED);
    for (let i = 0; i < 3; i++) {
      await victim.append([batchOf(`v${i}`, 2)], 0);
      await healthy.append([batchOf(`h${i}`, 2)], 0);
    }
    victim.setHighWatermark(6);
    healthy.setHighWatermark(6);
    await manager.close();

    // Flip one byte inside the records of the batch at offset 2, directly in log/.
    const db = new Level<Buffer, Buffer>(join(temp.dir, 'log'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    let corrupted = 0;
    for await (const [key, value] of db.iterator()) {
      if (value.subarray(0, 16).equals(topic) && value.readBigInt64BE(20) === 2n) {
        const bad = Buffer.from(value);
        bad[bad.length - 2]! ^= 0xff;
        await db.put(key, bad);
        corrupted++;
      }
    }
    await db.close();
    expect(corrupted).toBe(1);

    const { logger, lines } = captureLogger('warn');
    manager = await openManager(temp.dir, {}, { logger });
    const log = manager.get(topic, 0)!;
    // The batch before the corrupt one still reads.
    expect((await log.read(0, 1)).nextOffset).toBe(2);
    await expect(log.read(2, 1 << 20)).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    expect(log.offline).toBe(true);
    const line = lines.find((l) => l.level === 50 && l.msg === 'storage error: partition offline');
    expect(line).toMatchObject({ topicId: topicIdToString(topic), partition: 0, offset: 2, reason: 'record batch failed its CRC-32C check' });

    // Every later call on that partition fails; the others work.
    await expect(log.read(0, 1 << 20)).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    await expect(log.append([batchOf('more')], 0)).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    await expect(log.offsetForTimestamp(0)).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    expect(() => log.setHighWatermark(6)).toThrow(expect.objectContaining({ code: 'KAFKA_STORAGE_ERROR' }));
    const ok = manager.get(other, 0)!;
    expect((await ok.read(0, 1 << 20)).nextOffset).toBe(6);
    expect((await ok.append([batchOf('h-next')], 0)).baseOffset).toBe(6);
    // And the whole node can still shut down cleanly.
    await manager.close();
    manager = undefined;
  });

  it('truncates whole batches for good, clamps the high watermark and the epoch cache', async () => {
    manager = await openManager(temp.dir);
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 3)], 1); // 0-2
    await log.append([batchOf('b', 3)], 1); // 3-5
    await log.append([batchOf('c', 3)], 2); // 6-8
    await log.append([batchOf('d', 3)], 3); // 9-11
    log.setHighWatermark(12);
    await log.truncateTo(12); // at the end: nothing to do
    expect(log.logEndOffset).toBe(12);
    await log.truncateTo(7); // inside c (6-8): c goes whole, never split
    expect(log.logEndOffset).toBe(6);
    await log.truncateTo(6); // now at the end: nothing to do
    expect(log).toMatchObject({ logEndOffset: 6, highWatermark: 6 });
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }]);
    await expect(log.read(7, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect([...iterateBatches((await log.read(0, 1 << 20, log.logEndOffset)).records)]).toHaveLength(2);
    await log.append([batchOf('e', 1)], 4); // 6
    log.setHighWatermark(7);
    await manager.close();

    expect((await rawBlobs(temp.dir, topic, 0)).map((b) => Number(b.value.readBigInt64BE(20)))).toEqual([0, 3, 6]);
    manager = await openManager(temp.dir);
    const reopened = manager.get(topic, 0)!;
    expect(reopened).toMatchObject({ logEndOffset: 7, highWatermark: 7 });
    const values: string[] = [];
    for (const { bytes } of iterateBatches((await reopened.read(0, 1 << 20)).records)) for (const r of decodeRecords(bytes)) values.push(`${r.offset}:${r.value!.toString()}`);
    expect(values).toEqual(['0:a-0', '1:a-1', '2:a-2', '3:b-0', '4:b-1', '5:b-2', '6:e-0']);
    expect(reopened.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 4, startOffset: 6 }]);
  });

  it('restarts a follower log empty at a given offset', async () => {
    manager = await openManager(temp.dir);
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 3)], 1);
    await log.truncateFullyAndStartAt(100);
    expect(log).toMatchObject({ logStartOffset: 100, logEndOffset: 100, highWatermark: 100, sizeBytes: 0 });
    await expect(log.read(0, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect((await log.append([batchOf('b', 2)], 2)).baseOffset).toBe(100);
    await manager.close();
    manager = await openManager(temp.dir);
    expect(manager.get(topic, 0)).toMatchObject({ logStartOffset: 100, logEndOffset: 102 });
  });

  it('deletes a partition: blobs, index entries and listing', async () => {
    manager = await openManager(temp.dir);
    const doomed = await manager.getOrCreate(topic, 0, UNLIMITED);
    const kept = await manager.getOrCreate(topic, 1, UNLIMITED);
    for (let i = 0; i < 5; i++) {
      await doomed.append([batchOf(`d${i}`, 2)], 0);
      await kept.append([batchOf(`k${i}`, 2)], 0);
    }
    await manager.delete(topic, 0);
    expect(manager.get(topic, 0)).toBeUndefined();
    expect(manager.list()).toEqual([{ topicId: topic, partition: 1 }]);
    await expect(doomed.read(0, 100)).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await manager.delete(topic, 0); // nothing left: no-op
    await manager.close();

    expect(await rawBlobs(temp.dir, topic, 0)).toHaveLength(0);
    expect(await rawBlobs(temp.dir, topic, 1)).toHaveLength(5);
    manager = await openManager(temp.dir);
    expect(manager.list()).toEqual([{ topicId: topic, partition: 1 }]);
    // Created again, it starts empty at offset 0.
    const fresh = await manager.getOrCreate(topic, 0, UNLIMITED);
    expect(fresh).toMatchObject({ logStartOffset: 0, logEndOffset: 0 });
  });
});
