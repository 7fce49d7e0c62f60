// The metadata log: the ordered, durable list of metadata records that every node applies through
// apply(). MetadataLog is what the services see; LocalMetadataLog is the single-voter form (a
// cluster of one, always its own leader). A Raft log goes behind the same interface: append()
// resolves once the records are committed by a quorum and applied, subscribers see the same
// updates on every voter, and the leadership methods say who the active controller is (the
// leader of the log), so the controller, the watch stream and the broker do not change.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import type { Logger } from 'pino';
import { SamsaError, assert, decodeMetadataRecord } from '@samsa/protocol';
import { ImageDelta, applyAll } from './apply.js';
import type { MetadataLogEntry } from './apply.js';
import { emptyImage } from './image.js';
import type { MetadataImage } from './image.js';
import { encodeImage } from './image-codec.js';
import {
  DataDirError,
  META_PROPERTIES_VERSION,
  isValidClusterId,
  newClusterId,
  newDirectoryId,
  readMetaProperties,
  writeMetaProperties,
} from './meta-properties.js';
import type { MetaProperties } from './meta-properties.js';
import { describeRecord, normalizeRecord } from './records.js';
import type { MetadataRecord } from './records.js';

/** What subscribers receive after each applied step. */
export interface MetadataUpdate {
  readonly previous: MetadataImage;
  readonly image: MetadataImage;
  /**
   * The entries applied, in order: previous.appliedIndex + 1 .. image.appliedIndex. Empty when
   * `restored` is set.
   */
  readonly entries: readonly MetadataLogEntry[];
  /**
   * The image was replaced by a snapshot (a voter or a broker that fell behind the log start):
   * there are no entries to look at, so a subscriber compares `previous` and `image` whole.
   */
  readonly restored?: boolean;
}

export type MetadataListener = (update: MetadataUpdate) => void;

/** A snapshot of the metadata: the encoded image (image-codec.ts) as of `index`. */
export interface MetadataImageSnapshot {
  readonly index: number;
  readonly bytes: Buffer;
}

/** Who leads the metadata log: the active controller. */
export interface LeaderChange {
  /** -1 when no leader is known. */
  readonly leaderId: number;
  /** The leader epoch of the log (the Raft term). */
  readonly leaderEpoch: number;
  /** True on the node that now leads. */
  readonly isLeader: boolean;
}

export type LeaderChangeListener = (change: LeaderChange) => void;

export interface MetadataLogVoter {
  readonly id: number;
  /** host:port of the voter's gRPC endpoint; '' when the log does not know it. */
  readonly address: string;
}

/** The log's own view, for `samsa cluster status` (DescribeQuorum). */
export interface MetadataLogStatus {
  readonly nodeId: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly isLeader: boolean;
  /** Highest index known committed (the log's high watermark). */
  readonly commitIndex: number;
  readonly appliedIndex: number;
  /** The first index replay() can still return (earlier ones are in a snapshot). */
  readonly logStartIndex: number;
  readonly voters: readonly MetadataLogVoter[];
}

export interface MetadataLog {
  readonly clusterId: string;
  readonly directoryId: string;
  /** This node's id. */
  readonly nodeId: number;
  /** The image as of the last committed and applied entry. */
  readonly image: MetadataImage;
  /** image.appliedIndex. */
  readonly appliedIndex: number;
  /** The first index replay() can return; entries before it were compacted into a snapshot. */
  readonly logStartIndex: number;
  /**
   * Appends records as consecutive entries and resolves with the index of the last one once they
   * are committed (durable) and applied: `image` then includes them. A record that apply() refuses
   * fails the whole append and nothing is written. On a node that does not lead the log, rejects
   * with NOT_CONTROLLER (details.controllerId: the leader, -1 when unknown); an append whose
   * leadership is lost before it commits rejects with NOT_CONTROLLER too (its outcome is then
   * unknown, as for any timeout).
   */
  append(records: readonly MetadataRecord[]): Promise<number>;
  /**
   * The committed entries from `fromIndex` (default: logStartIndex) up to the applied index when
   * called. `fromIndex` below logStartIndex is a programmer error (callers use snapshot()).
   */
  replay(fromIndex?: number): AsyncIterable<MetadataLogEntry>;
  /** Calls `listener` synchronously after every applied step; returns the unsubscribe function. */
  subscribe(listener: MetadataListener): () => void;
  /**
   * True when this node leads the log and may decide. It turns true only once the leader has
   * applied every entry committed before its term, so `image` is current when it does.
   */
  isLeader(): boolean;
  /** The leader's node id, -1 when unknown. */
  leaderId(): number;
  /** The log's leader epoch (Raft term). */
  leaderEpoch(): number;
  /** Called after every change of leader (or of this node's leadership); returns the unsubscribe function. */
  onLeaderChange(listener: LeaderChangeListener): () => void;
  /**
   * The latest snapshot of the image, undefined when there is none yet (an empty log). Entries
   * after its index follow it in replay().
   */
  snapshot(): Promise<MetadataImageSnapshot | undefined>;
  status(): MetadataLogStatus;
  /**
   * Adds the node at `address` (host:port) to the quorum's voters, one change at a time, and
   * resolves with the voters once the change is committed. Absent on a log whose voters are fixed
   * (the single-voter LocalMetadataLog). Errors: NOT_CONTROLLER (details.controllerId) on a node
   * that does not lead; INVALID_REQUEST for a bad node id, a node already a voter, or an address
   * that does not answer as that node; INCONSISTENT_CLUSTER_ID for a node of another cluster;
   * REQUEST_TIMED_OUT when the outcome is unknown.
   */
  addVoter?(nodeId: number, address: string): Promise<readonly MetadataLogVoter[]>;
  /**
   * Removes a voter (the leader may remove itself: it steps down once the change commits) and
   * resolves with the voters once committed. INVALID_REQUEST for a node that is not a voter or the
   * last voter; otherwise the errors of addVoter.
   */
  removeVoter?(nodeId: number): Promise<readonly MetadataLogVoter[]>;
  /** Waits for appends in progress, then closes. Safe twice. */
  close(): Promise<void>;
}

