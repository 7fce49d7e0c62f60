// @samsa/storage: the node's partition logs on LevelDB (log/ in write order, index/ beside it).
export { DEFAULTS, TAIL_CACHE_BYTES_MAX, UNLIMITED_RETENTION, validateConfig, validatePartitionConfig } from './config.js';
export type { PartitionConfig, StorageConfig } from './config.js';
export type { AppendResult } from './internal.js';
export { LogManager } from './log-manager.js';
export type { LogManagerOptions, StorageStats } from './log-manager.js';
export { PartitionLog, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './partition-log.js';
export type { EpochEntry, ReadResult } from './partition-log.js';
export { PRODUCER_BATCHES_RETAINED } from './producer-state.js';
export type { ProducerBatchView, ProducerStateView } from './producer-state.js';
