// The Raft state machine: pure, deterministic, single-threaded. It reads no clock (time is tick()),
// opens no socket (messages go out through ready()), draws randomness only from config.random, and
// never writes to disk: ready() says what to persist, and the driver persists it before it sends
// the messages of the same Ready (see the IO contract on Ready in types.ts).
//
// Section numbers cite the Raft paper (Ongaro & Ousterhout, 2014, "§") and Ongaro's thesis (2014,
// "thesis §"). The shape (tick/step/propose/ready/advance, progress states, pre-vote, check-quorum,
// leader lease) follows etcd's raft.
import { assert } from './assert.js';
import { NODE_ID_MAX, RAFT_CORE_DEFAULTS, validateRaftConfig } from './config.js';
import { encodeConfChange } from './confchange.js';
import { RaftLog } from './log.js';
import { Membership } from './membership.js';
import { Progress } from './progress.js';
import {
  EntryType,
  MessageType,
  NO_NODE,
  Role,
  type ConfChange,
  type Entry,
  type HardState,
  type InitialState,
  type Message,
  type NodeId,
  type RaftConfig,
  type RaftLogger,
  type RaftMutations,
  type RaftStatus,
  type Ready,
  type Snapshot,
  type SnapshotMeta,
  type SoftState,
} from './types.js';

export type ProposeResult =
  | { ok: true; index: number; term: number }
  | {
      ok: false;
      /** 'invalid-conf-change': adding a voter that is one, removing one that is not, or the last one. */
      reason: 'not-leader' | 'transferring' | 'too-many-uncommitted' | 'conf-change-pending' | 'leader-term-not-committed' | 'invalid-conf-change';
      leaderId: NodeId;
    };

const EMPTY_BYTES = new Uint8Array(0);
const MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.values(MessageType));
const ENTRY_TYPES: ReadonlySet<string> = new Set(Object.values(EntryType));

/**
 * Messages queued for one peer between two ready() calls, beyond what flow control already bounds
 * (maxInflightAppends). Raft tolerates lost messages, so on overflow the oldest one is dropped.
 */
const OUTBOX_SLACK_PER_PEER = 16;

/** A snapshot chunk unacknowledged for this many heartbeat intervals is sent again. */
const SNAPSHOT_RESEND_HEARTBEATS = 3;

type MessageFields = Partial<Omit<Message, 'type' | 'to' | 'from'>> & { type: Message['type']; to: NodeId };

interface IncomingSnapshot {
  readonly meta: SnapshotMeta;
  readonly chunks: Uint8Array[];
  bytes: number;
}

export class RaftCore {
  private readonly id: NodeId;
  private readonly electionTicks: number;
  private readonly heartbeatTicks: number;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly maxAppendBytes: number;
  private readonly maxSnapshotChunkBytes: number;
  private readonly maxUncommittedEntries: number;
  private readonly maxInflightAppends: number;
  private readonly maxSnapshotBytes: number;
  private readonly random: () => number;
  private readonly logger: RaftLogger;
  private readonly mutations: RaftMutations;

  // Persistent state (§5, Figure 2): term and vote travel in HardState, the log in Ready.entries.
  private term: number;
  private vote: NodeId;
  private readonly log: RaftLog;
  private readonly membership: Membership;

  private role: Role = Role.FOLLOWER;
  private leaderId: NodeId = NO_NODE;
  /** Leader only: one per voter, self included when a voter. */
  private progress = new Map<NodeId, Progress>();
  /** (Pre-)candidate only: the answers so far. */
  private votes = new Map<NodeId, boolean>();

  /**
   * Followers and candidates: ticks since the last word from a leader (or since the election
   * started); it is also the leader lease (thesis §4.2.3). Leaders: ticks in the current
   * check-quorum window.
   */
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private transferee: NodeId = NO_NODE;
  private transferElapsed = 0;

  /** The latest snapshot of the state machine (sent to followers that need compacted entries). */
  private snapshot: Snapshot | undefined;
  /** A snapshot received from the leader and installed, not yet handed out in a Ready. */
  private pendingSnapshot: Snapshot | undefined;
  /** Chunks of a snapshot being received. */
  private incoming: IncomingSnapshot | undefined;

  private outbox: Message[] = [];
  private readonly outboxCounts = new Map<NodeId, number>();
  private lastSoft: SoftState;
  private lastHard: HardState;
  /** The Ready handed out and not yet advanced: what advance() marks as applied. */
  private inFlight: { applying: number } | undefined;
  /** Mutation sendBeforePersist only: a Ready's state, held back to go out with the next messages. */
  private deferred: { ready: Omit<Ready, 'messages'>; applying: number } | undefined;

