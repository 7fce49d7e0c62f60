// A synchronous in-memory network of RaftCores for tests (level 2 of STYLE.md practice 2). Nothing
// happens until the test says so: tick() advances a node's clock, deliver() runs every node's
// Ready (persist, send, apply, advance — the driver's order) and hands messages over until the
// network is quiet. Faults: drop a fraction of one link's messages, cut a link, isolate a node,
// crash a node (it loses everything it had not persisted) and restart it from its storage.
import { RaftCore, type ProposeResult } from '../core/raft.js';
import { RAFT_CORE_DEFAULTS } from '../core/config.js';
import { decodeConfChange } from '../core/confchange.js';
import type { ConfChange, Entry, Message, NodeId, RaftConfig, Ready, Snapshot } from '../core/types.js';
import { silentLogger } from './logger.js';
import { deriveSeed, seededRandom, type Random } from './random.js';
import { MemoryStorage } from './storage.js';

/** The test state machine: the data of every NORMAL entry applied, in order, as text. */
export interface TestStateMachine {
  index: number;
  values: string[];
}

export class TestNode {
  readonly id: NodeId;
  core: RaftCore;
  readonly storage: MemoryStorage;
  alive = true;
  sm: TestStateMachine = { index: 0, values: [] };
  readonly bootstrapVoters: readonly NodeId[];
  readonly config: RaftConfig;

  constructor(id: NodeId, config: RaftConfig, bootstrapVoters: readonly NodeId[], storage: MemoryStorage) {
    this.id = id;
    this.config = config;
    this.bootstrapVoters = bootstrapVoters;
    this.storage = storage;
    this.core = new RaftCore(config, storage.initialState(bootstrapVoters));
  }
}

export interface NetworkOptions {
  /** The initial voters; each starts with them as its bootstrap configuration. */
  readonly ids: readonly NodeId[];
  readonly seed?: number;
  /** Overrides of the core config for every node (and per node, by id). */
  readonly config?: Partial<RaftConfig>;
  readonly configFor?: (id: NodeId) => Partial<RaftConfig>;
  /** Record every delivered message in `trace` (transcript tests). */
  readonly trace?: boolean;
}

export const TEST_CONFIG: Omit<RaftConfig, 'id' | 'random' | 'logger'> = Object.freeze({
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  maxAppendBytes: 64 * 1024,
  maxSnapshotChunkBytes: 64 * 1024,
  maxUncommittedEntries: 256,
  maxInflightAppends: RAFT_CORE_DEFAULTS.maxInflightAppends,
});

const linkKey = (from: NodeId, to: NodeId): string => `${from}>${to}`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeStateMachine(sm: TestStateMachine): Uint8Array {
  return encoder.encode(JSON.stringify(sm));
}

export function decodeStateMachine(data: Uint8Array): TestStateMachine {
  return JSON.parse(decoder.decode(data)) as TestStateMachine;
}

export class Network {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages sent and not yet delivered, in order. */
  queue: Message[] = [];
  /** With options.trace: one line per delivered or dropped message. */
  readonly trace: string[] = [];
  /** Inspect or veto each message before delivery (return false to drop it). */
  filter: ((m: Message) => boolean) | undefined;
  private readonly dropRatio = new Map<string, number>();
  private readonly random: Random;
  private readonly options: NetworkOptions;
  private readonly seed: number;

  constructor(options: NetworkOptions) {
    this.options = options;
    this.seed = options.seed ?? 1;
    this.random = seededRandom(deriveSeed(this.seed, 0));
    for (const id of options.ids) this.add(id, options.ids);
  }

