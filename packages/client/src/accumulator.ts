// The record accumulator: records wait here, per partition (and acks level), in batches of up to
// batchSize bytes. A partition is ready to send when its first batch is full, has waited lingerMs,
// or a flush asks for everything. Pure bookkeeping: no timers, no I/O (the producer's sender
// drives it with the clock's time), so tests can check batching by size and linger directly.
// Idempotent producers' batches also carry their sequence bookkeeping (sequencer.ts); a retried
// batch with a sequence goes back in sequence order, ahead of every batch without one.
import { BATCH_HEADER_BYTES, varintSize } from '@samsa/protocol';
import type { RecordInput } from '@samsa/protocol';

/** A record with its encoded size and whoever waits for it. */
export interface PendingRecord<O> {
  readonly record: RecordInput & { key: Buffer | null; value: Buffer | null; timestamp: number };
  readonly sizeBytes: number;
  readonly owner: O;
}

// A timestamp delta of up to 2^34 ms (half a year between the batch's earliest and a record)
// fits in 5 varint bytes; offset deltas of batches this size fit in 3.
const TIMESTAMP_DELTA_BYTES_EST = 5;
const OFFSET_DELTA_BYTES_EST = 3;

const bytesField = (b: Buffer | null): number => (b === null ? 1 : varintSize(b.length) + b.length);

/**
 * The bytes a record adds to a batch, as encodeBatch lays it out (an upper bound for the usual
 * timestamp spread): length varint, attributes, timestamp delta, offset delta, key, value, headers.
 */
export function estimateRecordBytes(key: Buffer | null, value: Buffer | null, headers: readonly { key: string; value: Buffer | null }[]): number {
  let body = 1 + TIMESTAMP_DELTA_BYTES_EST + OFFSET_DELTA_BYTES_EST + bytesField(key) + bytesField(value) + varintSize(headers.length);
  for (const h of headers) body += bytesField(Buffer.from(h.key, 'utf8')) + bytesField(h.value);
  return varintSize(body) + body;
}

/** How a sequenced batch ended: its offsets, or the error it failed with. */
export type BatchOutcome =
  | { readonly ok: true; readonly baseOffset: number; readonly logAppendTime: number; readonly logStartOffset: number }
  | { readonly ok: false; readonly error: Error };

export class ProducerBatch<O> {
  readonly records: PendingRecord<O>[] = [];
  /** Estimated encoded size, header included. */
  sizeBytes = BATCH_HEADER_BYTES;
  /** Failed attempts so far. */
  attempts = 0;
  /** Not to be sent before this time (backoff after a failure). */
  retryAtMs = 0;
  /** No more records may join (it was sent once, or a newer batch follows it). */
  sealed = false;
  /** The encoded batch, kept for retries. */
  encoded: Buffer | undefined;
  /** Must travel alone in its partition's part of a request (after RECORD_TOO_LARGE). */
  solo = false;

  // Idempotence (sequencer.ts). A batch gets its producer id, epoch and base sequence when it is
  // first sent and keeps them through every retry, so the broker recognises a resend.
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** Position among its partition's sequenced batches (undefined: no sequence yet). */
  order: number | undefined;
  /** A request carrying it is unanswered. */
  inFlight = false;
  /** Sent at least once with its current sequence. */
  sent = false;
  /** The base sequence of its last send (a renumbering since makes that send's answer stale). */
  sentSequence = -1;
  /** Some attempt had an unknown outcome (no answer, a timeout): the broker may hold it. */
  maybeWritten = false;
  /** Retries after OUT_OF_ORDER_SEQUENCE_NUMBER while an earlier batch was unanswered. */
  outOfOrderRetries = 0;
  /** Answered for good; the caller hears of it once every earlier sequenced batch is answered too. */
  outcome: BatchOutcome | undefined;

  readonly topic: string;
  readonly partition: number;
  readonly acks: number;
  readonly createdAtMs: number;

