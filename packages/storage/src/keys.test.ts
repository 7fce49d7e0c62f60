// Proves the index/ batch-entry encoding: the current format round-trips every field (producer
// fields included, -1s for a batch without a producer), the first format (32 bytes, no producer
// fields) still decodes as a batch without a producer, and other lengths or a producer id that is
// not an integer >= -1 are refused (recovery then rebuilds index/ from log/).
import { describe, expect, it } from 'vitest';
import { decodeBatchEntry, encodeBatchEntry } from './keys.js';

describe('batch entries of index/', () => {
  const entry = { seq: 2 ** 40 + 3, lastOffset: 2 ** 50, maxTimestamp: 1_700_000_000_123, sizeBytes: 65_536, producerId: 2 ** 45, producerEpoch: 32_767, baseSequence: 0x7fffffff, lastSequence: 4 };

  it('round-trips every field', () => {
    expect(decodeBatchEntry(encodeBatchEntry(entry))).toEqual(entry);
    const plain = { ...entry, producerId: -1, producerEpoch: -1, baseSequence: -1, lastSequence: -1 };
    expect(decodeBatchEntry(encodeBatchEntry(plain))).toEqual(plain);
  });

  it('reads the first format as a batch without a producer', () => {
    const old = encodeBatchEntry(entry).subarray(0, 32);
    expect(decodeBatchEntry(old)).toEqual({ ...entry, producerId: -1, producerEpoch: -1, baseSequence: -1, lastSequence: -1 });
  });

  it('refuses other shapes', () => {
    expect(decodeBatchEntry(Buffer.alloc(40))).toBeUndefined();
    const bad = encodeBatchEntry(entry);
    bad.writeDoubleBE(1.5, 32);
    expect(decodeBatchEntry(bad)).toBeUndefined();
  });
});
