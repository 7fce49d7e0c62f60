// One partition's log: an in-memory index of its batches (base offset -> log/ sequence) over the
// node-wide log/ database, with its persistent form in index/. Appends go through the LogManager's
// group commit; reads take recent batches from the node's tail cache, or fetch blobs by sequence
// and check each batch's CRC. It also keeps the leader-epoch cache and the idempotent-producer
// state, whose snapshot is the producer fields of the index rows.
import type { Logger } from 'pino';
import {
  BatchAttributes,
  BatchField,
  SamsaError,
  assert,
  batchCrcMatches,
  batchLastOffset,
  batchSize,
  decodeRecords,
  isSamsaError,
  readBatchHeader,
  stampBatch,
  topicIdToString,
} from '@samsa/protocol';
import type { BatchHeader } from '@samsa/protocol';
import { validatePartitionConfig } from './config.js';
import type { PartitionConfig } from './config.js';
import type { AppendJob, AppendResult, DbOp, PendingBatch, StoreInternals } from './internal.js';
import {
  LOG_VALUE_PREFIX_BYTES,
  batchKey,
  encodeBatchEntry,
  encodeEpochStart,
  encodeMeta,
  epochKey,
  logValuePrefix,
  metaKey,
  partitionMapKey,
  partitionPrefix,
  partitionPrefixEnd,
  seqKey,
} from './keys.js';
import type { BatchEntryValue, MetaValue } from './keys.js';
import { ProducerStates, lastSequenceOf } from './producer-state.js';
import type { ProducerBatch, ProducerColumns, ProducerStateView } from './producer-state.js';
import { Table } from './table.js';

export interface ReadResult {
  /** Concatenated whole batches, exactly as stored. */
  records: Buffer;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** Offset after the last record returned, or fetchOffset when none. */
  nextOffset: number;
}

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

/** A read that loses a race with retention or truncation starts again at most this many times. */
const READ_RACE_ATTEMPTS_MAX = 3;
/** Recovery checks the tail of a partition for missing blobs this many entries at a time. */
const RECOVERY_TAIL_CHECK_ROWS = 64;
/** Waiting for in-flight appends before a truncation: rounds, each one await of a group commit. */
const PENDING_WAIT_ROUNDS_MAX = 1000;

// Columns of the batch index.
const E_BASE = 0;
const E_LAST = 1;
const E_SEQ = 2;
const E_MAXTS = 3;
const E_SIZE = 4;
const E_PRODUCER_ID = 5;
const E_PRODUCER_EPOCH = 6;
const E_BASE_SEQ = 7;
const E_LAST_SEQ = 8;
const ENTRY_COLUMNS = 9;
const PRODUCER_COLUMNS: ProducerColumns = Object.freeze({
  base: E_BASE,
  last: E_LAST,
  producerId: E_PRODUCER_ID,
  producerEpoch: E_PRODUCER_EPOCH,
  baseSequence: E_BASE_SEQ,
  lastSequence: E_LAST_SEQ,
});
// Columns of the time index.
const T_TS = 0;
const T_BASE = 1;
const TIME_COLUMNS = 2;

/** What a read needs of an index row. */
interface Row {
  baseOffset: number;
  lastOffset: number;
  seq: number;
  maxTimestamp: number;
  sizeBytes: number;
}

interface Removed {
  ops: DbOp[];
  seqs: number[];
  /** Producers that had rows among the removed ones. */
  producerIds: Set<number>;
}

interface ProducerFields {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
}

/** The producer fields of a batch without a producer. */
const NO_PRODUCER: ProducerFields = Object.freeze({ producerId: -1, producerEpoch: -1, baseSequence: -1, lastSequence: -1 });

/** Producer fields of a batch header, -1s when it has no producer. */
function producerFields(header: BatchHeader): ProducerFields {
  if (header.producerId < 0) return NO_PRODUCER;
  return { producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence, lastSequence: lastSequenceOf(header.baseSequence, header.lastOffsetDelta) };
}

const noop = (): void => {};

export class PartitionLog {
  readonly topicId: Buffer;
  readonly partition: number;
  /** @internal */
  readonly mapKey: string;
  /** @internal Every index/ key of this partition starts with it. */
  readonly indexPrefix: Buffer;
  /** @internal Topic id and partition before each blob in log/. */
  readonly valuePrefix: Buffer;
  /** @internal High watermark last written to index/. */
  checkpointedHighWatermark = -1;

  private readonly store: StoreInternals;
  private readonly logger: Logger;
  private readonly topicName: string;
  private partitionConfig: PartitionConfig;
  private startOffset = 0;
  private endOffset = 0;
  /** Next offset to assign: endOffset plus the appends not yet committed. */
  private pendingEnd = 0;
  private hw = 0;
  private bytes = 0;
  /** Rows (base offset, last offset, sequence, max timestamp, bytes), increasing base offset. */
  private readonly entries = new Table(ENTRY_COLUMNS);
  /** Rows (max timestamp, base offset): a row only where a batch's max timestamp beats all before it. */
  private readonly times = new Table(TIME_COLUMNS);
  /** Leader-epoch cache (KIP-101): increasing epochs with the first offset of each. */
  private epochs: EpochEntry[] = [];
  private isOffline = false;
  private isDeleted = false;
  private readonly listeners = new Set<() => void>();
  private pendingAppends = 0;
  private pendingDrained: (() => void)[] = [];
  /** Appends enqueued and settled since creation; appends settle in the order they were enqueued. */
  private appendsEnqueued = 0;
  private appendsSettled = 0;
  private settleWaiters: { count: number; resolve: () => void }[] = [];
  /** Idempotent-producer state, including appends not yet committed (see append). */
  private readonly producers = new ProducerStates();
  /** An append failed: rebuild the producer state from the committed rows once none is pending. */
  private producerStateStale = false;
  /** The leader-epoch assignment in flight, for a second call with the same epoch. */
  private epochAssignment: { epoch: number; done: Promise<void> } | undefined;
  /** Truncation, retention and deletion of this partition run one at a time. */
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  /** Recovery: the log start offset came from no checkpoint, so the first batch found sets it. */
  private startFromData = true;

