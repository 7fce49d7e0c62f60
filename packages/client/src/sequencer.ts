// Sequence numbers of an idempotent producer, per partition: Kafka's rules, as pure bookkeeping
// (no I/O, no timers; the producer's sender drives it and tests check it directly).
//
// Each batch gets the partition's next sequence when it is first sent (producer id, epoch, base
// sequence; the next one is base + record count, wrapping at 2^31 - 1 as Kafka does) and keeps it
// through every retry, so the broker recognises a resend and answers with the original offset.
// At most `maxInFlight` sequenced batches of a partition are unanswered at a time: the broker
// remembers a producer's last 5 batches per partition, so a retry is always within what it can
// recognise. The caller hears of the batches in sequence order, whatever order the answers come in.
//
// When a sequenced batch fails for good, the partition's sequences have a gap. If the broker
// certainly did not append it, the batches after it are renumbered to close the gap. Otherwise
// the partition needs a new producer id (InitProducerId again): it waits until nothing of the old
// id is pending or in flight, then restarts at sequence 0 under the new one.
import type { BatchOutcome, ProducerBatch } from './accumulator.js';

/** The largest sequence number; the one after it is 0. */
export const SEQUENCE_MAX = 0x7fffffff;

/** `sequence + increment`, wrapping to 0 after SEQUENCE_MAX (Kafka's DefaultRecordBatch.incrementSequence). */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > SEQUENCE_MAX - increment) return increment - (SEQUENCE_MAX - sequence) - 1;
  return sequence + increment;
}

/** Who the sequences belong to: the answer of InitProducerId. */
export interface ProducerIdentity {
  readonly producerId: number;
  readonly producerEpoch: number;
}

export const sameIdentity = (a: ProducerIdentity | undefined, b: ProducerIdentity | undefined): boolean =>
  a !== undefined && b !== undefined && a.producerId === b.producerId && a.producerEpoch === b.producerEpoch;

/** Whether a new batch may take a sequence now. */
export type Admission = 'ok' | 'wait' | 'new-id';

export class PartitionSequences<O> {
  /** The identity the current sequences belong to (undefined: none taken yet). */
  identity: ProducerIdentity | undefined;
  /** The base sequence of the next new batch. */
  nextSequence = 0;
  /** Requests in flight that carry a batch of this partition. */
  inFlight = 0;
  /** A batch of the current identity failed for good: the partition needs a new producer id. */
  broken = false;
  /**
   * Sequenced batches the caller has not heard of yet, in sequence order: in flight, waiting for a
   * retry, or answered and held until every earlier one is answered too.
   */
  readonly pending: ProducerBatch<O>[] = [];
  private nextOrder = 0;

  /**
   * May a new batch take a sequence under `current`? 'wait' until fewer than `maxInFlight`
   * batches are pending, or, under a new identity, until nothing of the old one is pending or in
   * flight (so that an old batch cannot land after a new one); 'new-id' when the current
   * identity's sequences are broken and the producer must get a new one first.
   */
  admit(current: ProducerIdentity, maxInFlight: number): Admission {
    if (sameIdentity(this.identity, current)) {
      if (this.broken) return 'new-id';
      return this.pending.length < maxInFlight ? 'ok' : 'wait';
    }
    return this.pending.length > 0 || this.inFlight > 0 ? 'wait' : 'ok';
  }

  /** Gives `batch` the next sequence under `current` (which admit() said 'ok' to). */
  assign(batch: ProducerBatch<O>, current: ProducerIdentity): void {
    if (batch.order !== undefined) throw new Error('assertion failed: a batch takes a sequence once');
    if (!sameIdentity(this.identity, current)) {
      if (this.pending.length > 0 || this.inFlight > 0) throw new Error('assertion failed: a new producer id while batches of the old one are pending');
      this.identity = current;
      this.nextSequence = 0;
      this.broken = false;
    }
    batch.producerId = current.producerId;
    batch.producerEpoch = current.producerEpoch;
    batch.baseSequence = this.nextSequence;
    batch.order = this.nextOrder++;
    batch.encoded = undefined;
    this.nextSequence = incrementSequence(this.nextSequence, batch.records.length);
    this.pending.push(batch);
  }

  /**
   * True when `batch` is the first pending batch: everything before it is answered and delivered.
   * A retried batch goes only then (Kafka's rule), so retries reach the broker in sequence order.
   */
  isFirst(batch: ProducerBatch<O>): boolean {
    return this.pending[0] === batch;
  }

