// The data types of the pure Raft core, shared with its adapters (storage, transport, driver).
// The core reads no clock, opens no socket and draws randomness only from the injected source;
// everything it wants done in the world comes out of ready() (see Ready below).

/** A node's id: a positive integer, unique in the cluster. 0 means "none". */
export type NodeId = number;
export const NO_NODE: NodeId = 0;

export const EntryType = Object.freeze({
  /** An application command (a batch of metadata records, for the controller). */
  NORMAL: 'normal',
  /** A membership change: `data` is encodeConfChange(ConfChange). Takes effect when appended. */
  CONF_CHANGE: 'conf-change',
  /** The empty entry a new leader appends in its term (commits earlier terms' entries). */
  EMPTY: 'empty',
} as const);
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** Single-server membership change (one voter at a time). */
export interface ConfChange {
  readonly type: 'add-voter' | 'remove-voter';
  readonly nodeId: NodeId;
  /**
   * The voters after this change. The leader fills it in when it proposes the change, so that the
   * entry describes its configuration absolutely: a node that joins with an empty configuration and
   * receives the log from index 1 learns the right voters without knowing the bootstrap set.
   * Absent in a proposal (proposeConfChange ignores it).
   */
  readonly voters?: readonly NodeId[];
}

/** What must be on disk before any message that depends on it is sent. */
export interface HardState {
  readonly term: number;
  /** Whom this node voted for in `term` (NO_NODE: nobody). */
  readonly vote: NodeId;
  readonly commit: number;
}

export interface SnapshotMeta {
  /** Last index and term the snapshot covers. */
  readonly index: number;
  readonly term: number;
  /** The voters as of `index`. */
  readonly voters: readonly NodeId[];
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** The state machine's image at meta.index (opaque to Raft). */
  readonly data: Uint8Array;
}

export const MessageType = Object.freeze({
  PRE_VOTE: 'pre-vote',
  PRE_VOTE_RESPONSE: 'pre-vote-response',
  VOTE: 'vote',
  VOTE_RESPONSE: 'vote-response',
  APPEND: 'append',
  APPEND_RESPONSE: 'append-response',
  HEARTBEAT: 'heartbeat',
  HEARTBEAT_RESPONSE: 'heartbeat-response',
  /** One chunk of a snapshot (InstallSnapshot). */
  SNAPSHOT: 'snapshot',
  SNAPSHOT_RESPONSE: 'snapshot-response',
  /** Leader to transferee: start an election now, skipping pre-vote and the check-quorum lease. */
  TIMEOUT_NOW: 'timeout-now',
} as const);
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * A message between nodes. One flat shape (like etcd's raftpb.Message), fields unused by a type
 * left at their zero values, so transports encode it in one protobuf message.
 */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** APPEND: index and term of the entry before `entries`. VOTE/PRE_VOTE: the candidate's last. */
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly reject: boolean;
  /** APPEND_RESPONSE on reject: a hint for fast backtracking (the follower's conflict index). */
  readonly rejectHint: number;
  /** The term of the entry at rejectHint, for term-based backtracking (0 when unknown). */
  readonly rejectHintTerm: number;
  /** SNAPSHOT: which snapshot, which chunk. */
  readonly snapshotMeta?: SnapshotMeta;
  readonly snapshotOffset: number;
  readonly snapshotChunk: Uint8Array;
  readonly snapshotDone: boolean;
  /** VOTE during a leadership transfer: disregard the leader lease. */
  readonly transfer: boolean;
}

export const Role = Object.freeze({
  FOLLOWER: 'follower',
  PRE_CANDIDATE: 'pre-candidate',
  CANDIDATE: 'candidate',
  LEADER: 'leader',
} as const);
export type Role = (typeof Role)[keyof typeof Role];

export interface SoftState {
  readonly leaderId: NodeId;
  readonly role: Role;
}