  constructor(topic: string, partition: number, acks: number, createdAtMs: number) {
    this.topic = topic;
    this.partition = partition;
    this.acks = acks;
    this.createdAtMs = createdAtMs;
  }

  get recordBytes(): number {
    return this.sizeBytes - BATCH_HEADER_BYTES;
  }
}

/** The queue key of a partition at an acks level. */
export const queueKey = (topic: string, partition: number, acks: number): string => `${acks}\u0000${partition}\u0000${topic}`;

export interface PartitionQueue<O> {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly acks: number;
  readonly batches: ProducerBatch<O>[];
}

export interface AccumulatorOptions {
  batchSize: number;
  lingerMs: number;
}

export class RecordAccumulator<O> {
  private readonly queues = new Map<string, PartitionQueue<O>>();
  /**
   * Partitions with a request in flight. A partition has at most one: requests in flight on one
   * HTTP/2 connection may be received out of order (streams interleave), so a second batch sent
   * before the first is answered could be appended first. Batches that accumulate meanwhile go
   * together, concatenated, in the partition's next request.
   */
  private readonly inFlight = new Set<string>();
  /** Bytes of records appended and not yet released (acknowledged or failed). */
  bufferedBytes = 0;

  private readonly options: AccumulatorOptions;

  constructor(options: AccumulatorOptions) {
    this.options = options;
  }

  /** Appends a record; `batchCreated` says whether it opened a new batch. */
  append(topic: string, partition: number, acks: number, record: PendingRecord<O>, nowMs: number): { batchCreated: boolean } {
    const key = queueKey(topic, partition, acks);
    let q = this.queues.get(key);
    if (q === undefined) {
      q = { key, topic, partition, acks, batches: [] };
      this.queues.set(key, q);
    }
    this.bufferedBytes += record.sizeBytes;
    const last = q.batches[q.batches.length - 1];
    // A batch holds at least one record, so a record larger than batchSize still goes, alone.
    if (last !== undefined && !last.sealed && last.sizeBytes + record.sizeBytes <= this.options.batchSize) {
      last.records.push(record);
      last.sizeBytes += record.sizeBytes;
      return { batchCreated: false };
    }
    if (last !== undefined) last.sealed = true;
    const batch = new ProducerBatch<O>(topic, partition, acks, nowMs);
    batch.records.push(record);
    batch.sizeBytes += record.sizeBytes;
    q.batches.push(batch);
    return { batchCreated: true };
  }

  /** When the first batch of `q` may go (infinity when there is none or one is in flight). */
  private readyAtMs(q: PartitionQueue<O>, flush: boolean): number {
    const first = q.batches[0];
    if (first === undefined || this.inFlight.has(q.key)) return Number.POSITIVE_INFINITY;
    if (first.attempts > 0) return first.retryAtMs;
    const full = q.batches.length > 1 || first.sealed || first.sizeBytes >= this.options.batchSize;
    return full || flush ? 0 : first.createdAtMs + this.options.lingerMs;
  }

  isReady(q: PartitionQueue<O>, nowMs: number, flush: boolean): boolean {
    return this.readyAtMs(q, flush) <= nowMs;
  }

  /**
   * Partitions whose first batch may be sent at `nowMs`, and the earliest time another will be.
   * `blocked` holds back partitions that are due but must wait for an event (an answer, a producer
   * id), not for time: they count neither as ready nor in nextReadyMs.
   */
  ready(nowMs: number, flush: boolean, blocked?: (q: PartitionQueue<O>) => boolean): { ready: PartitionQueue<O>[]; nextReadyMs: number | undefined } {
    const ready: PartitionQueue<O>[] = [];
    let nextReadyMs: number | undefined;
    for (const q of this.queues.values()) {
      const at = this.readyAtMs(q, flush);
      if (at === Number.POSITIVE_INFINITY) continue;
      if (at <= nowMs) {
        if (blocked === undefined || !blocked(q)) ready.push(q);
      } else if (nextReadyMs === undefined || at < nextReadyMs) nextReadyMs = at;
    }
    return { ready, nextReadyMs };
  }

