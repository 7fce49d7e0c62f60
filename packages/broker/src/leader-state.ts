// What the leader of a partition knows about its followers, and the rules it applies to that
// knowledge (ARCHITECTURE.md, "High watermark and ISR"; Kafka's Partition and Replica classes).
// Pure: no clock, no I/O. The replica manager feeds it fetches and metadata and acts on what it
// returns (a new high watermark, an ISR change to propose).
//
// - Every follower's position is unknown (-1) when this broker takes over; a follower's fetch
//   offset is its log end offset.
// - Caught up: a fetch that reaches the leader's log end offset as it is now, or as it was at the
//   follower's previous fetch (so a follower that keeps fetching while the leader keeps appending
//   still counts). A follower not caught up for replica.lag.time.max.ms leaves the ISR.
// - Rejoining: a follower outside the ISR whose log end offset reaches both the high watermark and
//   the start of this leader's epoch.
// - The ISR changes only through the controller. While a proposal is in flight the high watermark
//   is computed over the union of the committed and the proposed ISR (the "maximal" ISR), so that
//   neither an expansion nor a shrink can let it pass a record some possible ISR lacks.
import type { PartitionState } from '@samsa/controller';

/** A follower's position as this leader last saw it. */
export interface FollowerPosition {
  /** -1 until the follower fetches from this leader. */
  logEndOffset: number;
  logStartOffset: number;
  /** When the follower was last caught up (ms); a follower in the ISR starts at takeover time. */
  lastCaughtUpMs: number;
  /** When it last fetched, and the leader's log end offset then (for the caught-up rule). */
  lastFetchMs: number;
  lastFetchLeaderLogEndOffset: number;
}

/** An ISR change in flight to the controller. */
export interface PendingIsr {
  readonly isr: readonly number[];
  /** The partition epoch the proposal was made against. */
  readonly partitionEpoch: number;
}

