// The pure Raft core: no clock, no sockets, no randomness but the injected source, no Node imports.
export * from './types.js';
export { RaftCore, type ProposeResult } from './raft.js';
export { encodeConfChange, decodeConfChange, VOTERS_MAX } from './confchange.js';
export { RAFT_CORE_DEFAULTS, validateRaftConfig, NODE_ID_MAX } from './config.js';
export { RaftAssertionError } from './assert.js';
export { ENTRY_OVERHEAD_BYTES, entryBytes } from './log.js';
