// The record batch: the unit producers send, brokers store and serve as it is, and consumers decode.
// Kafka's v2 batch is the model. Header, big-endian, 61 bytes:
//
//   off  size  field
//    0    8    base offset             (stamped by the leader)
//    8    4    batch length            (bytes after this field)
//   12    4    partition leader epoch  (stamped by the leader)
//   16    1    magic                   (2)
//   17    4    CRC-32C                 (of bytes 21..end)
//   21    2    attributes              (bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control)
//   23    4    last offset delta
//   27    8    base timestamp
//   35    8    max timestamp
//   43    8    producer id
//   51    2    producer epoch
//   53    4    base sequence
//   57    4    record count
//   61         records: length, attributes, timestamp delta, offset delta, key, value, headers (varints)
//
// The CRC starts at the attributes so the broker can stamp base offset and leader epoch without
// recomputing it. The broker only ever reads headers (readBatchHeader, validateBatches); records
// are decoded by consumers (decodeRecords).
import { crc32c } from '@node-rs/crc32';
import { SamsaError } from './errors.js';

export const BATCH_HEADER_BYTES = 61;
/** Bytes before the batch length field is counted: base offset + batch length. */
export const BATCH_LOG_OVERHEAD_BYTES = 12;
export const BATCH_MAGIC = 2;

/** Byte positions of the header fields. */
export const BatchField = Object.freeze({
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORD_COUNT: 57,
});

/** Attribute bits. */
export const BatchAttributes = Object.freeze({
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
});

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batch length field; the whole batch is batchLength + 12 bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as a producer gives it. Strings are encoded as UTF-8. */
export interface RecordInput {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: RecordHeader[] | Record<string, Buffer | string | null>;
  /** Milliseconds since the epoch; defaults to the batch's timestamp. */
  timestamp?: number;
}

/** A record as a consumer sees it. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface EncodeBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  attributes?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Timestamp of records that carry none; defaults to Date.now(). */
  nowMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Varints (zigzag, as Kafka's records use). Arithmetic rather than bitwise so that 64-bit values
// up to 2^53 (timestamp deltas) are exact.

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export function varintSize(n: number): number {
  let z = zigzag(n);
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  let z = zigzag(n);
  while (z >= 0x80) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/** Reads a zigzag varint at `cursor.pos`; INVALID_RECORD when it runs past `end` or is too long. */
function readVarint(buf: Buffer, cursor: { pos: number }, end: number): number {
  let z = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (cursor.pos >= end) throw new SamsaError('INVALID_RECORD', 'record batch truncated inside a varint');
    const b = buf[cursor.pos++]!;
    z += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(z)) throw new SamsaError('INVALID_RECORD', 'varint out of range');
      return unzigzag(z);
    }
    scale *= 128;
  }
  throw new SamsaError('INVALID_RECORD', 'varint longer than 10 bytes');
}

// ---------------------------------------------------------------------------------------------
// Encoding

const toBuffer = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

function normalizeHeaders(h: RecordInput['headers']): { key: Buffer; value: Buffer | null }[] {
  if (h === undefined) return [];
  const list = Array.isArray(h) ? h : Object.entries(h).map(([key, value]) => ({ key, value: toBuffer(value) }));
  return list.map(({ key, value }) => ({ key: Buffer.from(key, 'utf8'), value: toBuffer(value) }));
}

const bytesFieldSize = (b: Buffer | null): number => (b === null ? varintSize(-1) : varintSize(b.length) + b.length);

