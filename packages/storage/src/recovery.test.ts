// Proves recovery on open against real LevelDB directories: a close and reopen serves the same
// records at the same offsets with the checkpointed high watermark; when index/ lags log/ (an
// older copy of index/ put back, as after a crash between the two writes) the tail is re-indexed
// and nothing is lost, not even after a truncation in the lost window; with index/ deleted
// entirely, open rebuilds it from log/ and serves the same records at the same offsets.
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRecords, iterateBatches, newTopicId } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import type { PartitionLog } from './partition-log.js';
import { batchOf, captureLogger, makeTempDir, openManager } from './testing.js';

const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

async function dump(log: PartitionLog): Promise<string[]> {
  const res = await log.read(log.logStartOffset, 1 << 30, log.logEndOffset);
  const out: string[] = [];
  for (const { header, bytes } of iterateBatches(res.records)) {
    for (const r of decodeRecords(bytes)) out.push(`${r.offset}:${r.value!.toString()}@${header.partitionLeaderEpoch}`);
  }
  return out;
}

describe('recovery', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let manager: LogManager | undefined;
  const topicA = newTopicId();
  const topicB = newTopicId();

  beforeEach(async () => {
    temp = await makeTempDir();
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await temp.remove();
  });

  async function fill(m: LogManager, label: string, rounds: number): Promise<void> {
    const logs = [await m.getOrCreate(topicA, 0, UNLIMITED), await m.getOrCreate(topicA, 1, UNLIMITED), await m.getOrCreate(topicB, 0, UNLIMITED)];
    for (let i = 0; i < rounds; i++) await Promise.all(logs.map((log, p) => log.append([batchOf(`${label}${p}-${i}`, 1 + (i % 3))], 2)));
  }

  async function snapshot(m: LogManager): Promise<Record<string, { start: number; end: number; records: string[] }>> {
    const out: Record<string, { start: number; end: number; records: string[] }> = {};
    for (const { topicId, partition } of m.list()) {
      const log = m.get(topicId, partition)!;
      out[`${topicId.toString('hex')}/${partition}`] = { start: log.logStartOffset, end: log.logEndOffset, records: await dump(log) };
    }
    return out;
  }

  it('reopens with the same partitions, records, offsets, configs and high watermarks', async () => {
    manager = await openManager(temp.dir);
    await fill(manager, 'r', 20);
    await manager.getOrCreate(topicB, 0, { retentionMs: 123_000, retentionBytes: 456_000 });
    manager.get(topicA, 0)!.setHighWatermark(10);
    const before = await snapshot(manager);
    await manager.close();

    manager = await openManager(temp.dir);
    expect(manager.list()).toHaveLength(3);
    expect(await snapshot(manager)).toEqual(before);
    expect(manager.get(topicA, 0)!.highWatermark).toBe(10); // checkpointed on close
    expect(manager.get(topicB, 0)!.config).toEqual({ retentionMs: 123_000, retentionBytes: 456_000 });
    // Appends continue at the log end.
    const log = manager.get(topicA, 1)!;
    const end = log.logEndOffset;
    expect((await log.append([batchOf('after')], 3)).baseOffset).toBe(end);
  });

  it('checkpoints the high watermark on a timer, not per produce', async () => {
    manager = await openManager(temp.dir, { highWatermarkCheckpointIntervalMs: 20 });
    const log = await manager.getOrCreate(topicA, 0, UNLIMITED);
    await log.append([batchOf('h', 5)], 0);
    log.setHighWatermark(5);
    expect(log.checkpointedHighWatermark).toBe(0); // not written by the call itself
    for (let i = 0; i < 200 && log.checkpointedHighWatermark !== 5; i++) await new Promise((r) => setTimeout(r, 10));
    expect(log.checkpointedHighWatermark).toBe(5);
    // A copy of the live directories is what a process crash leaves (unsynced writes sit in the
    // page cache): the checkpoint is in it without any close.
    const crashDir = join(temp.dir, 'crash');
    await manager.checkpointHighWatermarks(); // nothing left to checkpoint: waits for index/ to take what is queued
    await cp(join(temp.dir, 'log'), join(crashDir, 'log'), { recursive: true });
    await cp(join(temp.dir, 'index'), join(crashDir, 'index'), { recursive: true });
    const copy = await openManager(crashDir);
    try {
      expect(copy.get(topicA, 0)).toMatchObject({ highWatermark: 5, logEndOffset: 5 });
    } finally {
      await copy.close();
    }
  });

  it('re-indexes the log tail when index/ lags behind log/', async () => {
    manager = await openManager(temp.dir);
    await fill(manager, 'early', 5);
    await manager.close();
    // The index as it was at this point: what a crash before later index writes would leave.
    await cp(join(temp.dir, 'index'), join(temp.dir, 'index-old'), { recursive: true });

    manager = await openManager(temp.dir);
    await fill(manager, 'late', 7);
    const expected = await snapshot(manager);
    await manager.close();
    await rm(join(temp.dir, 'index'), { recursive: true });
    await cp(join(temp.dir, 'index-old'), join(temp.dir, 'index'), { recursive: true });

    const { logger, lines } = captureLogger('info');
    manager = await openManager(temp.dir, {}, { logger });
    expect(await snapshot(manager)).toEqual(expected);
    expect(lines.find((l) => l.msg === 'storage recovered')).toMatchObject({ reindexedBatches: 21 });
    // Nothing is re-indexed twice: the next open starts from the recovered covered sequence.
    await manager.close();
    manager = await openManager(temp.dir);
    expect(await snapshot(manager)).toEqual(expected);
  });

  it('does not bring back batches truncated in the window the lagging index lost', async () => {
    manager = await openManager(temp.dir);
    const log = await manager.getOrCreate(topicA, 0, UNLIMITED);
    for (let i = 0; i < 4; i++) await log.append([batchOf(`old${i}`, 2)], 1); // 0..7
    await manager.close();
    await cp(join(temp.dir, 'index'), join(temp.dir, 'index-old'), { recursive: true });

    manager = await openManager(temp.dir);
    const again = manager.get(topicA, 0)!;
    await again.append([batchOf('x', 2)], 1); // 8-9
    await again.truncateTo(4); // drops old2, old3, x
    await again.append([batchOf('new', 3)], 2); // 4-6
    const expected = await dump(again);
    expect(expected).toEqual(['0:old0-0@1', '1:old0-1@1', '2:old1-0@1', '3:old1-1@1', '4:new-0@2', '5:new-1@2', '6:new-2@2']);
    await manager.close();
    await rm(join(temp.dir, 'index'), { recursive: true });
    await cp(join(temp.dir, 'index-old'), join(temp.dir, 'index'), { recursive: true });

    manager = await openManager(temp.dir);
    const recovered = manager.get(topicA, 0)!;
    expect(recovered.logEndOffset).toBe(7);
    expect(await dump(recovered)).toEqual(expected);
    expect(recovered.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 4 }]);
  });

  it('rebuilds index/ from log/ when index/ is deleted and serves the same records at the same offsets', async () => {
    manager = await openManager(temp.dir);
    await fill(manager, 'rb', 12);
    const log = manager.get(topicA, 0)!;
    await log.truncateTo(9); // the rebuilt index must not resurrect the truncated tail either
    await log.append([batchOf('tail', 2)], 4);
    const expected = await snapshot(manager);
    const epochs = log.epochEntries();
    await manager.close();
    await rm(join(temp.dir, 'index'), { recursive: true });

    manager = await openManager(temp.dir);
    expect(manager.list().map((p) => `${p.topicId.toString('hex')}/${p.partition}`).sort()).toEqual(Object.keys(expected).sort());
    expect(await snapshot(manager)).toEqual(expected);
    expect(manager.get(topicA, 0)!.epochEntries()).toEqual(epochs);
    // The rebuilt index is persisted: a second open needs no rebuild and agrees.
    await manager.close();
    manager = await openManager(temp.dir);
    expect(await snapshot(manager)).toEqual(expected);
  });
});