  constructor(config: RaftConfig, initial: InitialState) {
    const cfg = validateRaftConfig(config);
    this.id = cfg.id;
    this.electionTicks = cfg.electionTicks;
    this.heartbeatTicks = cfg.heartbeatTicks;
    this.preVote = cfg.preVote;
    this.checkQuorum = cfg.checkQuorum;
    this.maxAppendBytes = cfg.maxAppendBytes;
    this.maxSnapshotChunkBytes = cfg.maxSnapshotChunkBytes;
    this.maxUncommittedEntries = cfg.maxUncommittedEntries;
    this.maxInflightAppends = cfg.maxInflightAppends ?? RAFT_CORE_DEFAULTS.maxInflightAppends;
    this.maxSnapshotBytes = cfg.maxSnapshotBytes ?? RAFT_CORE_DEFAULTS.maxSnapshotBytes;
    this.random = cfg.random;
    this.logger = cfg.logger;
    this.mutations = cfg.mutations ?? {};

    const snap = initial.snapshot;
    this.snapshot = snap;
    this.log = new RaftLog(snap?.meta.index ?? 0, snap?.meta.term ?? 0, initial.entries, initial.hardState.commit, initial.applied ?? 0);
    this.membership = new Membership(snap?.meta.index ?? 0, snap?.meta.voters ?? initial.bootstrapVoters, this.logger);
    for (const e of initial.entries) this.membership.onAppend(e);
    this.term = initial.hardState.term;
    this.vote = initial.hardState.vote;
    assert(this.log.lastTerm() <= this.term, `last entry term ${this.log.lastTerm()} above the stored term ${this.term}`);
    this.lastHard = this.hardState();
    this.lastSoft = { leaderId: NO_NODE, role: Role.FOLLOWER };
    this.resetRandomizedElectionTimeout();
    this.logger.info({ id: this.id, term: this.term, commit: this.log.commit, lastIndex: this.log.lastIndex(), voters: this.membership.voters() }, 'raft core started');
  }

  // ---------------------------------------------------------------------------------------------
  // The driver's API

  /** One unit of logical time: elections, heartbeats, check-quorum and transfer deadlines count ticks. */
  tick(): void {
    if (this.role === Role.LEADER) this.tickLeader();
    else this.tickElection();
    this.checkInvariants();
  }

  /**
   * A message from another node. Stale, duplicate, reordered or malformed messages are answered or
   * dropped, never thrown on; messages addressed to another node are ignored.
   */
  step(message: Message): void {
    const problem = malformed(message);
    if (problem !== undefined) {
      this.logger.warn({ from: (message as Partial<Message> | undefined)?.from, problem }, 'malformed raft message dropped');
      return;
    }
    if (message.to !== this.id || message.from === this.id) return;
    this.stepChecked(message);
    this.checkInvariants();
  }

  /**
   * Append an application entry (leader only). `ok` means appended to the leader's log, not
   * committed: the entry commits when it comes back in Ready.committedEntries.
   */
  propose(data: Uint8Array): ProposeResult {
    const refusal = this.proposalRefusal();
    if (refusal !== undefined) return refusal;
    const entry = this.appendAsLeader(EntryType.NORMAL, data);
    return { ok: true, index: entry.index, term: entry.term };
  }

  /**
   * Add or remove one voter (thesis §4.1, single-server changes): one at a time, and only once the
   * leader has committed an entry of its own term. The configuration takes effect on each node when
   * the entry is appended to its log; a removed leader steps down once the change commits.
   */
  proposeConfChange(change: ConfChange): ProposeResult {
    const refusal = this.proposalRefusal();
    if (refusal !== undefined) return refusal;
    const no = (reason: Extract<ProposeResult, { ok: false }>['reason']): ProposeResult => ({ ok: false, reason, leaderId: this.leaderId });
    // Thesis §4.1 and Ongaro's 2015 correction to single-server changes: a leader may change the
    // configuration only once an entry of its own term has committed, and one change at a time
    // ("the leader does not start a new change until the previous one has committed").
    if (this.log.term(this.log.commit) !== this.term) return no('leader-term-not-committed');
    if (this.membership.lastChangeIndex() > this.log.commit) return no('conf-change-pending');
    const voters = this.membership.voters();
    const known = voters.includes(change.nodeId);
    if (!Number.isSafeInteger(change.nodeId) || change.nodeId < 1 || change.nodeId > NODE_ID_MAX) return no('invalid-conf-change');
    if (change.type === 'add-voter' && known) return no('invalid-conf-change');
    if (change.type === 'remove-voter' && (!known || voters.length === 1)) return no('invalid-conf-change');
    if (change.type !== 'add-voter' && change.type !== 'remove-voter') return no('invalid-conf-change');
    const after = change.type === 'add-voter' ? [...voters, change.nodeId] : voters.filter((id) => id !== change.nodeId);
    const entry = this.appendAsLeader(EntryType.CONF_CHANGE, encodeConfChange({ type: change.type, nodeId: change.nodeId, voters: after }));
    this.logger.info({ term: this.term, index: entry.index, change: change.type, nodeId: change.nodeId, voters: after }, 'proposed conf change');
    return { ok: true, index: entry.index, term: entry.term };
  }