  /** Start a node with fresh storage. A node joining a running cluster passes bootstrapVoters []. */
  add(id: NodeId, bootstrapVoters: readonly NodeId[] = [], storage = new MemoryStorage()): TestNode {
    const config: RaftConfig = {
      ...TEST_CONFIG,
      id,
      random: seededRandom(deriveSeed(this.seed, id)),
      logger: silentLogger,
      ...this.options.config,
      ...this.options.configFor?.(id),
    };
    const node = new TestNode(id, config, bootstrapVoters, storage);
    this.nodes.set(id, node);
    return node;
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  core(id: NodeId): RaftCore {
    return this.node(id).core;
  }

  // --- faults -------------------------------------------------------------------------------

  /** Drop this fraction (0..1) of the messages from `from` to `to`. */
  drop(from: NodeId, to: NodeId, ratio = 1): void {
    this.dropRatio.set(linkKey(from, to), ratio);
  }

  /** Cut the link between a and b in both directions. */
  cut(a: NodeId, b: NodeId): void {
    this.drop(a, b);
    this.drop(b, a);
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cut(id, other);
  }

  /** Undo every drop, cut and isolation. */
  heal(): void {
    this.dropRatio.clear();
  }

  /** The node stops; what it had not persisted is lost. Messages to it are dropped while it is down. */
  crash(id: NodeId): void {
    this.node(id).alive = false;
  }

  /** Restart a crashed node from exactly what its storage holds. */
  restart(id: NodeId): void {
    const n = this.node(id);
    n.core = new RaftCore(n.config, n.storage.initialState(n.bootstrapVoters));
    const snap = n.storage.snapshot;
    n.sm = snap === undefined ? { index: 0, values: [] } : decodeStateMachine(snap.data);
    n.alive = true;
  }

  // --- driving --------------------------------------------------------------------------------

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) if (this.node(id).alive) this.node(id).core.tick();
  }

  /** Tick every live node `times` times, delivering after each round. */
  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const n of this.nodes.values()) if (n.alive) n.core.tick();
      this.deliver();
    }
  }

  /** Put a message on the wire as if a node had sent it. */
  send(m: Message): void {
    this.queue.push(m);
  }

  /** Run Readys and deliver messages until nothing moves. Returns the number of messages delivered. */
  deliver(maxMessages = 100_000): number {
    let delivered = 0;
    for (;;) {
      for (const n of this.nodes.values()) this.processReady(n);
      const m = this.queue.shift();
      if (m === undefined) return delivered;
      if (++delivered > maxMessages) throw new Error(`network did not go quiet within ${maxMessages} messages`);
      const target = this.nodes.get(m.to);
      const ratio = this.dropRatio.get(linkKey(m.from, m.to)) ?? 0;
      const vetoed = this.filter !== undefined && !this.filter(m);
      const dropped = target === undefined || !target.alive || vetoed || (ratio > 0 && this.random() < ratio);
      if (this.options.trace === true) this.trace.push(`${dropped ? 'DROP ' : ''}${formatMessage(m)}`);
      if (dropped) continue;
      target.core.step(m);
      this.processReady(target);
    }
  }

  /** The driver's loop for one node: persist, send, apply, advance. */
  processReady(n: TestNode): void {
    while (n.alive && n.core.hasReady()) {
      const rd: Ready = n.core.ready();
      n.storage.persist(rd);
      this.queue.push(...rd.messages);
      if (rd.snapshot !== undefined) n.sm = decodeStateMachine(rd.snapshot.data);
      for (const e of rd.committedEntries) this.apply(n, e);
      n.core.advance();
    }
  }

  private apply(n: TestNode, e: Entry): void {
    if (e.index !== n.sm.index + 1) throw new Error(`node ${n.id} applied ${e.index} after ${n.sm.index}`);
    n.sm.index = e.index;
    if (e.type === 'normal') n.sm.values.push(decoder.decode(e.data));
  }

  // --- conveniences ---------------------------------------------------------------------------

  propose(id: NodeId, value: string): ProposeResult {
    return this.core(id).propose(encoder.encode(value));
  }

  proposeConfChange(id: NodeId, change: ConfChange): ProposeResult {
    return this.core(id).proposeConfChange(change);
  }

  /** Make a node snapshot its state machine at what it applied and compact its log (and storage). */
  compact(id: NodeId): Snapshot {
    const n = this.node(id);
    const snap: Snapshot = { meta: n.core.snapshotMeta(n.sm.index), data: encodeStateMachine(n.sm) };
    n.core.compact(snap);
    n.storage.compact(snap);
    return snap;
  }

  /** The live leader with the highest term, if any. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const n of this.nodes.values()) {
      if (!n.alive) continue;
      const s = n.core.status();
      if (s.role === 'leader' && (best === undefined || s.term > best.term)) best = { id: n.id, term: s.term };
    }
    return best?.id;
  }

  /** Tick until some live node leads (bounded), delivering as it goes. */
  electLeader(maxTicks = 200): NodeId {
    for (let i = 0; i < maxTicks; i++) {
      const l = this.leader();
      if (l !== undefined) return l;
      this.tickAll(1);
    }
    throw new Error(`no leader within ${maxTicks} ticks`);
  }

  values(id: NodeId): readonly string[] {
    return this.node(id).sm.values;
  }
}

/** One line per message, stable enough for transcript snapshots. */
export function formatMessage(m: Message): string {
  const parts = [`${m.from}->${m.to}`, m.type, `t${m.term}`];
  switch (m.type) {
    case 'append':
      parts.push(`prev=${m.index}/${m.logTerm}`, `entries=[${m.entries.map(formatEntry).join(' ')}]`, `commit=${m.commit}`);
      break;
    case 'append-response':
      parts.push(m.reject ? `reject index=${m.index} hint=${m.rejectHint}/${m.rejectHintTerm}` : `index=${m.index}`);
      break;
    case 'vote':
    case 'pre-vote':
      parts.push(`last=${m.index}/${m.logTerm}`);
      if (m.transfer) parts.push('transfer');
      break;
    case 'vote-response':
    case 'pre-vote-response':
      parts.push(m.reject ? 'reject' : 'grant');
      break;
    case 'heartbeat':
      parts.push(`commit=${m.commit}`);
      break;
    case 'snapshot':
      parts.push(`snap=${m.snapshotMeta?.index}/${m.snapshotMeta?.term}`, `offset=${m.snapshotOffset}`, `bytes=${m.snapshotChunk.length}`);
      if (m.snapshotDone) parts.push('done');
      break;
    case 'snapshot-response':
      parts.push(`snap=${m.snapshotMeta?.index}`, m.snapshotDone ? `installed index=${m.index}` : `${m.reject ? 'reject ' : ''}offset=${m.snapshotOffset}`);
      break;
    default:
      break;
  }
  return parts.join(' ');
}

export function formatEntry(e: Entry): string {
  if (e.type === 'empty') return `${e.index}/${e.term}:empty`;
  if (e.type === 'conf-change') {
    const c = decodeConfChange(e.data);
    return `${e.index}/${e.term}:${c.type}(${c.nodeId})`;
  }
  return `${e.index}/${e.term}:${decoder.decode(e.data)}`;
}
