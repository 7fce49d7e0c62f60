// What a leader knows of one follower's log, and the flow control of what it sends there.
//
// Three states (etcd's tracker has the same shape; the Raft paper keeps only nextIndex/matchIndex,
// §5.3, and leaves flow control to the implementation):
// - probe: we do not know where the follower's log matches ours. One APPEND at a time; the next
//   waits for its answer (or a heartbeat answer, in case it was lost). Rejections move `next` back.
// - replicate: the logs match up to `match`; APPENDs stream optimistically, `next` runs ahead, and
//   at most maxInflightAppends of them are unanswered (a bounded queue per follower).
// - snapshot: the follower needs entries we compacted away; we send it our snapshot chunk by chunk,
//   each chunk after the previous one was acknowledged, and nothing else until it is installed.
import type { NodeId, PeerProgress, Snapshot } from './types.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  readonly id: NodeId;
  /** Highest index known to match the leader's log on this node. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** probe: an APPEND is out and unanswered. */
  probeSent = false;
  /** replicate: the last index of each unanswered APPEND, ascending. */
  inflights: number[] = [];
  /** Heard from within the current check-quorum window (thesis §6.2). */
  recentActive = false;
  /** snapshot: the snapshot being sent (kept even if the leader compacts again meanwhile). */
  snapshot: Snapshot | undefined;
  /** snapshot: bytes [0, snapshotOffset) are acknowledged by the follower. */
  snapshotOffset = 0;
  /** snapshot: ticks since the last chunk went out without an acknowledgement. */
  snapshotTicks = 0;

  constructor(id: NodeId, next: number) {
    this.id = id;
    this.next = next;
  }

  becomeProbe(): void {
    this.state = 'probe';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflights = [];
    this.snapshot = undefined;
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflights = [];
    this.snapshot = undefined;
  }

  becomeSnapshot(snapshot: Snapshot): void {
    this.state = 'snapshot';
    this.probeSent = false;
    this.inflights = [];
    this.snapshot = snapshot;
    this.snapshotOffset = 0;
    this.snapshotTicks = 0;
  }

  /** A successful APPEND answer up to `index`. Returns whether it told us something new. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (index > this.match) {
      this.match = index;
      updated = true;
    }
    this.next = Math.max(this.next, index + 1);
    this.probeSent = false;
    return updated;
  }

  /**
   * A rejected APPEND whose previous index was `rejected`, with the follower's hint that its log
   * can only match ours at or below `hint`. Returns false when the rejection is stale (an answer to
   * an APPEND we have since superseded) and should be ignored.
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      // A rejection at or below match answers an old APPEND; the logs do match there.
      if (rejected <= this.match) return false;
      this.becomeProbe();
      return true;
    }
    if (this.state === 'snapshot') return false;
    // probe: only the answer to the APPEND we are waiting for counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(maxInflight: number): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.length >= maxInflight;
      case 'snapshot':
        return true;
    }
  }

  /** An APPEND carrying entries up to `lastIndex` (0: none) went out. */
  sentAppend(lastIndex: number): void {
    if (this.state === 'replicate') {
      if (lastIndex > 0) {
        this.inflights.push(lastIndex);
        this.next = lastIndex + 1;
      }
    } else {
      this.probeSent = true;
    }
  }

  /** Answers up to `index` free their in-flight slots. */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.inflights.length && this.inflights[n]! <= index) n++;
    if (n > 0) this.inflights.splice(0, n);
  }

  view(): PeerProgress {
    return { id: this.id, match: this.match, next: this.next, state: this.state, recentActive: this.recentActive };
  }
}