function writeBytesField(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

function readBytesField(buf: Buffer, cursor: { pos: number }, end: number): Buffer | null {
  const len = readVarint(buf, cursor, end);
  if (len === -1) return null;
  if (len < -1 || cursor.pos + len > end) throw new SamsaError('INVALID_RECORD', 'record field length out of bounds');
  const b = buf.subarray(cursor.pos, cursor.pos + len);
  cursor.pos += len;
  return b;
}

/**
 * Encodes records into one batch with a valid CRC. The base offset is usually left at 0: the
 * leader stamps the real one on append.
 */
export function encodeBatch(records: readonly RecordInput[], options: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new SamsaError('INVALID_RECORD', 'a record batch holds at least one record');
  const nowMs = options.nowMs ?? Date.now();
  const prepared = records.map((r, i) => {
    const key = toBuffer(r.key);
    const value = toBuffer(r.value);
    const headers = normalizeHeaders(r.headers);
    const timestamp = r.timestamp ?? nowMs;
    if (!Number.isSafeInteger(timestamp)) throw new SamsaError('INVALID_TIMESTAMP', `record timestamp ${timestamp} is not an integer`);
    return { key, value, headers, timestamp, offsetDelta: i, bodySize: 0 };
  });
  let baseTimestamp = prepared[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  for (const p of prepared) {
    if (p.timestamp < baseTimestamp) baseTimestamp = p.timestamp;
    if (p.timestamp > maxTimestamp) maxTimestamp = p.timestamp;
  }
  let total = BATCH_HEADER_BYTES;
  for (const p of prepared) {
    let body = 1 + varintSize(p.timestamp - baseTimestamp) + varintSize(p.offsetDelta);
    body += bytesFieldSize(p.key) + bytesFieldSize(p.value) + varintSize(p.headers.length);
    for (const h of p.headers) body += bytesFieldSize(h.key) + bytesFieldSize(h.value);
    p.bodySize = body;
    total += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  buf.writeBigInt64BE(BigInt(options.baseOffset ?? 0), BatchField.BASE_OFFSET);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD_BYTES, BatchField.BATCH_LENGTH);
  buf.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, BatchField.PARTITION_LEADER_EPOCH);
  buf.writeInt8(BATCH_MAGIC, BatchField.MAGIC);
  buf.writeInt16BE(options.attributes ?? 0, BatchField.ATTRIBUTES);
  buf.writeInt32BE(records.length - 1, BatchField.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(BigInt(baseTimestamp), BatchField.BASE_TIMESTAMP);
  buf.writeBigInt64BE(BigInt(maxTimestamp), BatchField.MAX_TIMESTAMP);
  buf.writeBigInt64BE(BigInt(options.producerId ?? NO_PRODUCER_ID), BatchField.PRODUCER_ID);
  buf.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, BatchField.PRODUCER_EPOCH);
  buf.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BatchField.BASE_SEQUENCE);
  buf.writeInt32BE(records.length, BatchField.RECORD_COUNT);
  let pos = BATCH_HEADER_BYTES;
  for (const p of prepared) {
    pos = writeVarint(buf, pos, p.bodySize);
    buf[pos++] = 0; // record attributes: unused
    pos = writeVarint(buf, pos, p.timestamp - baseTimestamp);
    pos = writeVarint(buf, pos, p.offsetDelta);
    pos = writeBytesField(buf, pos, p.key);
    pos = writeBytesField(buf, pos, p.value);
    pos = writeVarint(buf, pos, p.headers.length);
    for (const h of p.headers) {
      pos = writeBytesField(buf, pos, h.key);
      pos = writeBytesField(buf, pos, h.value);
    }
  }
  if (pos !== total) throw new Error(`assertion failed: encoded ${pos} bytes, sized ${total}`);
  buf.writeUInt32BE(crc32c(buf.subarray(BatchField.ATTRIBUTES)) >>> 0, BatchField.CRC);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Headers, validation and stamping (the broker's whole view of a batch)

const readInt64 = (buf: Buffer, pos: number): number => {
  const v = buf.readBigInt64BE(pos);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new SamsaError('INVALID_RECORD', `64-bit header field out of range: ${v}`);
  return n;
};

/** Reads the header of the batch at `pos`. Checks bounds only (not the CRC). */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  if (buf.length - pos < BATCH_HEADER_BYTES) throw new SamsaError('INVALID_RECORD', `record batch truncated: ${buf.length - pos} bytes, a header has ${BATCH_HEADER_BYTES}`);
  return {
    baseOffset: readInt64(buf, pos + BatchField.BASE_OFFSET),
    batchLength: buf.readInt32BE(pos + BatchField.BATCH_LENGTH),
    partitionLeaderEpoch: buf.readInt32BE(pos + BatchField.PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(pos + BatchField.MAGIC),
    crc: buf.readUInt32BE(pos + BatchField.CRC),
    attributes: buf.readInt16BE(pos + BatchField.ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + BatchField.LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buf, pos + BatchField.BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, pos + BatchField.MAX_TIMESTAMP),
    producerId: readInt64(buf, pos + BatchField.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + BatchField.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BatchField.BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + BatchField.RECORD_COUNT),
  };
}

/** Whole size in bytes of a batch whose header starts at `pos`. */
export const batchSize = (header: BatchHeader): number => header.batchLength + BATCH_LOG_OVERHEAD_BYTES;

/** Last offset a batch covers. */
export const batchLastOffset = (header: BatchHeader): number => header.baseOffset + header.lastOffsetDelta;

/** True when the CRC stored in the batch at `pos` matches its contents. */
export function batchCrcMatches(buf: Buffer, pos: number, size: number): boolean {
  const stored = buf.readUInt32BE(pos + BatchField.CRC);
  return (crc32c(buf.subarray(pos + BatchField.ATTRIBUTES, pos + size)) >>> 0) === stored;
}

export interface ValidatedBatch {
  header: BatchHeader;
  /** The batch's bytes: a view into the input, not a copy. */
  bytes: Buffer;
}

export interface ValidateLimits {
  /** Largest single batch accepted (max.message.bytes). */
  maxBatchBytes: number;
  /** When true (produce), records must carry offset deltas 0..count-1, as a producer writes them. */
  producerBatch?: boolean;
}

/**
 * Splits concatenated batches and validates each once: sizes, magic, counts and CRC. Typed errors:
 * INVALID_RECORD (malformed), RECORD_TOO_LARGE (over max.message.bytes), CORRUPT_MESSAGE (CRC).
 * Records are not decoded: the CRC proves the bytes are the ones the producer encoded.
 */
export function validateBatches(buf: Buffer, limits: ValidateLimits): ValidatedBatch[] {
  if (buf.length === 0) throw new SamsaError('INVALID_RECORD', 'no record batch in the request');
  const out: ValidatedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const header = readBatchHeader(buf, pos);
    const size = batchSize(header);
    if (header.magic !== BATCH_MAGIC) throw new SamsaError('INVALID_RECORD', `unsupported record batch magic ${header.magic} (expected ${BATCH_MAGIC})`);
    if (header.batchLength < BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD_BYTES) throw new SamsaError('INVALID_RECORD', `record batch length ${header.batchLength} is smaller than its header`);
    if (size > limits.maxBatchBytes) throw new SamsaError('RECORD_TOO_LARGE', `record batch of ${size} bytes exceeds max.message.bytes (${limits.maxBatchBytes})`);
    if (pos + size > buf.length) throw new SamsaError('INVALID_RECORD', `record batch truncated: declares ${size} bytes, ${buf.length - pos} present`);
    // The CRC first: once it matches, a bad field below is the producer's bug, not corruption.
    if (!batchCrcMatches(buf, pos, size)) throw new SamsaError('CORRUPT_MESSAGE', 'record batch failed its CRC-32C check');
    if (header.recordCount <= 0) throw new SamsaError('INVALID_RECORD', `record batch declares ${header.recordCount} records`);
    if (header.lastOffsetDelta < header.recordCount - 1 || (limits.producerBatch === true && header.lastOffsetDelta !== header.recordCount - 1)) {
      throw new SamsaError('INVALID_RECORD', `record batch last offset delta ${header.lastOffsetDelta} does not match its ${header.recordCount} records`);
    }
    if ((header.attributes & BatchAttributes.COMPRESSION_MASK) !== 0) throw new SamsaError('INVALID_RECORD', 'compressed record batches are not supported yet');
    out.push({ header, bytes: buf.subarray(pos, pos + size) });
    pos += size;
  }
  return out;
}

/** Writes the two fields outside the CRC, in place: what a leader does on append. */
export function stampBatch(batch: Buffer, baseOffset: number, partitionLeaderEpoch: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), BatchField.BASE_OFFSET);
  batch.writeInt32BE(partitionLeaderEpoch, BatchField.PARTITION_LEADER_EPOCH);
}

