// The workload checker's self-test (pure, no processes): a clean synthetic run of 3 producers over
// 3 partitions (keyed and null-key records, some sends failed or of unknown outcome, some of those
// written) passes with zero findings; then each doctored copy of its log (a record dropped,
// duplicated, two swapped, one moved, a gap, an offset changed or gone between two reads, an
// unknown send written twice, a foreign record, a read cut short, retention) must be flagged under
// its own heading, and the summary must name that heading.
import { describe, expect, it } from 'vitest';
import { checkWorkload, encodeValue, formatReport, parseValue } from './checker.js';
import type { CheckReport, PartitionRead, ReadBack, ReadRecord, SendRecord } from './checker.js';

const PARTITIONS = 3;
const PRODUCERS = 3;
const RECORDS_PER_PRODUCER = 60;
const RUN = 'selftest';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Sends that are not acknowledged: failed or unknown, written to the log or not. */
const NOT_ACKED: Record<string, { outcome: 'failed' | 'unknown'; written: boolean; errorCode: string }> = {
  'p2#10': { outcome: 'failed', written: false, errorCode: 'NOT_ENOUGH_REPLICAS' },
  'p1#31': { outcome: 'failed', written: true, errorCode: 'NOT_LEADER_OR_FOLLOWER' },
  'p0#30': { outcome: 'unknown', written: false, errorCode: 'REQUEST_TIMED_OUT' },
  'p1#20': { outcome: 'unknown', written: true, errorCode: 'NOT_SETTLED' },
};

/** A clean run: producers take turns, each record lands at the next offset of its partition. */
function cleanRun(): { sends: SendRecord[]; read: ReadBack } {
  const logs: ReadRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const sends: SendRecord[] = [];
  for (let seq = 0; seq < RECORDS_PER_PRODUCER; seq++) {
    for (let producer = 0; producer < PRODUCERS; producer++) {
      const key = seq % 2 === 0 ? null : `k${(producer * 7 + seq) % 8}`;
      const value = encodeValue({ runId: RUN, producer, seq });
      const partition = key === null ? (seq + producer) % PARTITIONS : Number(key.slice(1)) % PARTITIONS;
      const special = NOT_ACKED[`p${producer}#${seq}`];
      const offset = logs[partition]!.length;
      if (special === undefined || special.written) logs[partition]!.push({ offset, key, value });
      sends.push(special === undefined ? { producer, seq, key, value, outcome: 'acked', partition, offset } : { producer, seq, key, value, outcome: special.outcome, errorCode: special.errorCode });
    }
  }
  const partitions = logs.map((records, partition): PartitionRead => ({ partition, logStartOffset: 0, highWatermark: records.length, endOffset: records.length, records }));
  return { sends, read: { partitions } };
}

const clone = (read: ReadBack): ReadBack => structuredClone(read) as ReadBack;

/** A copy of `read` with one partition's records (and then its high watermark) rewritten. */
function doctor(read: ReadBack, partition: number, edit: (records: ReadRecord[]) => ReadRecord[], bounds: Partial<Pick<PartitionRead, 'logStartOffset' | 'highWatermark' | 'endOffset'>> = {}): ReadBack {
  const copy = clone(read);
  const p = copy.partitions[partition] as Mutable<PartitionRead>;
  p.records = edit([...p.records]);
  const end = p.records.reduce((m, r) => Math.max(m, r.offset + 1), p.logStartOffset);
  p.highWatermark = bounds.highWatermark ?? end;
  p.endOffset = bounds.endOffset ?? p.highWatermark;
  if (bounds.logStartOffset !== undefined) p.logStartOffset = bounds.logStartOffset;
  return copy;
}

/** The partition and offset of an acked send, and the index of its record in the read. */
function where(sends: readonly SendRecord[], producer: number, seq: number): { partition: number; offset: number } {
  const s = sends.find((x) => x.producer === producer && x.seq === seq);
  if (s?.outcome !== 'acked') throw new Error(`p${producer}#${seq} is not acked in the clean run`);
  return { partition: s.partition!, offset: s.offset! };
}

/** Findings per heading, over all partitions. */
function headings(report: CheckReport): Record<string, number> {
  const sum = (f: (p: CheckReport['partitions'][number]) => number): number => report.partitions.reduce((n, p) => n + f(p), 0);
  const all = {
    missing: sum((p) => p.missing.length),
    misplaced: sum((p) => p.misplaced.length),
    duplicates: sum((p) => p.duplicates.length),
    reorderings: sum((p) => p.reorderings.length),
    gaps: sum((p) => p.gaps.length),
    changedOffsets: sum((p) => p.changedOffsets.length),
    unexpected: sum((p) => p.unexpected.length),
    incompleteReads: sum((p) => p.incompleteReads.length),
  };
  return Object.fromEntries(Object.entries(all).filter(([, n]) => n > 0));
}