  /** @internal Created by LogManager only. */
  constructor(store: StoreInternals, topicId: Buffer, partition: number, config: PartitionConfig, logger: Logger) {
    this.store = store;
    this.topicId = Buffer.from(topicId);
    this.partition = partition;
    this.mapKey = partitionMapKey(topicId, partition);
    this.indexPrefix = partitionPrefix(topicId, partition);
    this.valuePrefix = logValuePrefix(topicId, partition);
    this.topicName = topicIdToString(topicId);
    this.partitionConfig = config;
    this.logger = logger.child({ topic: this.topicName, partition });
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Bytes of the batches held (without the per-blob prefix of log/). */
  get sizeBytes(): number {
    return this.bytes;
  }

  get offline(): boolean {
    return this.isOffline;
  }

  /** Number of batches held. */
  get batchCount(): number {
    return this.entries.length;
  }

  get config(): PartitionConfig {
    return this.partitionConfig;
  }

  setConfig(config: PartitionConfig): void {
    const next = validatePartitionConfig(config);
    if (next.retentionMs === this.partitionConfig.retentionMs && next.retentionBytes === this.partitionConfig.retentionBytes) return;
    this.partitionConfig = next;
    if (!this.isDeleted) this.store.postIndex([this.metaOp()]);
  }

  // -------------------------------------------------------------------------------------------
  // Appends

  /**
   * Leader append: batches were already validated by the broker (validateBatches); assigns offsets
   * from logEndOffset, stamps base offset and leaderEpoch in place (stampBatch), resolves after
   * the group commit.
   *
   * A batch with a producer id (idempotent producer) must be the append's only batch (else
   * INVALID_RECORD), and is checked against its producer's state as Kafka does: an older producer
   * epoch is INVALID_PRODUCER_EPOCH; a sequence gap, or a new epoch not starting at 0, is
   * OUT_OF_ORDER_SEQUENCE_NUMBER (nothing is written for either); a repeat of one of the
   * producer's last five batches is a duplicate: nothing is written and the result carries the
   * original's offsets with `duplicate: true` (after the original's commit, if it is still
   * pending). The state counts appends not yet committed, so appends in flight are judged in call
   * order.
   */
  async append(batches: Buffer[], leaderEpoch: number): Promise<AppendResult> {
    this.checkUsable();
    assert(Array.isArray(batches) && batches.length > 0, 'append needs at least one batch');
    assert(Number.isSafeInteger(leaderEpoch) && leaderEpoch >= 0 && leaderEpoch <= 0x7fffffff, `leader epoch ${leaderEpoch} is an int32 >= 0`);
    // Headers first: a batch refused below must leave nothing written and nothing stamped.
    const headers: BatchHeader[] = [];
    let producerId = -1;
    for (const batch of batches) {
      const header = readBatchHeader(batch);
      assert(batchSize(header) === batch.length, 'each append buffer holds exactly one validated batch');
      headers.push(header);
      if (header.producerId >= 0) producerId = header.producerId;
    }
    let producer: ProducerFields = NO_PRODUCER;
    if (producerId >= 0) {
      if (batches.length !== 1) {
        throw new SamsaError('INVALID_RECORD', `a batch of producer ${producerId} must be the only batch of its partition in a produce request, got ${batches.length} batches`);
      }
      const h = headers[0]!;
      if (h.producerEpoch < 0 || h.baseSequence < 0) {
        throw new SamsaError('INVALID_RECORD', `a batch of producer ${producerId} needs a producer epoch and a base sequence >= 0, got epoch ${h.producerEpoch}, sequence ${h.baseSequence}`);
      }
      producer = producerFields(h);
      const duplicate = this.producers.check(producerId, producer.producerEpoch, producer.baseSequence, producer.lastSequence);
      if (duplicate !== undefined) return this.duplicateOf(duplicate, producerId);
    }
    const nowMs = this.store.now();
    const baseOffset = this.pendingEnd;
    let offset = baseOffset;
    const pending: PendingBatch[] = [];
    let bytes = 0;
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      const header = headers[i]!;
      const size = batch.length;
      stampBatch(batch, offset, leaderEpoch);
      const lastOffset = offset + header.lastOffsetDelta;
      pending.push({
        baseOffset: offset,
        lastOffset,
        maxTimestamp: header.maxTimestamp,
        sizeBytes: size,
        epoch: leaderEpoch,
        producerId: producer.producerId,
        producerEpoch: producer.producerEpoch,
        baseSequence: producer.baseSequence,
        lastSequence: producer.lastSequence,
        producer: undefined,
        value: this.blobValue(batch),
      });
      bytes += size + LOG_VALUE_PREFIX_BYTES;
      offset = lastOffset + 1;
    }
    this.pendingEnd = offset;
    if (producerId < 0) return this.enqueueAppend(pending, bytes, { baseOffset, lastOffset: offset - 1, logAppendTimeMs: nowMs, duplicate: false });
    this.recordProducerBatches(pending, nowMs);
    const appended = this.enqueueAppend(pending, bytes, { baseOffset, lastOffset: offset - 1, logAppendTimeMs: nowMs, duplicate: false });
    this.setPendingCommit(pending, appended);
    return appended;
  }

  /** The result of a duplicate: the original's offsets, once the original is committed. */
  private duplicateOf(original: ProducerBatch, producerId: number): AppendResult | Promise<AppendResult> {
    const result: AppendResult = { baseOffset: original.baseOffset, lastOffset: original.lastOffset, logAppendTimeMs: original.appendTimeMs, duplicate: true };
    this.logger.debug({ producerId, baseSequence: original.baseSequence, offset: original.baseOffset, pending: original.pending !== undefined }, 'duplicate batch: answering with the original offsets');
    return original.pending === undefined ? result : original.pending.then(() => result);
  }

  /**
   * Follower append: the batches carry the leader's offsets and epochs and are stored as they are.
   * The first must start at or after the log end offset (after it only where the leader's log has
   * a gap), and they must not overlap. For the replication issue; the broker validates the
   * batches (CRC, sizes) before. Producer state follows without checks (the leader made them).
   */
  async appendAsFollower(batches: Buffer[]): Promise<AppendResult> {
    this.checkUsable();
    assert(Array.isArray(batches) && batches.length > 0, 'append needs at least one batch');
    const nowMs = this.store.now();
    let next = this.pendingEnd;
    const pending: PendingBatch[] = [];
    let bytes = 0;
    let producers = false;
    for (const batch of batches) {
      const header = readBatchHeader(batch);
      const size = batchSize(header);
      assert(size === batch.length, 'each append buffer holds exactly one validated batch');
      if (header.baseOffset < next) {
        throw new SamsaError('INVALID_RECORD', `replicated batch at offset ${header.baseOffset} overlaps the log, which ends at ${next}`);
      }
      const lastOffset = batchLastOffset(header);
      const fields = producerFields(header);
      producers ||= fields.producerId >= 0;
      pending.push({
        baseOffset: header.baseOffset,
        lastOffset,
        maxTimestamp: header.maxTimestamp,
        sizeBytes: size,
        epoch: header.partitionLeaderEpoch,
        producerId: fields.producerId,
        producerEpoch: fields.producerEpoch,
        baseSequence: fields.baseSequence,
        lastSequence: fields.lastSequence,
        producer: undefined,
        value: this.blobValue(batch),
      });
      bytes += size + LOG_VALUE_PREFIX_BYTES;
      next = lastOffset + 1;
    }
    this.pendingEnd = next;
    if (producers) this.recordProducerBatches(pending, nowMs);
    const first = pending[0]!;
    const appended = this.enqueueAppend(pending, bytes, { baseOffset: first.baseOffset, lastOffset: next - 1, logAppendTimeMs: nowMs, duplicate: false });
    if (producers) this.setPendingCommit(pending, appended);
    return appended;
  }

