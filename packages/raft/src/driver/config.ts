// Defaults and validation of a RaftNode's settings (ARCHITECTURE.md, "Defaults": a 100 ms tick, an
// election timeout of 10–20 ticks, a heartbeat every tick).
import { GRPC_MESSAGE_BYTES_MAX, SamsaError } from '@samsa/protocol';
import { RAFT_CORE_DEFAULTS } from '../core/index.js';

export interface RaftNodeSettings {
  /** Milliseconds per tick. */
  tickMs: number;
  /** A follower campaigns after [electionTicks, 2 * electionTicks) ticks without a leader. */
  electionTicks: number;
  /** A leader heartbeats every heartbeatTicks. */
  heartbeatTicks: number;
  /** A snapshot of the state machine is taken (and the log compacted) after this many applied entries. */
  snapshotEveryEntries: number;
  /** How long propose() waits by default for its entry to be committed and applied. */
  proposeTimeoutMs: number;
  /** How long addVoter, removeVoter and transferLeadership wait by default. */
  changeTimeoutMs: number;
  /** Bytes of entries in one APPEND (at least one entry goes whatever its size). */
  maxAppendBytes: number;
  /** Bytes of snapshot in one SNAPSHOT message. */
  maxSnapshotChunkBytes: number;
  /** Entries the leader holds uncommitted before it refuses proposals. */
  maxUncommittedEntries: number;
  /** Largest data one proposal may carry. */
  proposalBytesMax: number;
  /** Received messages waiting for the driver loop; beyond it the oldest are dropped (Raft retries). */
  inboxMessagesMax: number;
}

export const RAFT_NODE_DEFAULTS: Readonly<RaftNodeSettings> = Object.freeze({
  tickMs: 100,
  electionTicks: 10,
  heartbeatTicks: 1,
  snapshotEveryEntries: 1000,
  proposeTimeoutMs: 5000,
  changeTimeoutMs: 10_000,
  maxAppendBytes: RAFT_CORE_DEFAULTS.maxAppendBytes,
  maxSnapshotChunkBytes: RAFT_CORE_DEFAULTS.maxSnapshotChunkBytes,
  maxUncommittedEntries: RAFT_CORE_DEFAULTS.maxUncommittedEntries,
  proposalBytesMax: 8 * 1024 * 1024,
  inboxMessagesMax: 16_384,
});

/** Fills in defaults and rejects impossible values with a message that names them. */
export function validateRaftNodeSettings(settings: Partial<RaftNodeSettings>): Readonly<RaftNodeSettings> {
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Partial<RaftNodeSettings>;
  const s: RaftNodeSettings = { ...RAFT_NODE_DEFAULTS, ...defined };
  const problems: string[] = [];
  for (const key of Object.keys(RAFT_NODE_DEFAULTS) as (keyof RaftNodeSettings)[]) {
    const value = s[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) problems.push(`${key} must be a positive integer (got ${String(value)})`);
  }
  if (s.heartbeatTicks >= s.electionTicks) problems.push(`heartbeatTicks (${s.heartbeatTicks}) must be below electionTicks (${s.electionTicks})`);
  // One APPEND holds up to maxAppendBytes plus one entry of up to proposalBytesMax; both, and a
  // snapshot chunk, must fit well inside gRPC's message limit.
  const messageBytesMax = Math.floor(GRPC_MESSAGE_BYTES_MAX / 4);
  if (s.maxAppendBytes + s.proposalBytesMax > messageBytesMax) problems.push(`maxAppendBytes + proposalBytesMax must stay under ${messageBytesMax} (a quarter of GRPC_MESSAGE_BYTES_MAX)`);
  if (s.maxSnapshotChunkBytes > messageBytesMax) problems.push(`maxSnapshotChunkBytes must stay under ${messageBytesMax}`);
  if (problems.length > 0) throw new SamsaError('INVALID_CONFIG', `invalid raft node settings: ${problems.join('; ')}`);
  return Object.freeze(s);
}
