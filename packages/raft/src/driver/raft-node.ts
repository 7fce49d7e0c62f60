// The serial driver: one loop per node owns one RaftCore and does what its Ready asks, in the
// order of the IO contract: persist (one synced write), send, apply, advance. Nothing else ever
// calls the core: received messages, ticks and the API's requests are queued and fed to the core
// by the loop between two Readies, so there is never a second ready() before advance() and never
// a step() while a Ready is out.
//
// Around the core it keeps the quorum's identity rules (README, "Identity"): the configuration's
// (node id, directory id) pairs, the envelope checks that keep a lost incarnation from voting, and
// the bootstrap binding of voters to their directory ids.
import type { Logger } from 'pino';
import { SamsaError, assert } from '@samsa/protocol';
import { RaftCore, decodeConfChange } from '../core/index.js';
import { EntryType, MessageType, NO_NODE, Role } from '../core/index.js';
import type { ConfChange, Entry, Message, NodeId, ProposeResult, RaftStatus, Snapshot } from '../core/index.js';
import type { RaftIdentity, RaftStorage, StoredState } from '../storage/storage.js';
import type { RaftEnvelope, RaftTransport } from '../transport/transport.js';
import { validateRaftNodeSettings } from './config.js';
import type { RaftNodeSettings } from './config.js';
import { decodePayload, encodeApplicationPayload, encodeVoterPayload, unwrapSnapshot, wrapSnapshot } from './quorum-state.js';
import type { VoterBinding } from './quorum-state.js';
import { SYSTEM_TIMERS, Ticker } from './ticker.js';
import type { Timers } from './ticker.js';

/** The replicated application (for Samsa, the controller's metadata image). */
export interface StateMachine {
  /**
   * Applies one committed entry, in index order, exactly once per start (entries after the last
   * snapshot are applied again after a restart, onto the restored snapshot). NORMAL entries carry
   * the application's data as propose() got it; EMPTY and CONF_CHANGE entries, and the driver's own
   * records (passed as EMPTY with no data), only move the applied index. Must not wait for a
   * proposal of its own node: the loop waits for apply().
   */
  apply(entry: Entry): void | Promise<void>;
  /** The state as of the last applied entry, encoded. */
  snapshot(): Uint8Array | Promise<Uint8Array>;
  /** Replaces the whole state by a snapshot's (at start, and when the leader sends one). */
  restore(snapshot: Snapshot): void | Promise<void>;
}

export interface RaftNodeOptions extends Partial<RaftNodeSettings> {
  id: NodeId;
  /** Opened; the node loads it, and closes it on stop(). */
  storage: RaftStorage;
  /** The node sets its identity and receiver, and closes it on stop(). */
  transport: RaftTransport;
  stateMachine: StateMachine;
  /** The voters of a new cluster (every bootstrap voter is given the same list); [] or absent for a node that joins a running cluster. */
  bootstrapVoters?: readonly NodeId[];
  /** Known addresses ('host:port') of quorum members, this node's own included (what the others dial). */
  peers?: ReadonlyMap<NodeId, string>;
  /** Randomness of election timeouts, in [0, 1). */
  random?: () => number;
  /** The tick timer's functions (tests). */
  timers?: Timers;
  logger: Logger;
}

/** A voter as the quorum's configuration knows it. */
export interface VoterInfo {
  readonly nodeId: NodeId;
  /** '' until the voter's directory id is recorded (a new cluster's first moments). */
  readonly directoryId: string;
  /** '' when not known. */
  readonly address: string;
}

export type LeaderListener = (leaderId: NodeId, term: number) => void;

interface Waiter {
  readonly term: number;
  readonly resolve: (result: { index: number; term: number }) => void;
  readonly reject: (err: Error) => void;
}

interface SeenPeer {
  readonly directoryId: string;
  readonly replaces: string;
}

/** Messages of one iteration of the loop fed to the core at most (the rest wait for the next one). */
const FEED_MESSAGES_MAX = 4096;
/** How many ticks a leader waits for a voter record it proposed before it proposes it again. */
const BINDING_RETRY_TICKS = 20;
const EMPTY_BYTES = new Uint8Array(0);

const unknownOutcome = (what: string): SamsaError => new SamsaError('REQUEST_TIMED_OUT', `${what}; its outcome is unknown`);

