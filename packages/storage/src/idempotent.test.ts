// Proves idempotent-producer handling on a real LevelDB in a temp dir, through PartitionLog:
// leader appends follow Kafka's sequence and epoch rules (gaps and stale epochs are refused with
// nothing written or stamped), a producer with no state is accepted only at sequence 0 (else
// UNKNOWN_PRODUCER_ID with nothing written, also when its later batch overtakes its first), a retry of one of the last five batches resolves with the
// original offsets and `duplicate: true` (also when the original is still pending: it resolves
// after the original's commit), appends in flight are judged in call order, follower appends
// update the state unchecked (that is how a follower gets a producer's state, at any sequence, and
// a leader continues from it), truncation rolls the state back from the in-memory index,
// retention forgets producers whose batches are gone (they must start over at sequence 0), a failed group commit leaves only the
// committed batches in the state, and the state is the same after a reopen, after a re-index
// from log/ with index/ deleted, and with index/ entries of the old format (no producer fields).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchField, newTopicId } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import type { PartitionLog } from './partition-log.js';
import { batchOf, makeTempDir, openManager } from './testing.js';

const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

/** A batch of producer `id` at `epoch`, sequences from `sequence`, `count` records. */
const pb = (id: number, epoch: number, sequence: number, count = 1): Buffer => batchOf(`p${id}e${epoch}s${sequence}`, count, { producer: { id, epoch, sequence } });

/** A follower's copy of a batch: the leader's offset and epoch stamped. */
function stamped(batch: Buffer, baseOffset: number, leaderEpoch: number): Buffer {
  batch.writeBigInt64BE(BigInt(baseOffset), BatchField.BASE_OFFSET);
  batch.writeInt32BE(leaderEpoch, BatchField.PARTITION_LEADER_EPOCH);
  return batch;
}

const stateOf = (log: PartitionLog): Record<number, { epoch: number; batches: string[] }> =>
  Object.fromEntries([...log.producerState()].map(([id, s]) => [id, { epoch: s.epoch, batches: s.batches.map((b) => `${b.baseSequence}-${b.lastSequence}@${b.baseOffset}-${b.lastOffset}`) }]));