const sameSet = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export class LeaderState {
  readonly nodeId: number;
  readonly leaderEpoch: number;
  /** This leader's log end offset when it took over: the start of its epoch. */
  readonly epochStartOffset: number;
  private committed: PartitionState;
  private pendingChange: PendingIsr | undefined;
  private readonly followers = new Map<number, FollowerPosition>();
  /** After a refused or failed proposal: no new one before this time. */
  private retryAtMs = 0;

  constructor(nodeId: number, state: PartitionState, epochStartOffset: number, nowMs: number) {
    this.nodeId = nodeId;
    this.leaderEpoch = state.leaderEpoch;
    this.epochStartOffset = epochStartOffset;
    this.committed = state;
    for (const id of state.replicas) {
      if (id === nodeId) continue;
      // ISR members get the benefit of the doubt for one lag period (Kafka does the same).
      const inIsr = state.isr.includes(id);
      this.followers.set(id, { logEndOffset: -1, logStartOffset: -1, lastCaughtUpMs: inIsr ? nowMs : 0, lastFetchMs: 0, lastFetchLeaderLogEndOffset: -1 });
    }
  }

  get state(): PartitionState {
    return this.committed;
  }

  get pending(): PendingIsr | undefined {
    return this.pendingChange;
  }

  /** The committed ISR. */
  get isr(): readonly number[] {
    return this.committed.isr;
  }

  /** The committed ISR plus whatever a pending proposal adds. */
  maximalIsr(): readonly number[] {
    const p = this.pendingChange;
    if (p === undefined) return this.committed.isr;
    return [...this.committed.isr, ...p.isr.filter((id) => !this.committed.isr.includes(id))];
  }

  follower(id: number): Readonly<FollowerPosition> | undefined {
    return this.followers.get(id);
  }

  /**
   * A newer committed state of the same leadership (the ISR or the replicas changed). A pending
   * proposal is settled once the partition epoch has moved past the one it was made against.
   */
  updateState(state: PartitionState, nowMs: number): void {
    this.committed = state;
    if (this.pendingChange !== undefined && state.partitionEpoch > this.pendingChange.partitionEpoch) this.pendingChange = undefined;
    for (const id of state.replicas) {
      if (id !== this.nodeId && !this.followers.has(id)) this.followers.set(id, { logEndOffset: -1, logStartOffset: -1, lastCaughtUpMs: state.isr.includes(id) ? nowMs : 0, lastFetchMs: 0, lastFetchLeaderLogEndOffset: -1 });
    }
    for (const id of [...this.followers.keys()]) if (!state.replicas.includes(id)) this.followers.delete(id);
  }

  /** Records a follower's fetch. Returns false when `replicaId` is not a follower of this partition. */
  recordFetch(replicaId: number, fetchOffset: number, logStartOffset: number, leaderLogEndOffset: number, nowMs: number): boolean {
    const f = this.followers.get(replicaId);
    if (f === undefined) return false;
    if (fetchOffset >= leaderLogEndOffset) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, nowMs);
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset && f.lastFetchLeaderLogEndOffset >= 0) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.logEndOffset = fetchOffset;
    f.logStartOffset = logStartOffset;
    f.lastFetchMs = nowMs;
    f.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
    return true;
  }

  /**
   * The high watermark the followers allow: the smallest log end offset over the maximal ISR (the
   * leader counting with `leaderLogEndOffset`). A member that has not fetched yet holds it at
   * `current`. Never below `current`: the high watermark only moves forward.
   */
  highWatermark(leaderLogEndOffset: number, current: number): number {
    let hw = leaderLogEndOffset;
    for (const id of this.maximalIsr()) {
      if (id === this.nodeId) continue;
      const f = this.followers.get(id);
      const leo = f === undefined || f.logEndOffset < 0 ? current : f.logEndOffset;
      if (leo < hw) hw = leo;
    }
    return Math.max(hw, current);
  }

  /** Whether a follower is caught up (Kafka's isCaughtUp): at the leader's log end, or caught up within the lag time. */
  isCaughtUp(id: number, leaderLogEndOffset: number, nowMs: number, lagMaxMs: number): boolean {
    const f = this.followers.get(id);
    if (f === undefined) return false;
    return f.logEndOffset === leaderLogEndOffset || nowMs - f.lastCaughtUpMs <= lagMaxMs;
  }

  /**
   * The ISR this leader would propose now, or undefined when it would keep the committed one (or a
   * proposal is already in flight): out-of-sync members leave, followers that reached the high
   * watermark and this epoch's start join. `eligible` says whether a broker may join (unfenced).
   */
  proposal(leaderLogEndOffset: number, highWatermark: number, nowMs: number, lagMaxMs: number, eligible: (id: number) => boolean): readonly number[] | undefined {
    if (this.pendingChange !== undefined || nowMs < this.retryAtMs) return undefined;
    const current = this.committed.isr;
    const keep = current.filter((id) => id === this.nodeId || this.isCaughtUp(id, leaderLogEndOffset, nowMs, lagMaxMs));
    const join = this.committed.replicas.filter((id) => {
      if (id === this.nodeId || current.includes(id) || !eligible(id)) return false;
      const f = this.followers.get(id);
      return f !== undefined && f.logEndOffset >= highWatermark && f.logEndOffset >= this.epochStartOffset;
    });
    // The leader always stays in its own ISR.
    const next = [...new Set([this.nodeId, ...keep, ...join])];
    const ordered = this.committed.replicas.filter((id) => next.includes(id));
    return sameSet(ordered, current) ? undefined : ordered;
  }

  /** Marks a proposal as sent. */
  propose(isr: readonly number[]): void {
    this.pendingChange = { isr, partitionEpoch: this.committed.partitionEpoch };
  }

  /** The controller refused or did not answer: the proposal is dropped; the next may go at `retryAtMs`. */
  dropProposal(retryAtMs: number): void {
    this.pendingChange = undefined;
    this.retryAtMs = retryAtMs;
  }
}
