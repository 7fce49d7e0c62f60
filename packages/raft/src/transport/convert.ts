// The core's Message to and from the wire's RaftMessage (proto/samsa/v1/quorum.proto), field for
// field. Decoding checks what a peer could get wrong (unknown enum values, integers out of range)
// and throws a SamsaError, never crashes: the receiver drops that batch.
import { SamsaError, int64ToNumber, numberToInt64 } from '@samsa/protocol';
import type {
  RaftEntry as WireEntry,
  RaftEntry__Output as WireEntryOutput,
  RaftMessage as WireMessage,
  RaftMessage__Output as WireMessageOutput,
  RaftEntryType as WireEntryType,
  RaftMessageType as WireMessageType,
} from '@samsa/protocol';
import { EntryType, MessageType } from '../core/types.js';
import type { Entry, Message, NodeId, SnapshotMeta } from '../core/types.js';

const MESSAGE_TYPES_TO_WIRE: Readonly<Record<MessageType, WireMessageType & string>> = Object.freeze({
  [MessageType.PRE_VOTE]: 'RAFT_PRE_VOTE',
  [MessageType.PRE_VOTE_RESPONSE]: 'RAFT_PRE_VOTE_RESPONSE',
  [MessageType.VOTE]: 'RAFT_VOTE',
  [MessageType.VOTE_RESPONSE]: 'RAFT_VOTE_RESPONSE',
  [MessageType.APPEND]: 'RAFT_APPEND',
  [MessageType.APPEND_RESPONSE]: 'RAFT_APPEND_RESPONSE',
  [MessageType.HEARTBEAT]: 'RAFT_HEARTBEAT',
  [MessageType.HEARTBEAT_RESPONSE]: 'RAFT_HEARTBEAT_RESPONSE',
  [MessageType.SNAPSHOT]: 'RAFT_SNAPSHOT',
  [MessageType.SNAPSHOT_RESPONSE]: 'RAFT_SNAPSHOT_RESPONSE',
  [MessageType.TIMEOUT_NOW]: 'RAFT_TIMEOUT_NOW',
});
const MESSAGE_TYPES_FROM_WIRE: ReadonlyMap<string, MessageType> = new Map(Object.entries(MESSAGE_TYPES_TO_WIRE).map(([k, v]) => [v, k as MessageType]));

const ENTRY_TYPES_TO_WIRE: Readonly<Record<EntryType, WireEntryType & string>> = Object.freeze({
  [EntryType.NORMAL]: 'RAFT_ENTRY_NORMAL',
  [EntryType.CONF_CHANGE]: 'RAFT_ENTRY_CONF_CHANGE',
  [EntryType.EMPTY]: 'RAFT_ENTRY_EMPTY',
});
const ENTRY_TYPES_FROM_WIRE: ReadonlyMap<string, EntryType> = new Map(Object.entries(ENTRY_TYPES_TO_WIRE).map(([k, v]) => [v, k as EntryType]));

const EMPTY_BYTES = new Uint8Array(0);

/** Bytes a message adds on the wire beyond its entries' and chunk's data (a generous bound). */
export const MESSAGE_OVERHEAD_BYTES = 128;
export const ENTRY_OVERHEAD_BYTES = 32;

/** An upper bound of a message's encoded size, to keep each stream write bounded. */
export function messageBytes(m: Message): number {
  let bytes = MESSAGE_OVERHEAD_BYTES + m.snapshotChunk.byteLength + (m.snapshotMeta?.voters.length ?? 0) * 6;
  for (const e of m.entries) bytes += ENTRY_OVERHEAD_BYTES + e.data.byteLength;
  return bytes;
}

const asBuffer = (data: Uint8Array): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

function entryToWire(e: Entry): WireEntry {
  return { index: numberToInt64(e.index), term: numberToInt64(e.term), type: ENTRY_TYPES_TO_WIRE[e.type], data: asBuffer(e.data) };
}

export function messageToWire(m: Message): WireMessage {
  return {
    type: MESSAGE_TYPES_TO_WIRE[m.type],
    from: m.from,
    to: m.to,
    term: numberToInt64(m.term),
    index: numberToInt64(m.index),
    log_term: numberToInt64(m.logTerm),
    entries: m.entries.map(entryToWire),
    commit: numberToInt64(m.commit),
    reject: m.reject,
    reject_hint: numberToInt64(m.rejectHint),
    reject_hint_term: numberToInt64(m.rejectHintTerm),
    snapshot_meta: m.snapshotMeta === undefined ? null : { index: numberToInt64(m.snapshotMeta.index), term: numberToInt64(m.snapshotMeta.term), voters: [...m.snapshotMeta.voters] },
    snapshot_offset: numberToInt64(m.snapshotOffset),
    snapshot_chunk: asBuffer(m.snapshotChunk),
    snapshot_done: m.snapshotDone,
    transfer: m.transfer,
  };
}

function nodeId(value: number, field: string, allowNone: boolean): NodeId {
  if (!Number.isSafeInteger(value) || value < (allowNone ? 0 : 1)) throw new SamsaError('INVALID_REQUEST', `${field} must be a node id, got ${value}`);
  return value;
}

function count(value: unknown, field: string): number {
  const n = int64ToNumber(value, field);
  if (n < 0) throw new SamsaError('INVALID_REQUEST', `${field} must not be negative, got ${n}`);
  return n;
}

function entryFromWire(e: WireEntryOutput): Entry {
  const type = ENTRY_TYPES_FROM_WIRE.get(String(e.type));
  if (type === undefined) throw new SamsaError('INVALID_REQUEST', `unknown raft entry type ${String(e.type)}`);
  // Copied: the decoded bytes are a view into the whole received message, and entries live long.
  return Object.freeze({ index: count(e.index, 'entry.index'), term: count(e.term, 'entry.term'), type, data: Buffer.from(e.data) });
}

export function messageFromWire(w: WireMessageOutput): Message {
  const type = MESSAGE_TYPES_FROM_WIRE.get(String(w.type));
  if (type === undefined) throw new SamsaError('INVALID_REQUEST', `unknown raft message type ${String(w.type)}`);
  let snapshotMeta: SnapshotMeta | undefined;
  if (w.snapshot_meta !== null && w.snapshot_meta !== undefined) {
    const voters = w.snapshot_meta.voters.map((v) => nodeId(v, 'snapshot_meta.voters', false));
    snapshotMeta = Object.freeze({ index: count(w.snapshot_meta.index, 'snapshot_meta.index'), term: count(w.snapshot_meta.term, 'snapshot_meta.term'), voters: Object.freeze(voters) });
  }
  const message: Message = {
    type,
    from: nodeId(w.from, 'from', false),
    to: nodeId(w.to, 'to', false),
    term: count(w.term, 'term'),
    index: count(w.index, 'index'),
    logTerm: count(w.log_term, 'log_term'),
    entries: Object.freeze(w.entries.map(entryFromWire)),
    commit: count(w.commit, 'commit'),
    reject: w.reject,
    rejectHint: count(w.reject_hint, 'reject_hint'),
    rejectHintTerm: count(w.reject_hint_term, 'reject_hint_term'),
    ...(snapshotMeta === undefined ? {} : { snapshotMeta }),
    snapshotOffset: count(w.snapshot_offset, 'snapshot_offset'),
    snapshotChunk: w.snapshot_chunk.length === 0 ? EMPTY_BYTES : Buffer.from(w.snapshot_chunk),
    snapshotDone: w.snapshot_done,
    transfer: w.transfer,
  };
  return Object.freeze(message);
}