/** Two consecutive records of one producer in one partition, from the middle of the log. */
function adjacentPair(read: ReadBack, sends: readonly SendRecord[]): { partition: number; i: number; j: number } {
  const bySeq = new Map(sends.map((s) => [s.value, s]));
  for (const p of read.partitions) {
    const rs = p.records;
    for (let i = Math.floor(rs.length / 2); i < rs.length; i++) {
      const a = bySeq.get(rs[i]!.value!)!;
      for (let j = i + 1; j < rs.length; j++) {
        const b = bySeq.get(rs[j]!.value!)!;
        if (b.producer === a.producer) {
          if (a.outcome === 'acked' && b.outcome === 'acked') return { partition: p.partition, i, j };
          break;
        }
      }
    }
  }
  throw new Error('no adjacent pair found');
}

describe('workload values', () => {
  it('encode (run, producer, sequence) uniquely and parse back', () => {
    const v = encodeValue({ runId: 'r1', producer: 2, seq: 41 }, 5);
    expect(v).toBe('samsa-check|r1|2|41|.....');
    expect(parseValue(v)).toEqual({ runId: 'r1', producer: 2, seq: 41 });
    expect(parseValue('hello')).toBeUndefined();
    expect(parseValue('samsa-check|r1|x|41|')).toBeUndefined();
    expect(() => encodeValue({ runId: 'a|b', producer: 0, seq: 0 })).toThrow(/runId/);
    expect(() => encodeValue({ runId: 'a', producer: -1, seq: 0 })).toThrow(/non-negative/);
  });
});

