// Proves the producer-state rules in isolation (no LevelDB): sequence arithmetic wraps from int32
// max to 0 as Kafka's; check() finds duplicates among the last five batches of the current epoch,
// fences older epochs, wants a new epoch to start at 0, accepts an unknown producer only at
// sequence 0 (else UNKNOWN_PRODUCER_ID) and otherwise only the next sequence; record() keeps five
// batches and resets on an epoch change; dropBelow() and rebuild() (all producers, or only some)
// derive the same state as appending the same rows would, and a producer dropBelow() forgot must
// start over at sequence 0.
import { describe, expect, it } from 'vitest';
import { PRODUCER_BATCHES_RETAINED, ProducerStates, lastSequenceOf, nextSequence } from './producer-state.js';
import type { ProducerBatch, ProducerColumns } from './producer-state.js';
import { Table } from './table.js';

const INT32_MAX = 0x7fffffff;

function batch(baseSequence: number, count: number, baseOffset: number): ProducerBatch {
  return { baseSequence, lastSequence: lastSequenceOf(baseSequence, count - 1), baseOffset, lastOffset: baseOffset + count - 1, pending: undefined, appendTimeMs: -1 };
}

describe('sequence arithmetic', () => {
  it('wraps from int32 max to 0', () => {
    expect(lastSequenceOf(0, 4)).toBe(4);
    expect(lastSequenceOf(-1, 4)).toBe(-1);
    expect(lastSequenceOf(INT32_MAX, 0)).toBe(INT32_MAX);
    expect(lastSequenceOf(INT32_MAX, 1)).toBe(0);
    expect(lastSequenceOf(INT32_MAX - 1, 3)).toBe(1);
    expect(nextSequence(5)).toBe(6);
    expect(nextSequence(INT32_MAX)).toBe(0);
  });
});

describe('ProducerStates.check', () => {
  it('accepts an unknown producer only at sequence 0, then only the next one', () => {
    const s = new ProducerStates();
    expect(() => s.check(7, 0, 42, 44)).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRODUCER_ID', details: { producerId: 7, producerEpoch: 0, baseSequence: 42 } }));
    expect(() => s.check(7, 0, 1, 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRODUCER_ID' }));
    expect(() => s.check(7, 4, INT32_MAX, 0)).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRODUCER_ID' }));
    expect(s.size).toBe(0);
    expect(s.check(7, 0, 0, 2)).toBeUndefined();
    s.record(7, 0, batch(0, 3, 0));
    expect(s.check(7, 0, 3, 3)).toBeUndefined();
    expect(() => s.check(7, 0, 4, 4)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }));
    expect(() => s.check(7, 0, 2, 2)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }));
  });

  it('finds duplicates among the last five batches only, by exact sequence range', () => {
    const s = new ProducerStates();
    for (let i = 0; i < 6; i++) s.record(1, 3, batch(i * 2, 2, 100 + i * 2));
    expect(s.view().get(1)!.batches).toHaveLength(PRODUCER_BATCHES_RETAINED);
    expect(s.check(1, 3, 2, 3)).toMatchObject({ baseOffset: 102, lastOffset: 103 });
    expect(s.check(1, 3, 10, 11)).toMatchObject({ baseOffset: 110 });
    // The first batch fell out of the five: a retry of it is out of order, as in Kafka.
    expect(() => s.check(1, 3, 0, 1)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }));
    // Overlapping but not equal is not a duplicate.
    expect(() => s.check(1, 3, 2, 2)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }));
    // Same sequences under another epoch are not duplicates.
    expect(s.check(1, 4, 0, 1)).toBeUndefined();
  });

  it('fences older epochs and wants a new epoch to start at sequence 0', () => {
    const s = new ProducerStates();
    s.record(9, 5, batch(10, 1, 0));
    expect(() => s.check(9, 4, 11, 11)).toThrow(expect.objectContaining({ code: 'INVALID_PRODUCER_EPOCH' }));
    expect(() => s.check(9, 6, 11, 11)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }));
    expect(s.check(9, 6, 0, 0)).toBeUndefined();
    s.record(9, 6, batch(0, 1, 1));
    expect(s.view().get(9)).toEqual({ epoch: 6, batches: [{ baseSequence: 0, lastSequence: 0, baseOffset: 1, lastOffset: 1 }] });
  });

  it('follows the sequence across the int32 wrap', () => {
    const s = new ProducerStates();
    s.record(2, 0, batch(INT32_MAX - 1, 3, 0)); // sequences MAX-1, MAX, 0
    expect(s.view().get(2)!.batches[0]!.lastSequence).toBe(0);
    expect(s.check(2, 0, 1, 1)).toBeUndefined();
    expect(() => s.check(2, 0, 0, 0)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }));
  });
});

