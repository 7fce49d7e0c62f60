// The node's partition logs on LevelDB: log/ holds every batch blob under a node-wide append
// sequence (so writes always land at the end of the key space and LevelDB never rewrites old
// batches), index/ holds what can be rebuilt from log/. See docs/storage.md.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import type { Logger } from 'pino';
import { BATCH_HEADER_BYTES, SamsaError, TOPIC_ID_BYTES, assert, batchCrcMatches, batchSize, readBatchHeader } from '@samsa/protocol';
import type { BatchHeader } from '@samsa/protocol';
import { UNLIMITED_RETENTION, validateConfig, validatePartitionConfig } from './config.js';
import type { PartitionConfig, StorageConfig } from './config.js';
import type { AppendJob, DbOp, DeleteJob, LogJob, StoreInternals } from './internal.js';
import {
  COVERED_SEQ_KEY,
  IndexSpace,
  IndexType,
  LOG_VALUE_PREFIX_BYTES,
  decodeBatchEntry,
  decodeEpochStart,
  decodeMeta,
  parseIndexKey,
  partitionMapKey,
  readU64,
  seqKey,
  writeU64,
} from './keys.js';
import { PartitionLog } from './partition-log.js';
import { TailCache } from './tail-cache.js';

export interface LogManagerOptions {
  logger: Logger;
  /** Clock for retention.ms; Date.now by default. */
  now?: () => number;
}

/** Counters for tests and metrics. */
export interface StorageStats {
  /** db.batch writes of appends (group commits) on log/. */
  logWrites: number;
  /** Append jobs (calls of append) those writes carried. */
  appendsCommitted: number;
  logWriteBytes: number;
  /** db.batch writes on index/. */
  indexWrites: number;
  /** compactRange calls on log/. */
  compactions: number;
  /** read() calls served wholly from the tail cache, and those that went to LevelDB. */
  tailCacheHits: number;
  tailCacheMisses: number;
  /** What the tail cache holds now: batches and their bytes (at most tailCacheBytes). */
  tailCacheBatches: number;
  tailCacheBytesHeld: number;
}

type Db = Level<Buffer, Buffer>;
/** classic-level's compactRange, which the universal `level` type does not declare. */
type Compactable = { compactRange(start: Buffer, end: Buffer): Promise<void> };

const DB_OPTIONS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
/** Recovery writes re-indexed entries to index/ in chunks of this many operations. */
const REINDEX_FLUSH_OPS = 4096;
/** index/ coalesces queued writes into one db.batch up to this many operations. */
const INDEX_BATCH_OPS_MAX = 65_536;

const noop = (): void => {};

interface OpsJob {
  kind: 'ops';
  ops: DbOp[];
  sync: boolean;
  coveredSeq: number;
  done: (err?: unknown) => void;
}

interface ClearJob {
  kind: 'clear';
  gte: Buffer;
  lt: Buffer;
  done: (err?: unknown) => void;
}

/**
 * The ordered writer of index/: writes queued while one is in flight are coalesced into the next
 * db.batch (synced when any of them asked), and clear-range jobs run in order with them.
 */
