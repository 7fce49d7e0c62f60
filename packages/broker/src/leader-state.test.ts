// The leader's rules over its followers (ARCHITECTURE.md, "High watermark and ISR"), driven with
// plain numbers for time: the high watermark is the smallest log end offset of the maximal ISR
// and waits for members that have not fetched; the caught-up rule counts a fetch that reaches the
// leader's log end as of the previous fetch; a follower not caught up for the lag time is proposed
// out, one that reaches the high watermark and the epoch start is proposed in; while a proposal is
// pending the union counts, and none other is made; a refused one waits before the next.
import { describe, expect, it } from 'vitest';
import type { PartitionState } from '@samsa/controller';
import { LeaderState } from './leader-state.js';

const state = (isr: number[], partitionEpoch = 0, replicas = [1, 2, 3]): PartitionState => ({ replicas, leaderId: 1, leaderEpoch: 5, isr, partitionEpoch });
const LAG = 1000;
const everyone = (): boolean => true;

describe('LeaderState', () => {
  it('holds the high watermark until every ISR member has fetched, then takes the smallest log end offset', () => {
    const l = new LeaderState(1, state([1, 2, 3]), 10, 0);
    expect(l.highWatermark(20, 10)).toBe(10);
    l.recordFetch(2, 15, 0, 20, 1);
    expect(l.highWatermark(20, 10)).toBe(10); // 3 has not fetched
    l.recordFetch(3, 18, 0, 20, 1);
    expect(l.highWatermark(20, 10)).toBe(15);
    l.recordFetch(2, 20, 0, 20, 2);
    expect(l.highWatermark(20, 15)).toBe(18);
    // Never backwards.
    expect(l.highWatermark(20, 19)).toBe(19);
  });

  it('with only the leader in the ISR, the high watermark is the log end offset', () => {
    const l = new LeaderState(1, state([1]), 0, 0);
    expect(l.highWatermark(42, 0)).toBe(42);
  });

  it('counts a follower caught up when it reaches the leader end as of its previous fetch', () => {
    const l = new LeaderState(1, state([1, 2]), 0, 0);
    l.recordFetch(2, 0, 0, 100, 1000); // behind: not caught up at 1000
    expect(l.follower(2)!.lastCaughtUpMs).toBe(0);
    l.recordFetch(2, 100, 0, 150, 1500); // reached the end as of the previous fetch: caught up as of 1000
    expect(l.follower(2)!.lastCaughtUpMs).toBe(1000);
    l.recordFetch(2, 150, 0, 150, 1600); // at the end now
    expect(l.follower(2)!.lastCaughtUpMs).toBe(1600);
  });

  it('proposes dropping a follower not caught up for the lag time, and nothing while a proposal is pending', () => {
    const l = new LeaderState(1, state([1, 2, 3]), 0, 0);
    l.recordFetch(2, 100, 0, 100, 500);
    l.recordFetch(3, 0, 0, 100, 500);
    expect(l.proposal(100, 0, 900, LAG, everyone)).toBeUndefined(); // both within the lag (ISR members start caught up at takeover)
    l.recordFetch(2, 100, 0, 100, 1400);
    const next = l.proposal(100, 0, 1200, LAG, everyone);
    expect(next).toEqual([1, 2]);
    l.propose(next!);
    expect(l.maximalIsr()).toEqual([1, 2, 3]); // the union while pending
    expect(l.proposal(100, 0, 5000, LAG, everyone)).toBeUndefined();
    l.updateState(state([1, 2], 1), 5000);
    expect(l.pending).toBeUndefined();
    expect(l.isr).toEqual([1, 2]);
  });

  it('proposes a follower back once it reaches the high watermark and the epoch start, if eligible', () => {
    const l = new LeaderState(1, state([1, 2]), 50, 0);
    l.recordFetch(3, 40, 0, 60, 10);
    expect(l.proposal(60, 45, 20, LAG, everyone)).toBeUndefined(); // below the epoch start 50
    l.recordFetch(3, 55, 0, 60, 30);
    expect(l.proposal(60, 45, 40, LAG, () => false)).toBeUndefined(); // fenced
    expect(l.proposal(60, 45, 40, LAG, everyone)).toEqual([1, 2, 3]);
    l.propose([1, 2, 3]);
    // While the expansion is pending, the high watermark waits for the joining member too.
    l.recordFetch(2, 60, 0, 60, 41);
    expect(l.highWatermark(60, 45)).toBe(55);
  });

  it('after a refused proposal, waits until the retry time', () => {
    const l = new LeaderState(1, state([1, 2]), 0, 0);
    l.recordFetch(3, 10, 0, 10, 1);
    l.propose(l.proposal(10, 10, 2, LAG, everyone)!);
    l.dropProposal(500);
    expect(l.proposal(10, 10, 100, LAG, everyone)).toBeUndefined();
    expect(l.proposal(10, 10, 600, LAG, everyone)).toEqual([1, 2, 3]);
  });

  it('follows reassignment: new replicas start unknown, removed ones are forgotten', () => {
    const l = new LeaderState(1, state([1, 2]), 0, 0);
    l.updateState(state([1, 2], 1, [1, 2, 4]), 10);
    expect(l.follower(3)).toBeUndefined();
    expect(l.follower(4)!.logEndOffset).toBe(-1);
    expect(l.recordFetch(3, 5, 0, 5, 11)).toBe(false);
  });
});
