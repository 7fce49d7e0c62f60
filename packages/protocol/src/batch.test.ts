// Proves the record batch codec: every batch encodeBatch makes decodes back to the same records
// (fast-check over keys, values, headers and timestamps, including null, empty and binary), the
// header fields land at the offsets ARCHITECTURE.md names, stamping leaves the CRC valid, and every
// single-byte corruption of the CRC-covered region (and of the fixed header fields) is detected.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BATCH_HEADER_BYTES,
  BatchField,
  batchCrcMatches,
  decodeRecords,
  encodeBatch,
  iterateBatches,
  readBatchHeader,
  stampBatch,
  validateBatches,
  varintSize,
  type RecordInput,
} from './batch.js';
import { SamsaError } from './errors.js';

const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const maybeBytes = fc.option(bytes, { nil: null });
const record: fc.Arbitrary<RecordInput> = fc.record({
  key: maybeBytes,
  value: maybeBytes,
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: maybeBytes }), { maxLength: 3 }),
  timestamp: fc.integer({ min: 0, max: 2 ** 50 }),
});
const limits = { maxBatchBytes: 1 << 20, producerBatch: true };

describe('record batch codec', () => {
  it('round-trips records, header fields and offsets', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 30 }), (records, baseOffset, epoch) => {
        const batch = encodeBatch(records, { producerId: 7, producerEpoch: 1, baseSequence: 3 });
        stampBatch(batch, baseOffset, epoch);
        const [validated] = validateBatches(batch, limits);
        const h = validated!.header;
        expect(h.baseOffset).toBe(baseOffset);
        expect(h.partitionLeaderEpoch).toBe(epoch);
        expect(h.recordCount).toBe(records.length);
        expect(h.lastOffsetDelta).toBe(records.length - 1);
        expect([h.producerId, h.producerEpoch, h.baseSequence]).toEqual([7, 1, 3]);
        const ts = records.map((r) => r.timestamp!);
        expect(h.baseTimestamp).toBe(Math.min(...ts));
        expect(h.maxTimestamp).toBe(Math.max(...ts));
        const decoded = decodeRecords(batch);
        expect(decoded.map((d) => d.offset)).toEqual(records.map((_, i) => baseOffset + i));
        decoded.forEach((d, i) => {
          const r = records[i]!;
          expect(d.key).toEqual(r.key);
          expect(d.value).toEqual(r.value);
          expect(d.timestamp).toBe(r.timestamp);
          expect(d.headers).toEqual((r.headers as { key: string; value: Buffer | null }[]).map((x) => ({ key: x.key, value: x.value })));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('puts the header fields where ARCHITECTURE.md says', () => {
    const batch = encodeBatch([{ value: 'a' }, { value: 'b' }], { nowMs: 1234, producerId: 99 });
    stampBatch(batch, 42, 5);
    expect(batch.readBigInt64BE(BatchField.BASE_OFFSET)).toBe(42n);
    expect(batch.readInt32BE(BatchField.BATCH_LENGTH)).toBe(batch.length - 12);
    expect(batch.readInt32BE(BatchField.PARTITION_LEADER_EPOCH)).toBe(5);
    expect(batch.readInt8(BatchField.MAGIC)).toBe(2);
    expect(batch.readInt32BE(BatchField.LAST_OFFSET_DELTA)).toBe(1);
    expect(batch.readBigInt64BE(BatchField.BASE_TIMESTAMP)).toBe(1234n);
    expect(batch.readBigInt64BE(BatchField.PRODUCER_ID)).toBe(99n);
    expect(batch.readInt32BE(BatchField.RECORD_COUNT)).toBe(2);
    expect(BATCH_HEADER_BYTES).toBe(61);
  });

  it('encodes strings as UTF-8 and header objects as headers', () => {
    const [r] = decodeRecords(encodeBatch([{ key: '日本語', value: '€', headers: { h: 'v', n: null } }]));
    expect(r!.key!.toString('utf8')).toBe('日本語');
    expect(r!.value!.toString('utf8')).toBe('€');
    expect(r!.headers).toEqual([{ key: 'h', value: Buffer.from('v') }, { key: 'n', value: null }]);
  });

  it('detects every single-byte corruption of the CRC-covered region', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (records, at, flip) => {
        const batch = encodeBatch(records);
        // Every byte from the CRC field on: the CRC itself, or what it covers.
        const pos = BatchField.CRC + (at % (batch.length - BatchField.CRC));
        batch[pos] = batch[pos]! ^ flip;
        expect(batchCrcMatches(batch, 0, batch.length)).toBe(false);
        expect(() => validateBatches(batch, limits)).toThrow(SamsaError);
        expect(() => decodeRecords(batch)).toThrow(SamsaError);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every corruption of the length and magic fields as a typed error', () => {
    const batch = encodeBatch([{ value: 'x'.repeat(100) }]);
    for (let pos = BatchField.BATCH_LENGTH; pos <= BatchField.MAGIC; pos++) {
      if (pos >= BatchField.PARTITION_LEADER_EPOCH && pos < BatchField.MAGIC) continue; // stamped by the leader, outside the CRC by design
      for (let flip = 1; flip < 256; flip++) {
        const copy = Buffer.from(batch);
        copy[pos] = copy[pos]! ^ flip;
        expect(() => validateBatches(copy, limits)).toThrow(SamsaError);
      }
    }
  });

  it('gives typed errors for truncation, oversize, empty and bad counts', () => {
    const batch = encodeBatch([{ value: 'hello' }, { value: 'world' }]);
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as SamsaError).code;
      }
      return 'NONE';
    };
    expect(code(() => validateBatches(batch.subarray(0, batch.length - 1), limits))).toBe('INVALID_RECORD');
    expect(code(() => validateBatches(batch.subarray(0, 30), limits))).toBe('INVALID_RECORD');
    expect(code(() => validateBatches(Buffer.alloc(0), limits))).toBe('INVALID_RECORD');
    expect(code(() => validateBatches(batch, { maxBatchBytes: 50 }))).toBe('RECORD_TOO_LARGE');
    expect(code(() => encodeBatch([]))).toBe('INVALID_RECORD');
    const badCount = Buffer.from(batch);
    badCount.writeInt32BE(3, BatchField.RECORD_COUNT); // inside the CRC: caught as corruption
    expect(code(() => validateBatches(badCount, limits))).toBe('CORRUPT_MESSAGE');
  });

  it('splits concatenated batches and iterates them, ignoring a trailing partial one', () => {
    const a = encodeBatch([{ value: 'a' }]);
    const b = encodeBatch([{ value: 'b' }, { value: 'c' }]);
    expect(validateBatches(Buffer.concat([a, b]), limits).map((v) => v.header.recordCount)).toEqual([1, 2]);
    const fetched = Buffer.concat([a, b, b.subarray(0, 20)]);
    expect([...iterateBatches(fetched)].map((x) => x.bytes.length)).toEqual([a.length, b.length]);
    expect(readBatchHeader(fetched, a.length).recordCount).toBe(2);
  });

  it('sizes varints like Kafka (zigzag)', () => {
    expect([0, -1, 1, 63, -64, 64, 8191, 8192].map(varintSize)).toEqual([1, 1, 1, 1, 1, 2, 2, 3]);
  });
});
