// Proves the election rules as a pure function of one partition's state: the new leader is the
// first live ISR member in replica order (not ISR order); a leaving broker leaves the ISR unless it
// is the last member, so an ISR is never emptied; with no live ISR member there is no leader
// unless unclean election is allowed, which takes the first live replica as the whole ISR; the
// leader epoch moves only with the leader, the partition epoch with every change; no change, no
// record.
import { describe, expect, it } from 'vitest';
import { electPartition, leadershipCounts } from './election.js';
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

describe('leadershipCounts', () => {
  it('counts leaders and replicas per broker', () => {
    const topic = { partitions: [state([1, 2], 1, [1, 2]), state([2, 1], 2, [2]), state([1, 2], -1, [1])] };
    const image = { topicsById: new Map([['x', topic]]) } as unknown as MetadataImage;
    expect(Object.fromEntries(leadershipCounts(image))).toEqual({ 1: { leaders: 1, replicas: 3 }, 2: { leaders: 1, replicas: 3 } });
  });
});
