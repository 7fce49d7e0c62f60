// What the serial driver needs from durable storage, and the identity of the storage itself.
import type { InitialState, NodeId, Ready, Snapshot } from '../core/types.js';

/**
 * The identity of a node's metadata storage. `directoryId` names this incarnation of the storage:
 * it is created with the storage and lost with it, so a node that lost its state comes back with
 * a new one and cannot pass for its former self (see the README, "Identity").
 */
export interface RaftIdentity {
  /** The cluster this storage belongs to; '' while it has none (not yet known). */
  readonly clusterId: string;
  readonly nodeId: NodeId;
  readonly directoryId: string;
  /**
   * Set when this storage was created to replace one that was lost (the data directory was
   * formatted before, but its metadata is gone): the directory id of the lost incarnation. Such a
   * node never votes until the quorum's configuration names its new directory id.
   */
  readonly replaces?: string;
}

/** What storage holds, as the core starts from it, plus the storage's identity. */
export interface StoredState extends InitialState {
  readonly identity: RaftIdentity;
  /**
   * Whether `bootstrapVoters` is a recorded list (recordBootstrapVoters) rather than the empty
   * default. The core uses the bootstrap voters as long as the log holds neither a snapshot nor a
   * configuration change, so they must not change under a node that already has state.
   */
  readonly bootstrapRecorded: boolean;
}

/** The durable half of the IO contract of Ready (see core/types.ts). */
export interface RaftStorage {
  readonly identity: RaftIdentity;
  /** Everything persisted so far, with the recorded bootstrap voters ([] when none were recorded). */
  load(): Promise<StoredState>;
  /** Records (synced) the bootstrap voters the node starts with. */
  recordBootstrapVoters(voters: readonly NodeId[]): Promise<void>;
  /**
   * One synced, atomic write of a Ready's durable part: a snapshot (received from the leader)
   * replaces the stored one and the whole stored log, as it did the core's;
   * entries replace the stored entries at the same and higher indexes; the hard state replaces the
   * stored one. A crash leaves either all of it or none of it.
   */
  persist(update: Pick<Ready, 'hardState' | 'entries' | 'snapshot'>): Promise<void>;
  /** Stores a snapshot the node took itself (index <= last stored index) and deletes the entries it covers. */
  compact(snapshot: Snapshot): Promise<void>;
  /** Safe twice. */
  close(): Promise<void>;
}

export const RaftStorageErrorReason = Object.freeze({
  /** Another process holds the database. */
  IN_USE: 'in-use',
  /** The storage belongs to another node, cluster or directory. */
  IDENTITY_MISMATCH: 'identity-mismatch',
  /** The stored state is inconsistent (a gap in the log, entries without identity...). */
  DAMAGED: 'damaged',
  /** A database written by something else (the single-voter metadata log of issue 3). */
  UNSUPPORTED_FORMAT: 'unsupported-format',
  /** A read or write failed; after a failed write the storage accepts no more. */
  IO: 'io',
} as const);
export type RaftStorageErrorReason = (typeof RaftStorageErrorReason)[keyof typeof RaftStorageErrorReason];

/** An operating error of the storage: the node cannot start (or continue) on it as it is. */
export class RaftStorageError extends Error {
  override readonly name = 'RaftStorageError';
  readonly reason: RaftStorageErrorReason;

  constructor(reason: RaftStorageErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
  }
}
