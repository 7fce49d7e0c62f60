// Storage configuration: one frozen DEFAULTS and a validateConfig() that rejects impossible values
// at start-up with a message naming the setting.
import { SamsaError } from '@samsa/protocol';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export interface StorageConfig {
  /** Holds log/ and index/ (a sibling metadata/ belongs to the controller). */
  dataDir: string;
  /** log.flush.sync: every group commit is fsynced before any of its appends resolves. */
  logFlushSync: boolean;
  /**
   * LevelDB write buffer (memtable) of log/. 8 MiB, not larger: each memtable flush writes a table
   * of that size while group commits fsync, and on ext4 those fsyncs wait behind the flush's
   * writeback. With 64 MiB that was a 200-300 ms stall every 13 s on the 2-core machine (acks=all
   * p99 133 ms at 5,000 records/s); with 8 MiB the stalls vanish into the p99 (31 ms) and
   * throughput is unchanged (bench/replication.mjs).
   */
  logWriteBufferBytes: number;
  /** Upper bound of one group commit (one db.batch on log/); at least one append always goes. */
  groupCommitBytesMax: number;
  /** Period of the background retention pass; 0 disables the timer (runRetention() still works). */
  retentionCheckIntervalMs: number;
  /** Period of the high-watermark checkpoint into index/. */
  highWatermarkCheckpointIntervalMs: number;
  /**
   * Node-wide memory budget of the tail cache: the most recently committed batches, served to
   * reads without LevelDB. 0 disables it.
   */
  tailCacheBytes: number;
}

export const DEFAULTS: Readonly<StorageConfig> = Object.freeze({
  dataDir: '',
  logFlushSync: true,
  logWriteBufferBytes: 8 * MiB,
  groupCommitBytesMax: 8 * MiB,
  retentionCheckIntervalMs: 30_000,
  highWatermarkCheckpointIntervalMs: 1000,
  tailCacheBytes: 64 * MiB,
});

/** Limits of the settings above, named with their units. */
export const LOG_WRITE_BUFFER_BYTES_MIN = 64 * KiB;
export const LOG_WRITE_BUFFER_BYTES_MAX = 1 * GiB;
export const GROUP_COMMIT_BYTES_MAX_MAX = 1 * GiB;
export const RETENTION_CHECK_INTERVAL_MS_MIN = 10;
export const HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS_MIN = 10;
export const TAIL_CACHE_BYTES_MAX = 64 * GiB;
/** One day: a longer period would make a crash lose a day of high-watermark progress. */
export const INTERVAL_MS_MAX = 24 * 60 * 60 * 1000;

const KNOWN_KEYS = new Set(Object.keys(DEFAULTS));

function checkInteger(name: string, value: unknown, min: number, max: number, extra = ''): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`storage config: ${name} must be an integer from ${min} to ${max}${extra}, got ${String(value)}`);
  }
  return value;
}

/** Fills defaults and checks every value; throws an Error naming the bad setting. */
export function validateConfig(config: Partial<StorageConfig> & { dataDir: string }): StorageConfig {
  if (config === null || typeof config !== 'object') throw new Error('storage config: expected an object');
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) throw new Error(`storage config: unknown setting ${JSON.stringify(key)} (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  const merged = { ...DEFAULTS, ...config };
  if (typeof merged.dataDir !== 'string' || merged.dataDir.trim() === '') throw new Error('storage config: dataDir must be a non-empty path');
  if (typeof merged.logFlushSync !== 'boolean') throw new Error(`storage config: logFlushSync must be true or false, got ${String(merged.logFlushSync)}`);
  checkInteger('logWriteBufferBytes', merged.logWriteBufferBytes, LOG_WRITE_BUFFER_BYTES_MIN, LOG_WRITE_BUFFER_BYTES_MAX);
  checkInteger('groupCommitBytesMax', merged.groupCommitBytesMax, 1, GROUP_COMMIT_BYTES_MAX_MAX);
  if (merged.retentionCheckIntervalMs !== 0) {
    checkInteger('retentionCheckIntervalMs', merged.retentionCheckIntervalMs, RETENTION_CHECK_INTERVAL_MS_MIN, INTERVAL_MS_MAX, ' (or 0 to disable the timer)');
  }
  checkInteger('highWatermarkCheckpointIntervalMs', merged.highWatermarkCheckpointIntervalMs, HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS_MIN, INTERVAL_MS_MAX);
  checkInteger('tailCacheBytes', merged.tailCacheBytes, 0, TAIL_CACHE_BYTES_MAX, ' (0 disables the tail cache)');
  return Object.freeze(merged);
}

/** Per-partition settings (topic configs). -1 means unlimited. */
export interface PartitionConfig {
  retentionMs: number;
  retentionBytes: number;
}

export const UNLIMITED_RETENTION: Readonly<PartitionConfig> = Object.freeze({ retentionMs: -1, retentionBytes: -1 });

/** Topic configs come from outside (admin requests): a bad one is INVALID_CONFIG, not a crash. */
export function validatePartitionConfig(config: PartitionConfig): PartitionConfig {
  for (const name of ['retentionMs', 'retentionBytes'] as const) {
    const v: unknown = config?.[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < -1) {
      throw new SamsaError('INVALID_CONFIG', `${name} must be -1 (unlimited) or a non-negative integer, got ${String(v)}`);
    }
  }
  return Object.freeze({ retentionMs: config.retentionMs, retentionBytes: config.retentionBytes });
}