/**
 * What the core asks its driver to do. The IO contract, in this order:
 *  1. persist `hardState`, `snapshot` and `entries` (one synced write; entries replace any stored
 *     entries at the same or higher index);
 *  2. send `messages` (only after 1: a vote or an append acknowledgement must never be sent for
 *     state that could be lost in a crash);
 *  3. apply `snapshot` (when present, it replaces the state machine) and then `committedEntries`,
 *     in order;
 *  4. call advance(). ready() is never called again before advance().
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  /**
   * A snapshot received from the leader and installed by the core, which dropped its whole log for
   * it: storage replaces its log up to snapshot.meta.index (later entries of the old log may be kept
   * only if the entry at that index has the snapshot's term; `entries` of this Ready follow it).
   */
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
}

/** What a node starts from: what its storage held, or the bootstrap configuration. */
export interface InitialState {
  readonly hardState: HardState;
  readonly snapshot?: Snapshot;
  /** Entries after the snapshot, in order. */
  readonly entries: readonly Entry[];
  /**
   * Voters when there is neither snapshot nor conf-change entry (a fresh cluster). A node that joins
   * a running cluster passes [] and waits for the leader to send it the log or a snapshot.
   */
  readonly bootstrapVoters: readonly NodeId[];
  /**
   * What the driver's state machine has already applied (default: the snapshot's index). Committed
   * entries after it are handed out again in ready().
   */
  readonly applied?: number;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly role: Role;
  readonly leaderId: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly voters: readonly NodeId[];
  /** A leadership transfer in progress: its target. */
  readonly transferee: NodeId;
  /** On a leader: what it knows of each voter's log (match, next, replication state). */
  readonly progress?: readonly PeerProgress[];
}

/** The leader's view of one voter's log (for status pages; see core/progress.ts). */
export interface PeerProgress {
  readonly id: NodeId;
  /** Highest index known to be replicated on that node. */
  readonly match: number;
  /** Next index to send. */
  readonly next: number;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  /** Heard from within the current check-quorum window. */
  readonly recentActive: boolean;
}

/** Injected logger (pino-compatible subset). */
export interface RaftLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RaftConfig {
  readonly id: NodeId;
  /** A follower starts an election after a randomized timeout in [electionTicks, 2 * electionTicks). */
  readonly electionTicks: number;
  /** A leader sends heartbeats every heartbeatTicks. */
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Upper bound on the bytes of entries in one APPEND message. */
  readonly maxAppendBytes: number;
  /** Upper bound on the bytes of one snapshot chunk (well under gRPC's message limit). */
  readonly maxSnapshotChunkBytes: number;
  /** Upper bound on uncommitted proposals at the leader, in entries. */
  readonly maxUncommittedEntries: number;
  /** Seeded random source in [0, 1). */
  readonly random: () => number;
  readonly logger: RaftLogger;
  /**
   * Upper bound on APPEND messages in flight to one follower in the replicate state (flow control).
   * Default RAFT_CORE_DEFAULTS.maxInflightAppends.
   */
  readonly maxInflightAppends?: number;
  /**
   * Upper bound on a snapshot a follower accepts (the chunks it buffers until the last one).
   * Default RAFT_CORE_DEFAULTS.maxSnapshotBytes.
   */
  readonly maxSnapshotBytes?: number;
  /**
   * TEST ONLY. Deliberate bugs, switched on by the mutation tests (src/sim/mutation.test.ts) to prove
   * that the simulator's checker catches them. Never set in production.
   */
  readonly mutations?: RaftMutations;
}

/** TEST ONLY: the deliberate bugs RaftConfig.mutations can switch on. */
export interface RaftMutations {
  /** Grant a vote even after voting for another candidate in the same term. */
  readonly voteTwice?: boolean;
  /** Commit by counting replicas whatever the entry's term (breaks the rule of §5.4.2). */
  readonly commitPreviousTermByCounting?: boolean;
  /**
   * Hand out each Ready's messages one Ready before the hard state and entries they depend on, so a
   * crash between the two loses state that other nodes were already told about.
   */
  readonly sendBeforePersist?: boolean;
}