export class RaftNode {
  readonly id: NodeId;
  readonly identity: RaftIdentity;
  private readonly settings: Readonly<RaftNodeSettings>;
  private readonly core: RaftCore;
  private readonly storage: RaftStorage;
  private readonly transport: RaftTransport;
  private readonly sm: StateMachine;
  private readonly log: Logger;
  private readonly ticker: Ticker;

  // The loop's inputs.
  private inbox: RaftEnvelope[] = [];
  private inboxMessages = 0;
  private tickPending = false;
  private commands: (() => void)[] = [];
  private wake: (() => void) | undefined;

  // Applied state, driver side.
  private applied: number;
  private snapshotIndex: number;
  /** The voters as of the applied index (the core's own configuration runs ahead: it takes effect when appended). */
  private appliedVoters: readonly NodeId[];
  private readonly bindings = new Map<NodeId, VoterBinding>();
  private readonly addresses = new Map<NodeId, string>();
  /** Directory ids seen in envelopes that passed the checks (a leader binds unbound voters to them). */
  private readonly seen = new Map<NodeId, SeenPeer>();
  private readonly pendingBindings = new Map<NodeId, { term: number; tick: number }>();
  private ticks = 0;

  private readonly waiters = new Map<number, Waiter>();
  private readonly leaderListeners = new Set<LeaderListener>();
  /** Waits outside the waiters map (leadership transfers), failed by stop(). */
  private readonly cancels = new Set<(err: Error) => void>();
  private lastLeader = { leaderId: NO_NODE, term: 0 };
  private role: Role = Role.FOLLOWER;
  private readonly dropWarnings = new Map<string, number>();

  private stopRequested = false;
  private loopDone: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private failure: Error | undefined;
  private resolveClosed!: (err: Error | undefined) => void;
  private readonly closedPromise: Promise<Error | undefined>;

