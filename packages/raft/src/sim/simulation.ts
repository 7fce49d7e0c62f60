// One seeded simulated run (level 3 of STYLE.md practice 2): 3–5 RaftCores on a virtual clock and a
// virtual network, driven by the same loop a real driver runs (persist, send, apply, advance), with
// faults drawn from the seed: message loss, duplication, reordering and delays, partitions, process
// pauses, crashes that lose whatever was not yet persisted, restarts from exactly what was,
// compaction at random points (so InstallSnapshot happens), membership changes, leadership
// transfers and client proposals. The Checker runs after every event. After the chaos phase every
// fault heals and the run must elect a leader and commit a proposal on every voter within a bound.
//
// Everything — parameters, schedule, each core's random source — derives from the seed, so a
// failing seed replays exactly (SAMSA_SEED=N).
import { RaftCore, decodeConfChange, RaftAssertionError, type Message, type NodeId, type RaftConfig, type RaftLogger, type RaftMutations, type Ready, type RaftStatus } from '../core/index.js';
import { MemoryStorage } from '../testing/storage.js';
import { silentLogger } from '../testing/logger.js';
import { deriveSeed, pick, randomInt, seededRandom, type Random } from '../testing/random.js';
import { formatMessage } from '../testing/network.js';
import { COVERED, Checker, SafetyViolation, entryId, type Elector, type Invariant, type LogState, type SimStateMachine } from './checker.js';
import { EventHeap } from './heap.js';

export interface Coverage {
  leaderChanges: number;
  crashRestarts: number;
  snapshotsInstalled: number;
  membershipChanges: number;
  transfersCompleted: number;
  transfersStarted: number;
  proposalsCommitted: number;
  partitions: number;
  pauses: number;
  messagesDelivered: number;
  messagesDropped: number;
}

export const emptyCoverage = (): Coverage => ({
  leaderChanges: 0,
  crashRestarts: 0,
  snapshotsInstalled: 0,
  membershipChanges: 0,
  transfersCompleted: 0,
  transfersStarted: 0,
  proposalsCommitted: 0,
  partitions: 0,
  pauses: 0,
  messagesDelivered: 0,
  messagesDropped: 0,
});

/**
 * 'default': the CI mix. 'adversarial': a denser schedule aimed at the interleavings of the
 * paper's Figure 8 — leaders crash or are cut off soon after election, one entry per APPEND and
 * little pipelining, so several short-lived leaders leave divergent uncommitted tails.
 */
export type SimProfile = 'default' | 'adversarial';

export interface SimOptions {
  readonly seed: number;
  readonly profile?: SimProfile;
  /** TEST ONLY: deliberate bugs in every core (see RaftMutations). */
  readonly mutations?: RaftMutations;
  /** Keep the whole event trace (replays), not just the tail. */
  readonly traceAll?: boolean;
  /** The cores' logger (replays); silent by default. */
  readonly logger?: RaftLogger;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly invariant?: Invariant;
  readonly error?: string;
  readonly coverage: Coverage;
  readonly virtualMs: number;
  readonly events: number;
  /** The last events before a failure (all of them with traceAll). */
  readonly trace: readonly string[];
}

/** Limits of one run: every loop of the simulator is bounded. */
const TICK_MS = 10;
const ELECTION_TICKS = 10;
const LIVENESS_BOUND_MS = 6_000;
const MARKER_RETRY_MS = 1_000;
const MAX_EVENTS = 3_000_000;
const TRACE_TAIL = 400;
const VOTERS_MIN = 3;
const VOTERS_MAX = 5;

interface Params {
  nodes: number;
  heartbeatTicks: number;
  preVote: boolean;
  checkQuorum: boolean;
  maxAppendBytes: number;
  maxSnapshotChunkBytes: number;
  maxInflightAppends: number;
  dropRate: number;
  duplicateRate: number;
  reorderRate: number;
  latencyMsMax: number;
  diskMsMax: number;
  compactRate: number;
  chaosMs: number;
  faultEveryMs: number;
  clientEveryMs: number;
  /** How often a crash picks the leader rather than any node. */
  leaderFaultRate: number;
  /**
   * How often a newly elected leader is crashed or cut off within a few network delays, before its
   * first entries reach a majority: what leaves divergent tails of several terms (Figure 8).
   */
  newLeaderFaultRate: number;
  /** How often a proposal's leader crashes at once, holding entries no other node has (Figure 8 (a)). */
  proposalCrashRate: number;
}

