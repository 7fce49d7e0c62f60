// The Raft log, hard state, latest snapshot and identity in the node's metadata/ LevelDB database.
// Every write is one db.batch with sync: true, so a crash (or power loss) at any point leaves the
// old state or the new one, never a mix: the core may then send messages that depend on it.
import { randomUUID } from 'node:crypto';
import { Level } from 'level';
import type { Logger } from 'pino';
import { assert } from '@samsa/protocol';
import type { Entry, HardState, NodeId, Ready, Snapshot } from '../core/types.js';
import {
  BOOTSTRAP_VOTERS_KEY,
  ENTRIES_END,
  FORMAT_KEY,
  FORMAT_VERSION,
  HARD_STATE_KEY,
  IDENTITY_KEY,
  SNAPSHOT_META_KEY,
  SNAPSHOT_STORE_CHUNK_BYTES,
  decodeEntry,
  decodeHardState,
  decodeIdentity,
  decodeSnapshotMeta,
  decodeVoters,
  encodeEntry,
  encodeHardState,
  encodeIdentity,
  encodeSnapshotMeta,
  encodeVoters,
  entryKey,
  entryTerm,
  keyIndex,
  snapshotChunkKey,
} from './codec.js';
import { RaftStorageError } from './storage.js';
import type { RaftIdentity, RaftStorage, StoredState } from './storage.js';

type Db = Level<Buffer, Buffer>;
type BatchOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** What the data directory's meta.properties records, when it was formatted before. */
export interface RecordedIdentity {
  readonly clusterId: string;
  readonly nodeId: NodeId;
  readonly directoryId: string;
}

export interface LevelRaftStorageOptions {
  /** The database directory: `<dataDir>/metadata`. */
  path: string;
  nodeId: NodeId;
  /** The cluster this node is configured for: a new storage takes it; a storage of another cluster is refused. */
  clusterId?: string;
  /**
   * The identity the data directory recorded outside this database (meta.properties), when the
   * directory was formatted before. With it, a missing or empty database is a lost state, not a
   * new node: the storage is recreated under a new directory id that `replaces` the recorded one.
   */
  recorded?: RecordedIdentity;
  logger: Logger;
}

const DB_OPTIONS = Object.freeze({ keyEncoding: 'buffer', valueEncoding: 'buffer' } as const);
const SYNC = Object.freeze({ sync: true });
const NO_HARD_STATE: HardState = Object.freeze({ term: 0, vote: 0, commit: 0 });

export class LevelRaftStorage implements RaftStorage {
  readonly identity: RaftIdentity;
  private readonly db: Db;
  private readonly log: Logger;
  /** The stored entries are exactly firstIndex..lastIndex (none when lastIndex < firstIndex). */
  private firstIndex = 1;
  private lastIndex = 0;
  private snapshotChunks = 0;
  private loaded = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** Writes run one at a time (the driver never overlaps them; this keeps the bookkeeping honest if it did). */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(db: Db, identity: RaftIdentity, log: Logger) {
    this.db = db;
    this.identity = identity;
    this.log = log;
  }

