// @samsa/raft/testing: helpers for tests of the Raft core and of code built on it — an in-memory
// synchronous network with faults, in-memory storage that follows the Ready contract, a seeded
// random source and test loggers. Not part of the production surface.
export { Network, TestNode, TEST_CONFIG, formatMessage, formatEntry, encodeStateMachine, decodeStateMachine, type NetworkOptions, type TestStateMachine } from './network.js';
export { MemoryStorage } from './storage.js';
export { seededRandom, randomInt, pick, deriveSeed, type Random } from './random.js';
export { silentLogger, recordingLogger, type LogLine } from './logger.js';
export { message, singleCore, type SingleCore } from './single.js';