// ---------------------------------------------------------------------------------------------
// Decoding (consumers)

/** Decodes the records of one batch (CRC checked first). Views into `batch`, no copies. */
export function decodeRecords(batch: Buffer): DecodedRecord[] {
  const header = readBatchHeader(batch, 0);
  const size = batchSize(header);
  if (size > batch.length || header.batchLength < BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD_BYTES) {
    throw new SamsaError('INVALID_RECORD', `record batch truncated: declares ${size} bytes, ${batch.length} present`);
  }
  if (!batchCrcMatches(batch, 0, size)) throw new SamsaError('CORRUPT_MESSAGE', `record batch at offset ${header.baseOffset} failed its CRC-32C check`);
  if (header.recordCount < 0) throw new SamsaError('INVALID_RECORD', `record batch declares ${header.recordCount} records`);
  const out: DecodedRecord[] = [];
  const cursor = { pos: BATCH_HEADER_BYTES };
  for (let i = 0; i < header.recordCount; i++) {
    const length = readVarint(batch, cursor, size);
    const end = cursor.pos + length;
    if (length < 1 || end > size) throw new SamsaError('INVALID_RECORD', 'record length out of bounds');
    cursor.pos++; // record attributes
    const timestampDelta = readVarint(batch, cursor, end);
    const offsetDelta = readVarint(batch, cursor, end);
    const key = readBytesField(batch, cursor, end);
    const value = readBytesField(batch, cursor, end);
    const headerCount = readVarint(batch, cursor, end);
    if (headerCount < 0) throw new SamsaError('INVALID_RECORD', 'negative header count');
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = readBytesField(batch, cursor, end);
      if (hk === null) throw new SamsaError('INVALID_RECORD', 'null header key');
      headers.push({ key: hk.toString('utf8'), value: readBytesField(batch, cursor, end) });
    }
    if (cursor.pos !== end) throw new SamsaError('INVALID_RECORD', 'record length does not match its fields');
    out.push({ offset: header.baseOffset + offsetDelta, timestamp: header.baseTimestamp + timestampDelta, key, value, headers });
  }
  if (cursor.pos !== size) throw new SamsaError('INVALID_RECORD', 'record batch has trailing bytes after its records');
  return out;
}

/**
 * Walks concatenated batches (a fetch response) and yields each batch's bytes. A trailing partial
 * batch is ignored, as Kafka consumers do.
 */
export function* iterateBatches(buf: Buffer): Generator<{ header: BatchHeader; bytes: Buffer }> {
  let pos = 0;
  while (buf.length - pos >= BATCH_HEADER_BYTES) {
    const header = readBatchHeader(buf, pos);
    const size = batchSize(header);
    if (size < BATCH_HEADER_BYTES || pos + size > buf.length) return;
    yield { header, bytes: buf.subarray(pos, pos + size) };
    pos += size;
  }
}
