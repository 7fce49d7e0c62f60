// Proves the accumulator's batching rules with explicit times (no timers): records join the open
// batch of their partition until batchSize; a partition is ready when its first batch is full,
// has lingered lingerMs, or on flush; retried batches wait for their backoff and go back in
// front, in order (batches with a sequence in sequence order, ahead of those without); a blocked
// partition is neither ready nor timed; batches can be taken out; buffer accounting balances.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '@samsa/protocol';
import type { PendingRecord } from './accumulator.js';
import { RecordAccumulator, estimateRecordBytes } from './accumulator.js';

const rec = (value: string, key: string | null = null): PendingRecord<string> => {
  const k = key === null ? null : Buffer.from(key);
  const v = Buffer.from(value);
  return { record: { key: k, value: v, headers: [], timestamp: 1_700_000_000_000 }, sizeBytes: estimateRecordBytes(k, v, []), owner: value };
};

describe('estimateRecordBytes', () => {
  it('is an upper bound of the encoded size, and close to it', () => {
    const records = Array.from({ length: 100 }, (_, i) => rec('x'.repeat(i * 7), i % 2 === 0 ? `key-${i}` : null));
    const estimated = records.reduce((n, r) => n + r.sizeBytes, 61);
    const actual = encodeBatch(records.map((r) => r.record)).length;
    expect(estimated).toBeGreaterThanOrEqual(actual);
    expect(estimated - actual).toBeLessThanOrEqual(records.length * 6);
  });
});

describe('RecordAccumulator', () => {
  it('fills a batch up to batchSize, then opens the next', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 200, lingerMs: 5 });
    const size = rec('v'.repeat(40)).sizeBytes;
    const perBatch = Math.floor((200 - 61) / size);
    for (let i = 0; i < perBatch * 2 + 1; i++) acc.append('t', 0, -1, rec('v'.repeat(40)), 0);
    expect(acc.batchCount).toBe(3);
    const { ready } = acc.ready(0, false);
    // The first batch is followed by others, so it is full and ready before the linger time.
    expect(ready).toHaveLength(1);
    const first = acc.take(ready[0]!);
    expect(first.records).toHaveLength(perBatch);
    expect(first.sizeBytes).toBeLessThanOrEqual(200);
  });

  it('gives a record larger than batchSize a batch of its own', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 100, lingerMs: 5 });
    acc.append('t', 0, -1, rec('a'), 0);
    acc.append('t', 0, -1, rec('b'.repeat(500)), 0);
    acc.append('t', 0, -1, rec('c'), 0);
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const q = acc.ready(0, true).ready[0]!;
      sizes.push(acc.take(q).records.length);
    }
    expect(sizes).toEqual([1, 1, 1]);
  });

  it('holds a batch that is not full until lingerMs has passed', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 16_384, lingerMs: 5 });
    acc.append('t', 0, -1, rec('a'), 1000);
    acc.append('t', 0, -1, rec('b'), 1003);
    expect(acc.ready(1004, false)).toEqual({ ready: [], nextReadyMs: 1005 });
    expect(acc.ready(1005, false).ready).toHaveLength(1);
    // A flush does not wait.
    expect(acc.ready(1000, true).ready).toHaveLength(1);
  });

  it('keeps partitions and acks levels apart', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 16_384, lingerMs: 0 });
    acc.append('t', 0, -1, rec('a'), 0);
    acc.append('t', 1, -1, rec('b'), 0);
    acc.append('t', 0, 1, rec('c'), 0);
    acc.append('u', 0, -1, rec('d'), 0);
    const { ready } = acc.ready(0, false);
    expect(ready.map((q) => `${q.topic}/${q.partition}/${q.acks}`).sort()).toEqual(['t/0/-1', 't/0/1', 't/1/-1', 'u/0/-1']);
  });

  it('puts retried batches back in front, in order, and waits for their backoff', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 16_384, lingerMs: 0 });
    acc.append('t', 0, -1, rec('a'), 0);
    const a = acc.take(acc.ready(0, false).ready[0]!);
    acc.append('t', 0, -1, rec('b'), 0);
    const b = acc.take(acc.ready(0, false).ready[0]!);
    acc.append('t', 0, -1, rec('c'), 0);
    a.attempts = 1;
    a.retryAtMs = 100;
    b.attempts = 1;
    b.retryAtMs = 100;
    acc.reenqueue([a, b]);
    // The retried batch leads the queue, so nothing goes before its backoff ends.
    expect(acc.ready(50, true)).toEqual({ ready: [], nextReadyMs: 100 });
    const order: string[] = [];
    for (let now = 100; acc.batchCount > 0; ) {
      const q = acc.ready(now, false).ready[0]!;
      order.push(...acc.take(q).records.map((r) => r.owner));
    }
    expect(order).toEqual(['a', 'b', 'c']);
    // A batch taken once never takes more records.
    acc.append('t', 0, -1, rec('d'), 200);
    expect(a.records).toHaveLength(1);
  });

  it('puts retried batches with a sequence back in sequence order, ahead of batches without one', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 16_384, lingerMs: 0 });
    const taken = ['a', 'b', 'c'].map((v, i) => {
      acc.append('t', 0, -1, rec(v), 0);
      const b = acc.take(acc.ready(0, false).ready[0]!);
      b.order = i;
      return b;
    });
    acc.append('t', 0, -1, rec('new'), 0);
    // Answers come back in any order.
    acc.reenqueue([taken[2]!]);
    acc.reenqueue([taken[0]!]);
    acc.reenqueue([taken[1]!]);
    const order: string[] = [];
    for (let i = 0; i < 10 && acc.batchCount > 0; i++) order.push(...acc.take(acc.ready(0, true).ready[0]!).records.map((r) => r.owner));
    expect(order).toEqual(['a', 'b', 'c', 'new']);
  });

  it('leaves blocked partitions out of ready and out of the next ready time; takes batches out', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 16_384, lingerMs: 5 });
    acc.append('t', 0, -1, rec('a'), 0);
    acc.append('t', 1, -1, rec('b'), 0);
    acc.append('t', 2, -1, rec('c'), 3);
    const blocked = (q: { partition: number }): boolean => q.partition === 0;
    expect(acc.ready(5, false, blocked).ready.map((q) => q.partition)).toEqual([1]);
    expect(acc.ready(5, false, blocked).nextReadyMs).toBe(8);
    expect(acc.remove('t', 1, -1, () => true).map((b) => b.records[0]!.owner)).toEqual(['b']);
    expect(acc.removeAll((b) => b.records[0]!.owner === 'c')).toHaveLength(1);
    expect(acc.batchCount).toBe(1);
  });

  it('accounts buffered bytes from append to release', () => {
    const acc = new RecordAccumulator<string>({ batchSize: 16_384, lingerMs: 0 });
    const r1 = rec('hello');
    const r2 = rec('world!');
    acc.append('t', 0, -1, r1, 0);
    acc.append('t', 0, -1, r2, 0);
    expect(acc.bufferedBytes).toBe(r1.sizeBytes + r2.sizeBytes);
    const batch = acc.take(acc.ready(0, false).ready[0]!);
    acc.release(batch.recordBytes);
    expect(acc.bufferedBytes).toBe(0);
    expect(() => acc.release(1)).toThrow(/assertion failed/);
  });
});