  /** The producer state takes the batches as their offsets are assigned (before the commit). */
  private recordProducerBatches(pending: PendingBatch[], nowMs: number): void {
    for (const b of pending) {
      if (b.producerId < 0) continue;
      b.producer = { baseSequence: b.baseSequence, lastSequence: b.lastSequence, baseOffset: b.baseOffset, lastOffset: b.lastOffset, pending: undefined, appendTimeMs: nowMs };
      this.producers.record(b.producerId, b.producerEpoch, b.producer);
    }
  }

  private setPendingCommit(pending: PendingBatch[], appended: Promise<AppendResult>): void {
    for (const b of pending) if (b.producer !== undefined) b.producer.pending = appended;
  }

  /**
   * Each producer id with its current epoch and its last five batches, including appends not yet
   * committed. A copy, for tests and the broker's describe output.
   */
  producerState(): ReadonlyMap<number, ProducerStateView> {
    return this.producers.view();
  }

  private blobValue(batch: Buffer): Buffer {
    const value = Buffer.allocUnsafe(LOG_VALUE_PREFIX_BYTES + batch.length);
    this.valuePrefix.copy(value, 0);
    batch.copy(value, LOG_VALUE_PREFIX_BYTES);
    return value;
  }

  private enqueueAppend(batches: PendingBatch[], bytes: number, result: AppendResult): Promise<AppendResult> {
    this.pendingAppends++;
    this.appendsEnqueued++;
    return new Promise<AppendResult>((resolve, reject) => {
      const settled = (failed: boolean): void => {
        this.pendingAppends--;
        this.appendsSettled++;
        // A failed append takes its partition offline (or it was deleted), and so does every
        // append pending with it; once none is left, the committed rows are the producer state.
        if (failed) this.producerStateStale = true;
        if (this.pendingAppends === 0) {
          if (this.producerStateStale) {
            this.producerStateStale = false;
            this.producers.rebuild(this.entries, PRODUCER_COLUMNS);
          }
          const waiters = this.pendingDrained;
          this.pendingDrained = [];
          for (const w of waiters) w();
        }
        if (this.settleWaiters.length > 0) this.wakeSettleWaiters();
      };
      const job: AppendJob = {
        kind: 'append',
        log: this,
        batches,
        bytes,
        result,
        resolve: (r) => {
          settled(false);
          resolve(r);
        },
        reject: (err) => {
          settled(true);
          reject(err);
        },
      };
      this.store.enqueue(job);
    });
  }