  private constructor(options: RaftNodeOptions, settings: Readonly<RaftNodeSettings>, identity: RaftIdentity, core: RaftCore, start: { applied: number; voters: readonly NodeId[]; bindings: readonly VoterBinding[] }) {
    this.id = options.id;
    this.identity = identity;
    this.settings = settings;
    this.core = core;
    this.storage = options.storage;
    this.transport = options.transport;
    this.sm = options.stateMachine;
    this.log = options.logger.child({ component: 'raft-node' });
    this.applied = start.applied;
    this.snapshotIndex = start.applied;
    this.appliedVoters = start.voters;
    for (const [id, address] of options.peers ?? []) this.addresses.set(id, address);
    for (const b of start.bindings) this.bindings.set(b.nodeId, b);
    this.ticker = new Ticker(settings.tickMs, () => this.onTimer(), options.timers ?? SYSTEM_TIMERS);
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /**
   * Loads the storage, restores the state machine from the latest snapshot, and starts the loop and
   * the tick timer. The state machine then gets the committed entries after the snapshot again.
   */
  static async start(options: RaftNodeOptions): Promise<RaftNode> {
    assert(Number.isSafeInteger(options.id) && options.id > 0, `node id ${options.id}`);
    const settings = validateRaftNodeSettings(options);
    const configured = [...new Set(options.bootstrapVoters ?? [])].sort((a, b) => a - b);
    for (const v of configured) {
      if (!Number.isSafeInteger(v) || v < 1) throw new SamsaError('INVALID_CONFIG', `bootstrap voter ${v} is not a node id`);
    }
    const stored = await options.storage.load();
    const identity = options.storage.identity;
    assert(identity.nodeId === options.id, `storage of node ${identity.nodeId} given to node ${options.id}`);
    const bootstrapVoters = await settleBootstrapVoters(options, stored, configured);

    let applied = 0;
    let voters: readonly NodeId[] = bootstrapVoters;
    let bindings: readonly VoterBinding[] = [];
    if (stored.snapshot !== undefined) {
      const { meta } = stored.snapshot;
      const unwrapped = unwrapSnapshot(stored.snapshot.data, meta.index);
      await options.stateMachine.restore({ meta, data: unwrapped.stateMachine });
      applied = meta.index;
      voters = meta.voters;
      bindings = unwrapped.voters;
    }
    const core = new RaftCore(
      {
        id: options.id,
        electionTicks: settings.electionTicks,
        heartbeatTicks: settings.heartbeatTicks,
        preVote: true,
        checkQuorum: true,
        maxAppendBytes: settings.maxAppendBytes,
        maxSnapshotChunkBytes: settings.maxSnapshotChunkBytes,
        maxUncommittedEntries: settings.maxUncommittedEntries,
        random: options.random ?? Math.random,
        logger: options.logger.child({ component: 'raft-core' }),
      },
      { hardState: stored.hardState, ...(stored.snapshot === undefined ? {} : { snapshot: stored.snapshot }), entries: stored.entries, bootstrapVoters, applied },
    );
    const node = new RaftNode(options, settings, identity, core, { applied, voters, bindings });
    node.begin();
    return node;
  }

  private begin(): void {
    this.transport.setIdentity({ clusterId: this.identity.clusterId, nodeId: this.id, directoryId: this.identity.directoryId, ...(this.identity.replaces === undefined ? {} : { replaces: this.identity.replaces }) });
    for (const [id, address] of this.addresses) this.transport.setPeerAddress(id, address);
    for (const b of this.bindings.values()) this.learnAddress(b);
    this.transport.onReceive((envelope) => this.enqueue(envelope));
    this.log.info(
      { directoryId: this.identity.directoryId, replaces: this.identity.replaces, applied: this.applied, voters: this.core.status().voters, canVote: this.canVote() },
      'raft node started',
    );
    this.ticker.start();
    this.loopDone = this.run();
  }

  // -----------------------------------------------------------------------------------------------
  // The API

  /**
   * Proposes `data` and resolves once its entry is committed and applied on this node. Rejects
   * with NOT_CONTROLLER (details.leaderId: the leader this node knows, 0 when none) when this node
   * cannot take proposals, NOT_ENOUGH_REPLICAS when the leader holds too many uncommitted entries,
   * RECORD_LIST_TOO_LARGE beyond proposalBytesMax, and REQUEST_TIMED_OUT when the outcome is not
   * known in time: the entry may still commit later.
   */
  propose(data: Uint8Array, options: { timeoutMs?: number } = {}): Promise<{ index: number; term: number }> {
    if (data.byteLength > this.settings.proposalBytesMax) {
      return Promise.reject(new SamsaError('RECORD_LIST_TOO_LARGE', `a proposal of ${data.byteLength} bytes exceeds proposalBytesMax (${this.settings.proposalBytesMax})`));
    }
    return this.proposeEntry(encodeApplicationPayload(data), Date.now() + (options.timeoutMs ?? this.settings.proposeTimeoutMs));
  }

  /**
   * Adds a voter, once: records its directory id and address (asking the node at `address` who it
   * is, unless `options.directoryId` says so), then commits the configuration change. Resolves once
   * the change is committed and applied here. A node that is a voter under another directory id
   * must be removed first (INVALID_REQUEST).
   */
  async addVoter(id: NodeId, address?: string, options: { directoryId?: string; timeoutMs?: number } = {}): Promise<void> {
    if (!Number.isSafeInteger(id) || id < 1) throw new SamsaError('INVALID_REQUEST', `${id} is not a node id`);
    const deadline = Date.now() + (options.timeoutMs ?? this.settings.changeTimeoutMs);
    this.checkLeader();
    const bound = this.bindings.get(id);
    if (this.appliedVoters.includes(id) && this.core.status().voters.includes(id)) {
      if (options.directoryId === undefined || bound?.directoryId === options.directoryId) return;
      throw new SamsaError('INVALID_REQUEST', `node ${id} is a voter with directory ${bound?.directoryId ?? '(unrecorded)'}; remove it before adding directory ${options.directoryId}`);
    }
    const target = address ?? bound?.address ?? this.addresses.get(id) ?? '';
    let directoryId = options.directoryId;
    if (directoryId === undefined) {
      if (target === '') throw new SamsaError('INVALID_REQUEST', `no address for node ${id}: give its quorum address`);
      const who = await this.transport.identify(target, Math.max(1, deadline - Date.now()));
      if (who.nodeId !== id) throw new SamsaError('INVALID_REQUEST', `the node at ${target} is node ${who.nodeId}, not node ${id}`);
      if (who.clusterId !== '' && this.identity.clusterId !== '' && who.clusterId !== this.identity.clusterId) {
        throw new SamsaError('INVALID_REQUEST', `the node at ${target} belongs to cluster ${who.clusterId}, not ${this.identity.clusterId}`);
      }
      directoryId = who.directoryId;
    }
    if (directoryId === '') throw new SamsaError('INVALID_REQUEST', 'an empty directory id');
    if (target !== '') {
      this.addresses.set(id, target);
      this.transport.setPeerAddress(id, target);
    }
    if (bound?.directoryId !== directoryId || (target !== '' && bound.address !== target)) {
      await this.proposeEntry(encodeVoterPayload({ nodeId: id, directoryId, address: target }), deadline);
      const now = this.bindings.get(id);
      if (now?.directoryId !== directoryId) throw new SamsaError('INVALID_REQUEST', `node ${id} could not be recorded with directory ${directoryId} (it is a voter under ${now?.directoryId ?? 'another'})`);
    }
    if (!this.core.status().voters.includes(id)) await this.changeConfiguration({ type: 'add-voter', nodeId: id }, deadline);
    this.log.info({ nodeId: id, directoryId, address: target }, 'voter added');
  }

  /** Removes a voter; resolves once the change is committed and applied here (at once when it is no voter). */
  async removeVoter(id: NodeId, options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? this.settings.changeTimeoutMs);
    this.checkLeader();
    if (!this.core.status().voters.includes(id)) return;
    await this.changeConfiguration({ type: 'remove-voter', nodeId: id }, deadline);
    this.log.info({ nodeId: id }, 'voter removed');
  }

