// The metadata log on the Raft quorum (@samsa/raft): the same MetadataLog the services already use,
// so the controller, the watch stream and the broker do not change. Each append() is one Raft
// entry carrying a batch of records; every voter applies committed entries through the pure
// apply(), giving each record the next metadata offset (image.appliedIndex), so all voters agree
// on offsets without storing them. The Raft snapshot is the encoded image; the records since the
// previous snapshot stay in memory for replay() (watchers slightly behind), anything older is
// served as a snapshot.
//
// Membership: addVoter / removeVoter change the quorum one voter at a time (the RaftNode's
// single-server changes), one change at a time here, answered once committed. A node that joins a
// running quorum opens with `join`: it bootstraps no configuration (bootstrapVoters []) and learns
// it from the log or a snapshot once the leader adds it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { SamsaError, assert, decodeMetadataRecord } from '@samsa/protocol';
import type { MetadataRecord__Output } from '@samsa/protocol';
import { EntryType, GrpcRaftTransport, LevelRaftStorage, RaftNode } from '@samsa/raft';
import type { Entry, NodeId, PeerIdentity, RaftNodeSettings, Snapshot } from '@samsa/raft';
import { ImageDelta, applyAll } from './apply.js';
import type { MetadataLogEntry } from './apply.js';
import { emptyImage } from './image.js';
import type { MetadataImage } from './image.js';
import { decodeImage, encodeImage } from './image-codec.js';
import { DataDirError, META_PROPERTIES_VERSION, isValidClusterId, readMetaProperties, writeMetaProperties } from './meta-properties.js';
import type {
  LeaderChangeListener,
  MetadataImageSnapshot,
  MetadataListener,
  MetadataLog,
  MetadataLogStatus,
  MetadataLogVoter,
  MetadataUpdate,
} from './metadata-log.js';
import { METADATA_APPEND_RECORDS_MAX } from './metadata-log.js';
import { normalizeRecord } from './records.js';
import type { MetadataRecord } from './records.js';

export interface RaftMetadataLogOptions {
  dataDir: string;
  nodeId: number;
  /** The cluster id every voter is started with ('' or absent: adopt the one stored, else a new cluster's). */
  clusterId?: string;
  /**
   * The quorum's voters: node id -> 'host:port' (this node included). With `join`, the voters of
   * the running quorum to reach (this node may be listed or not).
   */
  voters: ReadonlyMap<number, string>;
  /**
   * Join a running quorum instead of bootstrapping one: start with no configuration
   * (bootstrapVoters []) and learn it from the log or a snapshot once the leader adds this node
   * (addVoter). Needs the cluster's id (`clusterId`, or the one this directory already holds).
   */
  join?: boolean;
  /** The process's gRPC server; the quorum service is added to it, so open before it binds. */
  server: grpc.Server;
  logger: Logger;
  /** Raft settings (tick, election timeout, snapshot frequency...); defaults from @samsa/raft. */
  raft?: Partial<RaftNodeSettings>;
}

const METADATA_DIR = 'metadata';
/** How long addVoter waits for the node at the given address to say who it is. */
export const IDENTIFY_TIMEOUT_MS = 5_000;
/** Node ids are positive int32s (the wire's). */
const NODE_ID_MAX = 2 ** 31 - 1;

/** Record-batch framing inside one Raft entry: u32 count, then (u32 length, record bytes) each. */
const U32 = 4;

/** Frames already-encoded records into one entry. */
function encodeRecords(encoded: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(U32 + encoded.reduce((n, b) => n + U32 + b.length, 0));
  let pos = out.writeUInt32BE(encoded.length, 0);
  for (const b of encoded) {
    pos = out.writeUInt32BE(b.length, pos);
    pos += b.copy(out, pos);
  }
  return out;
}

function checkNodeId(nodeId: number): void {
  if (!Number.isSafeInteger(nodeId) || nodeId < 1 || nodeId > NODE_ID_MAX) throw new SamsaError('INVALID_REQUEST', `${nodeId} is not a node id (1 to ${NODE_ID_MAX})`);
}

function decodeRecords(data: Uint8Array): MetadataRecord__Output[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const count = buf.readUInt32BE(0);
  const out: MetadataRecord__Output[] = [];
  let pos = U32;
  for (let i = 0; i < count; i++) {
    const len = buf.readUInt32BE(pos);
    pos += U32;
    out.push(decodeMetadataRecord(buf.subarray(pos, pos + len)));
    pos += len;
  }
  assert(pos === buf.length, 'a metadata entry has trailing bytes');
  return out;
}

