// Binary keys and values of log/ and index/. Integers in keys are big-endian so that LevelDB's
// bytewise order is numeric order; integers in values are float64 (exact for safe integers and
// cheaper than BigInt).
//
// log/    key: sequence u64                         value: topic id (16) | partition u32 | batch
// index/  0x00 0x01                                   -> covered sequence (u64): every log/ key up
//                                                        to it has been indexed
//         0x01 | topic id | partition | 0x01          -> partition meta (MetaValue)
//         0x01 | topic id | partition | 0x02 | base   -> batch entry: sequence, last offset,
//                                                        max timestamp, batch bytes, producer id,
//                                                        producer epoch, base and last sequence
//         0x01 | topic id | partition | 0x03 | epoch  -> leader epoch start offset
import { TOPIC_ID_BYTES } from '@samsa/protocol';

const TWO_32 = 2 ** 32;

export function writeU64(buf: Buffer, pos: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / TWO_32), pos);
  buf.writeUInt32BE(n >>> 0, pos + 4);
}

export const readU64 = (buf: Buffer, pos: number): number => buf.readUInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);

// ---------------------------------------------------------------------------------------------
// log/

export const SEQ_KEY_BYTES = 8;
/** Topic id and partition before the batch in every log/ value. */
export const LOG_VALUE_PREFIX_BYTES = TOPIC_ID_BYTES + 4;

export function seqKey(seq: number): Buffer {
  const key = Buffer.allocUnsafe(SEQ_KEY_BYTES);
  writeU64(key, 0, seq);
  return key;
}

export function logValuePrefix(topicId: Buffer, partition: number): Buffer {
  const prefix = Buffer.allocUnsafe(LOG_VALUE_PREFIX_BYTES);
  topicId.copy(prefix, 0);
  prefix.writeUInt32BE(partition, TOPIC_ID_BYTES);
  return prefix;
}

// ---------------------------------------------------------------------------------------------
// index/

export const IndexSpace = Object.freeze({ GLOBAL: 0x00, PARTITION: 0x01 });
export const IndexType = Object.freeze({ META: 0x01, BATCH: 0x02, EPOCH: 0x03 });

export const COVERED_SEQ_KEY: Buffer = Buffer.from([IndexSpace.GLOBAL, 0x01]);

/** 0x01 | topic id | partition: every key of one partition starts with it. */
export const PARTITION_PREFIX_BYTES = 1 + TOPIC_ID_BYTES + 4;

export function partitionPrefix(topicId: Buffer, partition: number): Buffer {
  const prefix = Buffer.allocUnsafe(PARTITION_PREFIX_BYTES);
  prefix[0] = IndexSpace.PARTITION;
  topicId.copy(prefix, 1);
  prefix.writeUInt32BE(partition, 1 + TOPIC_ID_BYTES);
  return prefix;
}

/** The first key after every key of a partition (for range deletes). */
export function partitionPrefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.alloc(PARTITION_PREFIX_BYTES + 1, 0xff);
  prefix.copy(end, 0);
  return end;
}

export function metaKey(prefix: Buffer): Buffer {
  const key = Buffer.allocUnsafe(PARTITION_PREFIX_BYTES + 1);
  prefix.copy(key, 0);
  key[PARTITION_PREFIX_BYTES] = IndexType.META;
  return key;
}

export function batchKey(prefix: Buffer, baseOffset: number): Buffer {
  const key = Buffer.allocUnsafe(PARTITION_PREFIX_BYTES + 9);
  prefix.copy(key, 0);
  key[PARTITION_PREFIX_BYTES] = IndexType.BATCH;
  writeU64(key, PARTITION_PREFIX_BYTES + 1, baseOffset);
  return key;
}

export function epochKey(prefix: Buffer, epoch: number): Buffer {
  const key = Buffer.allocUnsafe(PARTITION_PREFIX_BYTES + 5);
  prefix.copy(key, 0);
  key[PARTITION_PREFIX_BYTES] = IndexType.EPOCH;
  key.writeUInt32BE(epoch, PARTITION_PREFIX_BYTES + 1);
  return key;
}

export interface ParsedIndexKey {
  topicId: Buffer;
  partition: number;
  type: number;
  /** Base offset (BATCH) or epoch (EPOCH); 0 for META. */
  suffix: number;
}

