// A growable deque of fixed-width rows of float64s: the in-memory form of a partition's batch
// index and time index. Rows are appended at the back (appends), dropped at the back (truncation)
// and at the front (retention); lookups are binary searches on a column that increases with the
// row number. Float64 holds every safe integer exactly, and one typed array keeps millions of
// entries cheap for the garbage collector.
import { assert } from '@samsa/protocol';

const INITIAL_ROWS = 16;

export class Table {
  readonly stride: number;
  private data: Float64Array;
  /** Row number (not element) of the first live row. */
  private head = 0;
  private rows = 0;

  constructor(stride: number) {
    assert(Number.isInteger(stride) && stride > 0, 'table stride is a positive integer');
    this.stride = stride;
    this.data = new Float64Array(INITIAL_ROWS * stride);
  }

  get length(): number {
    return this.rows;
  }

  get(row: number, column: number): number {
    assert(row >= 0 && row < this.rows && column >= 0 && column < this.stride, 'table index in range');
    return this.data[(this.head + row) * this.stride + column]!;
  }

  /** Value of a column in the last row. */
  last(column: number): number {
    return this.get(this.rows - 1, column);
  }

  push(values: readonly number[]): void {
    assert(values.length === this.stride, 'row width matches the table');
    if ((this.head + this.rows + 1) * this.stride > this.data.length) this.makeRoom();
    const base = (this.head + this.rows) * this.stride;
    for (let c = 0; c < this.stride; c++) this.data[base + c] = values[c]!;
    this.rows++;
  }

  /** Keeps the first `rows` rows. */
  truncate(rows: number): void {
    assert(rows >= 0 && rows <= this.rows, 'truncate within the table');
    this.rows = rows;
    if (rows === 0) this.head = 0;
  }

  /** Drops the first `count` rows. */
  dropFront(count: number): void {
    assert(count >= 0 && count <= this.rows, 'dropFront within the table');
    this.head += count;
    this.rows -= count;
    if (this.rows === 0) this.head = 0;
  }

  clear(): void {
    this.head = 0;
    this.rows = 0;
  }

  /** Last row whose `column` is <= value, or -1. The column must not decrease with the row. */
  floor(column: number, value: number): number {
    let lo = 0;
    let hi = this.rows - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, column) <= value) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** First row whose `column` is >= value, or `length` when none. */
  ceil(column: number, value: number): number {
    let lo = 0;
    let hi = this.rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, column) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private makeRoom(): void {
    const capacityRows = this.data.length / this.stride;
    // Reuse the space freed at the front when it is at least half the array; otherwise grow.
    if (this.head >= capacityRows / 2) {
      this.data.copyWithin(0, this.head * this.stride, (this.head + this.rows) * this.stride);
      this.head = 0;
      return;
    }
    const next = new Float64Array(capacityRows * 2 * this.stride);
    next.set(this.data.subarray(this.head * this.stride, (this.head + this.rows) * this.stride));
    this.data = next;
    this.head = 0;
  }
}
