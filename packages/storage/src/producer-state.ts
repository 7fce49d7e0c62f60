// Idempotent-producer state of one partition (Kafka's ProducerStateManager, reduced to what an
// idempotent, non-transactional producer needs): per producer id its current epoch and its last
// five batches (sequence and offset ranges). Every replica keeps it as it appends, so a new leader
// needs no log scan. Its persistent form is the producer fields of the batch index rows in index/:
// the state is a function of those rows (the newest <= 5 rows of each producer with the epoch of
// its newest row), rebuilt from the in-memory index on open and after truncation.
import { SamsaError } from '@samsa/protocol';
import type { Table } from './table.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the producer keeps <= 5 requests in flight. */
export const PRODUCER_BATCHES_RETAINED = 5;

const INT32_MAX = 0x7fffffff;

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from int32 max to 0. -1 when none. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence < 0) return -1;
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

/** The sequence that follows `lastSequence`. */
export const nextSequence = (lastSequence: number): number => (lastSequence === INT32_MAX ? 0 : lastSequence + 1);

export interface ProducerBatchView {
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
  lastOffset: number;
}

export interface ProducerStateView {
  epoch: number;
  /** Oldest first, at most PRODUCER_BATCHES_RETAINED. */
  batches: readonly ProducerBatchView[];
}

/** @internal A retained batch, with what a duplicate of it needs. */
export interface ProducerBatch extends ProducerBatchView {
  /** The append writing it while it is not committed: a duplicate resolves after it. */
  pending: Promise<unknown> | undefined;
  /** Its append time, when this process appended it; -1 when rebuilt from the index. */
  appendTimeMs: number;
}

interface ProducerEntry {
  epoch: number;
  batches: ProducerBatch[];
}

/** Columns of the batch index that the state is derived from. */
export interface ProducerColumns {
  base: number;
  last: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
}

