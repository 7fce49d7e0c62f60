// Helpers for tests that drive one RaftCore by hand: build messages, run its Readys through
// in-memory storage and collect what it sends.
import { RaftCore } from '../core/raft.js';
import type { InitialState, Message, NodeId, RaftConfig, Ready } from '../core/types.js';
import { silentLogger } from './logger.js';
import { TEST_CONFIG } from './network.js';
import { seededRandom } from './random.js';
import { MemoryStorage } from './storage.js';

/** A message with every field at its zero value except those given. */
export function message(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return {
    index: 0,
    logTerm: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    snapshotOffset: 0,
    snapshotChunk: new Uint8Array(0),
    snapshotDone: false,
    transfer: false,
    ...fields,
  };
}

export interface SingleCore {
  readonly core: RaftCore;
  readonly storage: MemoryStorage;
  /** Run every pending Ready (persist, advance); return the messages they carried. */
  drain(): Message[];
  /** The Readys of the last drain(). */
  readies: Ready[];
}

export function singleCore(id: NodeId, voters: readonly NodeId[], overrides: Partial<RaftConfig> = {}, initial?: InitialState): SingleCore {
  const storage = new MemoryStorage();
  const config: RaftConfig = { ...TEST_CONFIG, id, random: seededRandom(id), logger: silentLogger, ...overrides };
  const core = new RaftCore(config, initial ?? storage.initialState(voters));
  if (initial !== undefined) {
    storage.hardState = initial.hardState;
    storage.entries = [...initial.entries];
    storage.snapshot = initial.snapshot;
  }
  const s: SingleCore = {
    core,
    storage,
    readies: [],
    drain() {
      s.readies = [];
      const out: Message[] = [];
      while (core.hasReady()) {
        const rd = core.ready();
        storage.persist(rd);
        s.readies.push(rd);
        out.push(...rd.messages);
        core.advance();
      }
      return out;
    },
  };
  return s;
}
