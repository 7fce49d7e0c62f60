// The workload checker: a pure function from what a workload sent (its send log) and what was read
// back afterwards (one or more full reads of every partition) to a report, per partition, of every
// way the log broke Kafka's guarantees. No I/O, no clock: chaos suites feed it whatever their
// driver recorded, and its self-test feeds it doctored logs.
//
// What it checks, on the LAST read (the most settled state of the log):
// - acknowledged-but-missing: an acked send found nowhere (unless retention moved the log start past it);
// - misplaced: an acked send found, but not at exactly the partition and offset its ack named;
// - duplicates: one value (every send's value is unique) at two or more positions;
// - reorderings: two records of one producer in one partition whose offsets are in the opposite
//   order of their sends (the SDK keeps a producer's records of a partition in send() order);
// - gaps: an offset in [log start, high watermark) holding no record;
// - unexpected: a record no send explains (unknown value, a key other than the one sent, an offset
//   outside [log start, high watermark) or repeated in one read);
// - incomplete reads: a read that stopped (its deadline) before the high watermark: the checks
//   above cannot be trusted for what it did not cover, so it is a finding too.
// And between each read and the next: offsets whose record changed, vanished (while still at or
// above the next read's log start) or appeared below the earlier read's end.
// Failed and unknown-outcome sends may turn up at most once (a second copy is a duplicate); the
// report lists those that did.

/** Every workload value starts with this, then runId, producer and sequence, separated by '|'. */
export const VALUE_PREFIX = 'samsa-check';
const SEPARATOR = '|';

export interface RecordId {
  /** Tells one workload run's values from another's; no '|' in it. */
  readonly runId: string;
  /** The producer's index, 0-based. */
  readonly producer: number;
  /** The producer's send sequence, 0-based, in send() order. */
  readonly seq: number;
}

/** The unique value of one record: `samsa-check|<runId>|<producer>|<seq>|` plus `padBytes` of padding. */
export function encodeValue(id: RecordId, padBytes = 0): string {
  if (id.runId.includes(SEPARATOR) || id.runId.length === 0) throw new Error(`runId must be non-empty and free of '${SEPARATOR}': ${JSON.stringify(id.runId)}`);
  if (!Number.isSafeInteger(id.producer) || id.producer < 0 || !Number.isSafeInteger(id.seq) || id.seq < 0) throw new Error(`producer and seq are non-negative integers: ${id.producer}, ${id.seq}`);
  return [VALUE_PREFIX, id.runId, id.producer, id.seq, ''].join(SEPARATOR) + '.'.repeat(padBytes);
}

/** The id a workload value encodes, or undefined when it is not one. */
export function parseValue(value: string): RecordId | undefined {
  const parts = value.split(SEPARATOR);
  if (parts.length !== 5 || parts[0] !== VALUE_PREFIX) return undefined;
  const producer = Number(parts[2]);
  const seq = Number(parts[3]);
  if (parts[1] === '' || !/^\d+$/.test(parts[2]!) || !/^\d+$/.test(parts[3]!) || !Number.isSafeInteger(producer) || !Number.isSafeInteger(seq)) return undefined;
  if (!/^\.*$/.test(parts[4]!)) return undefined;
  return { runId: parts[1]!, producer, seq };
}

// -----------------------------------------------------------------------------------------------
// Input

/**
 * acked: the broker acknowledged it at `partition`/`offset`. failed: the SDK rejected it with a
 * code saying it was not written (it may still have been, by an earlier attempt). unknown: nobody
 * knows (a timeout, a broken connection, or the driver stopped waiting). The checker treats failed
 * and unknown alike: each may turn up at most once.
 */
export type SendOutcome = 'acked' | 'failed' | 'unknown';

export interface SendRecord {
  readonly producer: number;
  readonly seq: number;
  readonly key: string | null;
  /** Unique across the send log. */
  readonly value: string;
  readonly outcome: SendOutcome;
  /** Where the ack put it (acked only). */
  readonly partition?: number;
  readonly offset?: number;
  /** The SDK's error code (failed and unknown); 'NOT_SETTLED' when the driver stopped waiting. */
  readonly errorCode?: string;
}

