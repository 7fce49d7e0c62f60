// Proves the acks=all wait of a hosted partition on a real log in a temp dir: it completes when
// the high watermark of the leadership the records were written under passes them; it fails with
// NOT_LEADER_OR_FOLLOWER when that leadership ends (to a follower role or to a new epoch), and a
// wait that starts after the leadership ended fails at once, even though the high watermark later
// passes the offset as a follower (the chaos suite caught that one: the offsets had been truncated
// and reused by the new leader, and the old leader acknowledged them); it times out with
// REQUEST_TIMED_OUT.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PartitionState } from '@samsa/controller';
import { LogManager } from '@samsa/storage';
import type { PartitionLog } from '@samsa/storage';
import { encodeBatch, newTopicId, topicIdToString } from '@samsa/protocol';
import { LeaderState } from './leader-state.js';
import { HostedPartition } from './partitions.js';
import { silentLogger, tempDir } from './testing.js';

const logger = silentLogger();
const state = (leaderEpoch: number, isr = [1, 2]): PartitionState => ({ replicas: [1, 2], leaderId: 1, leaderEpoch, isr, partitionEpoch: leaderEpoch });

let dir: { path: string; remove: () => Promise<void> };
let manager: LogManager;
let log: PartitionLog;
let hosted: HostedPartition;
const never = new AbortController().signal;

beforeEach(async () => {
  dir = await tempDir('samsa-partitions-');
  manager = await LogManager.open({ dataDir: dir.path, retentionCheckIntervalMs: 0 }, { logger });
  const topicId = newTopicId();
  log = await manager.getOrCreate(topicId, 0, { retentionMs: -1, retentionBytes: -1 });
  hosted = new HostedPartition(1, topicId, topicIdToString(topicId), 0, state(0), logger);
  hosted.attach(log);
});

afterEach(async () => {
  await manager.close();
  await dir.remove();
});

describe('HostedPartition acks=all waits', () => {
  it('completes when the leadership high watermark passes the records', async () => {
    const leader = new LeaderState(1, state(0), 0, Date.now());
    hosted.setLeader(leader);
    const r = await log.append([encodeBatch([{ value: 'a' }, { value: 'b' }])], 0);
    const wait = hosted.waitForHighWatermark(r.lastOffset + 1, leader, 5_000, never);
    leader.recordFetch(2, 2, 0, 2, Date.now());
    hosted.advanceHighWatermark();
    await expect(wait).resolves.toBeUndefined();
    expect(log.highWatermark).toBe(2);
  });

  it('fails waits of a leadership that ended, and never completes them from a later high watermark', async () => {
    const first = new LeaderState(1, state(0), 0, Date.now());
    hosted.setLeader(first);
    const r = await log.append([encodeBatch([{ value: 'a' }])], 0);
    const pending = hosted.waitForHighWatermark(r.lastOffset + 1, first, 5_000, never);
    // A new epoch on the same broker (lost and won back): the old epoch's waiters fail.
    const second = new LeaderState(1, state(1), 1, Date.now());
    hosted.setLeader(second);
    await expect(pending).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' });
    // A produce that appended under the first leadership and waits only now fails at once.
    await expect(hosted.waitForHighWatermark(r.lastOffset + 1, first, 5_000, never)).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' });
    // As a follower, the high watermark moves with the leader's; still nothing completes.
    hosted.setLeader(undefined);
    await expect(hosted.waitForHighWatermark(1, second, 5_000, never)).rejects.toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER' });
    log.setHighWatermark(1);
  });

  it('times out with REQUEST_TIMED_OUT while the followers do not catch up', async () => {
    const leader = new LeaderState(1, state(0), 0, Date.now());
    hosted.setLeader(leader);
    const r = await log.append([encodeBatch([{ value: 'a' }])], 0);
    await expect(hosted.waitForHighWatermark(r.lastOffset + 1, leader, 50, never)).rejects.toMatchObject({ code: 'REQUEST_TIMED_OUT' });
  });
});