  /**
   * Hands leadership to `to` (graceful shutdown) and resolves once this node sees `to` lead.
   * NOT_CONTROLLER when this node does not lead; REQUEST_TIMED_OUT when `to` has not taken over in
   * time (the leader resumes after an election timeout).
   */
  transferLeadership(to: NodeId, options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.settings.changeTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        this.cancels.delete(finish);
        if (err === undefined) resolve();
        else reject(err);
      };
      this.cancels.add(finish);
      const timer = setTimeout(() => finish(new SamsaError('REQUEST_TIMED_OUT', `node ${to} did not take over leadership within ${timeoutMs} ms`)), timeoutMs);
      const unsubscribe = this.onLeaderChange((leaderId) => {
        if (leaderId === to) finish();
      });
      this.submit(() => {
        const status = this.core.status();
        if (status.leaderId === to) return finish();
        if (status.role !== Role.LEADER) return finish(new SamsaError('NOT_CONTROLLER', `node ${this.id} does not lead`, { details: { leaderId: status.leaderId } }));
        if (!this.core.transferLeadership(to)) finish(new SamsaError('INVALID_REQUEST', `node ${to} is not a voter`));
      }, finish);
    });
  }

  /** Starts an election now (tests, operators). Ignored when this node may not vote. */
  campaign(): void {
    this.submit(() => {
      if (this.canVote()) this.core.campaign();
    });
  }

  status(): RaftStatus {
    return this.core.status();
  }

  /** The index of the last entry applied to the state machine. */
  get appliedIndex(): number {
    return this.applied;
  }

  /** Whether this node may vote and campaign: its directory id is the configuration's (README, "Identity"). */
  canVote(): boolean {
    const bound = this.bindings.get(this.id);
    if (bound !== undefined) return bound.directoryId === this.identity.directoryId;
    return this.identity.replaces === undefined;
  }

  /** The voters of the configuration (as appended), with what the applied log says of each. */
  voters(): VoterInfo[] {
    return this.core.status().voters.map((nodeId) => {
      const b = this.bindings.get(nodeId);
      return { nodeId, directoryId: b?.directoryId ?? '', address: b?.address || this.addresses.get(nodeId) || '' };
    });
  }

  /** Calls `listener(leaderId, term)` whenever the leader this node knows changes (0: none). Returns the unsubscribe function. */
  onLeaderChange(listener: LeaderListener): () => void {
    this.leaderListeners.add(listener);
    return () => this.leaderListeners.delete(listener);
  }

  /** Resolves when the node has stopped: with the error that stopped it, or undefined after stop(). */
  closed(): Promise<Error | undefined> {
    return this.closedPromise;
  }

  /**
   * Stops the timer and the loop (after the Ready in progress), fails what is pending (proposals
   * with REQUEST_TIMED_OUT: they may still commit), closes the transport and the storage. Safe twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      this.ticker.stop();
      this.signal();
      await this.loopDone;
      for (const command of this.commands.splice(0)) command();
      for (const [index, w] of this.waiters) {
        this.waiters.delete(index);
        w.reject(unknownOutcome(`the raft node stopped before entry ${index} was applied`));
      }
      for (const cancel of [...this.cancels]) cancel(new SamsaError('NOT_CONTROLLER', 'the raft node stopped', { details: { leaderId: NO_NODE } }));
      this.leaderListeners.clear();
      await this.transport.close();
      await this.storage.close();
      this.log.info({ applied: this.applied, term: this.core.status().term }, 'raft node stopped');
      this.resolveClosed(this.failure);
    })();
    return this.stopping;
  }

  // -----------------------------------------------------------------------------------------------
  // The loop

  private async run(): Promise<void> {
    try {
      while (!this.stopRequested) {
        this.feed();
        if (this.core.hasReady()) {
          await this.handleReady();
          await this.maybeSnapshot();
          continue;
        }
        if (this.inbox.length > 0 || this.tickPending || this.commands.length > 0) continue;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } catch (err) {
      // A failed write or apply: the node's state on disk or in the state machine is not what the
      // core believes. It must not go on.
      this.failure = err as Error;
      this.log.error({ err }, 'raft node failed; stopping');
      void this.stop();
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Runs `command` in the loop, where it may call the core; `cancel` runs instead if the node stops first. */
  private submit(command: () => void, cancel?: (err: Error) => void): void {
    if (this.stopRequested) {
      cancel?.(new SamsaError('NOT_CONTROLLER', 'the raft node is stopped', { details: { leaderId: NO_NODE } }));
      return;
    }
    this.commands.push(() => {
      if (this.stopRequested) cancel?.(new SamsaError('NOT_CONTROLLER', 'the raft node is stopped', { details: { leaderId: NO_NODE } }));
      else command();
    });
    this.signal();
  }

  private onTimer(): void {
    this.tickPending = true;
    this.signal();
  }

  private enqueue(envelope: RaftEnvelope): void {
    if (this.stopRequested) return;
    this.inbox.push(envelope);
    this.inboxMessages += envelope.messages.length;
    let dropped = 0;
    while (this.inboxMessages > this.settings.inboxMessagesMax && this.inbox.length > 1) {
      const oldest = this.inbox.shift()!;
      this.inboxMessages -= oldest.messages.length;
      dropped += oldest.messages.length;
    }
    if (dropped > 0) this.warnThrottled('inbox', { dropped }, 'raft inbox full; oldest messages dropped');
    this.signal();
  }

  /** Feeds the queued inputs to the core. Only the loop calls this, never while a Ready is out. */
  private feed(): void {
    const inbox = this.inbox;
    this.inbox = [];
    let fed = 0;
    let taken = 0;
    while (taken < inbox.length && fed < FEED_MESSAGES_MAX) {
      const envelope = inbox[taken++]!;
      this.inboxMessages -= envelope.messages.length;
      fed += envelope.messages.length;
      this.receive(envelope);
    }
    // What is left waits for the next iteration, ahead of anything that arrived meanwhile.
    if (taken < inbox.length) this.inbox = inbox.slice(taken).concat(this.inbox);
    if (this.tickPending) {
      this.tickPending = false;
      this.ticks++;
      // A node that may not vote does not run its election timer: it never campaigns.
      if (this.canVote() || this.role === Role.LEADER) this.core.tick();
      if (this.role === Role.LEADER) this.bindVoters();
    }
    const commands = this.commands;
    this.commands = [];
    for (const command of commands) command();
  }

  /** The identity checks (README, "Identity"), then the core. */
  private receive(envelope: RaftEnvelope): void {
    const from = envelope.messages[0]!.from;
    if (envelope.clusterId !== '' && this.identity.clusterId !== '' && envelope.clusterId !== this.identity.clusterId) {
      this.warnThrottled(`cluster:${from}`, { from, clusterId: envelope.clusterId }, 'raft messages from another cluster dropped');
      return;
    }
    if (envelope.toDirectoryId !== '' && envelope.toDirectoryId !== this.identity.directoryId) {
      // The sender's configuration names another incarnation of this node: the one whose state this
      // node lost, or a newer one. Either way the messages are not for this storage.
      this.warnThrottled(`to:${from}`, { from, toDirectoryId: envelope.toDirectoryId, directoryId: this.identity.directoryId }, 'raft messages for another incarnation of this node dropped');
      return;
    }
    const bound = this.bindings.get(from);
    if (bound !== undefined && envelope.fromDirectoryId !== bound.directoryId) {
      this.warnThrottled(
        `from:${from}`,
        { from, fromDirectoryId: envelope.fromDirectoryId, configured: bound.directoryId },
        'raft messages from an incarnation the configuration does not name dropped (it must be removed and re-added)',
      );
      return;
    }
    if (envelope.fromDirectoryId !== '') this.seen.set(from, { directoryId: envelope.fromDirectoryId, replaces: envelope.fromReplaces });
    const canVote = this.canVote();
    for (const m of envelope.messages) {
      if (!canVote && (m.type === MessageType.VOTE || m.type === MessageType.PRE_VOTE || m.type === MessageType.TIMEOUT_NOW)) continue;
      this.core.step(m);
    }
  }

  private async handleReady(): Promise<void> {
    const rd = this.core.ready();
    // 1. Persist: one synced write, before anything that depends on it leaves this node.
    if (rd.hardState !== undefined || rd.entries.length > 0 || rd.snapshot !== undefined) {
      await this.storage.persist({ ...(rd.hardState === undefined ? {} : { hardState: rd.hardState }), entries: rd.entries, ...(rd.snapshot === undefined ? {} : { snapshot: rd.snapshot }) });
    }
    // 2. Send.
    if (rd.messages.length > 0) this.transport.send(this.envelopes(rd.messages));
    // 3. Apply.
    if (rd.snapshot !== undefined) await this.installSnapshot(rd.snapshot);
    for (const entry of rd.committedEntries) await this.applyEntry(entry);
    // 4. Advance.
    this.core.advance();
    if (rd.softState !== undefined) this.role = rd.softState.role;
    // A leader change shows in the soft state, or (same leader, new term) in the hard state.
    if (rd.softState !== undefined || rd.hardState !== undefined) this.noticeLeader();
  }

  private envelopes(messages: readonly Message[]): RaftEnvelope[] {
    const byPeer = new Map<NodeId, Message[]>();
    for (const m of messages) {
      const list = byPeer.get(m.to);
      if (list === undefined) byPeer.set(m.to, [m]);
      else list.push(m);
    }
    return [...byPeer].map(([to, list]) => ({
      clusterId: this.identity.clusterId,
      fromDirectoryId: this.identity.directoryId,
      toDirectoryId: this.bindings.get(to)?.directoryId ?? '',
      fromReplaces: this.identity.replaces ?? '',
      messages: list,
    }));
  }

  private async installSnapshot(snapshot: Snapshot): Promise<void> {
    const { meta } = snapshot;
    const { voters, stateMachine } = unwrapSnapshot(snapshot.data, meta.index);
    await this.sm.restore({ meta, data: stateMachine });
    this.bindings.clear();
    for (const b of voters) {
      this.bindings.set(b.nodeId, b);
      this.learnAddress(b);
    }
    this.appliedVoters = meta.voters;
    this.applied = meta.index;
    this.snapshotIndex = meta.index;
    for (const [index, w] of this.waiters) {
      if (index > meta.index) continue;
      this.waiters.delete(index);
      w.reject(unknownOutcome(`entry ${index} was covered by a snapshot from the leader`));
    }
    this.log.info({ index: meta.index, term: meta.term, voters: meta.voters }, 'state machine restored from a snapshot');
  }

  private async applyEntry(entry: Entry): Promise<void> {
    assert(entry.index === this.applied + 1, `apply of entry ${entry.index} after ${this.applied}`);
    let forMachine: Entry = entry;
    if (entry.type === EntryType.NORMAL) {
      const payload = decodePayload(entry.data, entry.index);
      if (payload.kind === 'application') {
        forMachine = { index: entry.index, term: entry.term, type: entry.type, data: payload.data };
      } else {
        this.applyBinding(payload.voter, entry.index);
        forMachine = { index: entry.index, term: entry.term, type: EntryType.EMPTY, data: EMPTY_BYTES };
      }
    } else if (entry.type === EntryType.CONF_CHANGE) {
      this.applyConfChange(decodeConfChange(entry.data), entry.index);
    }
    await this.sm.apply(forMachine);
    this.applied = entry.index;
    const w = this.waiters.get(entry.index);
    if (w !== undefined) {
      this.waiters.delete(entry.index);
      // Another term at our index: our entry was overwritten and can never commit.
      if (w.term === entry.term) w.resolve({ index: entry.index, term: entry.term });
      else w.reject(new SamsaError('NOT_CONTROLLER', `entry ${entry.index} was replaced by a newer leader's`, { details: { leaderId: this.core.status().leaderId } }));
    }
  }

  /** A voter record, applied the same way on every node (a function of the log alone). */
  private applyBinding(voter: VoterBinding, index: number): void {
    const current = this.bindings.get(voter.nodeId);
    this.pendingBindings.delete(voter.nodeId);
    if (current !== undefined && current.directoryId !== voter.directoryId && this.appliedVoters.includes(voter.nodeId)) {
      // A voter's incarnation changes only by removal and re-addition (two single-server changes).
      this.log.warn({ index, nodeId: voter.nodeId, directoryId: voter.directoryId, configured: current.directoryId }, 'voter record ignored: the node is a voter under another directory id');
      return;
    }
    const binding = voter.address === '' && current !== undefined ? { ...voter, address: current.address } : voter;
    this.bindings.set(voter.nodeId, binding);
    this.learnAddress(binding);
    this.log.info({ index, nodeId: voter.nodeId, directoryId: voter.directoryId, address: binding.address }, 'voter recorded');
  }

  private applyConfChange(change: ConfChange, index: number): void {
    const before = this.appliedVoters;
    this.appliedVoters = change.voters ?? (change.type === 'add-voter' ? [...before, change.nodeId] : before.filter((id) => id !== change.nodeId));
    if (change.type === 'remove-voter') this.bindings.delete(change.nodeId);
    this.log.info({ index, change: change.type, nodeId: change.nodeId, voters: this.appliedVoters }, 'configuration change applied');
  }

  private learnAddress(binding: VoterBinding): void {
    if (binding.address === '' || binding.nodeId === this.id) return;
    if (this.addresses.get(binding.nodeId) === binding.address) return;
    this.addresses.set(binding.nodeId, binding.address);
    this.transport.setPeerAddress(binding.nodeId, binding.address);
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.applied - this.snapshotIndex < this.settings.snapshotEveryEntries) return;
    const meta = this.core.snapshotMeta(this.applied);
    const data = wrapSnapshot(this.bindings.values(), await this.sm.snapshot());
    const snapshot: Snapshot = { meta, data };
    await this.storage.compact(snapshot);
    this.core.compact(snapshot);
    this.snapshotIndex = meta.index;
    this.log.debug({ index: meta.index, bytes: data.byteLength }, 'snapshot taken; log compacted');
  }

  /** A leader records the directory id of every voter not yet recorded, as seen in its messages. */
  private bindVoters(): void {
    const status = this.core.status();
    for (const v of status.voters) {
      if (this.bindings.has(v)) continue;
      const seen: SeenPeer | undefined = v === this.id ? { directoryId: this.identity.directoryId, replaces: this.identity.replaces ?? '' } : this.seen.get(v);
      // An incarnation that replaces a lost one is never recorded on a leader's own initiative.
      if (seen === undefined || seen.replaces !== '') continue;
      const pending = this.pendingBindings.get(v);
      if (pending !== undefined && pending.term === status.term && this.ticks - pending.tick < BINDING_RETRY_TICKS) continue;
      const result = this.core.propose(encodeVoterPayload({ nodeId: v, directoryId: seen.directoryId, address: this.addresses.get(v) ?? '' }));
      if (result.ok) this.pendingBindings.set(v, { term: result.term, tick: this.ticks });
    }
  }

  private noticeLeader(): void {
    const { leaderId, term } = this.core.status();
    if (leaderId === this.lastLeader.leaderId && (leaderId === NO_NODE || term === this.lastLeader.term)) return;
    this.lastLeader = { leaderId, term };
    this.log.info({ leaderId, term }, leaderId === NO_NODE ? 'no leader' : leaderId === this.id ? 'became leader' : 'following a leader');
    for (const listener of [...this.leaderListeners]) {
      try {
        listener(leaderId, term);
      } catch (err) {
        this.log.error({ err }, 'leader listener threw');
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Proposals and configuration changes

  private checkLeader(): void {
    if (this.stopRequested) throw new SamsaError('NOT_CONTROLLER', 'the raft node is stopped', { details: { leaderId: NO_NODE } });
    const { role, leaderId } = this.core.status();
    if (role !== Role.LEADER) throw new SamsaError('NOT_CONTROLLER', `node ${this.id} does not lead (leader: ${leaderId || 'unknown'})`, { details: { leaderId } });
  }

  /** Proposes an entry's data (already tagged) and waits for it to be applied here, until the deadline. */
  private proposeEntry(data: Uint8Array, deadline: number): Promise<{ index: number; term: number }> {
    return this.awaitApplied(deadline, () => this.core.propose(data));
  }

  private awaitApplied(deadline: number, propose: () => ProposeResult): Promise<{ index: number; term: number }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let index = 0;
      const settle = (err: Error | undefined, result?: { index: number; term: number }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (index !== 0) this.waiters.delete(index);
        if (err !== undefined) reject(err);
        else resolve(result!);
      };
      const timer = setTimeout(
        () => settle(index === 0 ? new SamsaError('REQUEST_TIMED_OUT', 'the proposal was not taken in time') : unknownOutcome(`entry ${index} was not applied in time`)),
        Math.max(0, deadline - Date.now()),
      );
      this.submit(
        () => {
          if (settled) return;
          const r = propose();
          if (!r.ok) return settle(proposalError(r));
          index = r.index;
          this.waiters.set(r.index, { term: r.term, resolve: (v) => settle(undefined, v), reject: (e) => settle(e) });
        },
        (err) => settle(err),
      );
    });
  }

  /** A conf change, retried while the core says "not yet" (its term's first entry, or a change, still uncommitted). */
  private async changeConfiguration(change: ConfChange, deadline: number): Promise<void> {
    for (;;) {
      try {
        await this.awaitApplied(deadline, () => this.core.proposeConfChange(change));
        return;
      } catch (err) {
        const retry = err instanceof SamsaError && (err.details['reason'] === 'conf-change-pending' || err.details['reason'] === 'leader-term-not-committed');
        if (!retry || Date.now() + this.settings.tickMs >= deadline) throw err;
        await new Promise((r) => setTimeout(r, this.settings.tickMs));
      }
    }
  }

  private warnThrottled(key: string, fields: object, message: string): void {
    const now = Date.now();
    const last = this.dropWarnings.get(key) ?? -Infinity;
    if (now - last < 10_000) return;
    this.dropWarnings.set(key, now);
    this.log.warn(fields, message);
  }
}