export class RaftMetadataLog implements MetadataLog {
  readonly clusterId: string;
  readonly directoryId: string;
  readonly nodeId: number;
  private current: MetadataImage;
  private node!: RaftNode;
  private transport!: GrpcRaftTransport;
  private readonly log: Logger;
  private readonly listeners = new Set<MetadataListener>();
  private readonly leaderListeners = new Set<LeaderChangeListener>();
  /** Records applied since `retainedFrom` (offsets retainedFrom..appliedIndex), for replay(). */
  private retained: MetadataLogEntry[] = [];
  private retainedFrom = 1;
  /** Metadata offset of the latest snapshot made or received. */
  private previousSnapshotIndex = 0;
  /** Term of the last applied Raft entry. */
  private lastAppliedTerm = 0;
  /** Raft index -> metadata offset of the entry's last record, for append() to answer with. */
  private readonly offsetsByRaftIndex = new Map<number, number>();
  /** Leadership as the services see it: true once this leader applied an entry of its own term. */
  private leading = false;
  private leaderTerm = 0;
  private lastLeader: { leaderId: number; epoch: number; isLeader: boolean } = { leaderId: -1, epoch: 0, isLeader: false };
  /** Appends run one at a time: each is validated against the image that includes the previous. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Membership changes run one at a time (the core takes one at a time; queueing beats a retry loop). */
  private membershipTail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(identity: { clusterId: string; directoryId: string; nodeId: number }, log: Logger) {
    this.clusterId = identity.clusterId;
    this.directoryId = identity.directoryId;
    this.nodeId = identity.nodeId;
    this.current = emptyImage(identity.clusterId);
    this.log = log;
  }

  /** Opens the node's Raft storage in `<dataDir>/metadata`, joins the quorum and replays what it holds. */
  static async open(options: RaftMetadataLogOptions): Promise<RaftMetadataLog> {
    const { dataDir, nodeId } = options;
    const log = options.logger.child({ component: 'metadata-log' });
    if (options.clusterId !== undefined && options.clusterId !== '' && !isValidClusterId(options.clusterId)) {
      throw new DataDirError(`invalid cluster id ${JSON.stringify(options.clusterId)}: 1 to 64 characters of [A-Za-z0-9_-]`);
    }
    const joining = options.join === true;
    if (!joining && !options.voters.has(nodeId)) throw new DataDirError(`node ${nodeId} is not among the controller voters (${[...options.voters.keys()].join(', ')})`);
    if (joining && ![...options.voters.keys()].some((id) => id !== nodeId)) {
      throw new DataDirError(`node ${nodeId} joins a running quorum, so the controller voters must list at least one voter other than itself`);
    }
    await mkdir(dataDir, { recursive: true });
    const props = await readMetaProperties(dataDir);
    if (joining && props === undefined && !options.clusterId) {
      // A joining node that made up an id would drop every message of the quorum (another cluster's).
      throw new DataDirError(`node ${nodeId} joins a running quorum: it needs the cluster's id (its data directory ${dataDir} has none yet)`);
    }
    if (props !== undefined && props.nodeId !== nodeId) throw new DataDirError(`${dataDir}: this data directory belongs to node ${props.nodeId}, not to node ${nodeId}`);
    if (props !== undefined && options.clusterId && props.clusterId !== options.clusterId) {
      throw new DataDirError(`${dataDir}: this data directory belongs to cluster ${props.clusterId}, not to cluster ${options.clusterId}`);
    }
    let storage: LevelRaftStorage;
    try {
      storage = await LevelRaftStorage.open({
        path: join(dataDir, METADATA_DIR),
        nodeId,
        ...(options.clusterId ? { clusterId: options.clusterId } : props !== undefined ? { clusterId: props.clusterId } : {}),
        ...(props !== undefined ? { recorded: { clusterId: props.clusterId, nodeId: props.nodeId, directoryId: props.directoryId } } : {}),
        logger: log,
      });
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      if (cause !== undefined && /\bLOCK\b/.test(cause.message)) {
        throw new DataDirError(`the data directory ${dataDir} is in use by another process (is a broker already running on it?)`, { cause: err });
      }
      throw err;
    }
    const identity = storage.identity;
    if (identity.clusterId !== '') {
      await writeMetaProperties(dataDir, { version: META_PROPERTIES_VERSION, clusterId: identity.clusterId, nodeId, directoryId: identity.directoryId });
    }
    const self = new RaftMetadataLog({ clusterId: identity.clusterId, directoryId: identity.directoryId, nodeId }, log);
    const transport = new GrpcRaftTransport({ nodeId, server: options.server, peers: options.voters, logger: log });
    self.transport = transport;
    self.node = await RaftNode.start({
      ...(options.raft ?? {}),
      id: nodeId,
      storage,
      transport,
      stateMachine: {
        apply: (entry) => self.applyEntry(entry),
        snapshot: () => self.makeSnapshot(),
        restore: (snapshot) => self.restore(snapshot),
      },
      // A joining node takes its configuration from the quorum's log, never from its options.
      bootstrapVoters: joining ? [] : [...options.voters.keys()].sort((a, b) => a - b),
      peers: options.voters,
      logger: log,
    });
    self.node.onLeaderChange((leaderId, term) => self.leaderChanged(leaderId, term));
    // A single voter need not wait out an election timeout to lead.
    if (!joining && options.voters.size === 1) self.node.campaign();
    log.info(
      { clusterId: identity.clusterId, directoryId: identity.directoryId, voters: [...options.voters.entries()], join: joining, configuration: self.node.status().voters, appliedIndex: self.current.appliedIndex },
      'metadata quorum member started',
    );
    return self;
  }