describe('ProducerStates.dropBelow and rebuild', () => {
  const cols: ProducerColumns = { base: 0, last: 1, producerId: 2, producerEpoch: 3, baseSequence: 4, lastSequence: 5 };

  /** Rows of a log, and the state that appending them in order gives. */
  function logOf(rows: [producerId: number, epoch: number, baseSequence: number, count: number][]): { table: Table; appended: ProducerStates } {
    const table = new Table(6);
    const appended = new ProducerStates();
    let offset = 0;
    for (const [producerId, epoch, baseSequence, count] of rows) {
      const b = batch(baseSequence, count, offset);
      table.push([b.baseOffset, b.lastOffset, producerId, producerId < 0 ? -1 : epoch, producerId < 0 ? -1 : b.baseSequence, producerId < 0 ? -1 : b.lastSequence]);
      if (producerId >= 0) appended.record(producerId, epoch, b);
      offset += count;
    }
    return { table, appended };
  }

  const ROWS: [number, number, number, number][] = [
    [1, 0, 0, 2],
    [-1, -1, -1, 1],
    [2, 0, 0, 1],
    [1, 0, 2, 1],
    [1, 0, 3, 3],
    [1, 0, 6, 1],
    [2, 1, 0, 2], // producer 2 bumps its epoch: its older batches are no longer in the state
    [1, 0, 7, 1],
    [1, 0, 8, 2],
    [3, 0, 100, 1],
  ];

  it('rebuilds from the rows the state that appending them gave', () => {
    const { table, appended } = logOf(ROWS);
    const rebuilt = new ProducerStates();
    rebuilt.rebuild(table, cols);
    expect(rebuilt.view()).toEqual(appended.view());
    expect(rebuilt.view().get(1)!.batches.map((b) => b.baseSequence)).toEqual([2, 3, 6, 7, 8]);
    expect(rebuilt.view().get(2)).toEqual({ epoch: 1, batches: [{ baseSequence: 0, lastSequence: 1, baseOffset: 9, lastOffset: 10 }] });
  });

  it('rebuilds only the producers named, after the table lost its tail', () => {
    for (let keep = 0; keep <= ROWS.length; keep++) {
      const { appended: full } = logOf(ROWS);
      const { table: cut, appended: expected } = logOf(ROWS.slice(0, keep));
      const touched = new Set(ROWS.slice(keep).map((r) => r[0]).filter((id) => id >= 0));
      full.rebuild(cut, cols, touched);
      expect(full.view()).toEqual(expected.view());
    }
  });

  it('drops batches below a new log start offset and forgets producers left with none', () => {
    const { table, appended } = logOf(ROWS);
    const start = 11; // rows from offset 11 on remain: producer 2 loses all its batches
    appended.dropBelow(start);
    let row = 0;
    while (table.get(row, 1) < start) row++;
    table.dropFront(row);
    const rebuilt = new ProducerStates();
    rebuilt.rebuild(table, cols);
    expect(appended.view()).toEqual(rebuilt.view());
    expect(appended.view().get(1)!.batches.map((b) => b.baseSequence)).toEqual([7, 8]);
    expect(appended.view().has(2)).toBe(false);
    // Forgotten: even producer 2's next sequence (2, in epoch 1) is refused; it starts over at 0.
    expect(() => appended.check(2, 1, 2, 2)).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRODUCER_ID' }));
    expect(appended.check(2, 1, 0, 0)).toBeUndefined();
    expect(appended.check(1, 0, 10, 10)).toBeUndefined(); // producer 1 kept batches: it goes on
    appended.dropBelow(100);
    expect(appended.size).toBe(0);
  });
});