/**
 * The bootstrap voters the core starts from. The core uses them for as long as the log holds
 * neither a snapshot nor a configuration change, so they are recorded at the first start and, once
 * the node has any state, a different list in the options is ignored (with a warning): a node
 * restarted with another list must not form another cluster. Before any state exists (term 0, no
 * entries) the options win, so a mistyped list can still be corrected.
 */
async function settleBootstrapVoters(options: RaftNodeOptions, stored: StoredState, configured: readonly NodeId[]): Promise<readonly NodeId[]> {
  const hasState = stored.hardState.term > 0 || stored.entries.length > 0 || stored.snapshot !== undefined;
  const recorded = [...stored.bootstrapVoters].sort((a, b) => a - b);
  const same = recorded.length === configured.length && recorded.every((v, i) => v === configured[i]);
  if (stored.bootstrapRecorded && hasState) {
    if (!same && options.bootstrapVoters !== undefined) {
      options.logger.warn({ configured, recorded }, 'bootstrap voters differ from those this node first started with; using the recorded ones');
    }
    return recorded;
  }
  if (!stored.bootstrapRecorded || !same) await options.storage.recordBootstrapVoters(configured);
  return configured;
}

function proposalError(r: Extract<ProposeResult, { ok: false }>): SamsaError {
  const details = { leaderId: r.leaderId, reason: r.reason };
  switch (r.reason) {
    case 'not-leader':
      return new SamsaError('NOT_CONTROLLER', `not the leader (leader: ${r.leaderId || 'unknown'})`, { details });
    case 'transferring':
      return new SamsaError('NOT_CONTROLLER', 'leadership is being transferred', { details });
    case 'too-many-uncommitted':
      return new SamsaError('NOT_ENOUGH_REPLICAS', 'the leader holds too many uncommitted entries (followers are not keeping up); nothing was proposed', { details });
    case 'conf-change-pending':
      return new SamsaError('NOT_CONTROLLER', 'another configuration change is not committed yet', { details });
    case 'leader-term-not-committed':
      return new SamsaError('NOT_CONTROLLER', 'the leader has not committed an entry of its term yet', { details });
    case 'invalid-conf-change':
      return new SamsaError('INVALID_REQUEST', 'the configuration change is not valid here (a voter added twice, a non-voter or the last voter removed)', { details });
  }
}