describe('checkWorkload', () => {
  const { sends, read } = cleanRun();

  it('passes a clean run read twice with zero findings, counting every outcome', () => {
    const report = checkWorkload({ sends, reads: [read, clone(read)] });
    expect(headings(report)).toEqual({});
    expect(report.ok).toBe(true);
    expect(report.findings).toBe(0);
    expect(report.counts).toEqual({ sends: 180, acked: 176, failed: 2, unknown: 2, failedFound: 1, unknownFound: 1, ackedBelowLogStart: 0, recordsRead: 178 });
    expect(report.failedFound.map((r) => `p${r.producer}#${r.seq}`)).toEqual(['p1#31']);
    expect(report.unknownFound.map((r) => `p${r.producer}#${r.seq}`)).toEqual(['p1#20']);
    expect(report.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    // Keyed and null-key records from every producer share each partition.
    for (const p of read.partitions) {
      const producers = new Set(p.records.map((r) => parseValue(r.value!)!.producer));
      expect(producers.size).toBe(PRODUCERS);
      expect(p.records.some((r) => r.key === null) && p.records.some((r) => r.key !== null)).toBe(true);
    }
    const text = formatReport(report);
    expect(text).toMatch(/^workload check: OK/);
    expect(text).toContain('partition 2: offsets [0,');
  });

  it('flags a record dropped from the middle as missing (and the hole as a gap)', () => {
    const at = where(sends, 0, 21);
    const doctored = doctor(read, at.partition, (rs) => rs.filter((r) => r.offset !== at.offset));
    const report = checkWorkload({ sends, reads: [doctored] });
    expect(headings(report)).toEqual({ missing: 1, gaps: 1 });
    const p = report.partitions[at.partition]!;
    expect(p.missing).toEqual([{ producer: 0, seq: 21, offset: at.offset }]);
    expect(p.gaps).toEqual([{ read: 0, from: at.offset, toExclusive: at.offset + 1 }]);
    expect(formatReport(report)).toContain(`acknowledged but missing (1):\n    p0#21 acked at offset ${at.offset}, not found`);
  });

  it('flags the last record lost with the high watermark moved back as missing only', () => {
    const p = read.partitions[1]!;
    const lastRecord = p.records[p.records.length - 1]!;
    const doctored = doctor(read, 1, (rs) => rs.slice(0, -1));
    const report = checkWorkload({ sends, reads: [doctored] });
    const s = sends.find((x) => x.value === lastRecord.value)!;
    expect(headings(report)).toEqual({ missing: 1 });
    expect(report.partitions[1]!.missing).toEqual([{ producer: s.producer, seq: s.seq, offset: lastRecord.offset }]);
  });

  it('flags a record written twice as a duplicate', () => {
    const at = where(sends, 2, 40);
    const doctored = doctor(read, at.partition, (rs) => [...rs, { ...rs.find((r) => r.offset === at.offset)!, offset: rs.length }]);
    const report = checkWorkload({ sends, reads: [doctored, clone(doctored)] });
    expect(headings(report)).toEqual({ duplicates: 1 });
    const hw = read.partitions[at.partition]!.highWatermark;
    expect(report.partitions[at.partition]!.duplicates).toEqual([{ producer: 2, seq: 40, outcome: 'acked', at: [at, { partition: at.partition, offset: hw }] }]);
    expect(formatReport(report)).toContain('duplicates (1):');
  });

  it('flags two records of one producer swapped as a reordering (and each as acked at another offset)', () => {
    const { partition, i, j } = adjacentPair(read, sends);
    const doctored = doctor(read, partition, (rs) => {
      const out = [...rs];
      out[i] = { ...rs[j]!, offset: rs[i]!.offset };
      out[j] = { ...rs[i]!, offset: rs[j]!.offset };
      return out;
    });
    const report = checkWorkload({ sends, reads: [doctored] });
    expect(headings(report)).toEqual({ reorderings: 1, misplaced: 2 });
    const first = parseValue(read.partitions[partition]!.records[i]!.value!)!;
    const second = parseValue(read.partitions[partition]!.records[j]!.value!)!;
    expect(report.partitions[partition]!.reorderings).toEqual([
      { producer: first.producer, earlier: { seq: first.seq, offset: read.partitions[partition]!.records[j]!.offset }, later: { seq: second.seq, offset: read.partitions[partition]!.records[i]!.offset } },
    ]);
    expect(formatReport(report)).toContain('reorderings within a producer (1):');
  });

  it('flags a record moved to another offset as acked elsewhere, leaving a gap', () => {
    const at = where(sends, 1, 5);
    const hw = read.partitions[at.partition]!.highWatermark;
    const doctored = doctor(read, at.partition, (rs) => rs.map((r) => (r.offset === at.offset ? { ...r, offset: hw } : r)));
    const report = checkWorkload({ sends, reads: [doctored] });
    const p = report.partitions[at.partition]!;
    expect(p.misplaced).toEqual([{ producer: 1, seq: 5, ackedAt: at, foundAt: [{ partition: at.partition, offset: hw }] }]);
    expect(p.gaps).toEqual([{ read: 0, from: at.offset, toExclusive: at.offset + 1 }]);
    // Now behind records the producer sent after it: a reordering too.
    expect(p.reorderings.length).toBeGreaterThan(0);
    expect(Object.keys(headings(report)).sort()).toEqual(['gaps', 'misplaced', 'reorderings']);
  });

  it('flags a gap in the offsets when every later offset shifted up', () => {
    const at = where(sends, 2, 50);
    const doctored = doctor(read, at.partition, (rs) => rs.map((r) => (r.offset >= at.offset ? { ...r, offset: r.offset + 1 } : r)));
    const report = checkWorkload({ sends, reads: [doctored] });
    const p = report.partitions[at.partition]!;
    expect(p.gaps).toEqual([{ read: 0, from: at.offset, toExclusive: at.offset + 1 }]);
    expect(p.misplaced.length).toBe(read.partitions[at.partition]!.records.filter((r) => r.offset >= at.offset && sends.find((s) => s.value === r.value)!.outcome === 'acked').length);
    expect(Object.keys(headings(report)).sort()).toEqual(['gaps', 'misplaced']);
  });

  it('flags an offset whose record changed between two reads', () => {
    const at = where(sends, 0, 33);
    const foreign = encodeValue({ runId: 'another-run', producer: 0, seq: 33 });
    const second = doctor(read, at.partition, (rs) => rs.map((r) => (r.offset === at.offset ? { ...r, value: foreign } : r)));
    const report = checkWorkload({ sends, reads: [read, second] });
    const p = report.partitions[at.partition]!;
    expect(p.changedOffsets).toEqual([{ fromRead: 0, offset: at.offset, kind: 'changed', before: encodeValue({ runId: RUN, producer: 0, seq: 33 }), after: foreign }]);
    // In the last read the acked record is gone and a record no send explains sits where it was.
    expect(headings(report)).toEqual({ changedOffsets: 1, missing: 1, unexpected: 1 });
    expect(formatReport(report)).toContain(`read 1/2 -> read 2/2, offset ${at.offset} changed`);
  });

  it('flags offsets gone in the second read while still above its log start (a truncated log)', () => {
    const hw = read.partitions[0]!.highWatermark;
    const second = doctor(read, 0, (rs) => rs.filter((r) => r.offset < hw - 3));
    const report = checkWorkload({ sends, reads: [read, second] });
    const p = report.partitions[0]!;
    expect(p.changedOffsets.map((c) => [c.offset, c.kind])).toEqual([
      [hw - 3, 'vanished'],
      [hw - 2, 'vanished'],
      [hw - 1, 'vanished'],
    ]);
    expect(headings(report).changedOffsets).toBe(3);
    // Offsets that retention removed (below the second read's log start) are not changes.
    const retained = doctor(read, 0, (rs) => rs.filter((r) => r.offset >= 4), { logStartOffset: 4 });
    const afterRetention = checkWorkload({ sends, reads: [read, retained] });
    expect(headings(afterRetention)).toEqual({});
    expect(afterRetention.counts.ackedBelowLogStart).toBe(4);
  });

  it('flags an offset that appeared below the first read\'s end in the second read', () => {
    const at = where(sends, 1, 9);
    const first = doctor(read, at.partition, (rs) => rs.filter((r) => r.offset !== at.offset), { highWatermark: read.partitions[at.partition]!.highWatermark });
    const report = checkWorkload({ sends, reads: [first, read] });
    expect(headings(report)).toEqual({ changedOffsets: 1 });
    expect(report.partitions[at.partition]!.changedOffsets[0]).toMatchObject({ offset: at.offset, kind: 'appeared', before: undefined });
  });

  it('flags an unknown-outcome send that turned up twice as a duplicate (once is allowed)', () => {
    const unknownValue = encodeValue({ runId: RUN, producer: 1, seq: 20 });
    const partition = read.partitions.findIndex((p) => p.records.some((r) => r.value === unknownValue));
    const doctored = doctor(read, partition, (rs) => [...rs, { ...rs.find((r) => r.value === unknownValue)!, offset: rs.length }]);
    const report = checkWorkload({ sends, reads: [doctored] });
    expect(headings(report)).toEqual({ duplicates: 1 });
    expect(report.partitions[partition]!.duplicates[0]).toMatchObject({ producer: 1, seq: 20, outcome: 'unknown' });
    expect(report.unknownFound).toHaveLength(1);
    expect(report.unknownFound[0]!.at).toHaveLength(2);
    expect(formatReport(report)).toContain('unknown-outcome sends that turned up (1, allowed once each):');
  });

  it('flags records no send explains: a foreign value, a null value, a key other than the one sent', () => {
    const doctored = doctor(read, 2, (rs) => [
      ...rs.map((r, i) => (i === 3 ? { ...r, key: 'not-the-key' } : r)),
      { offset: rs.length, key: null, value: encodeValue({ runId: 'other-run', producer: 0, seq: 0 }) },
      { offset: rs.length + 1, key: null, value: null },
    ]);
    const report = checkWorkload({ sends, reads: [doctored] });
    expect(headings(report)).toEqual({ unexpected: 3 });
    expect(report.partitions[2]!.unexpected.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^key "not-the-key" differs/),
      'not in the send log (it reads as p0#0 of run other-run)',
      'null value',
    ]);
  });

  it('flags a read the deadline cut short, without calling what it did not reach missing', () => {
    const p = read.partitions[0]!;
    const cut = doctor(read, 0, (rs) => rs.filter((r) => r.offset < 10), { highWatermark: p.highWatermark, endOffset: 10 });
    const report = checkWorkload({ sends, reads: [read, cut] });
    expect(headings(report)).toEqual({ incompleteReads: 1 });
    expect(report.partitions[0]!.incompleteReads).toEqual([{ read: 1, endOffset: 10, highWatermark: p.highWatermark }]);
  });

  it('caps each heading in the summary', () => {
    const doctored = doctor(read, 0, (rs) => rs.slice(0, 5));
    const report = checkWorkload({ sends, reads: [doctored] });
    expect(report.ok).toBe(false);
    const text = formatReport(report, { maxPerHeading: 3 });
    expect(text).toMatch(/^workload check: FAILED, \d+ findings/);
    expect(text).toMatch(/acknowledged but missing \(\d+\):\n( {4}p\d#\d+ acked at offset \d+, not found\n){3} {4}\.\.\. and \d+ more/);
  });

  it('rejects a malformed input: a value sent twice, an ack without an offset, no read', () => {
    expect(() => checkWorkload({ sends: [sends[0]!, sends[0]!], reads: [read] })).toThrow(/twice/);
    expect(() => checkWorkload({ sends: [{ ...sends[0]!, outcome: 'acked', offset: undefined }], reads: [read] })).toThrow(/no partition or offset/);
    expect(() => checkWorkload({ sends, reads: [] })).toThrow(/at least one read/);
  });
});