export interface ReadRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

export interface PartitionRead {
  readonly partition: number;
  /** The log start offset (ListOffsets earliest) when the read began. */
  readonly logStartOffset: number;
  /** The high watermark (ListOffsets latest) when the read began; the read stops there. */
  readonly highWatermark: number;
  /** Where the read stopped (exclusive): the high watermark when it completed, less when its deadline came first. */
  readonly endOffset: number;
  readonly records: readonly ReadRecord[];
}

/** One full read of a topic: every partition from its log start to its high watermark. */
export interface ReadBack {
  readonly partitions: readonly PartitionRead[];
}

export interface CheckInput {
  readonly sends: readonly SendRecord[];
  /** In the order they were made; at least one. Record checks use the last; changes compare each with the next. */
  readonly reads: readonly ReadBack[];
}

// -----------------------------------------------------------------------------------------------
// Report

export interface Position {
  readonly partition: number;
  readonly offset: number;
}

export interface SendRef {
  readonly producer: number;
  readonly seq: number;
  readonly outcome: SendOutcome;
  readonly errorCode?: string;
  /** Where the last read found it. */
  readonly at: readonly Position[];
}

/** Acked at this partition and `offset`, found nowhere in the last read. */
export interface MissingRecord {
  readonly producer: number;
  readonly seq: number;
  readonly offset: number;
}

/** Acked at `ackedAt` (this partition), found elsewhere only. */
export interface MisplacedRecord {
  readonly producer: number;
  readonly seq: number;
  readonly ackedAt: Position;
  readonly foundAt: readonly Position[];
}

/** One value at several positions (listed under the partition of the first). */
export interface DuplicateRecord {
  readonly producer: number;
  readonly seq: number;
  readonly outcome: SendOutcome;
  readonly at: readonly Position[];
}

/** `earlier` was sent before `later` by `producer`, yet sits at a higher offset. */
export interface Reordering {
  readonly producer: number;
  readonly earlier: { readonly seq: number; readonly offset: number };
  readonly later: { readonly seq: number; readonly offset: number };
}

/** Offsets [from, toExclusive) hold no record in read `read` (an index into CheckInput.reads). */
export interface OffsetGap {
  readonly read: number;
  readonly from: number;
  readonly toExclusive: number;
}

export type OffsetChangeKind = 'changed' | 'vanished' | 'appeared';

/** The record at `offset` differs between read `fromRead` and read `fromRead + 1`. */
export interface ChangedOffset {
  readonly fromRead: number;
  readonly offset: number;
  readonly kind: OffsetChangeKind;
  /** The value in each read (null: a null value; undefined: no record there). */
  readonly before: string | null | undefined;
  readonly after: string | null | undefined;
}

export interface UnexpectedRecord {
  readonly read: number;
  readonly offset: number;
  readonly value: string | null;
  readonly reason: string;
}

export interface IncompleteRead {
  readonly read: number;
  readonly endOffset: number;
  readonly highWatermark: number;
}

export interface PartitionReport {
  readonly partition: number;
  /** Of the last read (-1 when the last read has no such partition). */
  readonly logStartOffset: number;
  readonly highWatermark: number;
  /** Records in the last read. */
  readonly records: number;
  /** Sends acknowledged in this partition. */
  readonly acked: number;
  readonly missing: readonly MissingRecord[];
  readonly misplaced: readonly MisplacedRecord[];
  readonly duplicates: readonly DuplicateRecord[];
  readonly reorderings: readonly Reordering[];
  readonly gaps: readonly OffsetGap[];
  readonly changedOffsets: readonly ChangedOffset[];
  readonly unexpected: readonly UnexpectedRecord[];
  readonly incompleteReads: readonly IncompleteRead[];
  /** The number of entries in all the lists above. */
  readonly findings: number;
}

