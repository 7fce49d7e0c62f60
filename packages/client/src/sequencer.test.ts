// Proves the sequence bookkeeping of an idempotent producer (sequencer.ts) with plain batches and
// no I/O: sequences start at 0 per partition, advance by record count and wrap after 2^31 - 1 as
// Kafka's do; at most maxInFlight batches are pending; a new producer id waits until nothing of
// the old one is pending or in flight; answers are delivered in sequence order whatever order they
// come in; a batch that certainly was not appended lets the ones after it be renumbered, one that
// may have been breaks the partition (new producer id); a fatal answer fails the batch and the
// ones after it; a split batch's records keep its sequences.
import { describe, expect, it } from 'vitest';
import { ProducerBatch } from './accumulator.js';
import type { ProducerIdentity } from './sequencer.js';
import { PartitionSequences, SEQUENCE_MAX, incrementSequence } from './sequencer.js';

const ID: ProducerIdentity = { producerId: 7, producerEpoch: 0 };
const ID2: ProducerIdentity = { producerId: 8, producerEpoch: 0 };

/** A batch of `n` records, each owned by `label`. */
function batch(label: string, n = 1): ProducerBatch<string> {
  const b = new ProducerBatch<string>('t', 0, -1, 0);
  for (let i = 0; i < n; i++) b.records.push({ record: { key: null, value: Buffer.from(label), headers: [], timestamp: 0 }, sizeBytes: 10, owner: label });
  return b;
}

const ok = (baseOffset: number) => ({ ok: true as const, baseOffset, logAppendTime: -1, logStartOffset: 0 });
const labels = (batches: readonly ProducerBatch<string>[]): string[] => batches.map((b) => b.records[0]!.owner);

describe('incrementSequence', () => {
  it('adds, and wraps to 0 after 2^31 - 1 as Kafka does', () => {
    expect(incrementSequence(0, 5)).toBe(5);
    expect(incrementSequence(SEQUENCE_MAX - 5, 5)).toBe(SEQUENCE_MAX);
    expect(incrementSequence(SEQUENCE_MAX, 1)).toBe(0);
    expect(incrementSequence(SEQUENCE_MAX - 1, 3)).toBe(1);
  });
});