export class ProducerStates {
  private readonly producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  /**
   * A leader append's checks (Kafka's UnifiedLog.analyzeAndValidateProducerState and
   * ProducerAppendInfo): returns the retained batch this one duplicates, or undefined when it may
   * be appended. Throws INVALID_PRODUCER_EPOCH (an older epoch) or OUT_OF_ORDER_SEQUENCE_NUMBER
   * (a gap, or a new epoch not starting at 0), or UNKNOWN_PRODUCER_ID (no state, and the
   * sequence does not start at 0).
   *
   * Unlike Kafka, an unknown producer is accepted only at sequence 0: Kafka handles one request
   * per connection at a time, but gRPC serves concurrent requests of one connection at once, so a
   * producer's later batch can overtake its first; accepting it would append them out of order.
   * (A producer whose batches all went to retention gets UNKNOWN_PRODUCER_ID and starts over.)
   */
  check(producerId: number, producerEpoch: number, baseSequence: number, lastSequence: number): ProducerBatch | undefined {
    const entry = this.producers.get(producerId);
    if (entry === undefined) {
      if (baseSequence !== 0) {
        throw new SamsaError('UNKNOWN_PRODUCER_ID', `producer ${producerId} has no state in this partition and its batch starts at sequence ${baseSequence}, not 0`, {
          details: { producerId, producerEpoch, baseSequence },
        });
      }
      return undefined;
    }
    if (producerEpoch === entry.epoch) {
      for (const b of entry.batches) if (b.baseSequence === baseSequence && b.lastSequence === lastSequence) return b;
    }
    if (producerEpoch < entry.epoch) {
      throw new SamsaError('INVALID_PRODUCER_EPOCH', `producer ${producerId} has epoch ${producerEpoch}, older than its current epoch ${entry.epoch}`, {
        details: { producerId, producerEpoch, currentEpoch: entry.epoch },
      });
    }
    if (producerEpoch > entry.epoch) {
      if (baseSequence !== 0) {
        throw new SamsaError('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${producerId} starts epoch ${producerEpoch} at sequence ${baseSequence}; a new epoch starts at 0`, {
          details: { producerId, producerEpoch, baseSequence },
        });
      }
      return undefined;
    }
    const last = entry.batches.at(-1);
    if (last !== undefined && baseSequence !== nextSequence(last.lastSequence)) {
      throw new SamsaError('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${producerId} sent sequence ${baseSequence}; expected ${nextSequence(last.lastSequence)}`, {
        details: { producerId, producerEpoch, baseSequence, expectedSequence: nextSequence(last.lastSequence) },
      });
    }
    return undefined;
  }

  /** An appended batch (leader or follower): a new epoch drops the older epoch's batches, as Kafka. */
  record(producerId: number, producerEpoch: number, batch: ProducerBatch): void {
    let entry = this.producers.get(producerId);
    if (entry === undefined) {
      entry = { epoch: producerEpoch, batches: [] };
      this.producers.set(producerId, entry);
    } else if (entry.epoch !== producerEpoch) {
      entry.epoch = producerEpoch;
      entry.batches = [];
    }
    entry.batches.push(batch);
    if (entry.batches.length > PRODUCER_BATCHES_RETAINED) entry.batches.shift();
  }

  clear(): void {
    this.producers.clear();
  }

  /**
   * Retention moved the log start offset: batches below it are gone, and a producer left with
   * none is forgotten (it is then unknown: check() accepts it only at sequence 0, where Kafka
   * would accept any sequence). Equal to a rebuild from the remaining rows, because retention removes the
   * oldest rows first, without the scan.
   */
  dropBelow(logStartOffset: number): void {
    for (const [producerId, entry] of this.producers) {
      if (entry.batches[0]!.lastOffset >= logStartOffset) continue;
      entry.batches = entry.batches.filter((b) => b.lastOffset >= logStartOffset);
      if (entry.batches.length === 0) this.producers.delete(producerId);
    }
  }

  /**
   * Derives the state from the index rows, newest to oldest: each producer's epoch is that of its
   * newest row, and its batches are its newest rows of that epoch, up to PRODUCER_BATCHES_RETAINED.
   * With `only`, just those producers are rebuilt (a truncation touched only them) and the scan
   * stops once each has its batches or an older epoch; it reads the whole table only when one
   * of them has fewer than five batches left (or none).
   */
  rebuild(rows: Table, cols: ProducerColumns, only?: ReadonlySet<number>): void {
    if (only === undefined) this.producers.clear();
    else for (const producerId of only) this.producers.delete(producerId);
    let open = only === undefined ? Number.POSITIVE_INFINITY : only.size;
    const complete = new Set<number>();
    for (let row = rows.length - 1; row >= 0 && open > 0; row--) {
      const producerId = rows.get(row, cols.producerId);
      if (producerId < 0 || complete.has(producerId) || (only !== undefined && !only.has(producerId))) continue;
      const producerEpoch = rows.get(row, cols.producerEpoch);
      let entry = this.producers.get(producerId);
      if (entry === undefined) {
        entry = { epoch: producerEpoch, batches: [] };
        this.producers.set(producerId, entry);
      } else if (entry.epoch !== producerEpoch) {
        complete.add(producerId);
        open--;
        continue;
      }
      entry.batches.unshift({
        baseSequence: rows.get(row, cols.baseSequence),
        lastSequence: rows.get(row, cols.lastSequence),
        baseOffset: rows.get(row, cols.base),
        lastOffset: rows.get(row, cols.last),
        pending: undefined,
        appendTimeMs: -1,
      });
      if (entry.batches.length >= PRODUCER_BATCHES_RETAINED) {
        complete.add(producerId);
        open--;
      }
    }
  }

  /** A copy, for tests and the broker's describe output. */
  view(): ReadonlyMap<number, ProducerStateView> {
    const out = new Map<number, ProducerStateView>();
    for (const [producerId, entry] of this.producers) {
      out.set(producerId, {
        epoch: entry.epoch,
        batches: entry.batches.map((b) => ({ baseSequence: b.baseSequence, lastSequence: b.lastSequence, baseOffset: b.baseOffset, lastOffset: b.lastOffset })),
      });
    }
    return out;
  }
}