export interface CheckCounts {
  readonly sends: number;
  readonly acked: number;
  readonly failed: number;
  readonly unknown: number;
  /** Failed sends the last read holds (at least once). */
  readonly failedFound: number;
  /** Unknown-outcome sends the last read holds (at least once). */
  readonly unknownFound: number;
  /** Acked sends below the log start of the last read (retention removed them): not checked. */
  readonly ackedBelowLogStart: number;
  readonly recordsRead: number;
}

export interface CheckReport {
  /** True when no partition has any finding. */
  readonly ok: boolean;
  readonly findings: number;
  readonly reads: number;
  readonly counts: CheckCounts;
  readonly partitions: readonly PartitionReport[];
  readonly failedFound: readonly SendRef[];
  readonly unknownFound: readonly SendRef[];
}

// -----------------------------------------------------------------------------------------------
// The check

interface MutablePartitionReport {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  records: number;
  acked: number;
  missing: MissingRecord[];
  misplaced: MisplacedRecord[];
  duplicates: DuplicateRecord[];
  reorderings: Reordering[];
  gaps: OffsetGap[];
  changedOffsets: ChangedOffset[];
  unexpected: UnexpectedRecord[];
  incompleteReads: IncompleteRead[];
}

const isComplete = (p: PartitionRead): boolean => p.endOffset >= p.highWatermark;
const byPosition = (a: Position, b: Position): number => a.partition - b.partition || a.offset - b.offset;