export interface LocalMetadataLogOptions {
  /** The node's data directory; the log lives in `<dataDir>/metadata/`, the identity in `<dataDir>/meta.properties`. */
  dataDir: string;
  nodeId: number;
  /** The cluster this node belongs to. A fresh directory is formatted with it (a new id when absent); a directory of another cluster is refused. */
  clusterId?: string;
  logger: Logger;
}

/** The leader epoch of a single-voter log: it elects itself once, at open. */
export const LOCAL_LEADER_EPOCH = 1;

/** Most records in one append: the largest topic (10 000 partitions) plus room to spare. */
export const METADATA_APPEND_RECORDS_MAX = 16_384;

const METADATA_DIR = 'metadata';
/** Entry keys are u64 big-endian indexes (8 bytes, first byte 0 for safe integers); meta keys start with 0xff. */
const IDENTITY_KEY = Buffer.concat([Buffer.from([0xff]), Buffer.from('identity')]);
/** Entries replayed per ImageDelta on open (bounds the delta's bookkeeping, not correctness). */
const REPLAY_CHUNK_ENTRIES = 4096;

function indexKey(index: number): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeBigUInt64BE(BigInt(index));
  return key;
}

const keyIndex = (key: Buffer): number => Number(key.readBigUInt64BE(0));

interface StoredIdentity {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

/**
 * The single-voter metadata log: every append is committed once it is on this node's disk, and the
 * node always leads. It keeps every entry (logStartIndex 1); snapshot() encodes the current image,
 * so a watcher starting from nothing loads one image instead of the whole history.
 */
export class LocalMetadataLog implements MetadataLog {
  readonly clusterId: string;
  readonly directoryId: string;
  readonly nodeId: number;
  readonly logStartIndex = 1;
  private current: MetadataImage;
  private readonly db: Level<Buffer, Buffer>;
  private readonly log: Logger;
  private readonly listeners = new Set<MetadataListener>();
  private readonly leaderListeners = new Set<LeaderChangeListener>();
  /** Appends run one after another, so indexes are given in order. */
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  /** Set when close() starts: the node no longer leads. */
  private stopping = false;
  /** Set when a write failed: the disk's state is unknown, so no further append is accepted. */
  private failure: Error | undefined;

  private constructor(db: Level<Buffer, Buffer>, identity: StoredIdentity, image: MetadataImage, log: Logger) {
    this.db = db;
    this.nodeId = identity.nodeId;
    this.clusterId = identity.clusterId;
    this.directoryId = identity.directoryId;
    this.current = image;
    this.log = log;
  }

  get image(): MetadataImage {
    return this.current;
  }

  get appliedIndex(): number {
    return this.current.appliedIndex;
  }

  isLeader(): boolean {
    return !this.stopping;
  }

  leaderId(): number {
    return this.stopping ? -1 : this.nodeId;
  }

  leaderEpoch(): number {
    return LOCAL_LEADER_EPOCH;
  }

  /** A single voter leads from open to close; the listener is told when it stops (close). */
  onLeaderChange(listener: LeaderChangeListener): () => void {
    this.leaderListeners.add(listener);
    return () => this.leaderListeners.delete(listener);
  }