  /** Resolves once `count` appends have settled (committed or failed). */
  private appendsSettledTo(count: number): Promise<void> {
    if (this.appendsSettled >= count) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push({ count, resolve }));
  }

  private wakeSettleWaiters(): void {
    const waiting: { count: number; resolve: () => void }[] = [];
    for (const w of this.settleWaiters) {
      if (this.appendsSettled >= w.count) w.resolve();
      else waiting.push(w);
    }
    this.settleWaiters = waiting;
  }

  /** @internal Whether the group commit should still write this partition's appends. */
  get acceptsWrites(): boolean {
    return !this.isOffline && !this.isDeleted;
  }

  /**
   * @internal The group holding `job` reached log/: index the batches in memory and return the
   * index/ operations that persist them.
   */
  commitAppend(job: AppendJob, seqs: readonly number[], ops: DbOp[]): void {
    for (let i = 0; i < job.batches.length; i++) {
      const b = job.batches[i]!;
      const entry: BatchEntryValue = {
        seq: seqs[i]!,
        lastOffset: b.lastOffset,
        maxTimestamp: b.maxTimestamp,
        sizeBytes: b.sizeBytes,
        producerId: b.producerId,
        producerEpoch: b.producerEpoch,
        baseSequence: b.baseSequence,
        lastSequence: b.lastSequence,
      };
      this.addEntry(b.baseOffset, entry);
      ops.push({ type: 'put', key: batchKey(this.indexPrefix, b.baseOffset), value: encodeBatchEntry(entry) });
      if (this.observeEpoch(b.epoch, b.baseOffset)) ops.push({ type: 'put', key: epochKey(this.indexPrefix, b.epoch), value: encodeEpochStart(b.baseOffset) });
      if (b.producer !== undefined) b.producer.pending = undefined;
    }
  }

  /** Called (synchronously) whenever logEndOffset or the high watermark grows, and when the partition goes offline or is deleted, so that waiters re-check. Returns an unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** @internal */
  notifyListeners(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.logger.error({ err }, 'append listener threw');
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  /**
   * Reads whole batches from fetchOffset, only batches whose base offset < upperOffset (default:
   * highWatermark), up to maxBytes but at least one whole batch when one exists.
   * OFFSET_OUT_OF_RANGE when fetchOffset < logStartOffset or > logEndOffset.
   */
  async read(fetchOffset: number, maxBytes: number, upperOffset?: number): Promise<ReadResult> {
    assert(Number.isSafeInteger(fetchOffset), `fetch offset ${fetchOffset} is a safe integer`);
    assert(upperOffset === undefined || Number.isSafeInteger(upperOffset), `upper offset ${upperOffset} is a safe integer`);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new SamsaError('INVALID_FETCH_SIZE', `max bytes must be a non-negative integer, got ${maxBytes}`);
    for (let attempt = 1; ; attempt++) {
      this.checkUsable();
      if (fetchOffset < this.startOffset || fetchOffset > this.endOffset) {
        throw new SamsaError('OFFSET_OUT_OF_RANGE', `fetch offset ${fetchOffset} is outside the log [${this.startOffset}, ${this.endOffset}] of ${this.topicName}-${this.partition}`);
      }
      const upper = Math.min(upperOffset ?? this.hw, this.endOffset);
      const rows = this.rowsFrom(fetchOffset, maxBytes, upper);
      if (rows.length === 0) return this.result(Buffer.alloc(0), fetchOffset);
      const cache = this.store.tailCache;
      const cached = this.cachedBatches(rows);
      if (cached !== undefined) {
        cache.hits++;
        const last = rows.at(-1)!;
        return this.result(cached.length === 1 ? cached[0]! : Buffer.concat(cached), last.lastOffset + 1);
      }
      cache.misses++;
      const batches = await this.fetchVerified(rows);
      if (batches.length > 0) {
        const last = rows[batches.length - 1]!;
        const records = batches.length === 1 ? batches[0]! : Buffer.concat(batches);
        return this.result(records, last.lastOffset + 1);
      }
      // The first batch was removed (retention, truncation) between the lookup and the fetch.
      if (attempt >= READ_RACE_ATTEMPTS_MAX) throw new SamsaError('OFFSET_OUT_OF_RANGE', `the batches at offset ${fetchOffset} were removed while being read`);
    }
  }

  /**
   * The batches of `rows` from the tail cache when it holds every one of them, else undefined.
   * They were checked on append and the cache holds its own copy, so no CRC check is needed.
   */
  private cachedBatches(rows: readonly Row[]): Buffer[] | undefined {
    const cache = this.store.tailCache;
    if (cache.batchCount === 0) return undefined;
    const out: Buffer[] = [];
    for (const row of rows) {
      const batch = cache.get(row.seq);
      if (batch === undefined) return undefined;
      out.push(batch);
    }
    return out;
  }

  private result(records: Buffer, nextOffset: number): ReadResult {
    return { records, logStartOffset: this.startOffset, logEndOffset: this.endOffset, highWatermark: this.hw, nextOffset };
  }

  /** Index rows to read: the batch holding fetchOffset (or the next one) onwards. */
  private rowsFrom(fetchOffset: number, maxBytes: number, upper: number): Row[] {
    const out: Row[] = [];
    let row = this.entries.floor(E_BASE, fetchOffset);
    if (row < 0) row = 0;
    else if (this.entries.get(row, E_LAST) < fetchOffset) row++; // in a gap after that batch
    let total = 0;
    for (; row < this.entries.length; row++) {
      const base = this.entries.get(row, E_BASE);
      if (base >= upper) break;
      const size = this.entries.get(row, E_SIZE);
      if (out.length > 0 && total + size > maxBytes) break;
      out.push(this.rowValue(row));
      total += size;
    }
    return out;
  }

  private rowValue(row: number): Row {
    return {
      baseOffset: this.entries.get(row, E_BASE),
      lastOffset: this.entries.get(row, E_LAST),
      seq: this.entries.get(row, E_SEQ),
      maxTimestamp: this.entries.get(row, E_MAXTS),
      sizeBytes: this.entries.get(row, E_SIZE),
    };
  }

  /**
   * Fetches and verifies the blobs of `rows`; returns the batches (views into the blobs) of the
   * longest prefix still indexed. A batch that is indexed but missing or corrupt takes the
   * partition offline (KAFKA_STORAGE_ERROR).
   */
  private async fetchVerified(rows: readonly Row[]): Promise<Buffer[]> {
    let values: (Buffer | undefined)[];
    try {
      values = await this.store.getBlobs(rows.map((r) => r.seq));
    } catch (err) {
      if (isSamsaError(err)) throw err;
      throw this.fail(rows[0]!.baseOffset, rows[0]!.seq, 'read from log/ failed', err);
    }
    const out: Buffer[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const base = row.baseOffset;
      const value = values[i];
      if (value === undefined) {
        if (this.stillIndexed(base, row.seq)) throw this.fail(base, row.seq, 'indexed batch is missing from log/');
        break; // removed concurrently: return what came before it
      }
      const problem = this.checkBlob(value, base, row.sizeBytes);
      if (problem !== undefined) {
        if (!this.stillIndexed(base, row.seq)) break;
        throw this.fail(base, row.seq, problem);
      }
      out.push(value.subarray(LOG_VALUE_PREFIX_BYTES));
    }
    return out;
  }

  private checkBlob(value: Buffer, baseOffset: number, size: number): string | undefined {
    if (value.length !== LOG_VALUE_PREFIX_BYTES + size) return `stored blob has ${value.length - LOG_VALUE_PREFIX_BYTES} bytes, the index says ${size}`;
    if (value.compare(this.valuePrefix, 0, LOG_VALUE_PREFIX_BYTES, 0, LOG_VALUE_PREFIX_BYTES) !== 0) return 'stored blob belongs to another partition';
    // The base offset is outside the CRC (the leader stamps it), so it is compared on its own.
    if (Number(value.readBigInt64BE(LOG_VALUE_PREFIX_BYTES + BatchField.BASE_OFFSET)) !== baseOffset) return 'stored batch has another base offset than its index entry';
    if (!batchCrcMatches(value, LOG_VALUE_PREFIX_BYTES, size)) return 'record batch failed its CRC-32C check';
    return undefined;
  }

  private stillIndexed(baseOffset: number, seq: number): boolean {
    const row = this.entries.floor(E_BASE, baseOffset);
    return row >= 0 && this.entries.get(row, E_BASE) === baseOffset && this.entries.get(row, E_SEQ) === seq;
  }

  /**
   * A storage fault on this partition: an operating error, not a bug. The partition goes offline
   * (every later call throws KAFKA_STORAGE_ERROR) and the rest of the node keeps working.
   */
  private fail(offset: number, seq: number, reason: string, cause?: unknown): SamsaError {
    this.markOffline(reason, { offset, seq, err: cause });
    return new SamsaError('KAFKA_STORAGE_ERROR', `partition ${this.topicName}-${this.partition} is offline: ${reason} (offset ${offset})`, {
      cause,
      details: { topicId: this.topicName, partition: this.partition, offset },
    });
  }

  /** @internal */
  markOffline(reason: string, fields: Record<string, unknown> = {}): void {
    const first = !this.isOffline;
    this.isOffline = true;
    this.logger.error({ topicId: this.topicName, partition: this.partition, ...fields, reason }, 'storage error: partition offline');
    if (first) this.notifyListeners();
  }

  // -------------------------------------------------------------------------------------------
  // Timestamps

  /** The earliest offset whose record timestamp is >= timestampMs (Kafka ListOffsets), or undefined. */
  async offsetForTimestamp(timestampMs: number): Promise<{ offset: number; timestamp: number } | undefined> {
    assert(Number.isSafeInteger(timestampMs), `timestamp ${timestampMs} is a safe integer`);
    for (let attempt = 1; attempt <= READ_RACE_ATTEMPTS_MAX; attempt++) {
      this.checkUsable();
      // The time index's first row at or above the target names the first batch that can hold it.
      const t = this.times.ceil(T_TS, timestampMs);
      if (t >= this.times.length) return undefined;
      let row = this.entries.floor(E_BASE, this.times.get(t, T_BASE));
      let raced = false;
      // Normally the first candidate holds the answer; later batches only when its header lied.
      for (; row >= 0 && row < this.entries.length; row++) {
        if (this.entries.get(row, E_MAXTS) < timestampMs) continue;
        const entry = this.rowValue(row);
        const records = await this.decodeRow(entry);
        if (records === undefined) {
          raced = true;
          break;
        }
        const hit = records.find((r) => r.timestamp >= timestampMs);
        if (hit !== undefined) return hit;
        row = this.entries.floor(E_BASE, entry.baseOffset); // rows may have moved during the await
        if (row < 0) {
          raced = true;
          break;
        }
      }
      if (!raced) return undefined;
    }
    throw new SamsaError('OFFSET_NOT_AVAILABLE', 'the log changed while looking up a timestamp; retry');
  }

  /** The record with the largest timestamp (ListOffsets -3), or undefined for an empty log. */
  async maxTimestamp(): Promise<{ offset: number; timestamp: number } | undefined> {
    for (let attempt = 1; attempt <= READ_RACE_ATTEMPTS_MAX; attempt++) {
      this.checkUsable();
      if (this.times.length === 0) return undefined;
      const maxTs = this.times.last(T_TS);
      const row = this.entries.floor(E_BASE, this.times.last(T_BASE));
      if (row < 0) return undefined;
      const entry = this.rowValue(row);
      const records = await this.decodeRow(entry);
      if (records === undefined) continue;
      if (records.length === 0) return { offset: entry.lastOffset, timestamp: maxTs };
      let best = records[0]!;
      for (const r of records) if (r.timestamp > best.timestamp) best = r;
      return best;
    }
    throw new SamsaError('OFFSET_NOT_AVAILABLE', 'the log changed while looking up the max timestamp; retry');
  }

  /** Offsets and timestamps of one batch's records; undefined when the batch was removed meanwhile. */
  private async decodeRow(entry: Row): Promise<{ offset: number; timestamp: number }[] | undefined> {
    const [batch] = this.cachedBatches([entry]) ?? (await this.fetchVerified([entry]));
    if (batch === undefined) return undefined;
    const logAppendTime = (batch.readInt16BE(BatchField.ATTRIBUTES) & BatchAttributes.TIMESTAMP_TYPE_LOG_APPEND) !== 0;
    try {
      // Not a hot path: ListOffsets by time decodes one batch.
      return decodeRecords(batch).map((r) => ({ offset: r.offset, timestamp: logAppendTime ? entry.maxTimestamp : r.timestamp }));
    } catch (err) {
      // The CRC matched, so the producer wrote records the broker never decodes on produce.
      this.logger.warn({ err, offset: entry.baseOffset }, 'cannot decode the records of a stored batch; skipping it');
      return [];
    }
  }

  // -------------------------------------------------------------------------------------------
  // High watermark and leader epochs

  setHighWatermark(offset: number): void {
    this.checkUsable();
    assert(Number.isSafeInteger(offset) && offset >= 0, `high watermark ${offset} is a non-negative safe integer`);
    assert(offset <= this.endOffset, `high watermark ${offset} <= log end offset ${this.endOffset}`);
    if (offset <= this.hw) return; // only moves forward; truncation is what clamps it
    this.hw = offset;
    this.notifyListeners();
  }

  /** The latest leader epoch in the cache, or -1 when none. */
  latestEpoch(): number {
    this.checkUsable();
    return this.epochs.at(-1)?.epoch ?? UNDEFINED_EPOCH;
  }

  /**
   * Kafka's LeaderEpochFileCache.endOffsetFor (KIP-101/KIP-279): for the latest epoch, the log end
   * offset; otherwise the start offset of the first later epoch, with the largest epoch <= the
   * requested one; (-1, -1) when the epoch is undefined or above every known epoch.
   */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    this.checkUsable();
    assert(Number.isSafeInteger(epoch), `epoch ${epoch} is an integer`);
    const undefinedResult = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (epoch === UNDEFINED_EPOCH) return undefinedResult;
    const latest = this.epochs.at(-1);
    if (latest !== undefined && latest.epoch === epoch) return { epoch, endOffset: this.endOffset };
    const higher = this.epochs.findIndex((e) => e.epoch > epoch);
    if (higher < 0) return undefinedResult;
    const floor = higher > 0 ? this.epochs[higher - 1]! : undefined;
    // No floor: the epoch is older than anything kept, whose data is gone; the follower
    // continues from the first later epoch's start.
    return { epoch: floor?.epoch ?? epoch, endOffset: this.epochs[higher]!.startOffset };
  }

  /** A copy of the leader-epoch cache, oldest first. */
  epochEntries(): EpochEntry[] {
    return this.epochs.map((e) => ({ ...e }));
  }

  /**
   * A batch of `epoch` at `startOffset` was committed (or re-indexed): a new entry when the epoch
   * is newer than the latest. assignEpochStartOffset may have put a newer epoch ahead of appends
   * still pending before it; their epochs go in before that entry.
   */
  private observeEpoch(epoch: number, startOffset: number): boolean {
    if (epoch < 0) return false;
    const latest = this.epochs.at(-1);
    if (latest === undefined || epoch > latest.epoch) {
      this.epochs.push({ epoch, startOffset });
      return true;
    }
    if (epoch === latest.epoch || latest.startOffset <= startOffset) return false;
    const before = this.epochs.at(-2);
    if (before !== undefined && (epoch <= before.epoch || startOffset < before.startOffset)) return false;
    this.epochs.splice(this.epochs.length - 1, 0, { epoch, startOffset });
    return true;
  }

  /**
   * A new leader's epoch starts at its log end offset (Kafka's maybeAssignEpochStartOffset): the
   * entry (epoch, log end offset) enters the leader-epoch cache and is written to index/ (synced)
   * before this resolves. The log end offset is the one after every append enqueued before the
   * call, and this resolves only once those are committed too, so afterwards logEndOffset is the
   * epoch's start (unless appends came after the call). A no-op when the latest epoch is already
   * >= `epoch` (it waits for an assignment of that same epoch still in flight). Appends of batches
   * carrying `epoch` add no second entry.
   */
  async assignEpochStartOffset(epoch: number): Promise<void> {
    this.checkUsable();
    assert(Number.isSafeInteger(epoch) && epoch >= 0 && epoch <= 0x7fffffff, `leader epoch ${epoch} is an int32 >= 0`);
    const latest = this.epochs.at(-1);
    if (latest !== undefined && latest.epoch >= epoch) {
      const inFlight = this.epochAssignment;
      if (inFlight !== undefined && inFlight.epoch === latest.epoch) await inFlight.done;
      return;
    }
    const startOffset = this.pendingEnd;
    // In memory at once, so that appends and calls after this one see the epoch.
    this.epochs.push({ epoch, startOffset });
    const done = (async (): Promise<void> => {
      await Promise.all([
        this.writeIndexOrFail([{ type: 'put', key: epochKey(this.indexPrefix, epoch), value: encodeEpochStart(startOffset) }], startOffset, true),
        this.appendsSettledTo(this.appendsEnqueued),
      ]);
      this.checkUsable(); // an append before it failed: the partition is offline
    })();
    this.epochAssignment = { epoch, done };
    try {
      await done;
    } finally {
      if (this.epochAssignment?.done === done) this.epochAssignment = undefined;
    }
    this.logger.info({ epoch, startOffset }, 'leader epoch start offset assigned');
  }

  // -------------------------------------------------------------------------------------------
  // Truncation, retention, deletion

  /**
   * Removes every batch that holds an offset >= offset (a follower cutting a divergent suffix):
   * an offset inside a batch removes that whole batch, so the log may end below `offset`.
   * Nothing happens when offset >= logEndOffset; it must be >= the log start offset (below it,
   * truncateFullyAndStartAt). The blobs' deletion is synced before the
   * index changes, so a re-index after a crash can never bring a truncated batch back.
   */
  async truncateTo(offset: number): Promise<void> {
    this.checkUsable();
    assert(Number.isSafeInteger(offset) && offset >= 0, `truncation offset ${offset} is a non-negative safe integer`);
    return this.exclusive(async () => {
      await this.waitForPendingAppends();
      this.checkUsable();
      if (offset >= this.endOffset) {
        // Nothing to cut, but an epoch may start at the log end with no batch of it (this broker
        // led it and wrote nothing before another leader was elected): it conflicts with the new
        // leader's log, so it goes, or the follower would keep offering it (Kafka does the same).
        const ops: DbOp[] = [];
        while (this.epochs.length > 0 && this.epochs.at(-1)!.startOffset >= this.endOffset) {
          ops.push({ type: 'del', key: epochKey(this.indexPrefix, this.epochs.pop()!.epoch) });
        }
        if (ops.length > 0) {
          this.logger.info({ logEndOffset: this.endOffset, latestEpoch: this.epochs.at(-1)?.epoch ?? UNDEFINED_EPOCH }, 'dropped leader epochs that start at the log end');
          await this.writeIndexOrFail(ops, offset);
        }
        return;
      }
      assert(offset >= this.startOffset, `truncateTo(${offset}) is below the log start offset ${this.startOffset}: use truncateFullyAndStartAt`);
      let row = this.entries.ceil(E_BASE, offset);
      // An offset inside a batch removes that whole batch too (as Kafka truncates a segment at the
      // batch holding the offset): batches are never split, and the follower fetches it again.
      if (row > 0 && this.entries.get(row - 1, E_LAST) >= offset) row--;
      const removed = this.removeTail(row);
      this.pendingEnd = this.endOffset;
      if (this.hw > this.endOffset) this.hw = this.endOffset;
      // Roll the producer state back from the in-memory index: only the producers that lost rows.
      if (removed.producerIds.size > 0) this.producers.rebuild(this.entries, PRODUCER_COLUMNS, removed.producerIds);
      this.logger.info({ offset, batches: removed.seqs.length, logEndOffset: this.endOffset }, 'truncated');
      await this.deleteBlobsOrFail(removed.seqs, offset);
      await this.writeIndexOrFail([...removed.ops, this.metaOp()], offset);
    });
  }

  /**
   * Removes every batch and restarts the log empty at `offset` (a follower whose fetch offset fell
   * below the leader's log start offset).
   */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    this.checkUsable();
    assert(Number.isSafeInteger(offset) && offset >= 0, `start offset ${offset} is a non-negative safe integer`);
    return this.exclusive(async () => {
      await this.waitForPendingAppends();
      this.checkUsable();
      const removed = this.removeTail(0);
      for (const e of this.epochs) removed.ops.push({ type: 'del', key: epochKey(this.indexPrefix, e.epoch) });
      this.epochs = [];
      this.producers.clear();
      this.startOffset = offset;
      this.endOffset = offset;
      this.pendingEnd = offset;
      this.hw = offset;
      this.logger.info({ offset, batches: removed.seqs.length }, 'truncated fully');
      await this.deleteBlobsOrFail(removed.seqs, offset);
      await this.writeIndexOrFail([...removed.ops, this.metaOp()], offset);
    });
  }

  /**
   * @internal One retention pass: deletes whole batches from the front while they are older than
   * retention.ms or the partition is larger than retention.bytes, only below the high watermark
   * (as Kafka). Returns the number of batches deleted.
   */
  applyRetention(nowMs: number): Promise<number> {
    const { retentionMs, retentionBytes } = this.partitionConfig;
    if (!this.acceptsWrites || (retentionMs < 0 && retentionBytes < 0)) return Promise.resolve(0);
    return this.exclusive(async () => {
      if (!this.acceptsWrites) return 0;
      let count = 0;
      let size = this.bytes;
      for (; count < this.entries.length; count++) {
        if (this.entries.get(count, E_LAST) >= this.hw) break;
        const expired = retentionMs >= 0 && nowMs - this.entries.get(count, E_MAXTS) > retentionMs;
        const oversized = retentionBytes >= 0 && size > retentionBytes;
        if (!expired && !oversized) break;
        size -= this.entries.get(count, E_SIZE);
      }
      if (count === 0) return 0;
      const removed = this.removeFront(count);
      // The new log start offset reaches disk first: it records the intent, so if a crash comes
      // before the blobs are gone, recovery deletes whatever lies below it.
      await this.writeIndexOrFail([this.metaOp()], this.startOffset, true);
      await this.deleteBlobsOrFail(removed.seqs, this.startOffset);
      await this.writeIndexOrFail(removed.ops, this.startOffset, false);
      this.logger.info({ batches: count, logStartOffset: this.startOffset, sizeBytes: this.bytes }, 'retention deleted batches');
      return count;
    });
  }

  /** @internal Topic deletion: removes every blob and index entry; the partition is unusable after. */
  destroy(): Promise<void> {
    return this.exclusive(async () => {
      await this.waitForPendingAppends();
      const seqs: number[] = [];
      for (let row = 0; row < this.entries.length; row++) seqs.push(this.entries.get(row, E_SEQ));
      this.isDeleted = true;
      this.entries.clear();
      this.times.clear();
      this.epochs = [];
      this.producers.clear();
      this.bytes = 0;
      this.notifyListeners();
      try {
        await this.store.deleteBlobs(seqs);
        await this.store.clearIndex(this.indexPrefix, partitionPrefixEnd(this.indexPrefix));
      } catch (err) {
        this.markOffline('deleting the partition failed', { err });
        throw new SamsaError('KAFKA_STORAGE_ERROR', `deleting ${this.topicName}-${this.partition} failed`, { cause: err });
      }
      this.logger.info({ batches: seqs.length }, 'partition deleted');
    });
  }

  /** @internal Resolves once no truncation, retention or deletion of this partition is running. */
  async settled(): Promise<void> {
    await this.exclusiveTail.then(noop, noop);
  }

  /** @internal Sequence of the oldest blob this partition still needs, if any. */
  firstSeq(): number | undefined {
    return this.entries.length > 0 ? this.entries.get(0, E_SEQ) : undefined;
  }

  /** @internal The index/ operation that persists the partition's meta. */
  metaOp(): DbOp {
    const meta: MetaValue = {
      logStartOffset: this.startOffset,
      highWatermark: this.hw,
      retentionMs: this.partitionConfig.retentionMs,
      retentionBytes: this.partitionConfig.retentionBytes,
    };
    this.checkpointedHighWatermark = this.hw;
    return { type: 'put', key: metaKey(this.indexPrefix), value: encodeMeta(meta) };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(fn, fn);
    this.exclusiveTail = run.then(noop, noop);
    return run;
  }

  private async waitForPendingAppends(): Promise<void> {
    for (let round = 0; this.pendingAppends > 0; round++) {
      assert(round < PENDING_WAIT_ROUNDS_MAX, 'appends keep arriving while waiting to truncate a partition');
      await new Promise<void>((resolve) => this.pendingDrained.push(resolve));
    }
  }

  private async deleteBlobsOrFail(seqs: number[], offset: number): Promise<void> {
    try {
      await this.store.deleteBlobs(seqs);
    } catch (err) {
      throw this.fail(offset, seqs[0] ?? -1, 'deleting blobs from log/ failed', err);
    }
  }

  private async writeIndexOrFail(ops: DbOp[], offset: number, sync = true): Promise<void> {
    try {
      await this.store.writeIndex(ops, sync);
    } catch (err) {
      throw this.fail(offset, -1, 'writing index/ failed', err);
    }
  }

  private checkUsable(): void {
    this.store.assertOpen();
    if (this.isDeleted) throw new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${this.topicName}-${this.partition} was deleted`);
    if (this.isOffline) {
      throw new SamsaError('KAFKA_STORAGE_ERROR', `partition ${this.topicName}-${this.partition} is offline after a storage error`, {
        details: { topicId: this.topicName, partition: this.partition },
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // In-memory index maintenance (shared by appends, truncation, retention and recovery)

  private addEntry(baseOffset: number, e: BatchEntryValue): void {
    this.entries.push([baseOffset, e.lastOffset, e.seq, e.maxTimestamp, e.sizeBytes, e.producerId, e.producerEpoch, e.baseSequence, e.lastSequence]);
    this.bytes += e.sizeBytes;
    if (this.times.length === 0 || e.maxTimestamp > this.times.last(T_TS)) this.times.push([e.maxTimestamp, baseOffset]);
    this.endOffset = e.lastOffset + 1;
  }

  /** Drops rows from `row` on; the log end offset becomes the end of what is left. */
  private removeTail(row: number): Removed {
    const ops: DbOp[] = [];
    const seqs: number[] = [];
    const producerIds = new Set<number>();
    for (let r = row; r < this.entries.length; r++) {
      seqs.push(this.entries.get(r, E_SEQ));
      const producerId = this.entries.get(r, E_PRODUCER_ID);
      if (producerId >= 0) producerIds.add(producerId);
      ops.push({ type: 'del', key: batchKey(this.indexPrefix, this.entries.get(r, E_BASE)) });
      this.bytes -= this.entries.get(r, E_SIZE);
    }
    this.entries.truncate(row);
    this.endOffset = row > 0 ? this.entries.get(row - 1, E_LAST) + 1 : this.startOffset;
    this.times.truncate(this.times.ceil(T_BASE, this.endOffset));
    // Kafka's truncateFromEnd: epochs that start at or after the new end are gone.
    while (this.epochs.length > 0 && this.epochs.at(-1)!.startOffset >= this.endOffset) {
      ops.push({ type: 'del', key: epochKey(this.indexPrefix, this.epochs.pop()!.epoch) });
    }
    return { ops, seqs, producerIds };
  }

  /** Drops the first `count` rows; the log start offset moves past them. */
  private removeFront(count: number): Removed {
    const ops: DbOp[] = [];
    const seqs: number[] = [];
    for (let r = 0; r < count; r++) {
      seqs.push(this.entries.get(r, E_SEQ));
      ops.push({ type: 'del', key: batchKey(this.indexPrefix, this.entries.get(r, E_BASE)) });
      this.bytes -= this.entries.get(r, E_SIZE);
    }
    const newStart = this.entries.get(count - 1, E_LAST) + 1;
    this.entries.dropFront(count);
    if (newStart > this.startOffset) this.startOffset = newStart;
    if (this.entries.length === 0) this.endOffset = Math.max(this.endOffset, this.startOffset);
    this.rebuildTimeIndex();
    this.truncateEpochsFromStart(this.startOffset, ops);
    this.producers.dropBelow(this.startOffset);
    return { ops, seqs, producerIds: new Set() };
  }

  /** The time index must be a running maximum from the first batch held, so it is rebuilt after the front moves. */
  private rebuildTimeIndex(): void {
    this.times.clear();
    for (let r = 0; r < this.entries.length; r++) {
      const ts = this.entries.get(r, E_MAXTS);
      if (this.times.length === 0 || ts > this.times.last(T_TS)) this.times.push([ts, this.entries.get(r, E_BASE)]);
    }
  }

  /** Kafka's truncateFromStart: the last epoch starting at or before the new start now starts there. */
  private truncateEpochsFromStart(start: number, ops: DbOp[]): void {
    const first = this.epochs[0];
    if (first === undefined || start <= first.startOffset) return;
    let i = 0;
    while (i < this.epochs.length && this.epochs[i]!.startOffset <= start) i++;
    const kept = this.epochs[i - 1]!;
    for (let j = 0; j < i; j++) ops.push({ type: 'del', key: epochKey(this.indexPrefix, this.epochs[j]!.epoch) });
    this.epochs = [{ epoch: kept.epoch, startOffset: start }, ...this.epochs.slice(i)];
    ops.push({ type: 'put', key: epochKey(this.indexPrefix, kept.epoch), value: encodeEpochStart(start) });
  }

  // -------------------------------------------------------------------------------------------
  // Recovery (LogManager.open)

  /** @internal */
  restoreMeta(meta: MetaValue): void {
    this.startOffset = meta.logStartOffset;
    this.endOffset = Math.max(this.endOffset, meta.logStartOffset);
    this.hw = meta.highWatermark;
    this.checkpointedHighWatermark = meta.highWatermark;
    this.startFromData = false;
    try {
      this.partitionConfig = validatePartitionConfig({ retentionMs: meta.retentionMs, retentionBytes: meta.retentionBytes });
    } catch {
      this.logger.warn({ meta }, 'stored partition config is not valid; using unlimited retention');
    }
  }

  /** @internal An entry of index/, in key (base offset) order. Returns false when it cannot be one. */
  restoreEntry(baseOffset: number, e: BatchEntryValue): boolean {
    if (!(e.lastOffset >= baseOffset) || (this.entries.length > 0 && baseOffset <= this.entries.last(E_LAST))) return false;
    if (this.startFromData) {
      this.startOffset = baseOffset;
      this.startFromData = false;
    }
    this.addEntry(baseOffset, e);
    return true;
  }

  /** @internal */
  restoreEpoch(epoch: number, startOffset: number): void {
    if (this.epochs.length === 0 || epoch > this.epochs.at(-1)!.epoch) this.epochs.push({ epoch, startOffset });
  }

  /**
   * @internal A batch of log/ past what index/ covers, in sequence order. A later batch at an
   * offset the index already holds was written after a truncation, so it replaces from there.
   * Returns the sequences of blobs nothing needs (below the log start offset, or replaced).
   */
  reindexBatch(seq: number, header: BatchHeader, ops: DbOp[]): number[] {
    const baseOffset = header.baseOffset;
    const lastOffset = batchLastOffset(header);
    if (this.startFromData) {
      this.startOffset = baseOffset;
      this.endOffset = baseOffset;
      this.startFromData = false;
    }
    if (lastOffset < this.startOffset) return [seq];
    const row = this.entries.ceil(E_LAST, baseOffset);
    const orphans = row < this.entries.length ? this.removeTail(row) : { ops: [], seqs: [] };
    ops.push(...orphans.ops);
    const entry: BatchEntryValue = { seq, lastOffset, maxTimestamp: header.maxTimestamp, sizeBytes: batchSize(header), ...producerFields(header) };
    this.addEntry(baseOffset, entry);
    ops.push({ type: 'put', key: batchKey(this.indexPrefix, baseOffset), value: encodeBatchEntry(entry) });
    if (this.observeEpoch(header.partitionLeaderEpoch, baseOffset)) ops.push({ type: 'put', key: epochKey(this.indexPrefix, header.partitionLeaderEpoch), value: encodeEpochStart(baseOffset) });
    return orphans.seqs;
  }

  /**
   * @internal Final recovery step: drops entries below the log start offset (a retention whose
   * blob deletion may not have happened: their blobs are returned for deletion) and entries at the
   * tail whose blobs are gone (a truncation or deletion that reached log/ but not index/, or an
   * unsynced log tail lost with the power), then restores the high watermark.
   */
  async finishRecovery(hasBlobs: (keys: Buffer[]) => Promise<boolean[]>, ops: DbOp[]): Promise<number[]> {
    const orphans: number[] = [];
    if (this.isOffline) return orphans; // left as found until the operator acts
    const below = this.entries.ceil(E_LAST, this.startOffset);
    if (below > 0) {
      const removed = this.removeFront(below);
      ops.push(...removed.ops);
      orphans.push(...removed.seqs);
    }
    let dropped = 0;
    for (let round = 0; this.entries.length > 0; round++) {
      assert(round <= this.entries.length, 'recovery tail check ends');
      const from = Math.max(0, this.entries.length - RECOVERY_TAIL_CHECK_ROWS);
      const keys: Buffer[] = [];
      for (let r = from; r < this.entries.length; r++) keys.push(seqKey(this.entries.get(r, E_SEQ)));
      const present = await hasBlobs(keys);
      const lastPresent = present.lastIndexOf(true);
      if (lastPresent === keys.length - 1) break;
      const cut = lastPresent >= 0 ? from + lastPresent + 1 : from;
      dropped += this.entries.length - cut;
      ops.push(...this.removeTail(cut).ops);
      if (lastPresent >= 0) break;
    }
    if (dropped > 0) this.logger.warn({ batches: dropped, logEndOffset: this.endOffset }, 'recovery dropped index entries whose blobs are gone');
    if (this.entries.length === 0) this.endOffset = Math.max(this.endOffset, this.startOffset);
    // An epoch cannot start past the end. One may start at the end: a leader that took its epoch
    // (assignEpochStartOffset) and wrote nothing yet, or an empty log.
    for (let last = this.epochs.at(-1); last !== undefined && last.startOffset > this.endOffset; last = this.epochs.at(-1)) {
      ops.push({ type: 'del', key: epochKey(this.indexPrefix, last.epoch) });
      this.epochs.pop();
    }
    this.truncateEpochsFromStart(this.startOffset, ops);
    this.pendingEnd = this.endOffset;
    this.hw = Math.min(Math.max(this.hw, this.startOffset), this.endOffset);
    // The producer state's snapshot is the producer fields of the index rows.
    this.producers.rebuild(this.entries, PRODUCER_COLUMNS);
    ops.push(this.metaOp());
    return orphans;
  }

  /** @internal */
  get recoveredStartFromData(): boolean {
    return this.startFromData;
  }
}