function drawParams(r: Random, profile: SimProfile): Params {
  if (profile === 'adversarial') {
    return {
      nodes: randomInt(r, 3, 5),
      heartbeatTicks: 1,
      preVote: r() < 0.5,
      checkQuorum: r() < 0.5,
      maxAppendBytes: randomInt(r, 20, 40),
      maxSnapshotChunkBytes: randomInt(r, 16, 96),
      maxInflightAppends: randomInt(r, 1, 2),
      dropRate: r() * 0.15,
      duplicateRate: r() * 0.04,
      reorderRate: r() * 0.2,
      latencyMsMax: randomInt(r, 5, 20),
      diskMsMax: randomInt(r, 0, 6),
      compactRate: r() * 0.1,
      chaosMs: randomInt(r, 2_000, 4_000),
      faultEveryMs: randomInt(r, 40, 120),
      clientEveryMs: randomInt(r, 3, 10),
      leaderFaultRate: 0.8,
      newLeaderFaultRate: 0.35,
      proposalCrashRate: 0.01,
    };
  }
  return {
    nodes: randomInt(r, 3, 5),
    heartbeatTicks: pick(r, [1, 1, 2]),
    preVote: r() < 0.9,
    checkQuorum: r() < 0.9,
    maxAppendBytes: randomInt(r, 30, 300),
    maxSnapshotChunkBytes: randomInt(r, 16, 96),
    maxInflightAppends: randomInt(r, 1, 8),
    dropRate: r() * 0.08,
    duplicateRate: r() * 0.04,
    reorderRate: r() * 0.1,
    latencyMsMax: randomInt(r, 2, 12),
    diskMsMax: randomInt(r, 0, 4),
    compactRate: 0.05 + r() * 0.25,
    chaosMs: randomInt(r, 2_000, 4_000),
    faultEveryMs: randomInt(r, 100, 300),
    clientEveryMs: randomInt(r, 10, 40),
    leaderFaultRate: 0.4,
    newLeaderFaultRate: 0.05,
    proposalCrashRate: 0,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeSm(sm: SimStateMachine): Uint8Array {
  // Padding makes snapshots span several chunks.
  return encoder.encode(JSON.stringify({ ...sm, pad: 'x'.repeat(64 + (sm.index % 97)) }));
}

function decodeSm(data: Uint8Array): SimStateMachine {
  const o = JSON.parse(decoder.decode(data)) as SimStateMachine;
  return { index: o.index, hash: o.hash, count: o.count };
}

class SimNode {
  readonly id: NodeId;
  readonly bootstrapVoters: readonly NodeId[];
  readonly storage = new MemoryStorage();
  core!: RaftCore;
  sm: SimStateMachine = { index: 0, hash: 0, count: 0 };
  /** Bumped at every crash and restart: events of an earlier life are ignored. */
  incarnation = 0;
  alive = false;
  /** Removed from the cluster and stopped for good. */
  retired = false;
  pausedUntil = 0;
  /** The Ready being persisted (taken from the core, not yet on "disk"). */
  ready: Ready | undefined;
  /** The lowest term the node held since it last handed out a Ready (entries were appended in it). */
  minTermSinceReady = 0;

  constructor(id: NodeId, bootstrapVoters: readonly NodeId[]) {
    this.id = id;
    this.bootstrapVoters = bootstrapVoters;
  }
}

type SimEvent =
  | { time: number; seq: number; kind: 'tick'; node: SimNode; incarnation: number }
  | { time: number; seq: number; kind: 'deliver'; message: Message }
  | { time: number; seq: number; kind: 'persisted'; node: SimNode; incarnation: number }
  | { time: number; seq: number; kind: 'action'; name: string; run: () => void };

type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;

interface TraceRecord {
  readonly time: number;
  readonly what: string;
  readonly message?: Message;
}

export class Simulation {
  readonly seed: number;
  private readonly random: Random;
  private readonly params: Params;
  private readonly mutations: RaftMutations | undefined;
  private readonly checker = new Checker(() => this.electors());
  private readonly heap = new EventHeap<SimEvent>();
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly blocked = new Map<string, number>();
  private readonly coverage = emptyCoverage();
  private readonly trace: TraceRecord[] = [];
  private readonly traceAll: boolean;
  private readonly logger: RaftLogger;
  private now = 0;
  private seq = 0;
  private events = 0;
  private nextNodeId: number;
  private proposalCounter = 0;
  private healed = false;
  private done = false;
  private pendingTransfer: { to: NodeId; term: number; deadline: number } | undefined;
  private marker: { index: number; id: string; proposedAt: number } | undefined;

  constructor(options: SimOptions) {
    this.seed = options.seed;
    this.random = seededRandom(deriveSeed(options.seed, 0));
    this.params = drawParams(this.random, options.profile ?? 'default');
    this.mutations = options.mutations;
    this.traceAll = options.traceAll === true;
    this.logger = options.logger ?? silentLogger;
    const voters = Array.from({ length: this.params.nodes }, (_, i) => i + 1);
    this.nextNodeId = voters.length + 1;
    for (const id of voters) this.nodes.set(id, new SimNode(id, voters));
  }

  run(): SimResult {
    try {
      for (const n of this.nodes.values()) this.start(n);
      this.scheduleChaos();
      while (!this.done) {
        const ev = this.heap.pop();
        if (ev === undefined) throw new SafetyViolation('liveness', 'the event queue ran dry');
        if (++this.events > MAX_EVENTS) throw new SafetyViolation('liveness', `no convergence within ${MAX_EVENTS} events`);
        this.now = ev.time;
        this.handle(ev);
      }
      return this.result(true);
    } catch (err) {
      const invariant: Invariant = err instanceof SafetyViolation ? err.invariant : 'core-assertion';
      const text = err instanceof Error ? `${err.message}${err instanceof SafetyViolation || err instanceof RaftAssertionError ? '' : `\n${err.stack ?? ''}`}` : String(err);
      return { ...this.result(false), invariant, error: text };
    }
  }

  private result(ok: boolean): SimResult {
    return {
      seed: this.seed,
      ok,
      coverage: this.coverage,
      virtualMs: this.now,
      events: this.events,
      trace: ok && !this.traceAll ? [] : this.formatTrace(),
    };
  }

  // --- the schedule ---------------------------------------------------------------------------

  private schedule(ev: Unsequenced<SimEvent>): void {
    this.heap.push({ ...ev, seq: this.seq++ });
  }

  private at(time: number, name: string, run: () => void): void {
    this.schedule({ time, kind: 'action', name, run });
  }

  private scheduleChaos(): void {
    const p = this.params;
    for (let t = p.faultEveryMs; t < p.chaosMs; t += randomInt(this.random, p.faultEveryMs / 2, p.faultEveryMs * 1.5)) {
      this.at(t, 'fault', () => this.fault());
    }
    // Client load stops when the faults heal: the liveness phase measures recovery, and only its own
    // marker proposal competes for the leader's bounded queue of uncommitted entries.
    for (let t = p.clientEveryMs; t < p.chaosMs; t += randomInt(this.random, 1, 2 * p.clientEveryMs)) {
      this.at(t, 'client', () => this.client());
    }
    this.at(p.chaosMs, 'heal', () => this.heal());
    for (let t = p.chaosMs; t <= p.chaosMs + LIVENESS_BOUND_MS; t += 50) this.at(t, 'liveness', () => this.checkLiveness(t >= p.chaosMs + LIVENESS_BOUND_MS));
  }

  private fault(): void {
    const r = this.random();
    if (r < 0.22) this.crash();
    else if (r < 0.36) this.partition();
    else if (r < 0.46) this.isolateLeader();
    else if (r < 0.54) this.pause();
    else if (r < 0.68) this.transfer();
    else if (r < 0.86) this.changeMembership();
  }

  private members(): SimNode[] {
    return [...this.nodes.values()].filter((n) => !n.retired);
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    let bestTerm = -1;
    for (const n of this.nodes.values()) {
      if (!n.alive) continue;
      const s = n.core.status();
      if (s.role === 'leader' && s.term > bestTerm) {
        best = n;
        bestTerm = s.term;
      }
    }
    return best;
  }

  private crash(target?: SimNode): void {
    const alive = this.members().filter((n) => n.alive);
    if (alive.length === 0) return;
    const leader = this.leader();
    const n = target ?? (leader !== undefined && this.random() < this.params.leaderFaultRate ? leader : pick(this.random, alive));
    this.note(`crash ${n.id}${n.ready !== undefined ? ' (an unpersisted Ready is lost)' : ''}`);
    this.stop(n);
    this.at(this.now + randomInt(this.random, 30, 600), 'restart', () => {
      if (n.retired || n.alive) return;
      this.start(n);
      this.coverage.crashRestarts++;
    });
  }

  private stop(n: SimNode): void {
    n.alive = false;
    n.incarnation++;
    n.ready = undefined;
  }

  private partition(): void {
    const ms = this.members();
    if (ms.length < 2) return;
    const side = ms.filter(() => this.random() < 0.5);
    if (side.length === 0 || side.length === ms.length) return;
    const other = ms.filter((n) => !side.includes(n));
    this.coverage.partitions++;
    this.note(`partition [${side.map((n) => n.id)}] | [${other.map((n) => n.id)}]`);
    this.blockBetween(side, other, randomInt(this.random, 100, 800), this.random() < 0.2);
  }

  private isolateLeader(): void {
    const l = this.leader();
    if (l === undefined) return;
    const others = this.members().filter((n) => n !== l);
    this.coverage.partitions++;
    this.note(`isolate leader ${l.id}`);
    this.blockBetween([l], others, randomInt(this.random, 100, 600), false);
  }

  /** Block the links between two groups for a while (one way only, when `oneWay`). */
  private blockBetween(a: SimNode[], b: SimNode[], ms: number, oneWay: boolean): void {
    const links: string[] = [];
    for (const x of a) {
      for (const y of b) {
        links.push(`${x.id}>${y.id}`);
        if (!oneWay) links.push(`${y.id}>${x.id}`);
      }
    }
    for (const l of links) this.blocked.set(l, (this.blocked.get(l) ?? 0) + 1);
    this.at(this.now + ms, 'unblock', () => {
      for (const l of links) {
        const c = (this.blocked.get(l) ?? 1) - 1;
        if (c <= 0) this.blocked.delete(l);
        else this.blocked.set(l, c);
      }
    });
  }

  private pause(): void {
    const alive = this.members().filter((n) => n.alive);
    if (alive.length === 0) return;
    const n = pick(this.random, alive);
    const until = this.now + randomInt(this.random, 50, 500);
    n.pausedUntil = Math.max(n.pausedUntil, until);
    this.coverage.pauses++;
    this.note(`pause ${n.id} until ${until}`);
    const inc = n.incarnation;
    this.at(until, 'resume', () => {
      if (n.incarnation === inc) this.kick(n);
    });
  }

  private transfer(): void {
    const l = this.leader();
    if (l === undefined || this.paused(l)) return;
    const s = l.core.status();
    const targets = s.voters.filter((id) => id !== l.id);
    if (targets.length === 0) return;
    const to = pick(this.random, targets);
    if (l.core.transferLeadership(to)) {
      this.note(`transfer leadership ${l.id} -> ${to}`);
      this.coverage.transfersStarted++;
      this.pendingTransfer = { to, term: s.term, deadline: this.now + 4 * ELECTION_TICKS * TICK_MS };
      this.after(l);
    }
  }

  private changeMembership(): void {
    const l = this.leader();
    if (l === undefined || this.paused(l)) return;
    const voters = l.core.status().voters;
    const add = voters.length < VOTERS_MAX && (voters.length <= VOTERS_MIN || this.random() < 0.5);
    if (add) {
      const n = new SimNode(this.nextNodeId++, []);
      const r = l.core.proposeConfChange({ type: 'add-voter', nodeId: n.id });
      this.note(`propose add-voter ${n.id} at ${l.id}: ${r.ok ? `index ${r.index}` : r.reason}`);
      if (r.ok) {
        this.nodes.set(n.id, n);
        this.start(n);
      }
    } else if (voters.length > VOTERS_MIN) {
      const victim = pick(this.random, voters);
      const r = l.core.proposeConfChange({ type: 'remove-voter', nodeId: victim });
      this.note(`propose remove-voter ${victim} at ${l.id}: ${r.ok ? `index ${r.index}` : r.reason}`);
    }
    this.after(l);
  }

  private client(): void {
    const target = this.random() < 0.9 ? this.leader() : pick(this.random, this.members());
    if (target === undefined || !target.alive || this.paused(target)) return;
    const r = target.core.propose(encoder.encode(`p${this.proposalCounter++}`));
    this.after(target);
    if (r.ok && this.random() < this.params.proposalCrashRate) this.crash(target);
  }

  private heal(): void {
    this.healed = true;
    this.note('heal: partitions end, crashed nodes restart, no more loss');
    this.blocked.clear();
    for (const n of this.members()) {
      n.pausedUntil = 0;
      if (!n.alive) {
        this.start(n);
        this.coverage.crashRestarts++;
      } else {
        this.kick(n);
      }
    }
  }

  /** After healing: a leader must exist and commit a marker proposal on every voter. */
  private checkLiveness(final: boolean): void {
    const l = this.leader();
    if (l !== undefined) {
      const m = this.marker;
      if (m !== undefined && this.checker.appliedId(m.index) === m.id) {
        const voters = l.core.status().voters;
        if (voters.every((id) => (this.nodes.get(id)?.sm.index ?? 0) >= m.index)) {
          this.done = true;
          return;
        }
      }
      if (m === undefined || this.now - m.proposedAt >= MARKER_RETRY_MS || (this.checker.appliedId(m.index) !== undefined && this.checker.appliedId(m.index) !== m.id)) {
        const r = l.core.propose(encoder.encode(`marker${this.proposalCounter++}`));
        if (r.ok) {
          const e = l.core.entryAt(r.index)!;
          this.marker = { index: r.index, id: entryId(e), proposedAt: this.now };
        }
        this.after(l);
      }
    }
    if (final) {
      const states = this.members().map((n) => (n.alive ? describe(n.core.status()) : `${n.id}: down`));
      throw new SafetyViolation('liveness', `no leader committed a proposal on every voter within ${LIVENESS_BOUND_MS} ms of healing; ${states.join('; ')}`);
    }
  }

  // --- nodes and the driver loop -------------------------------------------------------------

  private start(n: SimNode): void {
    const p = this.params;
    n.incarnation++;
    const config: RaftConfig = {
      id: n.id,
      electionTicks: ELECTION_TICKS,
      heartbeatTicks: p.heartbeatTicks,
      preVote: p.preVote,
      checkQuorum: p.checkQuorum,
      maxAppendBytes: p.maxAppendBytes,
      maxSnapshotChunkBytes: p.maxSnapshotChunkBytes,
      maxUncommittedEntries: 64,
      maxInflightAppends: p.maxInflightAppends,
      random: seededRandom(deriveSeed(this.seed, n.id * 1000 + n.incarnation)),
      logger: this.logger,
      ...(this.mutations === undefined ? {} : { mutations: this.mutations }),
    };
    n.core = new RaftCore(config, n.storage.initialState(n.bootstrapVoters));
    const snap = n.storage.snapshot;
    n.sm = snap === undefined ? { index: 0, hash: 0, count: 0 } : decodeSm(snap.data);
    n.alive = true;
    n.ready = undefined;
    n.pausedUntil = 0;
    n.minTermSinceReady = n.storage.hardState.term;
    this.note(`start ${n.id} (term ${n.storage.hardState.term}, vote ${n.storage.hardState.vote}, ${n.storage.entries.length} entries, snapshot ${snap?.meta.index ?? 0})`);
    this.schedule({ time: this.now + randomInt(this.random, 1, TICK_MS), kind: 'tick', node: n, incarnation: n.incarnation });
  }

  private paused(n: SimNode): boolean {
    return n.pausedUntil > this.now;
  }

  private handle(ev: SimEvent): void {
    switch (ev.kind) {
      case 'tick': {
        const n = ev.node;
        if (!n.alive || n.incarnation !== ev.incarnation) return;
        this.schedule({ time: this.now + TICK_MS, kind: 'tick', node: n, incarnation: n.incarnation });
        // A paused process misses its ticks; it does not burst to catch up afterwards.
        if (this.paused(n)) return;
        n.core.tick();
        this.after(n);
        return;
      }
      case 'deliver': {
        const m = ev.message;
        const n = this.nodes.get(m.to);
        if (n === undefined || !n.alive || this.blocked.has(`${m.from}>${m.to}`)) {
          this.coverage.messagesDropped++;
          return;
        }
        if (this.paused(n)) {
          this.schedule({ time: n.pausedUntil, kind: 'deliver', message: m });
          return;
        }
        this.coverage.messagesDelivered++;
        this.record('deliver', m);
        n.core.step(m);
        this.after(n);
        return;
      }
      case 'persisted': {
        const n = ev.node;
        if (!n.alive || n.incarnation !== ev.incarnation) return;
        if (this.paused(n)) {
          this.schedule({ time: n.pausedUntil, kind: 'persisted', node: n, incarnation: n.incarnation });
          return;
        }
        this.finishReady(n);
        return;
      }
      case 'action':
        ev.run();
        return;
    }
  }

  /** After any event on a node: check it, then let its driver take the next Ready. */
  private after(n: SimNode): void {
    this.observe(n);
    this.kick(n);
  }

  private observe(n: SimNode): void {
    if (!n.alive) return;
    const s = n.core.status();
    if (s.term < n.minTermSinceReady) n.minTermSinceReady = s.term;
    if (s.role !== 'leader') return;
    if (this.checker.observeLeader(n.id, s.term, n.core, s.snapshotIndex, s.lastIndex)) {
      this.coverage.leaderChanges++;
      this.note(`leader ${n.id} term ${s.term}`);
      if (!this.healed && this.random() < this.params.newLeaderFaultRate) {
        const inc = n.incarnation;
        const isolate = this.random() < 0.5;
        this.at(this.now + randomInt(this.random, 0, this.params.latencyMsMax), 'new-leader fault', () => {
          if (this.healed || !n.alive || n.incarnation !== inc) return;
          if (isolate) {
            this.coverage.partitions++;
            this.note(`isolate new leader ${n.id}`);
            this.blockBetween([n], this.members().filter((o) => o !== n), randomInt(this.random, 100, 600), false);
          } else {
            this.crash(n);
          }
        });
      }
      const t = this.pendingTransfer;
      if (t !== undefined) {
        if (t.to === n.id && s.term > t.term && this.now <= t.deadline) {
          this.coverage.transfersCompleted++;
          this.note(`transfer to ${n.id} completed`);
        }
        this.pendingTransfer = undefined;
      }
    }
  }

  /** The driver: take a Ready when none is in flight; it is "on disk" after a disk delay. */
  private kick(n: SimNode): void {
    if (!n.alive || n.ready !== undefined || this.paused(n) || !n.core.hasReady()) return;
    const rd = n.core.ready();
    if (rd.entries.length > 0) this.checker.onAppended(n.id, n.core, n.minTermSinceReady, rd.entries);
    n.minTermSinceReady = n.core.status().term;
    n.ready = rd;
    this.schedule({ time: this.now + randomInt(this.random, 0, this.params.diskMsMax), kind: 'persisted', node: n, incarnation: n.incarnation });
  }

  /** Persist, send, apply, advance: the IO contract's order. */
  private finishReady(n: SimNode): void {
    const rd = n.ready!;
    n.ready = undefined;
    n.storage.persist(rd);
    if (rd.hardState !== undefined) this.checker.onCommitPersisted(n.id, rd.hardState.term, rd.hardState.commit, (i) => storedId(n, i));
    for (const m of rd.messages) this.send(m);
    if (rd.snapshot !== undefined) {
      n.sm = decodeSm(rd.snapshot.data);
      this.checker.onInstall(n.id, n.sm);
      this.coverage.snapshotsInstalled++;
      this.note(`node ${n.id} installed snapshot ${rd.snapshot.meta.index}`);
    }
    for (const e of rd.committedEntries) {
      const first = this.checker.firstApplied(e.index);
      n.sm = this.checker.onApply(n.id, n.sm, e);
      if (first) this.onFirstApplied(e);
    }
    n.core.advance();
    if (rd.committedEntries.length > 0 && this.random() < this.params.compactRate) this.compact(n);
    this.after(n);
  }

  private onFirstApplied(e: Ready['committedEntries'][number]): void {
    if (e.type === 'normal') this.coverage.proposalsCommitted++;
    if (e.type !== 'conf-change') return;
    this.coverage.membershipChanges++;
    const change = decodeConfChange(e.data);
    this.note(`committed ${change.type} ${change.nodeId} at ${e.index}`);
    if (change.type === 'remove-voter') {
      // A removed node is stopped for good a little later (it may disturb the others meanwhile).
      const victim = this.nodes.get(change.nodeId);
      if (victim !== undefined) {
        this.at(this.now + randomInt(this.random, 0, 400), 'retire', () => {
          victim.retired = true;
          this.stop(victim);
          this.note(`retire ${victim.id}`);
        });
      }
    }
  }

  private compact(n: SimNode): void {
    const index = n.sm.index;
    if (index <= n.core.status().snapshotIndex) return;
    const snap = { meta: n.core.snapshotMeta(index), data: encodeSm(n.sm) };
    n.core.compact(snap);
    n.storage.compact(snap);
  }

  private send(m: Message): void {
    const p = this.params;
    const lossy = !this.healed;
    if (this.blocked.has(`${m.from}>${m.to}`) || (lossy && this.random() < p.dropRate)) {
      this.coverage.messagesDropped++;
      return;
    }
    const copies = lossy && this.random() < p.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      let delay = randomInt(this.random, 1, p.latencyMsMax);
      if (this.random() < p.reorderRate) delay += randomInt(this.random, 5, 60);
      this.schedule({ time: this.now + delay, kind: 'deliver', message: m });
    }
  }

  /** Every node that may still vote or campaign, in each state it can reach (see Checker). */
  private electors(): Elector[] {
    const out: Elector[] = [];
    for (const n of this.nodes.values()) {
      if (n.retired) continue;
      const states: LogState[] = [storedState(n)];
      if (n.alive) states.push(memoryState(n));
      out.push({ id: n.id, states });
    }
    return out;
  }

  // --- trace ----------------------------------------------------------------------------------

  private record(what: string, message?: Message): void {
    const rec: TraceRecord = message === undefined ? { time: this.now, what } : { time: this.now, what, message };
    this.trace.push(rec);
    if (!this.traceAll && this.trace.length > 2 * TRACE_TAIL) this.trace.splice(0, this.trace.length - TRACE_TAIL);
  }

  private note(what: string): void {
    this.record(what);
  }

  private formatTrace(): string[] {
    const tail = this.traceAll ? this.trace : this.trace.slice(-TRACE_TAIL);
    return tail.map((r) => `${String(r.time).padStart(6)}ms ${r.message === undefined ? r.what : formatMessage(r.message)}`);
  }
}

function storedId(n: SimNode, index: number): string | undefined {
  const snapIndex = n.storage.snapshot?.meta.index ?? 0;
  if (index <= snapIndex) return undefined;
  const e = n.storage.entries[index - snapIndex - 1];
  return e === undefined ? undefined : entryId(e);
}

/** The log a restart would load. */
function storedState(n: SimNode): LogState {
  const st = n.storage;
  const snapIndex = st.snapshot?.meta.index ?? 0;
  return {
    lastIndex: st.lastIndex(),
    lastTerm: st.entries.at(-1)?.term ?? st.snapshot?.meta.term ?? 0,
    idAt: (i) => (i <= snapIndex ? COVERED : storedId(n, i)),
    voters: () => {
      for (let k = st.entries.length - 1; k >= 0; k--) {
        const e = st.entries[k]!;
        if (e.type === 'conf-change') return decodeConfChange(e.data).voters ?? [];
      }
      return st.snapshot?.meta.voters ?? n.bootstrapVoters;
    },
    label: 'as stored',
  };
}

/** The log the running core holds. */
function memoryState(n: SimNode): LogState {
  const s = n.core.status();
  return {
    lastIndex: s.lastIndex,
    lastTerm: n.core.termAt(s.lastIndex) ?? 0,
    idAt: (i) => {
      if (i <= s.snapshotIndex) return COVERED;
      const e = n.core.entryAt(i);
      return e === undefined ? undefined : entryId(e);
    },
    voters: () => s.voters,
    label: 'in memory',
  };
}

function describe(s: RaftStatus): string {
  return `${s.id}: ${s.role} term ${s.term} leader ${s.leaderId} commit ${s.commit} applied ${s.applied} last ${s.lastIndex} voters [${s.voters.join(',')}]`;
}

export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}