  /** Opens (or creates) the database and checks or establishes its identity. */
  static async open(options: LevelRaftStorageOptions): Promise<LevelRaftStorage> {
    assert(Number.isSafeInteger(options.nodeId) && options.nodeId > 0, `node id ${options.nodeId}`);
    const log = options.logger.child({ component: 'raft-storage' });
    const db: Db = new Level<Buffer, Buffer>(options.path, DB_OPTIONS);
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      if (cause !== undefined && /\bLOCK\b/.test(cause.message)) {
        throw new RaftStorageError('in-use', `the metadata database ${options.path} is in use by another process`, { cause: err });
      }
      throw new RaftStorageError('io', `cannot open the metadata database ${options.path}: ${(err as Error).message}${cause ? ` (${cause.message})` : ''}`, { cause: err });
    }
    try {
      const identity = await establishIdentity(db, options, log);
      return new LevelRaftStorage(db, identity, log);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  async load(): Promise<StoredState> {
    this.checkUsable();
    const where = 'the metadata database';
    const hsValue = await this.db.get(HARD_STATE_KEY);
    let hardState = NO_HARD_STATE;
    if (hsValue !== undefined) {
      const decoded = decodeHardState(hsValue);
      if (decoded === undefined) throw new RaftStorageError('damaged', `${where}: the hard state does not decode`);
      hardState = decoded;
    }

    let snapshot: Snapshot | undefined;
    const metaValue = await this.db.get(SNAPSHOT_META_KEY);
    if (metaValue !== undefined) {
      const meta = decodeSnapshotMeta(metaValue);
      if (meta === undefined) throw new RaftStorageError('damaged', `${where}: the snapshot meta does not decode`);
      const keys = Array.from({ length: meta.chunks }, (_, i) => snapshotChunkKey(i));
      const chunks = meta.chunks === 0 ? [] : await this.db.getMany(keys);
      if (chunks.some((c) => c === undefined)) throw new RaftStorageError('damaged', `${where}: a chunk of snapshot ${meta.index} is missing`);
      const data = Buffer.concat(chunks as Buffer[]);
      if (data.length !== meta.bytes) throw new RaftStorageError('damaged', `${where}: snapshot ${meta.index} has ${data.length} bytes, ${meta.bytes} expected`);
      snapshot = Object.freeze({ meta: Object.freeze({ index: meta.index, term: meta.term, voters: meta.voters }), data });
      this.snapshotChunks = meta.chunks;
    }

    const snapshotIndex = snapshot?.meta.index ?? 0;
    const entries: Entry[] = [];
    let expected = snapshotIndex + 1;
    // Entries at or below the snapshot index cannot exist (the snapshot's write deleted them); the
    // range starts after it all the same, so a leftover could never be mistaken for the log.
    for await (const [key, value] of this.db.iterator({ gte: entryKey(expected), lt: ENTRIES_END })) {
      const index = keyIndex(key);
      if (index !== expected) throw new RaftStorageError('damaged', `${where}: entry ${index} where ${expected} was expected (a gap in the log)`);
      const entry = decodeEntry(index, value);
      if (entry === undefined) throw new RaftStorageError('damaged', `${where}: entry ${index} does not decode`);
      const previousTerm = entries.length > 0 ? entries[entries.length - 1]!.term : (snapshot?.meta.term ?? 0);
      if (entry.term < previousTerm) throw new RaftStorageError('damaged', `${where}: entry ${index} has term ${entry.term}, below the term ${previousTerm} before it`);
      entries.push(entry);
      expected++;
    }
    let bootstrapVoters: readonly NodeId[] = Object.freeze([]);
    const votersValue = await this.db.get(BOOTSTRAP_VOTERS_KEY);
    if (votersValue !== undefined) {
      const decoded = decodeVoters(votersValue);
      if (decoded === undefined) throw new RaftStorageError('damaged', `${where}: the bootstrap voters do not decode`);
      bootstrapVoters = decoded;
    }
    if (hardState.commit > snapshotIndex + entries.length) {
      throw new RaftStorageError('damaged', `${where}: commit index ${hardState.commit} is beyond the last stored entry ${snapshotIndex + entries.length}`);
    }
    this.firstIndex = snapshotIndex + 1;
    this.lastIndex = snapshotIndex + entries.length;
    this.loaded = true;
    this.log.info({ term: hardState.term, vote: hardState.vote, commit: hardState.commit, snapshotIndex, lastIndex: this.lastIndex }, 'raft state loaded');
    return Object.freeze({
      identity: this.identity,
      hardState,
      ...(snapshot === undefined ? {} : { snapshot }),
      entries: Object.freeze(entries),
      bootstrapVoters,
      bootstrapRecorded: votersValue !== undefined,
    });
  }

  persist(update: Pick<Ready, 'hardState' | 'entries' | 'snapshot'>): Promise<void> {
    return this.serially(async () => {
      const ops: BatchOp[] = [];
      let first = this.firstIndex;
      let last = this.lastIndex;
      let chunks = this.snapshotChunks;
      if (update.snapshot !== undefined) {
        // The core hands out a received snapshot only when it discarded its whole log for it (a
        // log that holds the snapshot's last entry keeps its tail and gets no snapshot: Raft §7),
        // so the stored log goes the same way and storage stays a mirror of the core's log.
        const { index } = update.snapshot.meta;
        for (let i = first; i <= last; i++) ops.push({ type: 'del', key: entryKey(i) });
        chunks = this.snapshotOps(ops, update.snapshot);
        first = index + 1;
        last = index;
      }
      if (update.entries.length > 0) {
        const from = update.entries[0]!.index;
        const to = update.entries[update.entries.length - 1]!.index;
        assert(from >= first && from <= last + 1, `persist of entries ${from}..${to} onto stored entries ${first}..${last}`);
        update.entries.forEach((e, i) => assert(e.index === from + i, `persist of entries: ${e.index} is not ${from + i}`));
        // The new entries replace every stored entry from their first index on.
        for (let i = to + 1; i <= last; i++) ops.push({ type: 'del', key: entryKey(i) });
        for (const e of update.entries) ops.push({ type: 'put', key: entryKey(e.index), value: encodeEntry(e) });
        last = to;
      }
      if (update.hardState !== undefined) ops.push({ type: 'put', key: HARD_STATE_KEY, value: encodeHardState(update.hardState) });
      if (ops.length === 0) return;
      await this.write(ops);
      this.firstIndex = first;
      this.lastIndex = last;
      this.snapshotChunks = chunks;
    });
  }

  recordBootstrapVoters(voters: readonly NodeId[]): Promise<void> {
    return this.serially(() => this.write([{ type: 'put', key: BOOTSTRAP_VOTERS_KEY, value: encodeVoters(voters) }]));
  }

  compact(snapshot: Snapshot): Promise<void> {
    return this.serially(async () => {
      const { index, term } = snapshot.meta;
      assert(index >= this.firstIndex - 1 && index <= this.lastIndex, `compaction to ${index} of stored entries ${this.firstIndex}..${this.lastIndex}`);
      if (index >= this.firstIndex) {
        const stored = await this.termAt(index);
        assert(stored === term, `compaction to ${index}@${term}, but the stored entry there has term ${stored}`);
      }
      const ops: BatchOp[] = [];
      for (let i = this.firstIndex; i <= index; i++) ops.push({ type: 'del', key: entryKey(i) });
      const chunks = this.snapshotOps(ops, snapshot);
      await this.write(ops);
      this.firstIndex = index + 1;
      this.snapshotChunks = chunks;
      this.log.debug({ index, term, bytes: snapshot.data.byteLength }, 'log compacted');
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.tail;
      await this.db.close();
    })();
    return this.closing;
  }

  /** Puts the snapshot's meta and chunks, deletes chunks of the previous one beyond them. */
  private snapshotOps(ops: BatchOp[], snapshot: Snapshot): number {
    const data = snapshot.data;
    const chunks = Math.ceil(data.byteLength / SNAPSHOT_STORE_CHUNK_BYTES);
    for (let i = 0; i < chunks; i++) {
      const chunk = data.subarray(i * SNAPSHOT_STORE_CHUNK_BYTES, Math.min((i + 1) * SNAPSHOT_STORE_CHUNK_BYTES, data.byteLength));
      ops.push({ type: 'put', key: snapshotChunkKey(i), value: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) });
    }
    for (let i = chunks; i < this.snapshotChunks; i++) ops.push({ type: 'del', key: snapshotChunkKey(i) });
    ops.push({ type: 'put', key: SNAPSHOT_META_KEY, value: encodeSnapshotMeta(snapshot.meta, data.byteLength, chunks) });
    return chunks;
  }