/** Parses a partition key of index/; undefined for global keys or keys of an unknown shape. */
export function parseIndexKey(key: Buffer): ParsedIndexKey | undefined {
  if (key.length < PARTITION_PREFIX_BYTES + 1 || key[0] !== IndexSpace.PARTITION) return undefined;
  const topicId = Buffer.from(key.subarray(1, 1 + TOPIC_ID_BYTES));
  const partition = key.readUInt32BE(1 + TOPIC_ID_BYTES);
  const type = key[PARTITION_PREFIX_BYTES]!;
  if (type === IndexType.META && key.length === PARTITION_PREFIX_BYTES + 1) return { topicId, partition, type, suffix: 0 };
  if (type === IndexType.BATCH && key.length === PARTITION_PREFIX_BYTES + 9) return { topicId, partition, type, suffix: readU64(key, PARTITION_PREFIX_BYTES + 1) };
  if (type === IndexType.EPOCH && key.length === PARTITION_PREFIX_BYTES + 5) return { topicId, partition, type, suffix: key.readUInt32BE(PARTITION_PREFIX_BYTES + 1) };
  return undefined;
}

export interface MetaValue {
  logStartOffset: number;
  highWatermark: number;
  retentionMs: number;
  retentionBytes: number;
}

const META_VALUE_BYTES = 32;

export function encodeMeta(m: MetaValue): Buffer {
  const buf = Buffer.allocUnsafe(META_VALUE_BYTES);
  buf.writeDoubleBE(m.logStartOffset, 0);
  buf.writeDoubleBE(m.highWatermark, 8);
  buf.writeDoubleBE(m.retentionMs, 16);
  buf.writeDoubleBE(m.retentionBytes, 24);
  return buf;
}

export function decodeMeta(buf: Buffer): MetaValue | undefined {
  if (buf.length !== META_VALUE_BYTES) return undefined;
  return { logStartOffset: buf.readDoubleBE(0), highWatermark: buf.readDoubleBE(8), retentionMs: buf.readDoubleBE(16), retentionBytes: buf.readDoubleBE(24) };
}

export interface BatchEntryValue {
  seq: number;
  lastOffset: number;
  maxTimestamp: number;
  sizeBytes: number;
  /** -1 for a batch without a producer (and then epoch and sequences are -1 too). */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** baseSequence + last offset delta, wrapping past int32 max to 0 (as Kafka). */
  lastSequence: number;
}

/** The first format (issue 3): no producer fields, read as "no producer". */
const BATCH_VALUE_V0_BYTES = 32;
/** Adds producer id (float64), producer epoch, base and last sequence (int32 each). */
const BATCH_VALUE_BYTES = 52;

export function encodeBatchEntry(e: BatchEntryValue): Buffer {
  const buf = Buffer.allocUnsafe(BATCH_VALUE_BYTES);
  buf.writeDoubleBE(e.seq, 0);
  buf.writeDoubleBE(e.lastOffset, 8);
  buf.writeDoubleBE(e.maxTimestamp, 16);
  buf.writeDoubleBE(e.sizeBytes, 24);
  buf.writeDoubleBE(e.producerId, 32);
  buf.writeInt32BE(e.producerEpoch, 40);
  buf.writeInt32BE(e.baseSequence, 44);
  buf.writeInt32BE(e.lastSequence, 48);
  return buf;
}

export function decodeBatchEntry(buf: Buffer): BatchEntryValue | undefined {
  if (buf.length !== BATCH_VALUE_BYTES && buf.length !== BATCH_VALUE_V0_BYTES) return undefined;
  const entry = { seq: buf.readDoubleBE(0), lastOffset: buf.readDoubleBE(8), maxTimestamp: buf.readDoubleBE(16), sizeBytes: buf.readDoubleBE(24) };
  if (buf.length === BATCH_VALUE_V0_BYTES) return { ...entry, producerId: -1, producerEpoch: -1, baseSequence: -1, lastSequence: -1 };
  const producerId = buf.readDoubleBE(32);
  if (!Number.isSafeInteger(producerId) || producerId < -1) return undefined;
  return { ...entry, producerId, producerEpoch: buf.readInt32BE(40), baseSequence: buf.readInt32BE(44), lastSequence: buf.readInt32BE(48) };
}

export function encodeEpochStart(startOffset: number): Buffer {
  const buf = Buffer.allocUnsafe(8);
  buf.writeDoubleBE(startOffset, 0);
  return buf;
}

export const decodeEpochStart = (buf: Buffer): number | undefined => (buf.length === 8 ? buf.readDoubleBE(0) : undefined);

/** Map key of a partition in memory. */
export const partitionMapKey = (topicId: Buffer, partition: number): string => `${topicId.toString('hex')}/${partition}`;
