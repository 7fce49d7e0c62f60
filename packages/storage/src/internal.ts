// What a PartitionLog needs from its LogManager: the shared group-commit pipeline on log/ and the
// ordered, coalescing writer of index/. Not part of the package's public surface.
import type { PartitionLog } from './partition-log.js';
import type { ProducerBatch } from './producer-state.js';
import type { TailCache } from './tail-cache.js';

export type DbOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /**
   * The broker's append time. For a duplicate, the original's when this process appended it
   * (-1 when it came from the index, after a restart or a truncation).
   */
  logAppendTimeMs: number;
  /**
   * True when the batch repeated one of its producer's last five batches (a retry): nothing was
   * written, and the offsets are the original's.
   */
  duplicate: boolean;
}

/** One batch of an append, ready for log/: offsets assigned, value = prefix + batch. */
export interface PendingBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  sizeBytes: number;
  /** Partition leader epoch stamped in the batch (-1 when none). */
  epoch: number;
  /** -1 (and -1 for the three after it) for a batch without a producer. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  /** Its entry in the producer state, whose `pending` the commit clears. */
  producer: ProducerBatch | undefined;
  /** Prefix + batch, as written to log/. */
  value: Buffer;
}

export interface AppendJob {
  kind: 'append';
  log: PartitionLog;
  batches: PendingBatch[];
  /** Bytes this job adds to a group commit. */
  bytes: number;
  result: AppendResult;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

export interface DeleteJob {
  kind: 'delete';
  seqs: number[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export type LogJob = AppendJob | DeleteJob;

export interface StoreInternals {
  now(): number;
  /** Throws when the LogManager is closed. */
  assertOpen(): void;
  /** Queues an append for the next group commit. */
  enqueue(job: LogJob): void;
  /** Deletes blobs from log/ with sync, in order with the appends around it; drops them from the tail cache. */
  deleteBlobs(seqs: number[]): Promise<void>;
  getBlobs(seqs: number[]): Promise<(Buffer | undefined)[]>;
  /** Writes to index/ in order with every other index write; awaited. */
  writeIndex(ops: DbOp[], sync: boolean): Promise<void>;
  /** The same without waiting: failures are logged by the writer. */
  postIndex(ops: DbOp[]): void;
  clearIndex(gte: Buffer, lt: Buffer): Promise<void>;
  /** Recently committed batches by sequence (node-wide). */
  tailCache: TailCache;
}