class IndexWriter {
  private readonly jobs: (OpsJob | ClearJob)[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  /** Highest log/ sequence whose entries index/ holds. */
  private coveredWritten: number;
  /** After a failed write the covered sequence stays put, so the next open re-indexes what was lost. */
  private coveredFrozen = false;
  writes = 0;

  private readonly db: Db;
  private readonly logger: Logger;

  constructor(db: Db, logger: Logger, coveredSeq: number) {
    this.db = db;
    this.logger = logger;
    this.coveredWritten = coveredSeq;
  }

  /** `coveredSeq`: the ops index every log/ blob up to this sequence (written in the same batch). */
  write(ops: DbOp[], sync: boolean, coveredSeq = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ kind: 'ops', ops, sync, coveredSeq, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.kick();
    });
  }

  clear(gte: Buffer, lt: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ kind: 'clear', gte, lt, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.kick();
    });
  }

  idle(): Promise<void> {
    if (!this.running && this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    while (this.jobs.length > 0) {
      const first = this.jobs[0]!;
      if (first.kind === 'clear') {
        this.jobs.shift();
        try {
          await this.db.clear({ gte: first.gte, lt: first.lt });
          first.done();
        } catch (err) {
          this.logger.error({ err }, 'index/ range delete failed');
          first.done(err);
        }
        continue;
      }
      const group: ((err?: unknown) => void)[] = [];
      const ops: DbOp[] = [];
      let sync = false;
      let covered = 0;
      for (let next = this.jobs[0]; next?.kind === 'ops' && (group.length === 0 || ops.length + next.ops.length <= INDEX_BATCH_OPS_MAX); next = this.jobs[0]) {
        this.jobs.shift();
        for (const op of next.ops) ops.push(op);
        sync ||= next.sync;
        covered = Math.max(covered, next.coveredSeq);
        group.push(next.done);
      }
      if (!this.coveredFrozen && covered > this.coveredWritten) {
        const value = Buffer.allocUnsafe(8);
        writeU64(value, 0, covered);
        ops.push({ type: 'put', key: COVERED_SEQ_KEY, value });
      }
      try {
        if (ops.length > 0) {
          await this.db.batch(ops, { sync });
          this.writes++;
        }
        if (!this.coveredFrozen) this.coveredWritten = Math.max(this.coveredWritten, covered);
        for (const done of group) done();
      } catch (err) {
        this.coveredFrozen = true;
        this.logger.error({ err, ops: ops.length }, 'index/ write failed; the next open re-indexes from log/');
        for (const done of group) done(err);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

export class LogManager {
  readonly config: StorageConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly logDb: Db;
  private readonly indexDb: Db;
  private readonly partitions = new Map<string, PartitionLog>();
  private readonly deleting = new Map<string, Promise<void>>();
  private readonly store: StoreInternals;
  private readonly tailCache: TailCache;
  private index!: IndexWriter;
  /** Next log/ sequence to assign. */
  private nextSeq = 1;
  private readonly queue: LogJob[] = [];
  private writing = false;
  private appendIdleWaiters: (() => void)[] = [];
  private readonly counters = { logWrites: 0, appendsCommitted: 0, logWriteBytes: 0, compactions: 0 };
  /** log/ has been compacted below this sequence. */
  private compactedBelowSeq = 0;
  private retentionTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private retentionRun: Promise<void> | undefined;
  private compaction: Promise<void> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(config: StorageConfig, options: LogManagerOptions, logDb: Db, indexDb: Db) {
    this.config = config;
    this.logger = options.logger.child({ component: 'storage' });
    this.now = options.now ?? Date.now;
    this.logDb = logDb;
    this.indexDb = indexDb;
    this.tailCache = new TailCache(config.tailCacheBytes);
    this.store = {
      now: () => this.now(),
      assertOpen: () => {
        if (this.closed) throw new SamsaError('KAFKA_STORAGE_ERROR', 'storage is closed');
      },
      enqueue: (job) => this.enqueue(job),
      deleteBlobs: (seqs) => this.deleteBlobs(seqs),
      getBlobs: (seqs) => this.logDb.getMany(seqs.map(seqKey)) as Promise<(Buffer | undefined)[]>,
      writeIndex: (ops, sync) => this.index.write(ops, sync),
      postIndex: (ops) => {
        this.index.write(ops, false).catch(noop); // the writer logs failures
      },
      clearIndex: (gte, lt) => this.index.clear(gte, lt),
      tailCache: this.tailCache,
    };
  }

  /** Opens (creating when absent) log/ and index/ under dataDir, recovers, and starts the timers. */
  static async open(config: Partial<StorageConfig> & { dataDir: string }, options: LogManagerOptions): Promise<LogManager> {
    const cfg = validateConfig(config);
    assert(options !== undefined && options.logger !== undefined, 'LogManager.open needs a logger');
    await mkdir(cfg.dataDir, { recursive: true });
    const logDb: Db = new Level<Buffer, Buffer>(join(cfg.dataDir, 'log'), { ...DB_OPTIONS, compression: false, writeBufferSize: cfg.logWriteBufferBytes });
    const indexDb: Db = new Level<Buffer, Buffer>(join(cfg.dataDir, 'index'), DB_OPTIONS);
    try {
      await logDb.open();
      await indexDb.open();
      const manager = new LogManager(cfg, options, logDb, indexDb);
      await manager.recover();
      manager.startTimers();
      return manager;
    } catch (err) {
      await Promise.allSettled([logDb.close(), indexDb.close()]);
      throw err;
    }
  }

  /** Partitions present (found on open or created since). */
  list(): { topicId: Buffer; partition: number }[] {
    return [...this.partitions.values()].map((p) => ({ topicId: Buffer.from(p.topicId), partition: p.partition }));
  }

  get(topicId: Buffer, partition: number): PartitionLog | undefined {
    return this.partitions.get(partitionMapKey(topicId, partition));
  }

  /** Idempotent; updates the config of an existing partition. */
  async getOrCreate(topicId: Buffer, partition: number, config: PartitionConfig): Promise<PartitionLog> {
    this.store.assertOpen();
    assert(Buffer.isBuffer(topicId) && topicId.length === TOPIC_ID_BYTES, 'a topic id is a 16-byte Buffer');
    assert(Number.isSafeInteger(partition) && partition >= 0 && partition <= 0x7fffffff, `partition ${partition} is an int32 >= 0`);
    const cfg = validatePartitionConfig(config);
    const key = partitionMapKey(topicId, partition);
    const deleting = this.deleting.get(key);
    if (deleting !== undefined) await deleting.catch(noop);
    const existing = this.partitions.get(key);
    if (existing !== undefined) {
      existing.setConfig(cfg);
      return existing;
    }
    const log = new PartitionLog(this.store, topicId, partition, cfg, this.logger);
    this.partitions.set(key, log);
    await this.index.write([log.metaOp()], false);
    this.logger.info({ topic: log.topicId.toString('hex'), partition }, 'partition created');
    return log;
  }

  /** Topic deletion: removes the partition's blobs and index entries. */
  async delete(topicId: Buffer, partition: number): Promise<void> {
    this.store.assertOpen();
    const key = partitionMapKey(topicId, partition);
    const inProgress = this.deleting.get(key);
    if (inProgress !== undefined) return inProgress;
    const log = this.partitions.get(key);
    if (log === undefined) return;
    const run = log
      .destroy()
      .then(() => {
        this.partitions.delete(key);
      })
      .finally(() => {
        this.deleting.delete(key);
      });
    this.deleting.set(key, run);
    await run;
    this.scheduleCompaction();
  }

  /** One retention pass over every partition (what the background timer calls). */
  runRetention(): Promise<void> {
    if (this.closed) return Promise.reject(new SamsaError('KAFKA_STORAGE_ERROR', 'storage is closed'));
    if (this.retentionRun !== undefined) return this.retentionRun;
    const run = (async () => {
      const nowMs = this.now();
      let removed = 0;
      for (const log of [...this.partitions.values()]) {
        try {
          removed += await log.applyRetention(nowMs);
        } catch (err) {
          // The partition is offline now (logged there); the others go on.
          this.logger.error({ err, topic: log.topicId.toString('hex'), partition: log.partition }, 'retention failed for a partition');
        }
      }
      if (removed > 0) {
        this.scheduleCompaction();
        await this.compaction;
      }
    })().finally(() => {
      this.retentionRun = undefined;
    });
    this.retentionRun = run;
    return run;
  }

  /** Sum of the sizes of the files in log/ and index/. */
  async sizeOnDiskBytes(): Promise<number> {
    let total = 0;
    for (const dir of ['log', 'index']) {
      const path = join(this.config.dataDir, dir);
      for (const name of await readdir(path)) {
        try {
          const s = await stat(join(path, name));
          if (s.isFile()) total += s.size;
        } catch {
          // LevelDB removed the file meanwhile (compaction): it no longer counts.
        }
      }
    }
    return total;
  }

  stats(): StorageStats {
    const cache = this.tailCache;
    return {
      ...this.counters,
      indexWrites: this.index.writes,
      tailCacheHits: cache.hits,
      tailCacheMisses: cache.misses,
      tailCacheBatches: cache.batchCount,
      tailCacheBytesHeld: cache.bytes,
    };
  }

  /**
   * Writes every high watermark that moved since its last checkpoint into index/ (not synced);
   * resolves once index/ has taken every write queued so far. The timer calls it.
   */
  async checkpointHighWatermarks(): Promise<void> {
    const ops: DbOp[] = [];
    for (const log of this.partitions.values()) {
      if (log.acceptsWrites && log.highWatermark !== log.checkpointedHighWatermark) ops.push(log.metaOp());
    }
    if (ops.length > 0) await this.index.write(ops, false);
    await this.index.idle();
  }

  /** Checkpoints high watermarks, waits for pending writes and closes the databases; safe twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.retentionTimer);
      clearInterval(this.checkpointTimer);
      this.closed = true;
      await this.retentionRun?.catch(noop);
      await Promise.allSettled([...this.deleting.values()]);
      await Promise.all([...this.partitions.values()].map((p) => p.settled()));
      await this.appendsIdle();
      await this.compaction.catch(noop);
      await this.checkpointHighWatermarks().catch((err: unknown) => this.logger.error({ err }, 'high watermark checkpoint failed on close'));
      await this.index.idle();
      await Promise.allSettled([this.logDb.close(), this.indexDb.close()]);
      this.tailCache.clear();
      this.logger.info({ partitions: this.partitions.size }, 'storage closed');
    })();
    return this.closing;
  }

  // -------------------------------------------------------------------------------------------
  // Group commit on log/

  private enqueue(job: LogJob): void {
    this.queue.push(job);
    if (!this.writing) {
      this.writing = true;
      void this.writeLoop();
    }
  }

  private deleteBlobs(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return Promise.resolve();
    // The partition no longer indexes them, so no read asks for them: only the memory goes.
    this.tailCache.drop(seqs);
    return new Promise((resolve, reject) => this.enqueue({ kind: 'delete', seqs, resolve, reject }));
  }

  /**
   * Writes queued jobs, one db.batch at a time: whatever arrived while a write was in flight goes
   * into the next one, issued as soon as the previous completes (no timer), up to
   * groupCommitBytesMax (at least one job).
   */
  private async writeLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const group: LogJob[] = [];
      let bytes = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        const jobBytes = next.kind === 'append' ? next.bytes : 0;
        if (group.length > 0 && bytes + jobBytes > this.config.groupCommitBytesMax) break;
        group.push(this.queue.shift()!);
        bytes += jobBytes;
      }
      await this.writeGroup(group, bytes);
    }
    this.writing = false;
    const waiters = this.appendIdleWaiters;
    this.appendIdleWaiters = [];
    for (const w of waiters) w();
  }

  private async writeGroup(group: LogJob[], bytes: number): Promise<void> {
    const ops: DbOp[] = [];
    // Deletes (truncation, retention) are always synced: a re-index after a crash must not
    // bring a removed batch back.
    let sync = this.config.logFlushSync;
    const appends: { job: AppendJob; seqs: number[] }[] = [];
    const deletes: DeleteJob[] = [];
    for (const job of group) {
      if (job.kind === 'delete') {
        for (const seq of job.seqs) ops.push({ type: 'del', key: seqKey(seq) });
        sync = true;
        deletes.push(job);
        continue;
      }
      if (!job.log.acceptsWrites) {
        job.reject(new SamsaError(job.log.offline ? 'KAFKA_STORAGE_ERROR' : 'UNKNOWN_TOPIC_OR_PARTITION', 'the partition went offline or was deleted before the append was written'));
        continue;
      }
      const seqs: number[] = [];
      for (const batch of job.batches) {
        const seq = this.nextSeq++;
        seqs.push(seq);
        ops.push({ type: 'put', key: seqKey(seq), value: batch.value });
      }
      appends.push({ job, seqs });
    }
    if (ops.length === 0) return;
    try {
      await this.logDb.batch(ops, { sync });
    } catch (err) {
      this.logger.error({ err, appends: appends.length, deletes: deletes.length }, 'log/ write failed; the partitions written take storage errors');
      for (const { job } of appends) {
        job.log.markOffline('log/ write failed', { err });
        job.reject(new SamsaError('KAFKA_STORAGE_ERROR', 'writing the log failed', { cause: err }));
      }
      for (const job of deletes) job.reject(err);
      return;
    }
    if (appends.length > 0) {
      this.counters.logWrites++;
      this.counters.appendsCommitted += appends.length;
      this.counters.logWriteBytes += bytes;
      const indexOps: DbOp[] = [];
      const touched = new Set<PartitionLog>();
      let lastSeq = 0;
      for (const { job, seqs } of appends) {
        job.log.commitAppend(job, seqs, indexOps);
        // Committed batches enter the tail cache in sequence order (the order eviction follows).
        for (let i = 0; i < seqs.length; i++) this.tailCache.add(seqs[i]!, job.batches[i]!.value.subarray(LOG_VALUE_PREFIX_BYTES));
        touched.add(job.log);
        lastSeq = seqs.at(-1)!;
      }
      // The index follows the log, unsynced: recovery re-indexes anything it lost.
      this.index.write(indexOps, false, lastSeq).catch(noop);
      for (const { job } of appends) job.resolve(job.result);
      for (const log of touched) log.notifyListeners();
    }
    for (const job of deletes) job.resolve();
  }

  private appendsIdle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.appendIdleWaiters.push(resolve));
  }

  // -------------------------------------------------------------------------------------------
  // Compaction and timers

  /** Asks LevelDB to compact the log/ range below the oldest sequence any partition still needs. */
  private scheduleCompaction(): void {
    this.compaction = this.compaction.then(async () => {
      let floor = this.nextSeq;
      for (const log of this.partitions.values()) {
        const first = log.firstSeq();
        if (first !== undefined && first < floor) floor = first;
      }
      if (floor <= this.compactedBelowSeq) return;
      try {
        await (this.logDb as unknown as Compactable).compactRange(seqKey(this.compactedBelowSeq), seqKey(floor));
        this.counters.compactions++;
        this.logger.debug({ fromSeq: this.compactedBelowSeq, toSeq: floor }, 'compacted log/');
        this.compactedBelowSeq = floor;
      } catch (err) {
        this.logger.error({ err }, 'compacting log/ failed');
      }
    });
  }

  private startTimers(): void {
    if (this.config.retentionCheckIntervalMs > 0) {
      this.retentionTimer = setInterval(() => {
        if (this.closed || this.retentionRun !== undefined) return;
        this.runRetention().catch((err: unknown) => this.logger.error({ err }, 'retention pass failed'));
      }, this.config.retentionCheckIntervalMs);
      this.retentionTimer.unref();
    }
    this.checkpointTimer = setInterval(() => {
      if (this.closed) return;
      this.checkpointHighWatermarks().catch(noop); // the index writer logs failures
    }, this.config.highWatermarkCheckpointIntervalMs);
    this.checkpointTimer.unref();
  }

  // -------------------------------------------------------------------------------------------
  // Recovery

  private loadedPartition(topicId: Buffer, partition: number): PartitionLog {
    const key = partitionMapKey(topicId, partition);
    let log = this.partitions.get(key);
    if (log === undefined) {
      log = new PartitionLog(this.store, topicId, partition, UNLIMITED_RETENTION, this.logger);
      this.partitions.set(key, log);
    }
    return log;
  }

  /**
   * Loads index/ into memory, re-indexes the log/ tail past the covered sequence, drops what a
   * crash between the two databases' writes left stale, and writes the result (synced).
   */
  private async recover(): Promise<void> {
    const startedMs = Date.now();
    let coveredSeq = 0;
    let malformed = 0;
    for await (const [key, value] of this.indexDb.iterator()) {
      if (key[0] === IndexSpace.GLOBAL) {
        if (key.equals(COVERED_SEQ_KEY) && value.length === 8) coveredSeq = readU64(value, 0);
        continue;
      }
      const parsed = parseIndexKey(key);
      if (parsed === undefined) {
        malformed++;
        continue;
      }
      const log = this.loadedPartition(parsed.topicId, parsed.partition);
      if (parsed.type === IndexType.META) {
        const meta = decodeMeta(value);
        if (meta === undefined) malformed++;
        else log.restoreMeta(meta);
      } else if (parsed.type === IndexType.BATCH) {
        const entry = decodeBatchEntry(value);
        if (entry === undefined || !log.restoreEntry(parsed.suffix, entry)) malformed++;
      } else {
        const start = decodeEpochStart(value);
        if (start === undefined) malformed++;
        else log.restoreEpoch(parsed.suffix, start);
      }
    }
    if (malformed > 0) {
      // index/ is only a cache of log/: when it cannot be trusted, rebuild it.
      this.logger.warn({ malformed }, 'index/ holds malformed entries; rebuilding it from log/');
      await this.indexDb.clear();
      this.partitions.clear();
      coveredSeq = 0;
    }

    const [lastKey] = await this.logDb.keys({ reverse: true, limit: 1 }).all();
    const lastLogSeq = lastKey === undefined ? 0 : readU64(lastKey, 0);
    // Never reuse a sequence the index may still name, even when its blob was deleted.
    this.nextSeq = Math.max(lastLogSeq, coveredSeq) + 1;

    let ops: DbOp[] = [];
    const orphans: number[] = [];
    let reindexed = 0;
    let newCovered = coveredSeq;
    /** A corrupt batch stops the covered sequence so that every later open sees it again. */
    let coverLimit = Number.MAX_SAFE_INTEGER;
    for await (const [key, value] of this.logDb.iterator({ gt: seqKey(coveredSeq) })) {
      const seq = readU64(key, 0);
      if (value.length < LOG_VALUE_PREFIX_BYTES + BATCH_HEADER_BYTES) {
        this.logger.error({ seq, bytes: value.length }, 'log/ holds a blob too short to be a batch; ignoring it');
        continue;
      }
      const log = this.loadedPartition(Buffer.from(value.subarray(0, TOPIC_ID_BYTES)), value.readUInt32BE(TOPIC_ID_BYTES));
      if (log.offline) continue;
      let header: BatchHeader | undefined;
      try {
        header = readBatchHeader(value, LOG_VALUE_PREFIX_BYTES);
      } catch {
        header = undefined;
      }
      if (header === undefined || batchSize(header) !== value.length - LOG_VALUE_PREFIX_BYTES || !batchCrcMatches(value, LOG_VALUE_PREFIX_BYTES, batchSize(header))) {
        log.markOffline('a batch in the log tail failed its checks during recovery', { seq, offset: header?.baseOffset });
        coverLimit = Math.min(coverLimit, seq - 1);
        continue;
      }
      for (const orphan of log.reindexBatch(seq, header, ops)) orphans.push(orphan);
      reindexed++;
      newCovered = Math.min(seq, coverLimit);
      if (ops.length >= REINDEX_FLUSH_OPS) {
        await this.indexDb.batch([...ops, this.coveredOp(newCovered)]);
        ops = [];
      }
    }

    for (const log of this.partitions.values()) {
      for (const orphan of await log.finishRecovery((keys) => this.logDb.hasMany(keys), ops)) orphans.push(orphan);
    }
    if (orphans.length > 0) await this.logDb.batch(orphans.map((seq): DbOp => ({ type: 'del', key: seqKey(seq) })), { sync: true });
    ops.push(this.coveredOp(newCovered));
    await this.indexDb.batch(ops, { sync: true });
    this.index = new IndexWriter(this.indexDb, this.logger, newCovered);
    this.logger.info(
      { partitions: this.partitions.size, reindexedBatches: reindexed, removedBlobs: orphans.length, nextSeq: this.nextSeq, ms: Date.now() - startedMs },
      'storage recovered',
    );
  }

  private coveredOp(seq: number): DbOp {
    const value = Buffer.allocUnsafe(8);
    writeU64(value, 0, seq);
    return { type: 'put', key: COVERED_SEQ_KEY, value };
  }
}