/** Checks a workload's send log against what was read back. Pure; throws only on a malformed input. */
export function checkWorkload(input: CheckInput): CheckReport {
  if (input.reads.length === 0) throw new Error('checkWorkload needs at least one read');
  const sendsByValue = new Map<string, SendRecord>();
  for (const s of input.sends) {
    if (sendsByValue.has(s.value)) throw new Error(`the send log has value ${JSON.stringify(s.value)} twice: values must be unique`);
    if (s.outcome === 'acked' && (s.partition === undefined || s.offset === undefined)) throw new Error(`acked send p${s.producer}#${s.seq} has no partition or offset`);
    sendsByValue.set(s.value, s);
  }

  const partitions = new Map<number, MutablePartitionReport>();
  const partitionReport = (partition: number): MutablePartitionReport => {
    let r = partitions.get(partition);
    if (r === undefined) {
      r = { partition, logStartOffset: -1, highWatermark: -1, records: 0, acked: 0, missing: [], misplaced: [], duplicates: [], reorderings: [], gaps: [], changedOffsets: [], unexpected: [], incompleteReads: [] };
      partitions.set(partition, r);
    }
    return r;
  };

  // Per read: structure (incomplete, out of range, repeated offsets); gaps on the last read only,
  // since a gap that differs between reads also shows as an offset that changed.
  const lastIndex = input.reads.length - 1;
  input.reads.forEach((read, readIndex) => {
    for (const p of read.partitions) {
      const report = partitionReport(p.partition);
      if (!isComplete(p)) report.incompleteReads.push({ read: readIndex, endOffset: p.endOffset, highWatermark: p.highWatermark });
      if (readIndex !== lastIndex) continue;
      report.logStartOffset = p.logStartOffset;
      report.highWatermark = p.highWatermark;
      report.records = p.records.length;
      const sorted = [...p.records].sort((a, b) => a.offset - b.offset);
      let expected = p.logStartOffset;
      let previous: number | undefined;
      for (const r of sorted) {
        if (r.offset === previous) {
          report.unexpected.push({ read: readIndex, offset: r.offset, value: r.value, reason: 'offset repeated in one read' });
          continue;
        }
        previous = r.offset;
        if (r.offset < p.logStartOffset || r.offset >= p.highWatermark) {
          report.unexpected.push({ read: readIndex, offset: r.offset, value: r.value, reason: `offset outside [log start ${p.logStartOffset}, high watermark ${p.highWatermark})` });
          continue;
        }
        if (r.offset > expected) report.gaps.push({ read: readIndex, from: expected, toExclusive: r.offset });
        expected = r.offset + 1;
      }
      if (expected < p.endOffset) report.gaps.push({ read: readIndex, from: expected, toExclusive: p.endOffset });
    }
  });

  // Where each value sits in the last read, and records no send explains.
  const last = input.reads[lastIndex]!;
  const lastByPartition = new Map(last.partitions.map((p) => [p.partition, p]));
  const positions = new Map<string, Position[]>();
  let recordsRead = 0;
  for (const p of last.partitions) {
    const report = partitionReport(p.partition);
    for (const r of p.records) {
      recordsRead++;
      const send = r.value === null ? undefined : sendsByValue.get(r.value);
      if (send === undefined) {
        const id = r.value === null ? undefined : parseValue(r.value);
        const reason = r.value === null ? 'null value' : id === undefined ? 'not a workload value' : `not in the send log (it reads as p${id.producer}#${id.seq} of run ${id.runId})`;
        report.unexpected.push({ read: lastIndex, offset: r.offset, value: r.value, reason });
        continue;
      }
      if (send.key !== r.key) {
        report.unexpected.push({ read: lastIndex, offset: r.offset, value: r.value, reason: `key ${JSON.stringify(r.key)} differs from the key sent, ${JSON.stringify(send.key)}` });
      }
      const list = positions.get(send.value);
      if (list === undefined) positions.set(send.value, [{ partition: p.partition, offset: r.offset }]);
      else list.push({ partition: p.partition, offset: r.offset });
    }
  }

  // Per send: acked ones where their ack said; failed/unknown ones at most once; no value twice.
  let acked = 0;
  let failed = 0;
  let unknown = 0;
  let ackedBelowLogStart = 0;
  const failedFound: SendRef[] = [];
  const unknownFound: SendRef[] = [];
  for (const s of input.sends) {
    const at = (positions.get(s.value) ?? []).sort(byPosition);
    if (s.outcome === 'acked') acked++;
    else if (s.outcome === 'failed') failed++;
    else unknown++;
    if (at.length > 1) {
      const distinct = at.filter((pos, i) => i === 0 || byPosition(pos, at[i - 1]!) !== 0);
      partitionReport(at[0]!.partition).duplicates.push({ producer: s.producer, seq: s.seq, outcome: s.outcome, at: distinct });
    }
    if (s.outcome !== 'acked') {
      if (at.length > 0) {
        const ref: SendRef = { producer: s.producer, seq: s.seq, outcome: s.outcome, at, ...(s.errorCode !== undefined ? { errorCode: s.errorCode } : {}) };
        (s.outcome === 'failed' ? failedFound : unknownFound).push(ref);
      }
      continue;
    }
    const partition = s.partition!;
    const offset = s.offset!;
    const report = partitionReport(partition);
    report.acked++;
    if (at.length > 0) {
      if (!at.some((pos) => pos.partition === partition && pos.offset === offset)) report.misplaced.push({ producer: s.producer, seq: s.seq, ackedAt: { partition, offset }, foundAt: at });
      continue;
    }
    const read = lastByPartition.get(partition);
    if (read !== undefined && offset < read.logStartOffset) {
      ackedBelowLogStart++;
      continue;
    }
    // Past where an incomplete read stopped nothing can be said (the incomplete read is a finding).
    if (read !== undefined && !isComplete(read) && offset >= read.endOffset) continue;
    report.missing.push({ producer: s.producer, seq: s.seq, offset });
  }

  // Order within a producer: walking a partition in offset order, each producer's sequence must
  // rise. Each record of a lower sequence than one already passed is one reordering (against the
  // highest passed). Only a value's first occurrence counts: its copies are duplicates.
  for (const p of last.partitions) {
    const report = partitionReport(p.partition);
    const seen = new Set<string>();
    const highest = new Map<number, { seq: number; offset: number }>();
    for (const r of [...p.records].sort((a, b) => a.offset - b.offset)) {
      const send = r.value === null ? undefined : sendsByValue.get(r.value);
      if (send === undefined || seen.has(send.value)) continue;
      seen.add(send.value);
      const top = highest.get(send.producer);
      if (top === undefined || send.seq > top.seq) highest.set(send.producer, { seq: send.seq, offset: r.offset });
      else report.reorderings.push({ producer: send.producer, earlier: { seq: send.seq, offset: r.offset }, later: top });
    }
  }

  // Between consecutive reads: what one read held at an offset the next must hold unchanged.
  for (let i = 0; i + 1 < input.reads.length; i++) {
    const before = new Map(input.reads[i]!.partitions.map((p) => [p.partition, p]));
    const after = new Map(input.reads[i + 1]!.partitions.map((p) => [p.partition, p]));
    for (const partition of new Set([...before.keys(), ...after.keys()])) {
      const report = partitionReport(partition);
      const a = before.get(partition);
      const b = after.get(partition);
      const aRecords = new Map<number, ReadRecord>();
      for (const r of a?.records ?? []) if (!aRecords.has(r.offset)) aRecords.set(r.offset, r);
      const bRecords = new Map<number, ReadRecord>();
      for (const r of b?.records ?? []) if (!bRecords.has(r.offset)) bRecords.set(r.offset, r);
      for (const [offset, r] of aRecords) {
        if (b !== undefined && offset < b.logStartOffset) continue;
        // Not covered by an incomplete later read (which is a finding of its own).
        if (b !== undefined && !isComplete(b) && offset >= b.endOffset) continue;
        const other = bRecords.get(offset);
        if (other === undefined) report.changedOffsets.push({ fromRead: i, offset, kind: 'vanished', before: r.value, after: undefined });
        else if (other.value !== r.value || other.key !== r.key) report.changedOffsets.push({ fromRead: i, offset, kind: 'changed', before: r.value, after: other.value });
      }
      if (a === undefined) continue;
      for (const [offset, r] of bRecords) {
        if (aRecords.has(offset) || offset < a.logStartOffset || offset >= a.endOffset) continue;
        report.changedOffsets.push({ fromRead: i, offset, kind: 'appeared', before: undefined, after: r.value });
      }
    }
  }

  const sortedReports: PartitionReport[] = [...partitions.values()]
    .sort((x, y) => x.partition - y.partition)
    .map((r) => {
      r.missing.sort((x, y) => x.offset - y.offset);
      r.misplaced.sort((x, y) => x.ackedAt.offset - y.ackedAt.offset);
      r.duplicates.sort((x, y) => byPosition(x.at[0]!, y.at[0]!));
      r.changedOffsets.sort((x, y) => x.fromRead - y.fromRead || x.offset - y.offset);
      r.unexpected.sort((x, y) => x.read - y.read || x.offset - y.offset);
      const findings =
        r.missing.length + r.misplaced.length + r.duplicates.length + r.reorderings.length + r.gaps.length + r.changedOffsets.length + r.unexpected.length + r.incompleteReads.length;
      return { ...r, findings };
    });
  const findings = sortedReports.reduce((n, r) => n + r.findings, 0);
  return {
    ok: findings === 0,
    findings,
    reads: input.reads.length,
    counts: { sends: input.sends.length, acked, failed, unknown, failedFound: failedFound.length, unknownFound: unknownFound.length, ackedBelowLogStart, recordsRead },
    partitions: sortedReports,
    failedFound,
    unknownFound,
  };
}

