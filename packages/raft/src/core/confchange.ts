// The encoding of a ConfChange in a CONF_CHANGE entry's data. Binary and versioned, because the
// entries live in the Raft log on disk for as long as the log is not compacted:
//   u8 version (1) | u8 type (1 add-voter, 2 remove-voter) | u32 nodeId | u16 voter count | u32 voters...
// (big-endian). `voters` is the configuration after the change (see ConfChange.voters).
import type { ConfChange, NodeId } from './types.js';

const VERSION = 1;
const TYPE_CODES = { 'add-voter': 1, 'remove-voter': 2 } as const;
const HEADER_BYTES = 8;
/** A configuration never holds more voters than this (single-server changes, a handful of nodes). */
export const VOTERS_MAX = 1024;

export function encodeConfChange(change: ConfChange): Uint8Array {
  const voters = change.voters ?? [];
  if (voters.length > VOTERS_MAX) throw new RangeError(`a configuration holds at most ${VOTERS_MAX} voters`);
  const out = new Uint8Array(HEADER_BYTES + 4 * voters.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, TYPE_CODES[change.type]);
  view.setUint32(2, checkId(change.nodeId));
  view.setUint16(6, voters.length);
  voters.forEach((id, i) => view.setUint32(HEADER_BYTES + 4 * i, checkId(id)));
  return out;
}

/** Throws RangeError on malformed data (the caller decides whether that is a bug or bad input). */
export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length < HEADER_BYTES) throw new RangeError('conf change: too short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint8(0) !== VERSION) throw new RangeError(`conf change: unknown version ${view.getUint8(0)}`);
  const code = view.getUint8(1);
  const type = code === 1 ? 'add-voter' : code === 2 ? 'remove-voter' : undefined;
  if (type === undefined) throw new RangeError(`conf change: unknown type ${code}`);
  const nodeId = view.getUint32(2);
  const count = view.getUint16(6);
  if (data.length !== HEADER_BYTES + 4 * count) throw new RangeError('conf change: length does not match its voter count');
  if (nodeId === 0) throw new RangeError('conf change: node id 0');
  const voters: NodeId[] = [];
  for (let i = 0; i < count; i++) voters.push(view.getUint32(HEADER_BYTES + 4 * i));
  return count === 0 ? { type, nodeId } : { type, nodeId, voters };
}

function checkId(id: NodeId): number {
  if (!Number.isSafeInteger(id) || id < 1 || id > 0xffff_ffff) throw new RangeError(`conf change: bad node id ${id}`);
  return id;
}