  private async termAt(index: number): Promise<number | undefined> {
    const value = await this.db.get(entryKey(index));
    return value === undefined ? undefined : entryTerm(value);
  }

  private async write(ops: BatchOp[]): Promise<void> {
    try {
      await this.db.batch(ops, SYNC);
    } catch (err) {
      // What reached the disk is unknown: no further write may build on a guess.
      this.failure = err as Error;
      this.log.error({ err }, 'metadata write failed; the raft storage accepts no more writes');
      throw new RaftStorageError('io', `metadata write failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const go = (): Promise<T> => {
      this.checkUsable();
      assert(this.loaded, 'raft storage written before load()');
      return run();
    };
    const result = this.tail.then(go, go);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private checkUsable(): void {
    if (this.failure !== undefined) throw new RaftStorageError('io', `an earlier metadata write failed: ${this.failure.message}`, { cause: this.failure });
    if (this.closing !== undefined) throw new RaftStorageError('io', 'the raft storage is closed');
  }
}

/** Checks the stored identity against the node's configuration, or creates one. */
async function establishIdentity(db: Db, options: LevelRaftStorageOptions, log: Logger): Promise<RaftIdentity> {
  const { nodeId, clusterId, recorded, path } = options;
  const storedValue = await db.get(IDENTITY_KEY);
  const format = (await db.get(FORMAT_KEY))?.toString('utf8');
  const hasEntries = (await db.keys({ lt: ENTRIES_END, limit: 1 }).all()).length > 0;
  const hasState = hasEntries || (await db.get(HARD_STATE_KEY)) !== undefined || (await db.get(SNAPSHOT_META_KEY)) !== undefined || (await db.get(BOOTSTRAP_VOTERS_KEY)) !== undefined;
  if (format !== undefined && format !== FORMAT_VERSION) {
    throw new RaftStorageError('unsupported-format', `${path}: raft storage format ${JSON.stringify(format)}; this build reads format ${FORMAT_VERSION}`);
  }

  if (storedValue !== undefined) {
    const stored = decodeIdentity(storedValue);
    if (stored === undefined) throw new RaftStorageError('damaged', `${path}: the identity record does not decode`);
    if (format === undefined && hasEntries) {
      throw new RaftStorageError(
        'unsupported-format',
        `${path} holds a metadata log written without Raft (the single-voter log); it cannot be opened as a Raft log`,
      );
    }
    if (stored.nodeId !== nodeId) throw new RaftStorageError('identity-mismatch', `${path} belongs to node ${stored.nodeId}, not to node ${nodeId}`);
    if (clusterId !== undefined && clusterId !== '' && stored.clusterId !== '' && stored.clusterId !== clusterId) {
      throw new RaftStorageError('identity-mismatch', `${path} belongs to cluster ${stored.clusterId}, not to cluster ${clusterId} that this node is configured for`);
    }
    if (recorded !== undefined && (recorded.directoryId !== stored.directoryId || recorded.nodeId !== stored.nodeId || (recorded.clusterId !== '' && stored.clusterId !== '' && recorded.clusterId !== stored.clusterId))) {
      throw new RaftStorageError(
        'identity-mismatch',
        `${path} (cluster ${stored.clusterId}, node ${stored.nodeId}, directory ${stored.directoryId}) does not match the data directory's recorded identity ` +
          `(cluster ${recorded.clusterId}, node ${recorded.nodeId}, directory ${recorded.directoryId}); the directory was assembled from different nodes`,
      );
    }
    const adopted = stored.clusterId === '' && clusterId !== undefined && clusterId !== '' ? { ...stored, clusterId } : stored;
    if (adopted !== stored || format === undefined) {
      await db.batch([{ type: 'put', key: IDENTITY_KEY, value: encodeIdentity(adopted) }, { type: 'put', key: FORMAT_KEY, value: Buffer.from(FORMAT_VERSION) }], SYNC);
    }
    log.info({ clusterId: adopted.clusterId, directoryId: adopted.directoryId, replaces: adopted.replaces }, 'raft storage opened');
    return Object.freeze(adopted);
  }

