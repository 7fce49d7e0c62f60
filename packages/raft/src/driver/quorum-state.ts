// The driver's replicated state beside the application's: which storage incarnation (directory id)
// and which address each voter has. The core's configuration is a list of node ids; the quorum's
// configuration is (node id, directory id) pairs, so the driver keeps the second half itself, in
// the same log and snapshots, applied in the same order on every node (README: "Identity").
//
// Layout of what the driver puts in the log:
// - NORMAL entries start with a tag byte: 0 = the application's data follows (what propose() got);
//   1 = a voter record follows (JSON { nodeId, directoryId, address }). The state machine sees the
//   application's bytes without the tag, and a voter record as an EMPTY entry.
// - Snapshot data: version (u8 = 1), the quorum state's length (u32 BE), the quorum state (JSON
//   { voters: [{ nodeId, directoryId, address }] }), then the state machine's snapshot.
import { SamsaError } from '@samsa/protocol';
import type { NodeId } from '../core/types.js';

export const PayloadTag = Object.freeze({ APPLICATION: 0, VOTER: 1 } as const);

/** A voter's storage incarnation and where it is reached. */
export interface VoterBinding {
  readonly nodeId: NodeId;
  /** The directory id of the storage this voter votes with. */
  readonly directoryId: string;
  /** 'host:port' of its quorum endpoint; '' when not known. */
  readonly address: string;
}

export type Payload = { readonly kind: 'application'; readonly data: Uint8Array } | { readonly kind: 'voter'; readonly voter: VoterBinding };

const SNAPSHOT_VERSION = 1;
const SNAPSHOT_HEADER_BYTES = 5;

export function encodeApplicationPayload(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + data.byteLength);
  out[0] = PayloadTag.APPLICATION;
  out.set(data, 1);
  return out;
}

export function encodeVoterPayload(voter: VoterBinding): Uint8Array {
  const json = Buffer.from(JSON.stringify({ nodeId: voter.nodeId, directoryId: voter.directoryId, address: voter.address }), 'utf8');
  const out = new Uint8Array(1 + json.byteLength);
  out[0] = PayloadTag.VOTER;
  out.set(json, 1);
  return out;
}

function checkBinding(value: unknown, where: string): VoterBinding {
  const v = value as Partial<Record<keyof VoterBinding, unknown>> | null;
  if (
    v === null ||
    typeof v !== 'object' ||
    typeof v.nodeId !== 'number' ||
    !Number.isSafeInteger(v.nodeId) ||
    v.nodeId < 1 ||
    typeof v.directoryId !== 'string' ||
    v.directoryId === '' ||
    typeof v.address !== 'string'
  ) {
    throw new SamsaError('CORRUPT_MESSAGE', `${where}: a malformed voter record`);
  }
  return Object.freeze({ nodeId: v.nodeId, directoryId: v.directoryId, address: v.address });
}

/**
 * Decodes a NORMAL entry's data. Throws on an unknown tag: a committed entry this build cannot
 * read must stop the node, not be skipped (skipping would make its state differ from the others').
 */
export function decodePayload(data: Uint8Array, index: number): Payload {
  const tag = data[0];
  if (tag === PayloadTag.APPLICATION) return { kind: 'application', data: data.subarray(1) };
  if (tag === PayloadTag.VOTER) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset + 1, data.byteLength - 1).toString('utf8'));
    } catch (cause) {
      throw new SamsaError('CORRUPT_MESSAGE', `entry ${index}: a voter record that does not parse`, { cause });
    }
    return { kind: 'voter', voter: checkBinding(parsed, `entry ${index}`) };
  }
  throw new SamsaError('CORRUPT_MESSAGE', `entry ${index}: unknown payload tag ${String(tag)} (written by a newer version?)`);
}

export function wrapSnapshot(voters: Iterable<VoterBinding>, stateMachine: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify({ voters: [...voters].map((v) => ({ nodeId: v.nodeId, directoryId: v.directoryId, address: v.address })) }), 'utf8');
  const out = Buffer.allocUnsafe(SNAPSHOT_HEADER_BYTES + json.byteLength + stateMachine.byteLength);
  out.writeUInt8(SNAPSHOT_VERSION, 0);
  out.writeUInt32BE(json.byteLength, 1);
  json.copy(out, SNAPSHOT_HEADER_BYTES);
  out.set(stateMachine, SNAPSHOT_HEADER_BYTES + json.byteLength);
  return out;
}

export function unwrapSnapshot(data: Uint8Array, index: number): { voters: VoterBinding[]; stateMachine: Uint8Array } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < SNAPSHOT_HEADER_BYTES || buf.readUInt8(0) !== SNAPSHOT_VERSION) throw new SamsaError('CORRUPT_MESSAGE', `snapshot ${index}: unknown format`);
  const length = buf.readUInt32BE(1);
  if (SNAPSHOT_HEADER_BYTES + length > buf.length) throw new SamsaError('CORRUPT_MESSAGE', `snapshot ${index}: truncated quorum state`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', SNAPSHOT_HEADER_BYTES, SNAPSHOT_HEADER_BYTES + length));
  } catch (cause) {
    throw new SamsaError('CORRUPT_MESSAGE', `snapshot ${index}: the quorum state does not parse`, { cause });
  }
  const list = (parsed as { voters?: unknown } | null)?.voters;
  if (!Array.isArray(list)) throw new SamsaError('CORRUPT_MESSAGE', `snapshot ${index}: the quorum state has no voter list`);
  return { voters: list.map((v) => checkBinding(v, `snapshot ${index}`)), stateMachine: buf.subarray(SNAPSHOT_HEADER_BYTES + length) };
}