describe('idempotent producers', () => {
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

  it('accepts an unknown producer only at sequence 0, then only the next, and answers retries with the original offsets', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('plain', 2)], 0); // 0-1, no producer
    const committedBefore = manager.stats().appendsCommitted;
    const unknown = pb(7, 0, 40, 3);
    await expect(log.append([unknown], 0)).rejects.toMatchObject({ code: 'UNKNOWN_PRODUCER_ID' });
    await expect(log.append([pb(7, 3, 1)], 0)).rejects.toMatchObject({ code: 'UNKNOWN_PRODUCER_ID' }); // whatever the epoch
    expect(unknown.readBigInt64BE(BatchField.BASE_OFFSET)).toBe(0n); // not stamped
    expect(manager.stats().appendsCommitted).toBe(committedBefore);
    expect(log.logEndOffset).toBe(2);
    expect(log.producerState().size).toBe(0);

    expect(await log.append([pb(7, 0, 0, 3)], 0)).toEqual({ baseOffset: 2, lastOffset: 4, logAppendTimeMs: expect.any(Number), duplicate: false });
    await log.append([pb(7, 0, 3, 2)], 0); // 5-6
    const before = manager.stats().appendsCommitted;

    const gap = pb(7, 0, 6);
    await expect(log.append([gap], 0)).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(gap.readBigInt64BE(BatchField.BASE_OFFSET)).toBe(0n); // not stamped

    const retry = pb(7, 0, 0, 3);
    const dup = await log.append([retry], 0);
    expect(dup).toMatchObject({ baseOffset: 2, lastOffset: 4, duplicate: true });
    expect(dup.logAppendTimeMs).toBeGreaterThan(0); // the original's, appended by this process
    expect(retry.readBigInt64BE(BatchField.BASE_OFFSET)).toBe(0n);
    expect(manager.stats().appendsCommitted).toBe(before);
    expect(log.logEndOffset).toBe(7);

    expect(await log.append([pb(7, 0, 5)], 0)).toMatchObject({ baseOffset: 7, duplicate: false });
    expect(stateOf(log)).toEqual({ 7: { epoch: 0, batches: ['0-2@2-4', '3-4@5-6', '5-5@7-7'] } });
    // Plain batches are untouched by any of this.
    expect(await log.append([batchOf('x'), batchOf('y')], 0)).toMatchObject({ baseOffset: 8, lastOffset: 9, duplicate: false });
  });

  it('keeps the last five batches: an older retry is out of order', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    for (let s = 0; s < 6; s++) await log.append([pb(1, 0, s)], 0);
    expect(log.producerState().get(1)!.batches).toHaveLength(5);
    expect(await log.append([pb(1, 0, 1)], 0)).toMatchObject({ baseOffset: 1, duplicate: true });
    await expect(log.append([pb(1, 0, 0)], 0)).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  it('refuses an unknown producer\'s later batch that overtakes its first, and accepts it after the first', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    // Two requests of one connection served at once: the second batch is called first.
    await expect(log.append([pb(6, 0, 1)], 0)).rejects.toMatchObject({ code: 'UNKNOWN_PRODUCER_ID' });
    expect(log.logEndOffset).toBe(0);
    const first = log.append([pb(6, 0, 0)], 0);
    const second = log.append([pb(6, 0, 1)], 0); // the first is pending: it counts
    expect(await first).toMatchObject({ baseOffset: 0, duplicate: false });
    expect(await second).toMatchObject({ baseOffset: 1, duplicate: false });
    expect(stateOf(log)).toEqual({ 6: { epoch: 0, batches: ['0-0@0-0', '1-1@1-1'] } });
  });

  it('follows the sequence across the int32 wrap', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    // A leader reaches int32 max only after 2^31 records; a follower takes the state as replicated.
    await log.appendAsFollower([stamped(pb(3, 0, 0x7fffffff - 4, 3), 0, 0)]); // 0-2: sequences MAX-4 .. MAX-2
    expect(await log.append([pb(3, 0, 0x7fffffff - 1, 3)], 0)).toMatchObject({ baseOffset: 3, lastOffset: 5, duplicate: false }); // MAX-1, MAX, 0
    expect(log.producerState().get(3)!.batches[1]).toMatchObject({ baseSequence: 0x7fffffff - 1, lastSequence: 0 });
    await expect(log.append([pb(3, 0, 0)], 0)).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(await log.append([pb(3, 0, 1)], 0)).toMatchObject({ baseOffset: 6, duplicate: false });
    expect(stateOf(log)[3]!.batches).toEqual([`${0x7fffffff - 4}-${0x7fffffff - 2}@0-2`, `${0x7fffffff - 1}-0@3-5`, '1-1@6-6']);
  });

  it('fences older producer epochs and starts a new epoch at sequence 0', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([pb(5, 2, 0, 2)], 0);
    await expect(log.append([pb(5, 1, 2)], 0)).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
    await expect(log.append([pb(5, 3, 2)], 0)).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(log.logEndOffset).toBe(2);
    expect(await log.append([pb(5, 3, 0)], 0)).toMatchObject({ baseOffset: 2, duplicate: false });
    expect(stateOf(log)).toEqual({ 5: { epoch: 3, batches: ['0-0@2-2'] } });
    // The old epoch's batch is no duplicate now: its epoch is fenced.
    await expect(log.append([pb(5, 2, 0, 2)], 0)).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
  });

  it('refuses a producer batch that is not alone in its append, or has no sequence, writing nothing', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('first')], 0);
    const plain = batchOf('plain');
    await expect(log.append([plain, pb(1, 0, 0)], 0)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    await expect(log.append([pb(1, 0, 0), pb(1, 0, 1)], 0)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    await expect(log.append([pb(1, 0, -1)], 0)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect(plain.readBigInt64BE(BatchField.BASE_OFFSET)).toBe(0n);
    expect(log.logEndOffset).toBe(1);
    expect(log.producerState().size).toBe(0);
  });

  it('judges appends in flight in call order, and resolves a retry of a pending batch after its commit', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([pb(2, 0, 0, 2)], 0); // 0-1, the producer is known now
    // None of these is committed when the next is called.
    const a = log.append([pb(2, 0, 2, 3)], 0); // 2-4
    const b = log.append([pb(2, 0, 5)], 0); // 5
    const retryOfA = log.append([pb(2, 0, 2, 3)], 0).then((r) => ({ r, endOffset: log.logEndOffset }));
    const gap = log.append([pb(2, 0, 9)], 0);
    const c = log.append([pb(2, 0, 6)], 0); // 6
    await expect(gap).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(await a).toMatchObject({ baseOffset: 2, lastOffset: 4, duplicate: false });
    expect(await b).toMatchObject({ baseOffset: 5, duplicate: false });
    expect(await c).toMatchObject({ baseOffset: 6, duplicate: false });
    const retried = await retryOfA;
    expect(retried.r).toMatchObject({ baseOffset: 2, lastOffset: 4, duplicate: true });
    expect(retried.endOffset).toBeGreaterThanOrEqual(5); // resolved only after the original was committed
    expect(log.logEndOffset).toBe(7);
    expect(stateOf(log)[2]!.batches).toEqual(['0-1@0-1', '2-4@2-4', '5-5@5-5', '6-6@6-6']);
  });

  it('updates the state from follower appends without checking them', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.appendAsFollower([stamped(pb(4, 1, 10), 0, 3), stamped(batchOf('plain'), 1, 3), stamped(pb(4, 1, 20, 2), 2, 3)]);
    expect(stateOf(log)).toEqual({ 4: { epoch: 1, batches: ['10-10@0-0', '20-21@2-3'] } });
    // An older producer epoch from the leader is taken as it is (Kafka's replication origin).
    await log.appendAsFollower([stamped(pb(4, 0, 0), 4, 3)]);
    expect(stateOf(log)).toEqual({ 4: { epoch: 0, batches: ['0-0@4-4'] } });
    // A leader continues from the state a follower built (as after a leader change).
    await expect(log.append([pb(4, 0, 2)], 3)).rejects.toMatchObject({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(await log.append([pb(4, 0, 1)], 3)).toMatchObject({ baseOffset: 5, duplicate: false });
  });

  it('rolls the state back on truncateTo, from the in-memory index', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([pb(1, 0, 0, 2)], 0); // 0-1
    await log.append([pb(1, 0, 2, 2)], 0); // 2-3
    await log.append([pb(2, 0, 0)], 0); // 4
    await log.append([pb(1, 0, 4)], 0); // 5
    await log.append([pb(1, 1, 0)], 0); // 6: producer 1 bumps its epoch
    await log.append([pb(3, 0, 0)], 0); // 7
    expect(stateOf(log)[1]).toEqual({ epoch: 1, batches: ['0-0@6-6'] });

    await log.truncateTo(6);
    expect(stateOf(log)).toEqual({ 1: { epoch: 0, batches: ['0-1@0-1', '2-3@2-3', '4-4@5-5'] }, 2: { epoch: 0, batches: ['0-0@4-4'] } });
    await log.truncateTo(4);
    expect(stateOf(log)).toEqual({ 1: { epoch: 0, batches: ['0-1@0-1', '2-3@2-3'] } });
    // The truncated batch is no duplicate any more: it is the next in sequence, at a new offset.
    expect(await log.append([pb(1, 0, 4)], 0)).toMatchObject({ baseOffset: 4, duplicate: false });
    expect(await log.append([pb(1, 0, 2, 2)], 0)).toMatchObject({ baseOffset: 2, duplicate: true });
    // Producer 2 is unknown again: it must start over at sequence 0.
    await expect(log.append([pb(2, 0, 1)], 0)).rejects.toMatchObject({ code: 'UNKNOWN_PRODUCER_ID' });
    expect(log.logEndOffset).toBe(5);
    expect(await log.append([pb(2, 0, 0)], 0)).toMatchObject({ baseOffset: 5, duplicate: false });

    await log.truncateFullyAndStartAt(50);
    expect(log.producerState().size).toBe(0);
  });

  it('forgets batches that retention removed, and producers left with none', async () => {
    await manager.close();
    const T0 = 1_700_000_000_000;
    let clock = T0;
    manager = await openManager(temp.dir, {}, { now: () => clock });
    const log = await manager.getOrCreate(topic, 0, { retentionMs: 1000, retentionBytes: -1 });
    const at = (id: number, sequence: number, ts: number): Buffer => batchOf(`p${id}s${sequence}`, 1, { producer: { id, epoch: 0, sequence }, nowMs: ts });
    await log.append([at(1, 0, T0)], 0); // 0
    await log.append([at(2, 0, T0)], 0); // 1
    await log.append([at(1, 1, T0 + 5000)], 0); // 2
    log.setHighWatermark(3);
    clock = T0 + 2000; // offsets 0 and 1 expire
    await manager.runRetention();
    expect(log.logStartOffset).toBe(2);
    expect(stateOf(log)).toEqual({ 1: { epoch: 0, batches: ['1-1@2-2'] } });
    // Producer 2 has no batch left: unknown again. Unlike Kafka, even its next sequence is refused
    // (nothing written), and it starts over at 0.
    await expect(log.append([at(2, 1, clock)], 0)).rejects.toMatchObject({ code: 'UNKNOWN_PRODUCER_ID' });
    await expect(log.append([at(2, 42, clock)], 0)).rejects.toMatchObject({ code: 'UNKNOWN_PRODUCER_ID' });
    expect(log.logEndOffset).toBe(3);
    expect(stateOf(log)).toEqual({ 1: { epoch: 0, batches: ['1-1@2-2'] } });
    expect(await log.append([at(2, 0, clock)], 0)).toMatchObject({ baseOffset: 3, duplicate: false });
    // Producer 1 kept a batch: it goes on at its next sequence.
    expect(await log.append([at(1, 2, clock)], 0)).toMatchObject({ baseOffset: 4, duplicate: false });
    expect(stateOf(log)).toEqual({ 1: { epoch: 0, batches: ['1-1@2-2', '2-2@4-4'] }, 2: { epoch: 0, batches: ['0-0@3-3'] } });
    const expected = stateOf(log);
    await manager.close();
    manager = await openManager(temp.dir, {}, { now: () => clock });
    expect(stateOf(manager.get(topic, 0)!)).toEqual(expected);
  });

  it('keeps the state across a reopen and a re-index from log/ with index/ deleted', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    for (let s = 0; s < 7; s++) await log.append([pb(1, 0, s * 2, 2)], 2);
    await log.append([pb(2, 4, 0)], 2);
    await log.append([pb(2, 5, 0, 3)], 2);
    await log.append([batchOf('plain', 2)], 2);
    await log.appendAsFollower([stamped(pb(3, 0, 100), log.logEndOffset, 2)]);
    const expected = stateOf(log);
    expect(expected[1]!.batches).toHaveLength(5);
    expect(expected[2]).toEqual({ epoch: 5, batches: ['0-2@15-17'] });
    await manager.close();

    manager = await openManager(temp.dir);
    const reopened = manager.get(topic, 0)!;
    expect(stateOf(reopened)).toEqual(expected);
    // A retry after the restart still gets the original offsets (the append time is not kept).
    expect(await reopened.append([pb(1, 0, 10, 2)], 3)).toEqual({ baseOffset: 10, lastOffset: 11, logAppendTimeMs: -1, duplicate: true });
    await manager.close();

    await rm(join(temp.dir, 'index'), { recursive: true });
    manager = await openManager(temp.dir);
    expect(stateOf(manager.get(topic, 0)!)).toEqual(expected);
    await expect(manager.get(topic, 0)!.append([pb(2, 4, 1)], 3)).rejects.toMatchObject({ code: 'INVALID_PRODUCER_EPOCH' });
  });

  it('reads index/ entries of the old format (no producer fields) as batches without a producer', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 2)], 1);
    await log.append([batchOf('b', 1)], 1);
    await manager.close();

    // Rewrite every batch entry of index/ in the first format: its first 32 bytes.
    const db = new Level<Buffer, Buffer>(join(temp.dir, 'index'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    let rewritten = 0;
    for await (const [key, value] of db.iterator()) {
      if (key.length === 30 && key[21] === 0x02) {
        await db.put(key, value.subarray(0, 32));
        rewritten++;
      }
    }
    await db.close();
    expect(rewritten).toBe(2);

    manager = await openManager(temp.dir);
    const reopened = manager.get(topic, 0)!;
    expect(reopened).toMatchObject({ logEndOffset: 3, batchCount: 2 });
    expect((await reopened.read(0, 1 << 20, 3)).nextOffset).toBe(3);
    expect(reopened.producerState().size).toBe(0);
    await reopened.append([pb(8, 0, 0)], 1);
    await manager.close();
    manager = await openManager(temp.dir);
    expect(stateOf(manager.get(topic, 0)!)).toEqual({ 8: { epoch: 0, batches: ['0-0@3-3'] } });
  });

  it('leaves only committed batches in the state when a group commit fails', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([pb(1, 0, 0)], 0);
    const committed = stateOf(log);
    // Fault injection: log/ refuses the next write, as a full disk would.
    const logDb = (manager as unknown as { logDb: { batch: (...args: unknown[]) => Promise<void> } }).logDb;
    const realBatch = logDb.batch.bind(logDb);
    logDb.batch = () => Promise.reject(new Error('injected: no space left on device'));
    const failing = log.append([pb(1, 0, 1)], 0);
    const retryOfFailing = log.append([pb(1, 0, 1)], 0);
    expect(stateOf(log)[1]!.batches).toHaveLength(2); // pending: judged against
    await expect(failing).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    await expect(retryOfFailing).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' });
    logDb.batch = realBatch;
    expect(log.offline).toBe(true);
    expect(stateOf(log)).toEqual(committed);
  });
});
