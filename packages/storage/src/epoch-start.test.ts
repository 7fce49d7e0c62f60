// Proves assignEpochStartOffset (Kafka's maybeAssignEpochStartOffset) on a real LevelDB in a temp
// dir: a new leader's epoch starts at the log end offset, endOffsetForEpoch answers for it before
// any write of it, the call is a no-op for an epoch not newer than the latest, it starts after
// every append enqueued before it (also when those carry a newer epoch of their own, which then
// goes in before it) and resolves only after they are committed, batches of that epoch (leader or
// follower) add no second entry, and the entry is in index/ when the call resolves (a copy of the
// directories taken then, without any close, has it) and survives a reopen; and a truncation at
// the log end drops an epoch that starts there with no batch (a leader that wrote nothing).
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchField, newTopicId } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import { batchOf, makeTempDir, openManager } from './testing.js';

const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

describe('assignEpochStartOffset', () => {
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

  it('starts the epoch at the log end offset and answers for it before any write', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.assignEpochStartOffset(0); // an empty log
    expect(log.epochEntries()).toEqual([{ epoch: 0, startOffset: 0 }]);
    await log.append([batchOf('a', 4)], 0); // 0-3
    await log.append([batchOf('b', 2)], 0); // 4-5

    await log.assignEpochStartOffset(3);
    expect(log.latestEpoch()).toBe(3);
    expect(log.epochEntries()).toEqual([{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 6 }]);
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 6 });
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 6 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 0, endOffset: 6 });
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: -1, endOffset: -1 });

    // Not newer than the latest: nothing changes.
    await log.assignEpochStartOffset(3);
    await log.assignEpochStartOffset(1);
    expect(log.epochEntries()).toHaveLength(2);

    // Its own batches add no second entry, nor do a follower's batches of that epoch.
    await log.append([batchOf('c', 1)], 3); // 6
    const replicated = batchOf('d', 2);
    replicated.writeBigInt64BE(7n, BatchField.BASE_OFFSET);
    replicated.writeInt32BE(3, BatchField.PARTITION_LEADER_EPOCH);
    await log.appendAsFollower([replicated]); // 7-8
    expect(log.epochEntries()).toEqual([{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 6 }]);
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 9 });
  });

  it('starts after the appends enqueued before it, and resolves once they are committed', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 2)], 1); // 0-1
    // Pending when the new epoch is assigned: one of epoch 1 and one starting epoch 2 (as a
    // follower's last fetched batches would be).
    const p1 = log.append([batchOf('b', 3)], 1); // 2-4
    const e2 = batchOf('c', 2);
    e2.writeBigInt64BE(5n, BatchField.BASE_OFFSET);
    e2.writeInt32BE(2, BatchField.PARTITION_LEADER_EPOCH);
    const p2 = log.appendAsFollower([e2]); // 5-6
    let p2Committed = false;
    void p2.then(() => (p2Committed = true));
    const assigned = log.assignEpochStartOffset(5).then(() => ({ endOffset: log.logEndOffset, p2Committed }));
    expect(log.latestEpoch()).toBe(5); // at once: later appends and calls see it

    expect(await assigned).toEqual({ endOffset: 7, p2Committed: true });
    await Promise.all([p1, p2]);
    expect(await log.append([batchOf('d', 1)], 5)).toMatchObject({ baseOffset: 7 });
    // Epoch 2 went in before the assigned epoch 5, at its own start.
    expect(log.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 5 }, { epoch: 5, startOffset: 7 }]);
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 2, endOffset: 7 });
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 8 });
  });

  it('waits for an assignment of the same epoch still in flight', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 2)], 0);
    const first = log.assignEpochStartOffset(4);
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await log.assignEpochStartOffset(4);
    expect(firstDone).toBe(true);
  });

  it('is in index/ once it resolves, and survives a reopen with no batch of that epoch', async () => {
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 3)], 1);
    await log.assignEpochStartOffset(6);
    // What a crash right now leaves: the directories as they are, without a close.
    const crashDir = join(temp.dir, 'crash');
    await cp(join(temp.dir, 'log'), join(crashDir, 'log'), { recursive: true });
    await cp(join(temp.dir, 'index'), join(crashDir, 'index'), { recursive: true });
    const copy = await openManager(crashDir);
    try {
      expect(copy.get(topic, 0)!.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 6, startOffset: 3 }]);
    } finally {
      await copy.close();
    }

    await manager.close();
    manager = await openManager(temp.dir);
    const reopened = manager.get(topic, 0)!;
    expect(reopened.latestEpoch()).toBe(6);
    expect(reopened.endOffsetForEpoch(6)).toEqual({ epoch: 6, endOffset: 3 });
    expect(reopened.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3 });
    await reopened.append([batchOf('b')], 6);
    expect(reopened.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 6, startOffset: 3 }]);
    // A follower cutting back below the epoch's start drops it, as Kafka's truncateFromEnd.
    await reopened.truncateTo(3);
    expect(reopened.epochEntries()).toEqual([{ epoch: 1, startOffset: 0 }]);
  });

  it('truncateTo at the log end drops an epoch that starts there with no batch of it, for good', async () => {
    // This broker led epoch 1 and wrote nothing in it before epoch 2 went elsewhere: the follower
    // would keep offering epoch 1 to a leader that never had it.
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('a', 3)], 0);
    await log.assignEpochStartOffset(1);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3 });
    await log.truncateTo(3); // nothing to cut
    expect(log.logEndOffset).toBe(3);
    expect(log.epochEntries()).toEqual([{ epoch: 0, startOffset: 0 }]);
    await manager.close();
    manager = await openManager(temp.dir);
    expect(manager.get(topic, 0)!.epochEntries()).toEqual([{ epoch: 0, startOffset: 0 }]);
  });
});