  get image(): MetadataImage {
    return this.current;
  }

  get appliedIndex(): number {
    return this.current.appliedIndex;
  }

  get logStartIndex(): number {
    return this.retainedFrom;
  }

  /** The Raft node (status, membership changes, leadership transfer). */
  get raft(): RaftNode {
    return this.node;
  }

  isLeader(): boolean {
    return this.leading && this.closing === undefined;
  }

  leaderId(): number {
    const id = this.node.status().leaderId;
    return id > 0 ? id : -1;
  }

  leaderEpoch(): number {
    return this.node.status().term;
  }

  onLeaderChange(listener: LeaderChangeListener): () => void {
    this.leaderListeners.add(listener);
    return () => this.leaderListeners.delete(listener);
  }

  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<MetadataImageSnapshot | undefined> {
    if (this.current.appliedIndex === 0) return undefined;
    // The current image is a valid snapshot too, and the newest: watchers need not replay after it.
    return { index: this.current.appliedIndex, bytes: encodeImage(this.current) };
  }

  status(): MetadataLogStatus {
    const s = this.node.status();
    return {
      nodeId: this.nodeId,
      leaderId: this.leaderId(),
      leaderEpoch: s.term,
      isLeader: this.isLeader(),
      // In metadata offsets, like appliedIndex: Raft's commit index counts entries, not records.
      // This node applies what commits at once, so its applied offset is the committed one as it
      // knows it.
      commitIndex: this.current.appliedIndex,
      appliedIndex: this.current.appliedIndex,
      logStartIndex: this.retainedFrom,
      voters: this.node.voters().map((v) => ({ id: v.nodeId, address: v.address })),
    };
  }

  /** The voters of the configuration (as appended), with the addresses the log knows. */
  private voterList(): MetadataLogVoter[] {
    return this.node.voters().map((v) => ({ id: v.nodeId, address: v.address }));
  }

  addVoter(nodeId: number, address: string): Promise<readonly MetadataLogVoter[]> {
    return this.changeMembership(() => this.addVoterNow(nodeId, address));
  }

  removeVoter(nodeId: number): Promise<readonly MetadataLogVoter[]> {
    return this.changeMembership(() => this.removeVoterNow(nodeId));
  }

  private changeMembership(change: () => Promise<readonly MetadataLogVoter[]>): Promise<readonly MetadataLogVoter[]> {
    const run = this.membershipTail.then(change);
    this.membershipTail = run.catch(() => {});
    return run;
  }

  private requireLeader(): void {
    if (this.closing !== undefined) throw new SamsaError('NOT_CONTROLLER', `node ${this.nodeId} is shutting down`, { details: { controllerId: -1 } });
    if (!this.isLeader()) throw new SamsaError('NOT_CONTROLLER', `node ${this.nodeId} is not the active controller`, { details: { controllerId: this.leaderId() } });
  }