  /**
   * True when a batch before `batch` is still unanswered: an out-of-sequence answer for `batch`
   * then means it overtook that one (or that one is being retried), not a lost sequence.
   */
  hasUnansweredBefore(batch: ProducerBatch<O>): boolean {
    for (const b of this.pending) {
      if (b === batch) return false;
      if (b.outcome === undefined) return true;
    }
    return false;
  }

  /** Records `batch`'s outcome; returns the batches the caller may now hear of, in sequence order. */
  resolve(batch: ProducerBatch<O>, outcome: BatchOutcome): ProducerBatch<O>[] {
    if (!this.pending.includes(batch)) throw new Error('assertion failed: resolve() of a batch that is not pending');
    batch.outcome ??= outcome;
    return this.deliverable();
  }

  /**
   * A fatal answer for `batch` (OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID with nothing
   * unanswered before it, INVALID_PRODUCER_EPOCH): it and every unanswered batch after it fail with
   * `error`, and the partition needs a new producer id. Returns the batches failed (to take out of
   * the queue) and those the caller may now hear of.
   */
  failFrom(batch: ProducerBatch<O>, error: Error): { failed: ProducerBatch<O>[]; deliverable: ProducerBatch<O>[] } {
    const at = this.pending.indexOf(batch);
    if (at < 0) throw new Error('assertion failed: failFrom() of a batch that is not pending');
    const failed = this.pending.slice(at).filter((b) => b.outcome === undefined);
    for (const b of failed) b.outcome = { ok: false, error };
    if (sameIdentity(this.identity, batch)) this.broken = true;
    return { failed, deliverable: this.deliverable() };
  }

  /**
   * `batch` failed for good with a non-fatal error (retries ran out, a non-retriable code).
   *
   * If the broker certainly did not append it, nothing after it can be in the log either (the
   * broker refuses a gap), so the batches after it are renumbered to close the gap: they keep
   * their order and take the sequences from its base sequence on; one that is in flight under its
   * old number is answered with an error and retried under the new one (`sentSequence` tells).
   * Otherwise there may be a gap: the batches after it that were never sent give their sequences
   * back (they are numbered again when sent), and the partition needs a new producer id.
   * Returns the batches the caller may now hear of.
   */
  fail(batch: ProducerBatch<O>, error: Error, certainlyNotWritten: boolean): ProducerBatch<O>[] {
    const at = this.pending.indexOf(batch);
    if (at < 0) throw new Error('assertion failed: fail() of a batch that is not pending');
    const after = this.pending.slice(at + 1);
    const current = sameIdentity(this.identity, batch);
    if (current && certainlyNotWritten && after.every((b) => b.outcome === undefined && sameIdentity(this.identity, b))) {
      let sequence = batch.baseSequence;
      for (const b of after) {
        b.baseSequence = sequence;
        b.encoded = undefined;
        b.sent = false;
        b.maybeWritten = false;
        sequence = incrementSequence(sequence, b.records.length);
      }
      this.nextSequence = sequence;
    } else {
      for (const b of after.filter((x) => !x.sent && !x.inFlight && x.outcome === undefined)) {
        this.pending.splice(this.pending.indexOf(b), 1);
        b.producerId = -1;
        b.producerEpoch = -1;
        b.baseSequence = -1;
        b.order = undefined;
        b.encoded = undefined;
      }
      if (current) this.broken = true;
    }
    batch.outcome = { ok: false, error };
    return this.deliverable();
  }

  /**
   * Replaces `batch` (refused as too large, so certainly not appended) by `singles`, one record
   * each, taking its sequences in order, so that the batches after it keep theirs.
   */
  split(batch: ProducerBatch<O>, singles: readonly ProducerBatch<O>[]): void {
    const at = this.pending.indexOf(batch);
    if (at < 0 || batch.order === undefined) throw new Error('assertion failed: split() of a batch that is not pending');
    if (singles.reduce((n, s) => n + s.records.length, 0) !== batch.records.length) throw new Error('assertion failed: split() must keep every record');
    let sequence = batch.baseSequence;
    singles.forEach((s, i) => {
      s.producerId = batch.producerId;
      s.producerEpoch = batch.producerEpoch;
      s.baseSequence = sequence;
      // Between the batch's order and the next batch's (orders are integers).
      s.order = batch.order! + i / singles.length;
      sequence = incrementSequence(sequence, s.records.length);
    });
    this.pending.splice(at, 1, ...singles);
  }

  /** Pops the answered batches at the front. */
  private deliverable(): ProducerBatch<O>[] {
    const out: ProducerBatch<O>[] = [];
    while (this.pending.length > 0 && this.pending[0]!.outcome !== undefined) out.push(this.pending.shift()!);
    return out;
  }
}
