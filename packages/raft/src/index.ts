// @samsa/raft: a pure, deterministic Raft core (src/core) and its adapters: LevelDB storage, the
// gRPC transport and the serial driver. It knows nothing of topics.
export * from './core/types.js';
