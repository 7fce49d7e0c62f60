// Proves the append and read paths on a real LevelDB in a temp dir: gapless offsets from 0 in
// call order per partition (also when partitions interleave), batches stored exactly as stamped,
// reads bounded by maxBytes / upperOffset / the high watermark but always at least one whole
// batch, OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset], group commit gathering
// concurrent appends of several partitions into fewer log/ writes (counted by stats()), the
// leader-epoch cache, and onAppend notifications.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchField, batchCrcMatches, decodeRecords, iterateBatches, newTopicId } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import type { PartitionLog } from './partition-log.js';
import { batchOf, makeTempDir, openManager } from './testing.js';

const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

/** Values of every record in `records` (concatenated batches) with their offsets. */
function decodeAll(records: Buffer): { offset: number; value: string }[] {
  const out: { offset: number; value: string }[] = [];
  for (const { bytes } of iterateBatches(records)) for (const r of decodeRecords(bytes)) out.push({ offset: r.offset, value: r.value!.toString() });
  return out;
}

describe('append and read', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let manager: LogManager;
  const topic = newTopicId();

  beforeEach(async () => {
    temp = await makeTempDir();
    manager = await openManager(temp.dir);
  });

  afterEach(async () => {
    await manager.close();
    await temp.remove();
  });

  it('assigns gapless offsets from 0 and reads the batches back as stamped', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    expect(log.logEndOffset).toBe(0);
    const a = batchOf('a', 3);
    const r1 = await log.append([a], 5);
    expect(r1).toMatchObject({ baseOffset: 0, lastOffset: 2 });
    expect(a.readBigInt64BE(BatchField.BASE_OFFSET)).toBe(0n); // stamped in place
    const r2 = await log.append([batchOf('b', 2), batchOf('c', 1)], 5);
    expect(r2).toMatchObject({ baseOffset: 3, lastOffset: 5 });
    expect(log.logEndOffset).toBe(6);
    expect(log.highWatermark).toBe(0);
    log.setHighWatermark(6);

    const res = await log.read(0, 1 << 20);
    expect(res).toMatchObject({ logStartOffset: 0, logEndOffset: 6, highWatermark: 6, nextOffset: 6 });
    const batches = [...iterateBatches(res.records)];
    expect(batches.map((b) => [b.header.baseOffset, b.header.partitionLeaderEpoch])).toEqual([[0, 5], [3, 5], [5, 5]]);
    for (const b of batches) expect(batchCrcMatches(b.bytes, 0, b.bytes.length)).toBe(true);
    expect(decodeAll(res.records).map((r) => `${r.offset}:${r.value}`)).toEqual(['0:a-0', '1:a-1', '2:a-2', '3:b-0', '4:b-1', '5:c-0']);
    expect(log.sizeBytes).toBe(batches.reduce((n, b) => n + b.bytes.length, 0));

    // A fetch from inside a batch returns that whole batch.
    const mid = await log.read(4, 1 << 20);
    expect([...iterateBatches(mid.records)].map((b) => b.header.baseOffset)).toEqual([3, 5]);
  });

  it('keeps call order per partition when concurrent appends interleave across partitions', async () => {
    const logs = await Promise.all([0, 1, 2].map((p) => manager.getOrCreate(topic, p, UNLIMITED)));
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) for (const [p, log] of logs.entries()) pending.push(log.append([batchOf(`p${p}-m${i}`, 2)], 1));
    const results = (await Promise.all(pending)) as { baseOffset: number }[];
    // Results come back in call order: partition p's i-th append got offset 2i.
    results.forEach((r, k) => expect(r.baseOffset).toBe(Math.floor(k / 3) * 2));
    for (const [p, log] of logs.entries()) {
      expect(log.logEndOffset).toBe(60);
      log.setHighWatermark(60);
      const all = decodeAll((await log.read(0, 1 << 30)).records);
      expect(all.map((r) => r.offset)).toEqual([...Array(60).keys()]);
      expect(all.map((r) => r.value)).toEqual(Array.from({ length: 60 }, (_, o) => `p${p}-m${Math.floor(o / 2)}-${o % 2}`));
    }
  });

  it('gathers appends that arrive during a write into one group commit', async () => {
    const logs = await Promise.all([0, 1, 2, 3].map((p) => manager.getOrCreate(topic, p, UNLIMITED)));
    const before = manager.stats();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) for (const log of logs) pending.push(log.append([batchOf(`x${i}`)], 0));
    await Promise.all(pending);
    const after = manager.stats();
    expect(after.appendsCommitted - before.appendsCommitted).toBe(40);
    // The first append starts a write at once; the 39 that arrive meanwhile share the next one.
    expect(after.logWrites - before.logWrites).toBeLessThan(40);
    expect(after.logWrites - before.logWrites).toBe(2);
  });

  it('bounds a group commit by groupCommitBytesMax', async () => {
    await manager.close();
    manager = await openManager(temp.dir, { groupCommitBytesMax: 3000 });
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    const pending: Promise<unknown>[] = [];
    // ~1.1 KB each: two fit in a group, a third does not.
    for (let i = 0; i < 9; i++) pending.push(log.append([batchOf(`g${i}`, 1, { valueBytes: 1000 })], 0));
    await Promise.all(pending);
    const s = manager.stats();
    expect(s.appendsCommitted).toBe(9);
    expect(s.logWrites).toBe(5); // 1, then 2 + 2 + 2 + 2
    expect(log.logEndOffset).toBe(9);
  });

  it('returns at least one whole batch even beyond maxBytes, and stops at maxBytes after that', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    for (let i = 0; i < 5; i++) await log.append([batchOf(`big${i}`, 2, { valueBytes: 500 })], 0);
    log.setHighWatermark(log.logEndOffset);
    const one = await log.read(0, 10);
    expect([...iterateBatches(one.records)].map((b) => b.header.baseOffset)).toEqual([0]);
    expect(one.nextOffset).toBe(2);
    const size = one.records.length;
    const two = await log.read(2, size * 2 + 1);
    expect([...iterateBatches(two.records)].map((b) => b.header.baseOffset)).toEqual([2, 4]);
    expect(two.nextOffset).toBe(6);
    const zero = await log.read(0, 0);
    expect(zero.records.length).toBe(size);
  });

  it('reads only below the high watermark by default, or below upperOffset', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    for (let i = 0; i < 4; i++) await log.append([batchOf(`u${i}`, 2)], 0);
    expect((await log.read(0, 1 << 20)).records.length).toBe(0);
    log.setHighWatermark(4);
    expect((await log.read(0, 1 << 20)).nextOffset).toBe(4);
    const up = await log.read(0, 1 << 20, 8);
    expect(up.nextOffset).toBe(8);
    expect((await log.read(2, 1 << 20, 4)).nextOffset).toBe(4);
    // Between the high watermark and the log end: nothing, not an error.
    const between = await log.read(5, 1 << 20);
    expect(between).toMatchObject({ nextOffset: 5, highWatermark: 4, logEndOffset: 8 });
    expect(between.records.length).toBe(0);
  });

  it('answers a read at the log end with empty records and past it with OFFSET_OUT_OF_RANGE', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    const empty = await log.read(0, 100, 0);
    expect(empty).toMatchObject({ nextOffset: 0, logEndOffset: 0 });
    await log.append([batchOf('e', 3)], 0);
    log.setHighWatermark(3);
    const atEnd = await log.read(3, 100);
    expect(atEnd.records.length).toBe(0);
    expect(atEnd.nextOffset).toBe(3);
    await expect(log.read(4, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    await expect(log.read(-1, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    await expect(log.read(0, -1)).rejects.toMatchObject({ code: 'INVALID_FETCH_SIZE' });
  });

  it('keeps the leader-epoch cache from the stamped epochs (KIP-101 end offsets)', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    expect(log.latestEpoch()).toBe(-1);
    await log.append([batchOf('a', 2)], 1); // 0-1
    await log.append([batchOf('b', 2)], 1); // 2-3
    await log.append([batchOf('c', 3)], 3); // 4-6
    await log.append([batchOf('d', 1)], 7); // 7
    expect(log.latestEpoch()).toBe(7);
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 4 }, { epoch: 7, startOffset: 7 }]);
    expect(log.endOffsetForEpoch(7)).toEqual({ epoch: 7, endOffset: 8 });
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 4 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, endOffset: 4 });
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 3, endOffset: 7 });
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 0 });
    expect(log.endOffsetForEpoch(9)).toEqual({ epoch: -1, endOffset: -1 });
  });

  it('stores follower batches with their own offsets and epochs', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    const a = batchOf('f', 2);
    a.writeBigInt64BE(0n, BatchField.BASE_OFFSET);
    a.writeInt32BE(4, BatchField.PARTITION_LEADER_EPOCH);
    const b = batchOf('g', 3);
    b.writeBigInt64BE(2n, BatchField.BASE_OFFSET);
    b.writeInt32BE(6, BatchField.PARTITION_LEADER_EPOCH);
    expect(await log.appendAsFollower([a, b])).toMatchObject({ baseOffset: 0, lastOffset: 4 });
    expect(log.logEndOffset).toBe(5);
    expect(log.epochEntries()).toEqual([{ epoch: 4, startOffset: 0 }, { epoch: 6, startOffset: 2 }]);
    await expect(log.appendAsFollower([a])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
  });

  it('calls onAppend listeners after the commit and stops after unsubscribe', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    const seen: number[] = [];
    const off = log.onAppend(() => seen.push(log.logEndOffset));
    await log.append([batchOf('l', 2)], 0);
    expect(seen).toEqual([2]);
    off();
    await log.append([batchOf('l', 2)], 0);
    expect(seen).toEqual([2]);
  });

  it('is idempotent in getOrCreate and lists partitions', async () => {
    const log = await manager.getOrCreate(topic, 3, UNLIMITED);
    const again = await manager.getOrCreate(topic, 3, { retentionMs: 1000, retentionBytes: -1 });
    expect(again).toBe(log);
    expect(log.config).toEqual({ retentionMs: 1000, retentionBytes: -1 });
    expect(manager.list()).toEqual([{ topicId: topic, partition: 3 }]);
    expect(manager.get(topic, 3)).toBe(log);
    expect(manager.get(topic, 4)).toBeUndefined();
  });

  it('rejects calls after close', async () => {
    const log: PartitionLog = await manager.getOrCreate(topic, 0, UNLIMITED);
    await manager.close();
    await manager.close(); // safe twice
    await expect(log.append([batchOf('z')], 0)).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    manager = await openManager(temp.dir);
  });
});
