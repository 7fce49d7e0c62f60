// The byte layout of the metadata/ database. Entry keys are u64 big-endian indexes (first byte 0
// for any safe integer), so they iterate in index order; every other key starts with 0xff and sorts
// after them. The identity record has the key and JSON shape of the single-voter metadata log of
// issue 3 (packages/controller, LocalMetadataLog), so either can read who a directory belongs to.
import { assert } from '@samsa/protocol';
import { EntryType } from '../core/types.js';
import type { Entry, HardState, NodeId, SnapshotMeta } from '../core/types.js';
import type { RaftIdentity } from './storage.js';

const META = 0xff;
const metaKey = (name: string): Buffer => Buffer.concat([Buffer.from([META]), Buffer.from(name, 'latin1')]);

/** Compatible with LocalMetadataLog's identity record. */
export const IDENTITY_KEY = metaKey('identity');
/** Present in every database this storage wrote; a database with entries and no marker is not ours. */
export const FORMAT_KEY = metaKey('raft/format');
export const FORMAT_VERSION = '1';
export const HARD_STATE_KEY = metaKey('raft/hard-state');
/** The bootstrap voters the node first started with (JSON array of node ids). */
export const BOOTSTRAP_VOTERS_KEY = metaKey('raft/bootstrap-voters');
export const SNAPSHOT_META_KEY = metaKey('raft/snapshot');
const SNAPSHOT_CHUNK_PREFIX = 'raft/snapshot/';
/** Every entry key is below this bound. */
export const ENTRIES_END = Buffer.from([META]);

/** A snapshot is stored in values of at most this size (LevelDB handles huge values badly). */
export const SNAPSHOT_STORE_CHUNK_BYTES = 1024 * 1024;

export function entryKey(index: number): Buffer {
  assert(Number.isSafeInteger(index) && index >= 0, `entry index ${index}`);
  const key = Buffer.allocUnsafe(8);
  key.writeBigUInt64BE(BigInt(index));
  return key;
}

export function keyIndex(key: Buffer): number {
  return key.length === 8 ? Number(key.readBigUInt64BE(0)) : -1;
}

export function snapshotChunkKey(chunk: number): Buffer {
  const suffix = Buffer.allocUnsafe(4);
  suffix.writeUInt32BE(chunk);
  return Buffer.concat([metaKey(SNAPSHOT_CHUNK_PREFIX), suffix]);
}

const ENTRY_VERSION = 1;
const ENTRY_HEADER_BYTES = 10;
const ENTRY_TYPE_CODES: Readonly<Record<EntryType, number>> = Object.freeze({
  [EntryType.NORMAL]: 1,
  [EntryType.CONF_CHANGE]: 2,
  [EntryType.EMPTY]: 3,
});
const ENTRY_TYPES: readonly (EntryType | undefined)[] = [undefined, EntryType.NORMAL, EntryType.CONF_CHANGE, EntryType.EMPTY];

/** Entry value: version (u8), type (u8), term (u64), data. The index is the key. */
export function encodeEntry(entry: Entry): Buffer {
  const value = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + entry.data.byteLength);
  value.writeUInt8(ENTRY_VERSION, 0);
  value.writeUInt8(ENTRY_TYPE_CODES[entry.type], 1);
  value.writeBigUInt64BE(BigInt(entry.term), 2);
  value.set(entry.data, ENTRY_HEADER_BYTES);
  return value;
}

/** Undefined when the value is not an entry this codec wrote. */
export function decodeEntry(index: number, value: Buffer): Entry | undefined {
  if (value.length < ENTRY_HEADER_BYTES || value.readUInt8(0) !== ENTRY_VERSION) return undefined;
  const type = ENTRY_TYPES[value.readUInt8(1)];
  if (type === undefined) return undefined;
  const term = Number(value.readBigUInt64BE(2));
  return Object.freeze({ index, term, type, data: value.subarray(ENTRY_HEADER_BYTES) });
}

export function entryTerm(value: Buffer): number | undefined {
  if (value.length < ENTRY_HEADER_BYTES || value.readUInt8(0) !== ENTRY_VERSION) return undefined;
  return Number(value.readBigUInt64BE(2));
}

/** Hard state value: version (u8), term (u64), vote (u64), commit (u64). */
export function encodeHardState(hs: HardState): Buffer {
  const value = Buffer.allocUnsafe(25);
  value.writeUInt8(1, 0);
  value.writeBigUInt64BE(BigInt(hs.term), 1);
  value.writeBigUInt64BE(BigInt(hs.vote), 9);
  value.writeBigUInt64BE(BigInt(hs.commit), 17);
  return value;
}

export function decodeHardState(value: Buffer): HardState | undefined {
  if (value.length !== 25 || value.readUInt8(0) !== 1) return undefined;
  return Object.freeze({
    term: Number(value.readBigUInt64BE(1)),
    vote: Number(value.readBigUInt64BE(9)),
    commit: Number(value.readBigUInt64BE(17)),
  });
}

/** What the snapshot meta key holds: the core's meta plus how the data is chunked. */
export interface StoredSnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly voters: readonly NodeId[];
  readonly bytes: number;
  readonly chunks: number;
}

export function encodeSnapshotMeta(meta: SnapshotMeta, bytes: number, chunks: number): Buffer {
  const stored: StoredSnapshotMeta = { index: meta.index, term: meta.term, voters: [...meta.voters], bytes, chunks };
  return Buffer.from(JSON.stringify(stored), 'utf8');
}

export function decodeSnapshotMeta(value: Buffer): StoredSnapshotMeta | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  const m = parsed as Partial<StoredSnapshotMeta> | null;
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (m === null || typeof m !== 'object' || !isCount(m.index) || !isCount(m.term) || !isCount(m.bytes) || !isCount(m.chunks)) return undefined;
  if (!Array.isArray(m.voters) || !m.voters.every(isCount)) return undefined;
  return Object.freeze({ index: m.index, term: m.term, voters: Object.freeze([...m.voters]), bytes: m.bytes, chunks: m.chunks });
}

export function encodeIdentity(identity: RaftIdentity): Buffer {
  const { clusterId, nodeId, directoryId, replaces } = identity;
  return Buffer.from(JSON.stringify(replaces === undefined ? { clusterId, nodeId, directoryId } : { clusterId, nodeId, directoryId, replaces }), 'utf8');
}

export function decodeIdentity(value: Buffer): RaftIdentity | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  const v = parsed as Partial<Record<keyof RaftIdentity, unknown>> | null;
  if (v === null || typeof v !== 'object') return undefined;
  if (typeof v.clusterId !== 'string' || typeof v.directoryId !== 'string' || v.directoryId === '') return undefined;
  if (typeof v.nodeId !== 'number' || !Number.isSafeInteger(v.nodeId) || v.nodeId < 0) return undefined;
  if (v.replaces !== undefined && typeof v.replaces !== 'string') return undefined;
  const identity: RaftIdentity = { clusterId: v.clusterId, nodeId: v.nodeId, directoryId: v.directoryId, ...(v.replaces === undefined ? {} : { replaces: v.replaces }) };
  return Object.freeze(identity);
}

export function encodeVoters(voters: readonly NodeId[]): Buffer {
  return Buffer.from(JSON.stringify([...voters]), 'utf8');
}

export function decodeVoters(value: Buffer): readonly NodeId[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0)) return undefined;
  return Object.freeze([...(parsed as number[])]);
}
