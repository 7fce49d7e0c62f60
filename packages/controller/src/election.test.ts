// Proves the election rules as a pure function of one partition's state: the new leader is the
// first live ISR member in replica order (not ISR order); a leaving broker leaves the ISR unless it
// is the last member, so an ISR is never emptied; with no live ISR member there is no leader
// unless unclean election is allowed, which takes the first live replica as the whole ISR; the
// leader epoch moves only with the leader, the partition epoch with every change; no change, no
// record. Preferred election moves leadership to the first replica only when it is in the ISR and
// live (and says why not otherwise); unclean election acts only on a partition without a live
// leader, prefers an in-sync replica, and otherwise makes the first live replica the whole ISR.
import { describe, expect, it } from 'vitest';
import { electPartition, leadershipCounts, preferredLeaderChange, uncleanLeaderChange } from './election.js';
import type { MetadataImage, PartitionState } from './image.js';

const state = (replicas: number[], leaderId: number, isr: number[]): PartitionState => ({ replicas, leaderId, leaderEpoch: 4, isr, partitionEpoch: 9 });
const liveExcept = (...dead: number[]) => (id: number): boolean => !dead.includes(id);

describe('electPartition', () => {
  it('takes the first live ISR member in replica order', () => {
    expect(electPartition(state([1, 2, 3], 1, [3, 2, 1]), liveExcept(1), false, 1)).toEqual({ replicas: [1, 2, 3], leaderId: 2, leaderEpoch: 5, isr: [3, 2], partitionEpoch: 10 });
  });

  it('never empties an ISR, and leaves the partition leaderless without a live ISR member', () => {
    expect(electPartition(state([1, 2], 1, [1]), liveExcept(1), false, 1)).toEqual({ replicas: [1, 2], leaderId: -1, leaderEpoch: 5, isr: [1], partitionEpoch: 10 });
  });

  it('elects outside the ISR only when unclean election is allowed', () => {
    expect(electPartition(state([1, 2], -1, [1]), liveExcept(1), true)).toEqual({ replicas: [1, 2], leaderId: 2, leaderEpoch: 5, isr: [2], partitionEpoch: 10 });
    expect(electPartition(state([1, 2], -1, [1]), liveExcept(1), false)).toBeUndefined();
  });

  it('shrinks the ISR without a new leader epoch when a follower leaves, and changes nothing otherwise', () => {
    expect(electPartition(state([1, 2, 3], 1, [1, 2, 3]), liveExcept(3), false, 3)).toEqual({ replicas: [1, 2, 3], leaderId: 1, leaderEpoch: 4, isr: [1, 2], partitionEpoch: 10 });
    expect(electPartition(state([1, 2, 3], 1, [1, 2]), liveExcept(3), false, 3)).toBeUndefined();
    expect(electPartition(state([1, 2], -1, [2, 1]), liveExcept(), false)).toMatchObject({ leaderId: 1, leaderEpoch: 5, isr: [2, 1] });
  });
});

describe('preferredLeaderChange', () => {
  it('moves leadership to the first replica when it is in the ISR and live: leader epoch + 1, partition epoch + 1, same ISR', () => {
    expect(preferredLeaderChange(state([1, 2, 3], 2, [2, 3, 1]), liveExcept())).toEqual({
      next: { replicas: [1, 2, 3], leaderId: 1, leaderEpoch: 5, isr: [2, 3, 1], partitionEpoch: 10 },
    });
    // A partition without a leader gets its preferred replica back the same way.
    expect(preferredLeaderChange(state([1, 2], -1, [1]), liveExcept()).next).toMatchObject({ leaderId: 1, leaderEpoch: 5, isr: [1], partitionEpoch: 10 });
  });

  it('says why it changes nothing', () => {
    expect(preferredLeaderChange(state([1, 2, 3], 1, [1, 2, 3]), liveExcept())).toEqual({ reason: 'ELECTION_NOT_NEEDED' });
    expect(preferredLeaderChange(state([1, 2, 3], 2, [2, 3]), liveExcept())).toEqual({ reason: 'PREFERRED_LEADER_NOT_AVAILABLE' }); // not in sync
    expect(preferredLeaderChange(state([1, 2, 3], 2, [1, 2, 3]), liveExcept(1))).toEqual({ reason: 'PREFERRED_LEADER_NOT_AVAILABLE' }); // not live
    expect(preferredLeaderChange(state([], -1, []), liveExcept())).toEqual({ reason: 'PREFERRED_LEADER_NOT_AVAILABLE' });
  });
});

describe('uncleanLeaderChange', () => {
  it('leaves a partition with a live leader alone', () => {
    expect(uncleanLeaderChange(state([1, 2], 1, [1]), liveExcept())).toEqual({ reason: 'ELECTION_NOT_NEEDED' });
  });

  it('makes the first live replica the leader and the whole ISR when no in-sync replica is live', () => {
    expect(uncleanLeaderChange(state([1, 2, 3], -1, [1]), liveExcept(1, 2))).toEqual({
      next: { replicas: [1, 2, 3], leaderId: 3, leaderEpoch: 5, isr: [3], partitionEpoch: 10 },
    });
    // A leader that is no longer live counts as none.
    expect(uncleanLeaderChange(state([1, 2], 1, [1]), liveExcept(1)).next).toMatchObject({ leaderId: 2, isr: [2], leaderEpoch: 5 });
  });

  it('still prefers a live in-sync replica, keeping the ISR', () => {
    expect(uncleanLeaderChange(state([1, 2, 3], -1, [3, 2]), liveExcept(1)).next).toEqual({ replicas: [1, 2, 3], leaderId: 2, leaderEpoch: 5, isr: [3, 2], partitionEpoch: 10 });
  });

  it('answers ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is live', () => {
    expect(uncleanLeaderChange(state([1, 2], -1, [1]), liveExcept(1, 2))).toEqual({ reason: 'ELIGIBLE_LEADERS_NOT_AVAILABLE' });
  });
});

describe('leadershipCounts', () => {
  it('counts leaders and replicas per broker', () => {
    const topic = { partitions: [state([1, 2], 1, [1, 2]), state([2, 1], 2, [2]), state([1, 2], -1, [1])] };
    const image = { topicsById: new Map([['x', topic]]) } as unknown as MetadataImage;
    expect(Object.fromEntries(leadershipCounts(image))).toEqual({ 1: { leaders: 1, replicas: 3 }, 2: { leaders: 1, replicas: 3 } });
  });
});