// -----------------------------------------------------------------------------------------------
// The summary

export interface FormatOptions {
  /** Entries printed under each heading before "... and N more" (default 10). */
  maxPerHeading?: number;
}

const id = (x: { producer: number; seq: number }): string => `p${x.producer}#${x.seq}`;
const pos = (p: Position): string => `${p.partition}/${p.offset}`;
const shown = (v: string | null | undefined): string => (v === undefined ? '(none)' : v === null ? 'null' : JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v));
/** Reads are printed 1-based ("read 1 of 2"); the report's `read` fields are indexes. */
const readName = (i: number, n: number): string => `read ${i + 1}/${n}`;

/** A human-readable summary: one line per partition, then every finding under its heading. */
export function formatReport(report: CheckReport, options: FormatOptions = {}): string {
  const max = options.maxPerHeading ?? 10;
  const c = report.counts;
  const lines: string[] = [];
  lines.push(`workload check: ${report.ok ? 'OK' : `FAILED, ${report.findings} finding${report.findings === 1 ? '' : 's'}`}`);
  lines.push(
    `sends ${c.sends}: acked ${c.acked}, failed ${c.failed} (${c.failedFound} turned up), unknown ${c.unknown} (${c.unknownFound} turned up)` +
      `${c.ackedBelowLogStart > 0 ? `, ${c.ackedBelowLogStart} acked below the log start (not checked)` : ''}; ` +
      `${report.reads} read${report.reads === 1 ? '' : 's'}, the last holding ${c.recordsRead} records in ${report.partitions.length} partitions`,
  );
  const section = <T>(heading: string, items: readonly T[], show: (x: T) => string): void => {
    if (items.length === 0) return;
    lines.push(`  ${heading} (${items.length}):`);
    for (const x of items.slice(0, max)) lines.push(`    ${show(x)}`);
    if (items.length > max) lines.push(`    ... and ${items.length - max} more`);
  };
  const n = report.reads;
  for (const p of report.partitions) {
    const where = p.highWatermark < 0 ? 'not in the last read' : `offsets [${p.logStartOffset}, ${p.highWatermark})`;
    lines.push(`partition ${p.partition}: ${where}, ${p.records} records, ${p.acked} acked here: ${p.findings === 0 ? 'ok' : `${p.findings} finding${p.findings === 1 ? '' : 's'}`}`);
    section('acknowledged but missing', p.missing, (m) => `${id(m)} acked at offset ${m.offset}, not found`);
    section('acknowledged at another offset', p.misplaced, (m) => `${id(m)} acked at ${pos(m.ackedAt)}, found at ${m.foundAt.map(pos).join(', ')}`);
    section('duplicates', p.duplicates, (d) => `${id(d)} (${d.outcome}) at ${d.at.map(pos).join(', ')}`);
    section('reorderings within a producer', p.reorderings, (r) => `p${r.producer}: #${r.earlier.seq} at offset ${r.earlier.offset} was sent before #${r.later.seq} at offset ${r.later.offset}`);
    section('offset gaps', p.gaps, (g) => `${readName(g.read, n)}: no record at offsets [${g.from}, ${g.toExclusive})`);
    section('offsets changed between reads', p.changedOffsets, (ch) => `${readName(ch.fromRead, n)} -> ${readName(ch.fromRead + 1, n)}, offset ${ch.offset} ${ch.kind}: ${shown(ch.before)} -> ${shown(ch.after)}`);
    section('unexpected records', p.unexpected, (u) => `${readName(u.read, n)}, offset ${u.offset}: ${u.reason}: ${shown(u.value)}`);
    section('incomplete reads', p.incompleteReads, (r) => `${readName(r.read, n)} stopped at offset ${r.endOffset} of ${r.highWatermark}`);
  }
  const turnedUp = (heading: string, refs: readonly SendRef[]): void => {
    if (refs.length === 0) return;
    lines.push(`${heading} (${refs.length}, allowed once each):`);
    for (const r of refs.slice(0, max)) lines.push(`  ${id(r)}${r.errorCode !== undefined ? ` (${r.errorCode})` : ''} at ${r.at.map(pos).join(', ')}`);
    if (refs.length > max) lines.push(`  ... and ${refs.length - max} more`);
  };
  turnedUp('failed sends that turned up', report.failedFound);
  turnedUp('unknown-outcome sends that turned up', report.unknownFound);
  return lines.join('\n');
}
