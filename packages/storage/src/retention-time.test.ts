// Proves retention and the time index on real LevelDB directories with an injected clock:
// retention.ms and retention.bytes delete whole batches from the front (only below the high
// watermark), move the log start offset (kept across a reopen), and after a few MB expire the
// files of log/ and index/ shrink (sizeOnDiskBytes) because the freed sequence range is
// compacted; offsetForTimestamp finds the earliest offset at or after a timestamp with records
// out of order within and across batches, also after retention moved the front; maxTimestamp
// names the record with the largest timestamp.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newTopicId } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import { batchOf, makeTempDir, openManager } from './testing.js';

const T0 = 1_700_000_000_000;
const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

describe('retention', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let manager: LogManager | undefined;
  let clock = T0;
  const now = (): number => clock;
  const topic = newTopicId();

  beforeEach(async () => {
    temp = await makeTempDir();
    clock = T0;
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await temp.remove();
  });

  it('deletes batches older than retention.ms, only below the high watermark, and keeps the new start across a reopen', async () => {
    manager = await openManager(temp.dir, {}, { now });
    const log = await manager.getOrCreate(topic, 0, { retentionMs: 60_000, retentionBytes: -1 });
    for (let i = 0; i < 6; i++) await log.append([batchOf(`t${i}`, 2, { nowMs: T0 + i * 10_000 })], 0); // offsets 2i, 2i+1
    log.setHighWatermark(8);
    clock = T0 + 60_000 + 25_000; // batches 0..2 (max ts T0+20s) are older than 60 s
    await manager.runRetention();
    expect(log).toMatchObject({ logStartOffset: 6, logEndOffset: 12 });
    await expect(log.read(5, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect((await log.read(6, 1 << 20)).nextOffset).toBe(8);

    clock = T0 + 1_000_000; // everything is old, but offsets >= 8 are above the high watermark
    await manager.runRetention();
    expect(log.logStartOffset).toBe(8);
    log.setHighWatermark(12);
    await manager.runRetention();
    expect(log).toMatchObject({ logStartOffset: 12, logEndOffset: 12, sizeBytes: 0 });
    expect((await log.append([batchOf('fresh', 1, { nowMs: clock })], 1)).baseOffset).toBe(12);
    await manager.close();

    manager = await openManager(temp.dir, {}, { now });
    expect(manager.get(topic, 0)).toMatchObject({ logStartOffset: 12, logEndOffset: 13 });
    expect(manager.get(topic, 0)!.config).toEqual({ retentionMs: 60_000, retentionBytes: -1 });
  });

  it('deletes the oldest batches while the partition is larger than retention.bytes', async () => {
    manager = await openManager(temp.dir, {}, { now });
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    for (let i = 0; i < 10; i++) await log.append([batchOf(`b${i}`, 1, { valueBytes: 1000 })], 0);
    log.setHighWatermark(10);
    const batchBytes = log.sizeBytes / 10;
    await manager.runRetention(); // unlimited: nothing happens
    expect(log.logStartOffset).toBe(0);
    log.setConfig({ retentionMs: -1, retentionBytes: Math.floor(batchBytes * 3.5) });
    await manager.runRetention();
    expect(log).toMatchObject({ logStartOffset: 7, sizeBytes: batchBytes * 3 });
    await manager.close();
    manager = await openManager(temp.dir, {}, { now });
    expect(manager.get(topic, 0)).toMatchObject({ logStartOffset: 7, logEndOffset: 10, sizeBytes: batchBytes * 3 });
  });

  it('shrinks the database files once a few MB have expired', async () => {
    manager = await openManager(temp.dir, { logWriteBufferBytes: 256 * 1024, logFlushSync: false }, { now });
    const logs = await Promise.all([0, 1].map((p) => manager!.getOrCreate(topic, p, { retentionMs: 1000, retentionBytes: -1 })));
    for (let i = 0; i < 40; i++) await Promise.all(logs.map((log) => log.append([batchOf(`big${i}`, 1, { valueBytes: 64 * 1024, nowMs: T0 })], 0)));
    for (const log of logs) log.setHighWatermark(log.logEndOffset);
    await manager.checkpointHighWatermarks();
    const before = await manager.sizeOnDiskBytes();
    expect(before).toBeGreaterThan(5 * 1024 * 1024);
    clock = T0 + 10_000;
    await manager.runRetention();
    for (const log of logs) expect(log).toMatchObject({ logStartOffset: 40, sizeBytes: 0 });
    expect(manager.stats().compactions).toBeGreaterThan(0);
    const after = await manager.sizeOnDiskBytes();
    expect(after).toBeLessThan(before / 4);
  });
});

describe('time index', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let manager: LogManager | undefined;
  const topic = newTopicId();

  beforeEach(async () => {
    temp = await makeTempDir();
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await temp.remove();
  });

  it('finds the earliest offset at or after a timestamp with out-of-order timestamps', async () => {
    manager = await openManager(temp.dir);
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    expect(await log.offsetForTimestamp(0)).toBeUndefined();
    expect(await log.maxTimestamp()).toBeUndefined();
    await log.append([batchOf('a', 3, { timestamps: [T0 + 100, T0 + 300, T0 + 200] })], 0); // 0-2, max 300
    await log.append([batchOf('b', 3, { timestamps: [T0 + 150, T0 + 250, T0 + 120] })], 0); // 3-5, max 250: no time-index entry
    await log.append([batchOf('c', 3, { timestamps: [T0 + 400, T0 + 350, T0 + 500] })], 0); // 6-8, max 500
    await log.append([batchOf('d', 1, { timestamps: [T0 + 450] })], 0); // 9
    const cases: [number, number | undefined][] = [
      [0, 0],
      [T0 + 100, 0],
      [T0 + 101, 1],
      [T0 + 250, 1],
      [T0 + 300, 1],
      [T0 + 301, 6],
      [T0 + 400, 6],
      [T0 + 401, 8],
      [T0 + 450, 8],
      [T0 + 500, 8],
      [T0 + 501, undefined],
    ];
    for (const [ts, offset] of cases) expect((await log.offsetForTimestamp(ts))?.offset, `timestamp T0+${ts - T0}`).toBe(offset);
    expect(await log.offsetForTimestamp(T0 + 301)).toEqual({ offset: 6, timestamp: T0 + 400 });
    expect(await log.maxTimestamp()).toEqual({ offset: 8, timestamp: T0 + 500 });

    // After retention drops the first batch, the time index starts from the new front.
    log.setHighWatermark(10);
    log.setConfig({ retentionMs: -1, retentionBytes: log.sizeBytes - 1 });
    await manager.runRetention();
    expect(log.logStartOffset).toBe(3);
    expect(await log.offsetForTimestamp(T0 + 101)).toEqual({ offset: 3, timestamp: T0 + 150 });
    expect(await log.offsetForTimestamp(T0 + 200)).toEqual({ offset: 4, timestamp: T0 + 250 });
    expect(await log.offsetForTimestamp(T0 + 260)).toEqual({ offset: 6, timestamp: T0 + 400 });

    // And after a reopen (rebuilt from the persisted entries).
    await manager.close();
    manager = await openManager(temp.dir);
    const again = manager.get(topic, 0)!;
    expect(await again.offsetForTimestamp(T0 + 200)).toEqual({ offset: 4, timestamp: T0 + 250 });
    expect(await again.maxTimestamp()).toEqual({ offset: 8, timestamp: T0 + 500 });
  });
});
