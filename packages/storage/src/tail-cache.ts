// The node's tail cache: the most recently committed batches, kept in memory so that followers
// and consumers near the log end are served without LevelDB (read() is replication's hot path).
// One byte budget for the whole node; eviction is FIFO in log/ sequence order, i.e. oldest writes
// first. Sequences are assigned in increasing order at commit and never reused, so a sequence
// always names the same bytes and eviction is a cursor moving up the sequence space.
import { assert } from '@samsa/protocol';

export class TailCache {
  readonly budgetBytes: number;
  private readonly batches = new Map<number, Buffer>();
  /** Every cached sequence is >= this: where eviction looks next. */
  private evictFrom = 0;
  private lastAdded = 0;
  private held = 0;
  /** read() calls served from memory, and those that went to LevelDB. */
  hits = 0;
  misses = 0;

  constructor(budgetBytes: number) {
    assert(Number.isSafeInteger(budgetBytes) && budgetBytes >= 0, 'the tail cache budget is a non-negative integer');
    this.budgetBytes = budgetBytes;
  }

  /** Bytes of the batches held. */
  get bytes(): number {
    return this.held;
  }

  get batchCount(): number {
    return this.batches.size;
  }

  /** A committed batch (without the log/ value prefix); sequences arrive in increasing order. */
  add(seq: number, batch: Buffer): void {
    if (this.budgetBytes === 0) return;
    assert(seq > this.lastAdded, 'the tail cache takes sequences in increasing order');
    this.lastAdded = seq;
    if (batch.length > this.budgetBytes) return; // would evict everything, itself included
    if (this.batches.size === 0) this.evictFrom = seq;
    this.batches.set(seq, batch);
    this.held += batch.length;
    // Bounded: every step moves the cursor up, and it never passes `seq` (held would be 0 there).
    for (; this.held > this.budgetBytes; this.evictFrom++) {
      assert(this.evictFrom <= seq, 'tail cache eviction stays below the newest batch');
      const old = this.batches.get(this.evictFrom);
      if (old === undefined) continue; // dropped earlier (truncation, retention, deletion)
      this.batches.delete(this.evictFrom);
      this.held -= old.length;
    }
  }

  get(seq: number): Buffer | undefined {
    return this.batches.get(seq);
  }

  /** Truncation, retention and deletion: these blobs are going away. */
  drop(seqs: readonly number[]): void {
    if (this.batches.size === 0) return;
    for (const seq of seqs) {
      const batch = this.batches.get(seq);
      if (batch === undefined) continue;
      this.batches.delete(seq);
      this.held -= batch.length;
    }
  }

  clear(): void {
    this.batches.clear();
    this.held = 0;
  }
}