  async snapshot(): Promise<MetadataImageSnapshot | undefined> {
    const image = this.current;
    if (image.appliedIndex === 0) return undefined;
    return { index: image.appliedIndex, bytes: encodeImage(image) };
  }

  status(): MetadataLogStatus {
    const leading = this.isLeader();
    return {
      nodeId: this.nodeId,
      leaderId: this.leaderId(),
      leaderEpoch: LOCAL_LEADER_EPOCH,
      isLeader: leading,
      commitIndex: this.current.appliedIndex,
      appliedIndex: this.current.appliedIndex,
      logStartIndex: this.logStartIndex,
      voters: [{ id: this.nodeId, address: '' }],
    };
  }

  /** Opens (or formats) the metadata log of a data directory and replays it through apply(). */
  static async open(options: LocalMetadataLogOptions): Promise<LocalMetadataLog> {
    const { dataDir, nodeId } = options;
    const log = options.logger.child({ component: 'metadata-log' });
    assert(Number.isSafeInteger(nodeId) && nodeId >= 0, `node id ${nodeId}`);
    if (options.clusterId !== undefined && !isValidClusterId(options.clusterId)) {
      throw new DataDirError(`invalid cluster id ${JSON.stringify(options.clusterId)}: 1 to 64 characters of [A-Za-z0-9_-]`);
    }
    await mkdir(dataDir, { recursive: true });
    const props = await readMetaProperties(dataDir);
    if (props !== undefined) checkIdentity(props, options, `${join(dataDir, 'meta.properties')}`);

    const path = join(dataDir, METADATA_DIR);
    const db = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      if (cause !== undefined && /\bLOCK\b/.test(cause.message)) {
        throw new DataDirError(`the data directory ${dataDir} is in use by another process (is a broker already running on it?)`, { cause: err });
      }
      throw new DataDirError(`cannot open the metadata log at ${path}: ${(err as Error).message}${cause ? ` (${cause.message})` : ''}`, { cause: err });
    }
    try {
      const identity = await LocalMetadataLog.identity(db, props, options, dataDir);
      const image = await LocalMetadataLog.load(db, identity.clusterId, path);
      log.info({ clusterId: identity.clusterId, directoryId: identity.directoryId, appliedIndex: image.appliedIndex, topics: image.topicsById.size }, 'metadata log opened');
      return new LocalMetadataLog(db, identity, image, log);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Checks or establishes the directory's identity (cluster id, node id, directory id). */
  private static async identity(db: Level<Buffer, Buffer>, props: MetaProperties | undefined, options: LocalMetadataLogOptions, dataDir: string): Promise<StoredIdentity> {
    const stored = await db.get(IDENTITY_KEY);
    if (stored !== undefined) {
      const identity = JSON.parse(stored.toString('utf8')) as StoredIdentity;
      if (props !== undefined) {
        if (props.clusterId !== identity.clusterId || props.directoryId !== identity.directoryId || props.nodeId !== identity.nodeId) {
          throw new DataDirError(
            `${dataDir}: meta.properties (cluster ${props.clusterId}, node ${props.nodeId}, directory ${props.directoryId}) does not match its metadata log ` +
              `(cluster ${identity.clusterId}, node ${identity.nodeId}, directory ${identity.directoryId}); the directory was assembled from different nodes`,
          );
        }
        return identity;
      }
      // The metadata log was formatted but meta.properties was not written (a crash in between):
      // finish formatting from the log's identity.
      const restored: MetaProperties = { version: META_PROPERTIES_VERSION, ...identity };
      checkIdentity(restored, options, `${join(dataDir, METADATA_DIR)}`);
      await writeMetaProperties(dataDir, restored);
      return identity;
    }
    const hasEntries = (await db.keys({ lt: Buffer.from([0xff]), limit: 1 }).all()).length > 0;
    if (hasEntries) throw new DataDirError(`${join(dataDir, METADATA_DIR)}: the metadata log has entries but no identity; it is damaged`);
    if (props !== undefined) {
      // Formatted once, but the metadata is gone: starting fresh would silently drop every topic
      // (and the reconciler would then delete their data).
      throw new DataDirError(
        `${dataDir} was formatted for cluster ${props.clusterId} (meta.properties) but its metadata log is missing or empty; ` +
          'refusing to start, as that would lose every topic. Restore the metadata/ directory, or remove the data directory to start a new cluster.',
      );
    }
    const identity: StoredIdentity = { clusterId: options.clusterId ?? newClusterId(), nodeId: options.nodeId, directoryId: newDirectoryId() };
    // The log first, then meta.properties: a crash in between is finished on the next start (above).
    await db.put(IDENTITY_KEY, Buffer.from(JSON.stringify(identity), 'utf8'), { sync: true });
    await writeMetaProperties(dataDir, { version: META_PROPERTIES_VERSION, ...identity });
    return identity;
  }

  /** Replays every entry through apply(). */
  private static async load(db: Level<Buffer, Buffer>, clusterId: string, path: string): Promise<MetadataImage> {
    let image = emptyImage(clusterId);
    let delta = new ImageDelta(image);
    let expected = 1;
    let inDelta = 0;
    for await (const [key, value] of db.iterator({ lt: Buffer.from([0xff]) })) {
      const index = key.length === 8 ? keyIndex(key) : -1;
      if (index !== expected) throw new DataDirError(`${path}: metadata log entry ${index} where ${expected} was expected; the log is damaged`);
      let record;
      try {
        record = decodeMetadataRecord(value);
      } catch (err) {
        throw new DataDirError(`${path}: metadata log entry ${index} does not decode; the log is damaged`, { cause: err });
      }
      delta.replay(record, index);
      expected++;
      if (++inDelta === REPLAY_CHUNK_ENTRIES) {
        image = delta.build();
        delta = new ImageDelta(image);
        inDelta = 0;
      }
    }
    return delta.build();
  }

  append(records: readonly MetadataRecord[]): Promise<number> {
    assert(records.length > 0 && records.length <= METADATA_APPEND_RECORDS_MAX, `append of ${records.length} metadata records`);
    // Appends queued before close() still run: close() waits for them.
    if (this.closing !== undefined) return Promise.reject(new SamsaError('NOT_CONTROLLER', 'the metadata log is closed', { details: { controllerId: -1 } }));
    const run = async (): Promise<number> => {
      if (this.failure !== undefined) throw new SamsaError('KAFKA_STORAGE_ERROR', `the metadata log failed a write earlier: ${this.failure.message}`);
      const previous = this.current;
      const normalized = records.map(normalizeRecord);
      const entries = normalized.map((n, i): MetadataLogEntry => ({ index: previous.appliedIndex + 1 + i, record: n.record }));
      // Apply before writing: a record that apply() refuses (a bug) never reaches the disk.
      const next = applyAll(previous, entries);
      try {
        await this.db.batch(
          normalized.map((n, i) => ({ type: 'put' as const, key: indexKey(entries[i]!.index), value: n.bytes })),
          { sync: true },
        );
      } catch (err) {
        this.failure = err as Error;
        this.log.error({ err, firstIndex: entries[0]!.index }, 'metadata log write failed; refusing further appends');
        throw new SamsaError('KAFKA_STORAGE_ERROR', `metadata log write failed: ${(err as Error).message}`, { cause: err });
      }
      this.current = next;
      if (this.log.isLevelEnabled('debug')) {
        for (const e of entries) this.log.debug({ index: e.index, ...describeRecord(e.record) }, 'metadata record applied');
      }
      const update: MetadataUpdate = Object.freeze({ previous, image: next, entries: Object.freeze(entries) });
      for (const listener of this.listeners) {
        try {
          listener(update);
        } catch (err) {
          this.log.error({ err }, 'metadata listener threw');
        }
      }
      return next.appliedIndex;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async *replay(fromIndex = 1): AsyncIterable<MetadataLogEntry> {
    assert(Number.isSafeInteger(fromIndex) && fromIndex >= 1, `replay from ${fromIndex}`);
    const last = this.current.appliedIndex;
    if (fromIndex > last) return;
    for await (const [key, value] of this.db.iterator({ gte: indexKey(fromIndex), lte: indexKey(last) })) {
      yield { index: keyIndex(key), record: decodeMetadataRecord(value) };
    }
  }

  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.stopping = true;
    this.closing = (async () => {
      for (const listener of [...this.leaderListeners]) {
        try {
          listener({ leaderId: -1, leaderEpoch: LOCAL_LEADER_EPOCH, isLeader: false });
        } catch (err) {
          this.log.error({ err }, 'leader listener threw');
        }
      }
      this.leaderListeners.clear();
      await this.tail;
      this.listeners.clear();
      await this.db.close();
      this.log.info({ appliedIndex: this.current.appliedIndex }, 'metadata log closed');
    })();
    return this.closing;
  }
}

function checkIdentity(props: MetaProperties, options: LocalMetadataLogOptions, where: string): void {
  if (options.clusterId !== undefined && props.clusterId !== options.clusterId) {
    throw new DataDirError(`${where}: this data directory belongs to cluster ${props.clusterId}, not to cluster ${options.clusterId} that this node is configured for`);
  }
  if (props.nodeId !== options.nodeId) {
    throw new DataDirError(`${where}: this data directory belongs to node ${props.nodeId}, not to node ${options.nodeId}`);
  }
}