  if (hasState) throw new RaftStorageError('damaged', `${path} holds raft state but no identity record`);
  let identity: RaftIdentity;
  if (recorded !== undefined) {
    if (recorded.nodeId !== nodeId) throw new RaftStorageError('identity-mismatch', `the data directory belongs to node ${recorded.nodeId}, not to node ${nodeId}`);
    if (clusterId !== undefined && clusterId !== '' && recorded.clusterId !== '' && recorded.clusterId !== clusterId) {
      throw new RaftStorageError('identity-mismatch', `the data directory belongs to cluster ${recorded.clusterId}, not to cluster ${clusterId} that this node is configured for`);
    }
    // Formatted before, but the state is gone. Starting under the old directory id with term 0
    // could vote twice in one term; a new directory id makes this a new incarnation, which the
    // quorum does not count until an operator removes the old one and adds this one.
    identity = { clusterId: recorded.clusterId !== '' ? recorded.clusterId : (clusterId ?? ''), nodeId, directoryId: randomUUID(), replaces: recorded.directoryId };
    log.error(
      { replaces: recorded.directoryId, directoryId: identity.directoryId, path },
      'the raft state of this data directory is lost; starting as a new incarnation that does not vote until the quorum re-adds it',
    );
  } else {
    identity = { clusterId: clusterId ?? '', nodeId, directoryId: randomUUID() };
    log.info({ clusterId: identity.clusterId, directoryId: identity.directoryId, path }, 'raft storage created');
  }
  await db.batch([{ type: 'put', key: IDENTITY_KEY, value: encodeIdentity(identity) }, { type: 'put', key: FORMAT_KEY, value: Buffer.from(FORMAT_VERSION) }], SYNC);
  return Object.freeze(identity);
}
