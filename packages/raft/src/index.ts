// @samsa/raft: a pure, deterministic Raft core (src/core) and its adapters: LevelDB storage, the
// gRPC transport and the serial driver. It knows nothing of topics.
export * from './core/index.js';

// Storage: the metadata/ LevelDB database.
export { LevelRaftStorage } from './storage/level-storage.js';
export type { LevelRaftStorageOptions, RecordedIdentity } from './storage/level-storage.js';
export { RaftStorageError, RaftStorageErrorReason } from './storage/storage.js';
export type { RaftIdentity, RaftStorage, StoredState } from './storage/storage.js';

// Transport: samsa.v1.RaftQuorum over gRPC.
export { GrpcRaftTransport, TRANSPORT_DEFAULTS, loadQuorumService, validateTransportConfig } from './transport/grpc-transport.js';
export type { GrpcRaftTransportOptions, GrpcTransportConfig } from './transport/grpc-transport.js';
export type { PeerIdentity, RaftEnvelope, RaftTransport } from './transport/transport.js';

// Driver: one serial loop per node.
export { RaftNode } from './driver/raft-node.js';
export type { LeaderListener, RaftNodeOptions, StateMachine, VoterInfo } from './driver/raft-node.js';
export { RAFT_NODE_DEFAULTS, validateRaftNodeSettings } from './driver/config.js';
export type { RaftNodeSettings } from './driver/config.js';
export type { Timers } from './driver/ticker.js';
