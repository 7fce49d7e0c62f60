// Defaults and validation of the core's configuration. Times are in ticks: the driver decides how
// long a tick is (ARCHITECTURE.md: 100 ms, election timeout 10–20 ticks, heartbeat every tick).
import type { RaftConfig } from './types.js';

export const RAFT_CORE_DEFAULTS = Object.freeze({
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  /** One APPEND carries at most this many bytes of entries (at least one entry, whatever its size). */
  maxAppendBytes: 1024 * 1024,
  /** Well under gRPC's default 4 MiB receive limit. */
  maxSnapshotChunkBytes: 512 * 1024,
  maxUncommittedEntries: 4096,
  maxInflightAppends: 64,
  /** A follower refuses to buffer a bigger snapshot (a bounded queue, like every other). */
  maxSnapshotBytes: 1024 * 1024 * 1024,
});

/** Largest node id: ids travel as u32 in encoded conf changes. */
export const NODE_ID_MAX = 0xffff_ffff;

/** Throws an Error naming every impossible value; returns the config with defaults filled in. */
export function validateRaftConfig(config: RaftConfig): Required<Omit<RaftConfig, 'mutations'>> & Pick<RaftConfig, 'mutations'> {
  const problems: string[] = [];
  const positiveInt = (name: string, value: unknown): void => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) problems.push(`${name} must be a positive integer (got ${String(value)})`);
  };
  positiveInt('id', config.id);
  if (typeof config.id === 'number' && config.id > NODE_ID_MAX) problems.push(`id must be at most ${NODE_ID_MAX}`);
  positiveInt('electionTicks', config.electionTicks);
  positiveInt('heartbeatTicks', config.heartbeatTicks);
  if (config.heartbeatTicks >= config.electionTicks) problems.push('heartbeatTicks must be less than electionTicks (followers would time out between heartbeats)');
  positiveInt('maxAppendBytes', config.maxAppendBytes);
  positiveInt('maxSnapshotChunkBytes', config.maxSnapshotChunkBytes);
  positiveInt('maxUncommittedEntries', config.maxUncommittedEntries);
  const maxInflightAppends = config.maxInflightAppends ?? RAFT_CORE_DEFAULTS.maxInflightAppends;
  positiveInt('maxInflightAppends', maxInflightAppends);
  const maxSnapshotBytes = config.maxSnapshotBytes ?? RAFT_CORE_DEFAULTS.maxSnapshotBytes;
  positiveInt('maxSnapshotBytes', maxSnapshotBytes);
  if (typeof config.random !== 'function') problems.push('random must be a function returning numbers in [0, 1)');
  if (config.logger === undefined || typeof config.logger.info !== 'function') problems.push('logger must be a pino-compatible logger');
  if (problems.length > 0) throw new Error(`invalid raft config: ${problems.join('; ')}`);
  return { ...config, maxInflightAppends, maxSnapshotBytes };
}