  private async addVoterNow(nodeId: number, address: string): Promise<readonly MetadataLogVoter[]> {
    checkNodeId(nodeId);
    if (address === '') throw new SamsaError('INVALID_REQUEST', `no address for node ${nodeId}: give the host:port it serves on`);
    this.requireLeader();
    const voters = this.node.status().voters;
    if (voters.includes(nodeId)) throw new SamsaError('INVALID_REQUEST', `node ${nodeId} is already a voter (voters: ${voters.join(', ')})`);
    let who: PeerIdentity;
    try {
      who = await this.transport.identify(address, IDENTIFY_TIMEOUT_MS);
    } catch (err) {
      throw new SamsaError('INVALID_REQUEST', `the node at ${address} does not answer as a member of a metadata quorum (${(err as Error).message}); start node ${nodeId} there to join this cluster first`, { cause: err });
    }
    if (who.nodeId !== nodeId) throw new SamsaError('INVALID_REQUEST', `the node at ${address} is node ${who.nodeId}, not node ${nodeId}`);
    if (this.clusterId !== '' && who.clusterId !== this.clusterId) {
      throw new SamsaError('INCONSISTENT_CLUSTER_ID', `the node at ${address} belongs to cluster ${who.clusterId || '(none)'}, not to cluster ${this.clusterId}: start it with this cluster's id`);
    }
    this.requireLeader();
    // The directory id is the one just identified: the incarnation the operator started, not one
    // that might answer at that address later.
    await this.membershipCall(() => this.node.addVoter(nodeId, address, { directoryId: who.directoryId }));
    this.log.info({ nodeId, address, directoryId: who.directoryId, voters: this.node.status().voters }, 'voter added to the metadata quorum');
    return this.voterList();
  }

  private async removeVoterNow(nodeId: number): Promise<readonly MetadataLogVoter[]> {
    checkNodeId(nodeId);
    this.requireLeader();
    const voters = this.node.status().voters;
    if (!voters.includes(nodeId)) throw new SamsaError('INVALID_REQUEST', `node ${nodeId} is not a voter (voters: ${voters.join(', ')})`);
    if (voters.length === 1) throw new SamsaError('INVALID_REQUEST', `node ${nodeId} is the last voter; a quorum cannot be left without voters`);
    // When this node removes itself, the core steps down once the change commits; the call still
    // resolves here, as the change is applied on this node before it steps down.
    await this.membershipCall(() => this.node.removeVoter(nodeId));
    this.log.info({ nodeId, voters: this.node.status().voters }, 'voter removed from the metadata quorum');
    return this.voterList();
  }