  /**
   * Hand leadership to `to` (thesis §3.10): stop taking proposals, bring it up to date, send it
   * TIMEOUT_NOW; it campaigns at once with `transfer: true`, which voters honour despite the leader
   * lease. Aborted after an election timeout. False when not leader or `to` is not a voter.
   */
  transferLeadership(to: NodeId): boolean {
    if (this.role !== Role.LEADER || !this.membership.isVoter(to)) return false;
    if (to === this.id) return true;
    if (this.transferee === to) return true;
    // Thesis §3.10: stop accepting proposals, bring the target up to date, then TIMEOUT_NOW.
    this.transferee = to;
    this.transferElapsed = 0;
    this.logger.info({ term: this.term, to }, 'leadership transfer started');
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: MessageType.TIMEOUT_NOW, to });
    else this.maybeSendAppend(to, true);
    return true;
  }

  /** Start an election now (with pre-vote when configured): tests, bootstrap of a one-node cluster. */
  campaign(): void {
    this.hup(false);
  }

  /** Whether ready() has something to hand out. False while a Ready is out, until advance(). */
  hasReady(): boolean {
    if (this.inFlight !== undefined) return false;
    return (
      this.outbox.length > 0 ||
      this.log.hasUnstable() ||
      this.pendingSnapshot !== undefined ||
      this.log.hasCommittedToHandOut() ||
      this.leaderId !== this.lastSoft.leaderId ||
      this.role !== this.lastSoft.role ||
      !sameHardState(this.hardState(), this.lastHard) ||
      this.deferred !== undefined
    );
  }

  /** What to persist, send and apply now (the IO contract is on the Ready type). */
  ready(): Ready {
    assert(this.inFlight === undefined, 'ready() called again before advance()');
    let softState: SoftState | undefined;
    if (this.leaderId !== this.lastSoft.leaderId || this.role !== this.lastSoft.role) {
      softState = { leaderId: this.leaderId, role: this.role };
      this.lastSoft = softState;
    }
    let hardState: HardState | undefined;
    const hs = this.hardState();
    if (!sameHardState(hs, this.lastHard)) {
      hardState = hs;
      this.lastHard = hs;
    }
    const entries = this.log.takeUnstable();
    const snapshot = this.pendingSnapshot;
    this.pendingSnapshot = undefined;
    const committedEntries = this.log.takeCommitted(this.maxAppendBytes, this.maxUncommittedEntries);
    const messages = this.outbox;
    this.outbox = [];
    this.outboxCounts.clear();
    const state: Omit<Ready, 'messages'> = { entries, committedEntries };
    if (softState !== undefined) Object.assign(state, { softState });
    if (hardState !== undefined) Object.assign(state, { hardState });
    if (snapshot !== undefined) Object.assign(state, { snapshot });
    if (this.mutations.sendBeforePersist === true) {
      // MUTATION (test only): the messages leave now, the state they depend on with the next Ready.
      const held = this.deferred ?? { ready: { entries: [], committedEntries: [] }, applying: this.log.applied };
      const empty = state.entries.length === 0 && state.committedEntries.length === 0 && hardState === undefined && softState === undefined && snapshot === undefined;
      this.deferred = empty ? undefined : { ready: state, applying: this.log.applying };
      this.inFlight = { applying: held.applying };
      return { ...held.ready, messages };
    }
    this.inFlight = { applying: this.log.applying };
    return { ...state, messages };
  }

  /** The last Ready was persisted, sent and applied. */
  advance(): void {
    assert(this.inFlight !== undefined, 'advance() without a Ready');
    assert(this.inFlight.applying <= this.log.commit, 'applied beyond commit');
    this.log.applied = Math.max(this.log.applied, this.inFlight.applying);
    this.inFlight = undefined;
    this.checkInvariants();
  }

  /**
   * The driver applied up to snapshot.meta.index and made this snapshot of its state machine (its
   * meta from snapshotMeta()): the core drops the entries it covers and from now on sends it to
   * followers that need earlier entries. An older snapshot than the core's is ignored.
   */
  compact(snapshot: Snapshot): void {
    const { index, term, voters } = snapshot.meta;
    assert(index <= this.log.applied, `compact(${index}) beyond applied ${this.log.applied}`);
    if (index <= this.log.snapshotIndex) return; // an older snapshot than ours: nothing to do
    assert(this.log.term(index) === term, `compact(${index}): term ${term} does not match the log's ${String(this.log.term(index))}`);
    assert(sameVoters(voters, this.membership.votersAt(index)), `compact(${index}): voters [${voters.join(',')}] are not those at that index; build the meta with snapshotMeta()`);
    this.membership.compact(index);
    this.log.compact(index);
    this.snapshot = snapshot;
  }

  /** The meta a snapshot of the state machine at `index` (<= applied) must carry. */
  snapshotMeta(index: number): SnapshotMeta {
    const term = this.log.term(index);
    assert(term !== undefined && index <= this.log.applied, `snapshotMeta(${index}): not an applied index still in the log`);
    return { index, term, voters: [...this.membership.votersAt(index)] };
  }

  status(): RaftStatus {
    const s: RaftStatus = {
      id: this.id,
      term: this.term,
      role: this.role,
      leaderId: this.leaderId,
      commit: this.log.commit,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      snapshotIndex: this.log.snapshotIndex,
      voters: [...this.membership.voters()],
      transferee: this.transferee,
    };
    if (this.role === Role.LEADER) Object.assign(s, { progress: [...this.progress.values()].map((p) => p.view()) });
    return s;
  }

  /** Read access to the in-memory log (status pages, the simulator's checker). */
  entryAt(index: number): Entry | undefined {
    return this.log.entry(index);
  }

  termAt(index: number): number | undefined {
    return this.log.term(index);
  }

  // ---------------------------------------------------------------------------------------------
  // Time

  private tickElection(): void {
    this.electionElapsed++;
    // §5.2: "If a follower receives no communication over a period of time called the election
    // timeout, then it assumes there is no viable leader and begins an election".
    if (this.membership.isVoter(this.id) && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTicks) {
      this.electionElapsed = 0;
      if (this.checkQuorum) {
        // Thesis §6.2: "a leader steps down if an election timeout elapses without a successful
        // round of heartbeats to a majority of its cluster".
        if (!this.quorumActive()) {
          this.logger.warn({ term: this.term }, 'leader lost its quorum; stepping down');
          this.becomeFollower(this.term, NO_NODE);
          return;
        }
        for (const pr of this.progress.values()) pr.recentActive = pr.id === this.id;
      }
    }
    if (this.transferee !== NO_NODE && ++this.transferElapsed >= this.electionTicks) {
      // Thesis §3.10: "If the transfer does not complete within about an election timeout, the prior
      // leader aborts the transfer and resumes accepting client requests."
      this.logger.info({ term: this.term, to: this.transferee }, 'leadership transfer aborted');
      this.transferee = NO_NODE;
    }
    for (const pr of this.progress.values()) {
      if (pr.state === 'snapshot' && ++pr.snapshotTicks >= SNAPSHOT_RESEND_HEARTBEATS * this.heartbeatTicks) this.sendSnapshotChunk(pr);
    }
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
    }
  }

  private resetRandomizedElectionTimeout(): void {
    // §5.2: randomized election timeouts make split votes rare. Range [electionTicks, 2*electionTicks).
    this.randomizedElectionTimeout = this.electionTicks + Math.floor(this.random() * this.electionTicks);
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private stepChecked(m: Message): void {
    if (m.term > this.term) {
      if (m.type === MessageType.VOTE || m.type === MessageType.PRE_VOTE) {
        // Thesis §4.2.3 (the leader lease): "if a server receives a RequestVote request within the
        // minimum election timeout of hearing from a current leader, it does not update its term or
        // grant its vote". A leadership transfer's vote is exempt: the old leader asked for it.
        const leaseApplies = this.checkQuorum || (this.preVote && m.type === MessageType.PRE_VOTE);
        const inLease = leaseApplies && this.leaderId !== NO_NODE && this.electionElapsed < this.electionTicks;
        if (inLease && !m.transfer) return;
      }
      if (m.type === MessageType.PRE_VOTE) {
        // Thesis §9.6: a pre-vote does not change anyone's term.
      } else if (m.type === MessageType.PRE_VOTE_RESPONSE && !m.reject) {
        // A granted pre-vote carries the term we would campaign for, not a term anyone holds.
      } else {
        // §5.1: "If one server's current term is smaller than the other's, then it updates its
        // current term to the larger value. If a candidate or leader discovers that its term is out
        // of date, it immediately reverts to follower state."
        const fromLeader = m.type === MessageType.APPEND || m.type === MessageType.HEARTBEAT || m.type === MessageType.SNAPSHOT;
        this.becomeFollower(m.term, fromLeader ? m.from : NO_NODE);
      }
    } else if (m.term < this.term) {
      // §5.1: "If a server receives a request with a stale term number, it rejects the request."
      if ((this.checkQuorum || this.preVote) && (m.type === MessageType.APPEND || m.type === MessageType.HEARTBEAT)) {
        // Tell a stale leader our term: with check-quorum or pre-vote we may never send it a vote
        // request with a higher term, so without this it could lead a minority forever.
        this.send({ type: MessageType.APPEND_RESPONSE, to: m.from });
      } else if (m.type === MessageType.PRE_VOTE) {
        this.send({ type: MessageType.PRE_VOTE_RESPONSE, to: m.from, reject: true });
      }
      return;
    }

    switch (m.type) {
      case MessageType.VOTE:
      case MessageType.PRE_VOTE:
        this.handleVoteRequest(m);
        return;
    }
    switch (this.role) {
      case Role.LEADER:
        this.stepLeader(m);
        return;
      case Role.CANDIDATE:
      case Role.PRE_CANDIDATE:
        this.stepCandidate(m);
        return;
      case Role.FOLLOWER:
        this.stepFollower(m);
        return;
    }
  }

  private handleVoteRequest(m: Message): void {
    const isPre = m.type === MessageType.PRE_VOTE;
    // §5.2: "Each server will vote for at most one candidate in a given term, on a
    // first-come-first-served basis". A repeat of the vote we cast is answered again (the first
    // answer may have been lost). A pre-vote for a later term binds nothing.
    let canVote = this.vote === m.from || (this.vote === NO_NODE && this.leaderId === NO_NODE) || (isPre && m.term > this.term);
    if (!isPre && this.mutations.voteTwice === true) canVote = true; // MUTATION (test only)
    // §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate."
    const upToDate = this.log.isUpToDate(m.index, m.logTerm);
    const type = isPre ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE;
    if (canVote && upToDate) {
      // The answer carries the request's term: for a pre-vote that is a future term, which the
      // pre-candidate counts; with our own (older) term it would drop the answer as stale.
      this.send({ type, to: m.from, term: m.term });
      if (!isPre) {
        assert(this.vote === NO_NODE || this.vote === m.from || this.mutations.voteTwice === true, 'voted twice in one term');
        this.vote = m.from;
        this.electionElapsed = 0;
      }
    } else {
      this.send({ type, to: m.from, reject: true });
    }
  }

  private stepLeader(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return; // not a voter (any more): nothing to track
    switch (m.type) {
      case MessageType.APPEND_RESPONSE:
        pr.recentActive = true;
        this.handleAppendResponse(pr, m);
        return;
      case MessageType.HEARTBEAT_RESPONSE:
        pr.recentActive = true;
        pr.probeSent = false;
        // Every APPEND that filled the window may have been lost: free one slot so we can resend.
        if (pr.state === 'replicate' && pr.inflights.length >= this.maxInflightAppends) pr.inflights.shift();
        if (pr.match < this.log.lastIndex() || pr.state === 'probe') this.maybeSendAppend(m.from, true);
        return;
      case MessageType.SNAPSHOT_RESPONSE:
        pr.recentActive = true;
        this.handleSnapshotResponse(pr, m);
        return;
      default:
        // Another leader in our term cannot exist (§5.2, election safety); candidates' and
        // followers' messages addressed to a leader of this term have nothing to tell it.
        return;
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case MessageType.APPEND:
      case MessageType.HEARTBEAT:
      case MessageType.SNAPSHOT:
        // §5.2: "If the leader's term (included in its RPC) is at least as large as the candidate's
        // current term, then the candidate recognizes the leader as legitimate and returns to
        // follower state."
        this.becomeFollower(m.term, m.from);
        this.stepFollower(m);
        return;
      case MessageType.PRE_VOTE_RESPONSE:
        if (this.role !== Role.PRE_CANDIDATE) return;
        // Only answers to this pre-campaign: a grant carries term + 1 (a stale grant from an earlier
        // pre-campaign can carry our current term).
        if (!m.reject && m.term !== this.term + 1) return;
        this.poll(m.from, !m.reject);
        return;
      case MessageType.VOTE_RESPONSE:
        if (this.role !== Role.CANDIDATE) return;
        this.poll(m.from, !m.reject);
        return;
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.APPEND:
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleAppend(m);
        return;
      case MessageType.HEARTBEAT:
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleHeartbeat(m);
        return;
      case MessageType.SNAPSHOT:
        this.electionElapsed = 0;
        this.leaderId = m.from;
        this.handleSnapshot(m);
        return;
      case MessageType.TIMEOUT_NOW:
        // Thesis §3.10: the target starts an election at once, without pre-vote: the leader asked.
        this.logger.info({ term: this.term, from: m.from }, 'received timeout-now; campaigning');
        this.hup(true);
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Elections

  private hup(transfer: boolean): void {
    if (this.role === Role.LEADER) return;
    if (!this.membership.isVoter(this.id)) return; // not in the configuration: may not campaign
    if (this.preVote && !transfer) this.campaignPre();
    else this.campaignReal(transfer);
  }

  /**
   * Thesis §9.6 (pre-vote): "a candidate would first ask other servers whether its log was
   * up-to-date enough to get their vote. Only if the candidate believed it could get votes from a
   * majority of the cluster would it increment its term and start a normal election."
   */
  private campaignPre(): void {
    this.reset(this.term);
    this.role = Role.PRE_CANDIDATE;
    this.logger.info({ term: this.term }, 'became pre-candidate');
    if (this.poll(this.id, true)) return;
    for (const to of this.membership.voters()) {
      if (to === this.id) continue;
      this.send({ type: MessageType.PRE_VOTE, to, term: this.term + 1, index: this.log.lastIndex(), logTerm: this.log.lastTerm() });
    }
  }

  /**
   * §5.2: "To begin an election, a follower increments its current term and transitions to
   * candidate state. It then votes for itself and issues RequestVote RPCs in parallel".
   */
  private campaignReal(transfer: boolean): void {
    this.reset(this.term + 1);
    this.role = Role.CANDIDATE;
    this.vote = this.id;
    this.logger.info({ term: this.term, transfer }, 'became candidate');
    if (this.poll(this.id, true)) return;
    for (const to of this.membership.voters()) {
      if (to === this.id) continue;
      this.send({ type: MessageType.VOTE, to, index: this.log.lastIndex(), logTerm: this.log.lastTerm(), transfer });
    }
  }

  /** Record an answer; win or lose the (pre-)election once a majority decided. Returns whether won. */
  private poll(from: NodeId, granted: boolean): boolean {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    const voters = this.membership.voters();
    let yes = 0;
    let no = 0;
    for (const id of voters) {
      const v = this.votes.get(id);
      if (v === true) yes++;
      else if (v === false) no++;
    }
    const quorum = Math.floor(voters.length / 2) + 1;
    // §5.2: "A candidate wins an election if it receives votes from a majority of the servers in the
    // full cluster for the same term."
    if (yes >= quorum) {
      if (this.role === Role.PRE_CANDIDATE) this.campaignReal(false);
      else this.becomeLeader();
      return true;
    }
    if (no > voters.length - quorum) this.becomeFollower(this.term, NO_NODE);
    return false;
  }

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = NO_NODE;
    }
    this.leaderId = NO_NODE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.transferee = NO_NODE;
    this.transferElapsed = 0;
    this.votes.clear();
    this.progress.clear();
  }

  private becomeFollower(term: number, leaderId: NodeId): void {
    const wasLeader = this.role === Role.LEADER;
    this.reset(term);
    this.role = Role.FOLLOWER;
    this.leaderId = leaderId;
    if (wasLeader) this.logger.info({ term }, 'stepped down');
  }

  private becomeLeader(): void {
    assert(this.role === Role.CANDIDATE, 'only a candidate becomes leader');
    this.reset(this.term);
    this.role = Role.LEADER;
    this.leaderId = this.id;
    this.syncProgress();
    for (const pr of this.progress.values()) pr.recentActive = pr.id === this.id;
    this.logger.info({ term: this.term, lastIndex: this.log.lastIndex() }, 'became leader');
    // §8: "each leader commit a blank no-op entry into the log at the start of its term"; it is what
    // commits the entries of earlier terms (§5.4.2), which are never committed by counting.
    this.appendAsLeader(EntryType.EMPTY, EMPTY_BYTES);
  }

  private quorumActive(): boolean {
    const voters = this.membership.voters();
    let active = 0;
    for (const id of voters) if (id === this.id || this.progress.get(id)?.recentActive === true) active++;
    return active >= Math.floor(voters.length / 2) + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Replication, leader side

  private proposalRefusal(): ProposeResult | undefined {
    if (this.role !== Role.LEADER) return { ok: false, reason: 'not-leader', leaderId: this.leaderId };
    // A leader that removed itself keeps leading only until the removal commits (thesis §4.2.2).
    if (!this.membership.isVoter(this.id)) return { ok: false, reason: 'not-leader', leaderId: NO_NODE };
    if (this.transferee !== NO_NODE) return { ok: false, reason: 'transferring', leaderId: this.leaderId };
    if (this.log.lastIndex() - this.log.commit >= this.maxUncommittedEntries) return { ok: false, reason: 'too-many-uncommitted', leaderId: this.leaderId };
    return undefined;
  }

  /** §5.3: "The leader appends the command to its log as a new entry, then issues AppendEntries RPCs in parallel". */
  private appendAsLeader(type: Entry['type'], data: Uint8Array): Entry {
    const entry: Entry = { index: this.log.lastIndex() + 1, term: this.term, type, data };
    this.log.append([entry]);
    // The leader counts its own copy at once: its driver persists this entry before it sends the
    // APPENDs carrying it, so no follower can acknowledge it before the leader has it on disk
    // (thesis §10.2.1 allows the leader's write in parallel with replication).
    this.progress.get(this.id)?.maybeUpdate(entry.index);
    if (this.membership.onAppend(entry)) this.onConfigChanged();
    this.broadcastAppend();
    this.maybeCommit();
    return entry;
  }

  /** Make the progress map match the configuration (voters added or removed). */
  private syncProgress(): void {
    const voters = this.membership.voters();
    for (const id of [...this.progress.keys()]) if (!voters.includes(id)) this.progress.delete(id);
    for (const id of voters) {
      if (this.progress.has(id)) continue;
      const pr = new Progress(id, this.log.lastIndex() + 1);
      if (id === this.id) {
        pr.match = this.log.lastIndex();
        pr.becomeReplicate();
        pr.recentActive = true;
      }
      this.progress.set(id, pr);
    }
  }

  /** The configuration changed (a conf entry appended, or truncated away). */
  private onConfigChanged(): void {
    this.logger.info({ term: this.term, voters: this.membership.voters() }, 'configuration changed');
    if (this.role !== Role.LEADER) return;
    this.syncProgress();
    if (this.transferee !== NO_NODE && !this.membership.isVoter(this.transferee)) this.transferee = NO_NODE;
    // A removal shrinks the quorum: entries may now be committed.
    this.maybeCommit();
  }

  private broadcastAppend(): void {
    for (const id of this.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, true);
  }

  private broadcastHeartbeat(): void {
    for (const pr of this.progress.values()) {
      if (pr.id === this.id) continue;
      // Only up to what the follower is known to hold: its log may not match ours beyond `match`.
      this.send({ type: MessageType.HEARTBEAT, to: pr.id, commit: Math.min(pr.match, this.log.commit) });
    }
  }

  /** Send the follower what it lacks, if flow control allows. Returns whether an APPEND went out. */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (pr === undefined || pr.isPaused(this.maxInflightAppends)) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined) {
      // §7: "the leader must occasionally send snapshots to followers that lag behind" — the entries
      // it needs were compacted away.
      this.startSnapshot(pr);
      return false;
    }
    const last = this.log.lastIndex();
    const entries = pr.next <= last ? this.log.slice(pr.next, last, this.maxAppendBytes) : [];
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: MessageType.APPEND, to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.commit });
    pr.sentAppend(entries.at(-1)?.index ?? 0);
    return true;
  }

  private handleAppendResponse(pr: Progress, m: Message): void {
    if (m.reject) {
      // §5.3 with the optimization at its end: the follower's hint names the last index where its
      // log can match (rejectHint) and its term there; we skip every index of ours whose term is
      // above that term, probing at most once per term.
      let hint = m.rejectHint;
      if (m.rejectHintTerm > 0) hint = this.log.findConflictByTerm(m.rejectHint, m.rejectHintTerm).index;
      if (pr.maybeDecrTo(m.index, hint)) this.maybeSendAppend(pr.id, true);
      return;
    }
    const wasProbe = pr.state === 'probe';
    if (!pr.maybeUpdate(m.index) && !(wasProbe && pr.match === m.index)) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'replicate') pr.freeLE(m.index);
    else if (pr.match >= this.log.snapshotIndex) pr.becomeReplicate(); // caught up without the snapshot
    if (this.maybeCommit()) this.broadcastAppend();
    // Flow control may now allow several APPENDs; bounded by maxInflightAppends.
    while (this.role === Role.LEADER && this.maybeSendAppend(pr.id, false)) {
      /* keep sending */
    }
    if (this.role === Role.LEADER && pr.id === this.transferee && pr.match === this.log.lastIndex()) {
      this.send({ type: MessageType.TIMEOUT_NOW, to: pr.id });
    }
  }

  /**
   * §5.3/§5.4.2: an entry is committed once stored on a majority, but the leader counts replicas
   * only for entries of its own term ("Raft never commits log entries from previous terms by
   * counting replicas"); earlier entries commit with them (Log Matching).
   */
  private maybeCommit(): boolean {
    if (this.role !== Role.LEADER) return false;
    const voters = this.membership.voters();
    if (voters.length === 0) return false;
    const matches = voters.map((id) => this.progress.get(id)?.match ?? 0).sort((a, b) => b - a);
    const candidate = matches[Math.floor(voters.length / 2)]!;
    if (candidate <= this.log.commit) return false;
    const ownTerm = this.log.term(candidate) === this.term;
    if (!ownTerm && this.mutations.commitPreviousTermByCounting !== true) return false;
    this.log.commitTo(candidate);
    this.afterLeaderCommit();
    return true;
  }

  private afterLeaderCommit(): void {
    // Thesis §4.2.2: a leader that is not part of the new configuration steps down once that
    // configuration's entry is committed. It first tells the others the commit index.
    if (!this.membership.isVoter(this.id) && this.log.commit >= this.membership.lastChangeIndex()) {
      this.broadcastAppend();
      this.logger.info({ term: this.term }, 'removed from the configuration; stepping down');
      this.becomeFollower(this.term, NO_NODE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots, leader side (InstallSnapshot in chunks, §7 and Figure 13)

  private startSnapshot(pr: Progress): void {
    const snap = this.snapshot;
    assert(snap !== undefined, 'entries were compacted but there is no snapshot');
    pr.becomeSnapshot(snap);
    this.logger.info({ term: this.term, to: pr.id, index: snap.meta.index }, 'sending snapshot');
    this.sendSnapshotChunk(pr);
  }

  private sendSnapshotChunk(pr: Progress): void {
    const snap = pr.snapshot!;
    const offset = pr.snapshotOffset;
    const chunk = snap.data.subarray(offset, offset + this.maxSnapshotChunkBytes);
    this.send({
      type: MessageType.SNAPSHOT,
      to: pr.id,
      snapshotMeta: snap.meta,
      snapshotOffset: offset,
      snapshotChunk: chunk,
      snapshotDone: offset + chunk.length >= snap.data.length,
      commit: this.log.commit,
    });
    pr.snapshotTicks = 0;
  }

  private handleSnapshotResponse(pr: Progress, m: Message): void {
    if (pr.state !== 'snapshot' || pr.snapshot === undefined || m.snapshotMeta?.index !== pr.snapshot.meta.index) return;
    if (m.snapshotDone && !m.reject) {
      // Installed (or not needed: the follower had committed past it). It holds our log up to m.index.
      pr.maybeUpdate(m.index);
      pr.becomeProbe();
      this.logger.info({ term: this.term, to: pr.id, index: m.index }, 'snapshot installed on follower');
      if (this.maybeCommit()) this.broadcastAppend();
      this.maybeSendAppend(pr.id, true);
      return;
    }
    // The follower says which offset it expects next: continue there (or restart, on reject).
    const expected = Math.min(Math.max(0, m.snapshotOffset), pr.snapshot.data.length);
    if (m.reject || expected > pr.snapshotOffset) {
      pr.snapshotOffset = expected;
      this.sendSnapshotChunk(pr);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Follower side

  private handleAppend(m: Message): void {
    if (m.index < this.log.commit) {
      // Everything up to our commit index matches the leader's log; tell it where we are.
      this.send({ type: MessageType.APPEND_RESPONSE, to: m.from, index: this.log.commit });
      return;
    }
    if (this.log.matchTerm(m.index, m.logTerm)) {
      const lastNew = m.index + m.entries.length;
      const conflict = this.log.findConflict(m.entries);
      if (conflict !== 0) {
        if (conflict <= this.log.commit) {
          // A leader never contradicts a committed entry (Leader Completeness); refuse to lose one.
          this.logger.error({ from: m.from, term: m.term, conflict, commit: this.log.commit }, 'append conflicts with a committed entry; ignored');
          return;
        }
        // §5.3: "If an existing entry conflicts with a new one (same index but different terms),
        // delete the existing entry and all that follow it" — and with them their configurations.
        const fresh = m.entries.slice(conflict - m.index - 1);
        let configChanged = this.membership.truncateFrom(conflict);
        this.log.append(fresh);
        for (const e of fresh) if (this.membership.onAppend(e)) configChanged = true;
        if (configChanged) this.onConfigChanged();
      }
      // Only up to what we now know matches the leader's log.
      this.log.commitTo(Math.min(m.commit, lastNew));
      this.send({ type: MessageType.APPEND_RESPONSE, to: m.from, index: lastNew });
      return;
    }
    // §5.3: "If a follower's log does not contain an entry at prevLogIndex whose term matches
    // prevLogTerm, it refuses the new entries"; the hint lets the leader skip a whole term at once.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send({ type: MessageType.APPEND_RESPONSE, to: m.from, index: m.index, reject: true, rejectHint: hint.index, rejectHintTerm: hint.term });
  }

  private handleHeartbeat(m: Message): void {
    if (m.commit > this.log.lastIndex()) {
      // The leader believes we hold entries we do not: our storage lost acknowledged entries.
      this.logger.error({ from: m.from, commit: m.commit, lastIndex: this.log.lastIndex() }, 'heartbeat commit beyond our log; ignored');
    } else {
      this.log.commitTo(m.commit);
    }
    this.send({ type: MessageType.HEARTBEAT_RESPONSE, to: m.from });
  }

  private handleSnapshot(m: Message): void {
    const meta = m.snapshotMeta!;
    const answer = (fields: Partial<Message>): void => this.send({ type: MessageType.SNAPSHOT_RESPONSE, to: m.from, snapshotMeta: meta, ...fields });
    if (meta.index <= this.log.commit) {
      // We already hold (committed) everything it covers.
      this.incoming = undefined;
      answer({ snapshotDone: true, index: this.log.commit });
      return;
    }
    let inc = this.incoming;
    const same = inc !== undefined && inc.meta.index === meta.index && inc.meta.term === meta.term;
    if (!same) {
      if (m.snapshotOffset !== 0) {
        // A chunk of a transfer we do not hold the start of (we restarted, or a newer one began).
        answer({ reject: true, snapshotOffset: 0 });
        return;
      }
      inc = { meta, chunks: [], bytes: 0 };
      this.incoming = inc;
    }
    assert(inc !== undefined, 'incoming snapshot');
    if (m.snapshotOffset !== inc.bytes) {
      // A duplicate (below) or a gap (above): say where we are; the leader continues from there.
      answer({ snapshotOffset: inc.bytes, reject: m.snapshotOffset > inc.bytes });
      return;
    }
    // Figure 13: "Write data into snapshot file at given offset", "Reply and wait for more data
    // chunks if done is false".
    if (inc.bytes + m.snapshotChunk.length > this.maxSnapshotBytes) {
      this.incoming = undefined;
      this.logger.error({ from: m.from, index: meta.index, maxSnapshotBytes: this.maxSnapshotBytes }, 'snapshot larger than maxSnapshotBytes; refused');
      answer({ reject: true, snapshotOffset: 0 });
      return;
    }
    if (m.snapshotChunk.length > 0) {
      inc.chunks.push(m.snapshotChunk.slice());
      inc.bytes += m.snapshotChunk.length;
    }
    if (!m.snapshotDone) {
      answer({ snapshotOffset: inc.bytes });
      return;
    }
    this.incoming = undefined;
    const data = concat(inc.chunks, inc.bytes);
    this.installSnapshot({ meta, data });
    answer({ snapshotDone: true, index: meta.index });
  }

  private installSnapshot(snap: Snapshot): void {
    const { index, term } = snap.meta;
    if (this.log.matchTerm(index, term)) {
      // §7: "If the follower receives a snapshot that describes a prefix of its log, log entries
      // covered by the snapshot are deleted but entries following the snapshot are still valid and
      // must be retained." We keep them all and simply know they are committed.
      this.log.commitTo(index);
      return;
    }
    // §7: "Usually the snapshot will contain new information not already in the recipient's log.
    // In this case, the follower discards its entire log; it is all superseded by the snapshot".
    this.log.restore(index, term);
    this.membership.restore(index, snap.meta.voters);
    this.snapshot = snap;
    this.pendingSnapshot = snap;
    this.logger.info({ term: this.term, index, snapshotTerm: term, voters: snap.meta.voters }, 'installed snapshot');
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  private send(fields: MessageFields): void {
    const m: Message = {
      from: this.id,
      term: this.term,
      index: 0,
      logTerm: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      rejectHintTerm: 0,
      snapshotOffset: 0,
      snapshotChunk: EMPTY_BYTES,
      snapshotDone: false,
      transfer: false,
      ...fields,
    };
    const to = m.to;
    if (m.type === MessageType.HEARTBEAT) {
      // One heartbeat per peer per Ready is enough: the newer one replaces the older.
      const i = this.outbox.findIndex((o) => o.to === to && o.type === MessageType.HEARTBEAT);
      if (i >= 0) {
        this.outbox[i] = m;
        return;
      }
    }
    const count = (this.outboxCounts.get(to) ?? 0) + 1;
    if (count > this.maxInflightAppends + OUTBOX_SLACK_PER_PEER) {
      // Bounded queue: drop this peer's oldest message. Raft tolerates loss; retries repair it.
      const i = this.outbox.findIndex((o) => o.to === to);
      this.outbox.splice(i, 1);
    } else {
      this.outboxCounts.set(to, count);
    }
    this.outbox.push(m);
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.commit };
  }

  private checkInvariants(): void {
    const log = this.log;
    assert(log.commit <= log.lastIndex(), `commit ${log.commit} <= lastIndex ${log.lastIndex()}`);
    assert(log.applied <= log.commit, `applied ${log.applied} <= commit ${log.commit}`);
    assert(log.snapshotIndex <= log.commit, `snapshotIndex ${log.snapshotIndex} <= commit ${log.commit}`);
    assert(log.lastTerm() <= this.term, `last log term ${log.lastTerm()} <= term ${this.term}`);
    assert(this.role !== Role.LEADER || this.leaderId === this.id, 'a leader leads');
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function sameVoters(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  const s = [...a].sort((x, y) => x - y);
  return s.every((id, i) => id === b[i]);
}

function concat(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isId = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** Why a message from the network cannot be processed, or undefined when it is well formed. */
function malformed(m: Message): string | undefined {
  if (typeof m !== 'object' || m === null) return 'not an object';
  if (!MESSAGE_TYPES.has(m.type)) return `unknown type ${String(m.type)}`;
  if (!isId(m.from) || !isId(m.to)) return 'bad from/to';
  for (const k of ['term', 'index', 'logTerm', 'commit', 'rejectHint', 'rejectHintTerm', 'snapshotOffset'] as const) {
    if (!isCount(m[k])) return `bad ${k}`;
  }
  if (typeof m.reject !== 'boolean' || typeof m.snapshotDone !== 'boolean' || typeof m.transfer !== 'boolean') return 'bad flag';
  if (!Array.isArray(m.entries) || !(m.snapshotChunk instanceof Uint8Array)) return 'bad entries or chunk';
  if (m.type === MessageType.APPEND) {
    let prevTerm = m.logTerm;
    for (let i = 0; i < m.entries.length; i++) {
      const e = m.entries[i]!;
      if (typeof e !== 'object' || e === null || e.index !== m.index + 1 + i) return 'entries not contiguous after index';
      if (!isId(e.term) || e.term > m.term || e.term < prevTerm) return 'bad entry term';
      if (!ENTRY_TYPES.has(e.type) || !(e.data instanceof Uint8Array)) return 'bad entry';
      prevTerm = e.term;
    }
    if (m.logTerm > m.term) return 'logTerm above term';
  } else if (m.entries.length > 0) {
    return 'entries on a non-append message';
  }
  if (m.type === MessageType.SNAPSHOT || m.type === MessageType.SNAPSHOT_RESPONSE) {
    const meta = m.snapshotMeta;
    if (meta === undefined || !isId(meta.index) || !isId(meta.term) || !Array.isArray(meta.voters) || !meta.voters.every(isId)) return 'bad snapshot meta';
    if (m.type === MessageType.SNAPSHOT && meta.term > m.term) return 'snapshot term above message term';
  }
  return undefined;
}
