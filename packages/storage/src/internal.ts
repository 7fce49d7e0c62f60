// What a PartitionLog needs from its LogManager: the shared group-commit pipeline on log/ and the
// ordered, coalescing writer of index/. Not part of the package's public surface.
import type { PartitionLog } from './partition-log.js';

export type DbOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  logAppendTimeMs: number;
}

/** One batch of an append, ready for log/: offsets assigned, value = prefix + batch. */
export interface PendingBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  sizeBytes: number;
  /** Partition leader epoch stamped in the batch (-1 when none). */
  epoch: number;
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
  /** Deletes blobs from log/ with sync, in order with the appends around it. */
  deleteBlobs(seqs: number[]): Promise<void>;
  getBlobs(seqs: number[]): Promise<(Buffer | undefined)[]>;
  /** Writes to index/ in order with every other index write; awaited. */
  writeIndex(ops: DbOp[], sync: boolean): Promise<void>;
  /** The same without waiting: failures are logged by the writer. */
  postIndex(ops: DbOp[]): void;
  clearIndex(gte: Buffer, lt: Buffer): Promise<void>;
}
