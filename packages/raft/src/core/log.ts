// The core's view of its log: the last snapshot's (index, term), the entries after it, the commit
// index, and two cursors for the driver: which entries have been handed out for persistence
// (unstableFrom) and which committed entries have been handed out for applying (applying).
//
// Everything here is in memory; the driver's storage holds what Ready told it to persist. After a
// crash the core is rebuilt from that storage (InitialState), so anything in memory that never left
// in a persisted Ready is simply gone, as the IO contract intends.
import { assert } from './assert.js';
import type { Entry } from './types.js';

/** Bytes an entry counts for in size limits: its data plus a fixed allowance for index/term/type. */
export const ENTRY_OVERHEAD_BYTES = 24;
export const entryBytes = (e: Entry): number => e.data.length + ENTRY_OVERHEAD_BYTES;

export class RaftLog {
  /** Last index and term covered by the snapshot; entries[0] (if any) is at snapshotIndex + 1. */
  snapshotIndex: number;
  snapshotTerm: number;
  private entries: Entry[];
  commit: number;
  /** The state machine has applied up to here (the driver said so by advance()). */
  applied: number;
  /** Committed entries up to here have been handed out in a Ready (>= applied). */
  applying: number;
  /** First index not yet handed out in a Ready for persistence. */
  unstableFrom: number;

  constructor(snapshotIndex: number, snapshotTerm: number, entries: readonly Entry[], commit: number, applied: number) {
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    this.entries = [];
    for (const e of entries) {
      assert(e.index === snapshotIndex + 1 + this.entries.length, `initial entries must follow the snapshot contiguously (index ${e.index})`);
      assert(e.term >= (this.entries.at(-1)?.term ?? snapshotTerm), `initial entry terms must not decrease (index ${e.index})`);
      this.entries.push(e);
    }
    this.commit = Math.max(commit, snapshotIndex);
    assert(this.commit <= this.lastIndex(), `commit ${this.commit} beyond the last index ${this.lastIndex()}: the storage lost entries`);
    this.applied = Math.max(applied, snapshotIndex);
    assert(this.applied <= this.commit, `applied ${this.applied} beyond commit ${this.commit}`);
    this.applying = this.applied;
    // Everything we start from came out of storage: it is stable.
    this.unstableFrom = this.lastIndex() + 1;
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.at(-1)?.term ?? this.snapshotTerm;
  }

  /** The term of the entry at `index`; undefined when compacted away or beyond the end. */
  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1]!.term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: the later last term wins; with equal last terms, the longer log. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Entries [lo, hi], at most maxBytes of them but always at least one (so an entry larger than the
   * limit still travels). lo must not be compacted.
   */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    assert(lo > this.snapshotIndex, `slice from compacted index ${lo}`);
    hi = Math.min(hi, this.lastIndex());
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i <= hi; i++) {
      const e = this.entries[i - this.snapshotIndex - 1]!;
      bytes += entryBytes(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /**
   * The first index among `entries` whose term differs from ours (or that we do not have), or 0 when
   * we already hold all of them. Entries at or below the snapshot count as matching: they are
   * committed, and committed entries are the same on every node.
   */
  findConflict(entries: readonly Entry[]): number {
    for (const e of entries) {
      if (e.index <= this.snapshotIndex) continue;
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (fast backtracking, §5.3 and the thesis
   * §3.5): every index above it has a larger term than `term` in this log, so it cannot match a log
   * whose entry at `index` has term `term`. Stops at the snapshot boundary.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    index = Math.min(index, this.lastIndex());
    for (;;) {
      const t = this.term(index);
      if (t === undefined) return { index, term: 0 };
      if (t <= term || index === this.snapshotIndex) return { index, term: t };
      index--;
    }
  }

  /**
   * Append `entries`, which start at or below lastIndex + 1, replacing any of ours from the first
   * one onward. Returns the index from which the log changed (for configuration bookkeeping), or 0
   * when nothing changed.
   */
  append(entries: readonly Entry[]): number {
    if (entries.length === 0) return 0;
    const from = entries[0]!.index;
    assert(from > this.snapshotIndex && from <= this.lastIndex() + 1, `append at ${from} outside (${this.snapshotIndex}, ${this.lastIndex() + 1}]`);
    assert(from > this.commit, `append at ${from} would overwrite committed entries (commit ${this.commit})`);
    this.entries.length = from - this.snapshotIndex - 1;
    for (const e of entries) this.entries.push(e);
    this.unstableFrom = Math.min(this.unstableFrom, from);
    return from;
  }

  commitTo(index: number): boolean {
    if (index <= this.commit) return false;
    assert(index <= this.lastIndex(), `commit ${index} beyond the last index ${this.lastIndex()}`);
    this.commit = index;
    return true;
  }

  /** Entries appended since the last Ready, handed out now for persistence. */
  takeUnstable(): Entry[] {
    const from = Math.max(this.unstableFrom, this.firstIndex());
    const out = from <= this.lastIndex() ? this.entries.slice(from - this.snapshotIndex - 1) : [];
    this.unstableFrom = this.lastIndex() + 1;
    return out;
  }

  hasUnstable(): boolean {
    return Math.max(this.unstableFrom, this.firstIndex()) <= this.lastIndex();
  }

  hasCommittedToHandOut(): boolean {
    return this.commit > this.applying;
  }

  /** Committed entries not yet handed out for applying, bounded by maxBytes (at least one). */
  takeCommitted(maxBytes: number, maxCount: number): Entry[] {
    const lo = Math.max(this.applying, this.snapshotIndex) + 1;
    if (lo > this.commit) return [];
    const out = this.slice(lo, this.commit, maxBytes).slice(0, maxCount);
    this.applying = out.at(-1)!.index;
    return out;
  }

  /** Replace the whole log by a snapshot (the follower side of InstallSnapshot, §7). */
  restore(index: number, term: number): void {
    assert(index > this.commit, `restore to ${index} at or below commit ${this.commit}`);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.entries = [];
    this.commit = index;
    // The snapshot itself travels in Ready.snapshot; what follows it is applied from index + 1.
    this.applying = index;
    this.unstableFrom = index + 1;
  }

  /** Drop the entries up to `index`, now covered by the driver's snapshot. */
  compact(index: number): void {
    assert(index <= this.applied, `compact to ${index} beyond applied ${this.applied}`);
    if (index <= this.snapshotIndex) return;
    const term = this.term(index);
    assert(term !== undefined, `compact to ${index}: no such entry`);
    this.entries.splice(0, index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }
}