  /** A RaftNode membership call, its errors in the metadata log's terms. */
  private async membershipCall(call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (err instanceof SamsaError && err.code === 'NOT_CONTROLLER') {
        const reason = err.details['reason'];
        if (reason === 'conf-change-pending' || reason === 'leader-term-not-committed') {
          // The core said "not yet" until the deadline: nothing of this change was proposed.
          throw new SamsaError('REQUEST_TIMED_OUT', `the quorum did not take the change in time (${err.message})`, { cause: err });
        }
        throw new SamsaError('NOT_CONTROLLER', err.message, { cause: err, details: { controllerId: this.leaderId() } });
      }
      throw err;
    }
  }

  append(records: readonly MetadataRecord[]): Promise<number> {
    const run = this.tail.then(() => this.appendNow(records));
    this.tail = run.catch(() => {});
    return run;
  }

  private async appendNow(records: readonly MetadataRecord[]): Promise<number> {
    if (records.length === 0) return this.current.appliedIndex;
    if (records.length > METADATA_APPEND_RECORDS_MAX) throw new SamsaError('INVALID_REQUEST', `at most ${METADATA_APPEND_RECORDS_MAX} records in one append, got ${records.length}`);
    if (!this.isLeader()) throw new SamsaError('NOT_CONTROLLER', `node ${this.nodeId} is not the active controller`, { details: { controllerId: this.leaderId() } });
    const normalized = records.map((r) => normalizeRecord(r));
    // A record apply() refuses must never reach the log: every voter would refuse it too.
    const base = this.current.appliedIndex;
    applyAll(this.current, normalized.map((n, i) => ({ index: base + i + 1, record: n.record })));
    let raftIndex: number;
    try {
      ({ index: raftIndex } = await this.node.propose(encodeRecords(normalized.map((n) => n.bytes))));
    } catch (err) {
      if (err instanceof SamsaError && err.code === 'NOT_CONTROLLER') {
        throw new SamsaError('NOT_CONTROLLER', err.message, { cause: err, details: { controllerId: this.leaderId() } });
      }
      throw err;
    }
    const offset = this.offsetsByRaftIndex.get(raftIndex);
    this.offsetsByRaftIndex.delete(raftIndex);
    assert(offset !== undefined, `raft entry ${raftIndex} was applied without its metadata offset`);
    return offset;
  }

  async *replay(fromIndex = this.retainedFrom): AsyncIterable<MetadataLogEntry> {
    assert(fromIndex >= this.retainedFrom, `replay from ${fromIndex}, below the log start ${this.retainedFrom}`);
    const end = this.current.appliedIndex;
    for (let offset = fromIndex; offset <= end; offset++) {
      const entry = this.retained[offset - this.retainedFrom];
      if (entry === undefined) return; // compacted meanwhile: the caller resumes from a snapshot
      yield entry;
    }
  }

  /** The state machine: one committed Raft entry. */
  private applyEntry(entry: Entry): void {
    this.lastAppliedTerm = entry.term;
    if (entry.type === EntryType.NORMAL && entry.data.length > 0) {
      const records = decodeRecords(entry.data);
      const base = this.current.appliedIndex;
      const entries = records.map((record, i) => ({ index: base + i + 1, record }));
      const previous = this.current;
      const delta = new ImageDelta(previous);
      for (const e of entries) delta.replay(e.record, e.index);
      this.current = delta.build();
      for (const e of entries) this.retained.push(e);
      this.offsetsByRaftIndex.set(entry.index, this.current.appliedIndex);
      if (this.offsetsByRaftIndex.size > METADATA_APPEND_RECORDS_MAX) {
        // Entries proposed elsewhere (another leader) are never collected by an append here.
        const oldest = this.offsetsByRaftIndex.keys().next().value;
        if (oldest !== undefined) this.offsetsByRaftIndex.delete(oldest);
      }
      this.publish({ previous, image: this.current, entries });
    }
    if (!this.leading && this.leaderTerm > 0 && entry.term === this.leaderTerm && this.node?.status().leaderId === this.nodeId) {
      // The new leader's own first entry is applied: everything committed before its term is in
      // the image, so it may decide now.
      this.leading = true;
      this.announceLeader();
    }
  }

  private makeSnapshot(): Uint8Array {
    const bytes = encodeImage(this.current);
    // Keep the records since the previous snapshot: a watcher a little behind replays them, one
    // further behind loads this snapshot.
    this.trimBelow(this.previousSnapshotIndex + 1);
    this.previousSnapshotIndex = this.current.appliedIndex;
    return bytes;
  }

  private trimBelow(offset: number): void {
    if (offset <= this.retainedFrom) return;
    this.retained = this.retained.slice(offset - this.retainedFrom);
    this.retainedFrom = offset;
  }

  private restore(snapshot: Snapshot): void {
    const previous = this.current;
    const image = snapshot.data.length === 0 ? emptyImage(this.clusterId) : decodeImage(snapshot.data);
    this.current = image;
    this.retained = [];
    this.retainedFrom = image.appliedIndex + 1;
    this.lastAppliedTerm = snapshot.meta.term;
    this.previousSnapshotIndex = image.appliedIndex;
    this.publish({ previous, image, entries: [], restored: true });
  }

  private leaderChanged(leaderId: NodeId, term: number): void {
    if (leaderId === this.nodeId) {
      // Leading turns true once an entry of this term is applied (applyEntry), perhaps already.
      this.leaderTerm = term;
      this.leading = this.lastAppliedTerm === term;
    } else {
      this.leaderTerm = 0;
      this.leading = false;
    }
    this.announceLeader();
  }

  private announceLeader(): void {
    const leaderId = this.leaderId();
    const change = { leaderId, leaderEpoch: this.leaderEpoch(), isLeader: this.isLeader() };
    if (change.leaderId === this.lastLeader.leaderId && change.leaderEpoch === this.lastLeader.epoch && change.isLeader === this.lastLeader.isLeader) return;
    this.lastLeader = { leaderId, epoch: change.leaderEpoch, isLeader: change.isLeader };
    this.log.info(change, change.isLeader ? 'this node is the active controller' : 'metadata quorum leader changed');
    for (const l of this.leaderListeners) {
      try {
        l(change);
      } catch (err) {
        this.log.error({ err }, 'a leader-change listener failed');
      }
    }
  }

  private publish(update: MetadataUpdate): void {
    for (const l of this.listeners) {
      try {
        l(update);
      } catch (err) {
        this.log.error({ err }, 'a metadata listener failed');
      }
    }
  }

  /** Steps down (hands leadership to another voter when this node leads), then stops. Safe twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.tail.catch(() => {});
      const status = this.node.status();
      if (status.leaderId === this.nodeId && status.voters.length > 1) {
        const target = this.node.voters().find((v) => v.nodeId !== this.nodeId);
        if (target !== undefined) {
          await this.node.transferLeadership(target.nodeId, { timeoutMs: 2_000 }).catch((err: unknown) => this.log.warn({ err }, 'leadership transfer on shutdown failed'));
        }
      }
      this.leading = false;
      this.announceLeader();
      await this.node.stop();
      this.log.info({ appliedIndex: this.current.appliedIndex }, 'metadata quorum member stopped');
    })();
    return this.closing;
  }
}