describe('PartitionSequences', () => {
  it('numbers batches from 0 by record count, and wraps', () => {
    const s = new PartitionSequences<string>();
    const [a, b, c] = [batch('a', 3), batch('b', 1), batch('c', 2)];
    for (const x of [a, b, c]) s.assign(x, ID);
    expect([a, b, c].map((x) => x.baseSequence)).toEqual([0, 3, 4]);
    expect([a, b, c].map((x) => x.producerId)).toEqual([7, 7, 7]);
    expect(s.nextSequence).toBe(6);
    s.nextSequence = SEQUENCE_MAX - 1;
    const d = batch('d', 3);
    s.assign(d, ID);
    expect(d.baseSequence).toBe(SEQUENCE_MAX - 1);
    expect(s.nextSequence).toBe(1);
  });

  it('admits at most maxInFlight pending batches, and a new producer id only once the old one is done', () => {
    const s = new PartitionSequences<string>();
    const batches = ['a', 'b', 'c'].map((l) => batch(l));
    for (const b of batches) {
      expect(s.admit(ID, 3)).toBe('ok');
      s.assign(b, ID);
    }
    expect(s.admit(ID, 3)).toBe('wait');
    expect(labels(s.resolve(batches[0]!, ok(0)))).toEqual(['a']);
    expect(s.admit(ID, 3)).toBe('ok');
    // A new id waits for the rest of the old one, including what is in flight.
    expect(s.admit(ID2, 3)).toBe('wait');
    s.resolve(batches[1]!, ok(1));
    s.resolve(batches[2]!, ok(2));
    s.inFlight = 1;
    expect(s.admit(ID2, 3)).toBe('wait');
    s.inFlight = 0;
    expect(s.admit(ID2, 3)).toBe('ok');
    const d = batch('d');
    s.assign(d, ID2);
    expect([d.producerId, d.baseSequence]).toEqual([8, 0]);
  });

  it('delivers answers in sequence order, whatever order they come in', () => {
    const s = new PartitionSequences<string>();
    const [a, b, c] = ['a', 'b', 'c'].map((l) => batch(l));
    for (const x of [a!, b!, c!]) s.assign(x, ID);
    expect(s.hasUnansweredBefore(c!)).toBe(true);
    expect(s.resolve(c!, ok(2))).toEqual([]);
    expect(s.resolve(b!, ok(1))).toEqual([]);
    expect(s.isFirst(a!)).toBe(true);
    expect(s.isFirst(b!)).toBe(false);
    expect(labels(s.resolve(a!, ok(0)))).toEqual(['a', 'b', 'c']);
    expect(s.pending).toEqual([]);
  });

  it('renumbers the batches after one that certainly was not appended', () => {
    const s = new PartitionSequences<string>();
    const [a, b, c] = [batch('a', 2), batch('b', 1), batch('c', 4)];
    for (const x of [a, b, c]) s.assign(x, ID);
    b.sent = true;
    b.sentSequence = b.baseSequence;
    const delivered = s.fail(a, new Error('too large'), true);
    expect(labels(delivered)).toEqual(['a']);
    expect([b.baseSequence, c.baseSequence]).toEqual([0, 1]);
    // b's send under its old number is now stale; it has not been sent under the new one.
    expect(b.sent).toBe(false);
    expect(b.sentSequence).toBe(2);
    expect(s.nextSequence).toBe(5);
    expect(s.broken).toBe(false);
  });

  it('breaks the partition when the failed batch may have been appended; unsent batches give their sequences back', () => {
    const s = new PartitionSequences<string>();
    const [a, b, c] = [batch('a'), batch('b'), batch('c')];
    for (const x of [a, b, c]) s.assign(x, ID);
    b.sent = true;
    s.fail(a, new Error('timed out'), false);
    expect(s.broken).toBe(true);
    expect(s.admit(ID, 5)).toBe('new-id');
    // b was sent: it keeps its sequence (the broker decides); c never was: it is numbered afresh later.
    expect([b.order, b.baseSequence]).toEqual([1, 1]);
    expect([c.order, c.baseSequence, c.producerId]).toEqual([undefined, -1, -1]);
    expect(s.pending).toEqual([b]);
  });

  it('fails the batch and every unanswered batch after it on a fatal answer', () => {
    const s = new PartitionSequences<string>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((l) => batch(l));
    for (const x of [a!, b!, c!, d!]) s.assign(x, ID);
    const error = new Error('UNKNOWN_PRODUCER_ID');
    const { failed, deliverable } = s.failFrom(b!, error);
    expect(labels(failed)).toEqual(['b', 'c', 'd']);
    // Held behind a, which is still unanswered.
    expect(deliverable).toEqual([]);
    expect(s.broken).toBe(true);
    expect(labels(s.resolve(a!, ok(0)))).toEqual(['a', 'b', 'c', 'd']);
    expect(d!.outcome).toEqual({ ok: false, error });
  });

  it('gives a split batch\'s records its sequences, in order', () => {
    const s = new PartitionSequences<string>();
    const [a, b] = [batch('a', 3), batch('b', 1)];
    s.assign(a, ID);
    s.assign(b, ID);
    const singles = a.records.map((r) => {
      const x = new ProducerBatch<string>('t', 0, -1, 0);
      x.records.push(r);
      return x;
    });
    s.split(a, singles);
    expect(singles.map((x) => x.baseSequence)).toEqual([0, 1, 2]);
    expect(s.pending).toEqual([...singles, b]);
    expect(singles.every((x) => x.order! >= a.order! && x.order! < b.order!)).toBe(true);
    expect(() => s.split(b, [])).toThrow(/assertion failed/);
  });
});