  /** Takes the first batch of `q` out to send it; it accepts no more records. */
  take(q: PartitionQueue<O>): ProducerBatch<O> {
    const batch = q.batches.shift();
    if (batch === undefined) throw new Error('assertion failed: take() from an empty partition queue');
    batch.sealed = true;
    if (q.batches.length === 0) this.queues.delete(q.key);
    return batch;
  }

  /**
   * Takes the batches of a ready partition for one request and marks the partition in flight: the
   * first batch, then each following batch that is complete (sealed or full), while they fit in
   * `bytesMax`. A solo batch goes alone. Call `done(q.key)` when the request is answered.
   */
  takeForRequest(q: PartitionQueue<O>, bytesMax: number, nowMs: number, flush: boolean): ProducerBatch<O>[] {
    if (!this.isReady(q, nowMs, flush)) throw new Error('assertion failed: takeForRequest() of a partition that is not ready');
    const taken = [this.take(q)];
    let bytes = taken[0]!.sizeBytes;
    while (!taken[0]!.solo && q.batches.length > 0) {
      const next = q.batches[0]!;
      const complete = next.sealed || next.sizeBytes >= this.options.batchSize || flush;
      if (next.solo || next.retryAtMs > nowMs || !complete || bytes + next.sizeBytes > bytesMax) break;
      taken.push(this.take(q));
      bytes += next.sizeBytes;
    }
    this.inFlight.add(q.key);
    return taken;
  }

  /** The request of partition `key` was answered (or failed): its next batches may go. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * Puts batches back at the front of their partition's queue (retries): batches without a
   * sequence in the given order, ahead of the others without one; batches with a sequence in
   * sequence order, ahead of every batch without one (answers come back in any order).
   */
  reenqueue(batches: readonly ProducerBatch<O>[]): void {
    for (let i = batches.length - 1; i >= 0; i--) {
      const b = batches[i]!;
      b.sealed = true;
      const key = queueKey(b.topic, b.partition, b.acks);
      let q = this.queues.get(key);
      if (q === undefined) {
        q = { key, topic: b.topic, partition: b.partition, acks: b.acks, batches: [] };
        this.queues.set(key, q);
      }
      const order = b.order;
      const at =
        order === undefined
          ? q.batches.findIndex((x) => x.order === undefined)
          : q.batches.findIndex((x) => x.order === undefined || x.order > order);
      q.batches.splice(at < 0 ? q.batches.length : at, 0, b);
    }
  }

  /** Takes the waiting batches of one partition that match `predicate` out of the queue. */
  remove(topic: string, partition: number, acks: number, predicate: (b: ProducerBatch<O>) => boolean): ProducerBatch<O>[] {
    const key = queueKey(topic, partition, acks);
    const q = this.queues.get(key);
    if (q === undefined) return [];
    const removed = q.batches.filter(predicate);
    if (removed.length === 0) return [];
    const kept = q.batches.filter((b) => !predicate(b));
    q.batches.length = 0;
    q.batches.push(...kept);
    if (kept.length === 0) this.queues.delete(key);
    return removed;
  }

  /** Takes every waiting batch, of every partition, that matches `predicate` out of the queues. */
  removeAll(predicate: (b: ProducerBatch<O>) => boolean): ProducerBatch<O>[] {
    const removed: ProducerBatch<O>[] = [];
    for (const q of [...this.queues.values()]) removed.push(...this.remove(q.topic, q.partition, q.acks, predicate));
    return removed;
  }

  /** Gives back the buffer space of records that are done (acknowledged or failed). */
  release(bytes: number): void {
    this.bufferedBytes -= bytes;
    if (this.bufferedBytes < 0) throw new Error('assertion failed: released more bytes than buffered');
  }

  /** Batches waiting (not in flight). */
  get batchCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.batches.length;
    return n;
  }
}
