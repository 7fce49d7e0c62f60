// Proves the in-memory index table keeps rows in order through pushes, drops at both ends and
// growth (including reuse of the space freed at the front), and that floor/ceil search it.
import { describe, expect, it } from 'vitest';
import { Table } from './table.js';

describe('Table', () => {
  it('pushes, drops and searches across growth', () => {
    const t = new Table(2);
    for (let i = 0; i < 1000; i++) t.push([i * 10, i]);
    t.dropFront(600);
    for (let i = 1000; i < 1500; i++) t.push([i * 10, i]); // reuses the freed front
    expect(t.length).toBe(900);
    expect(t.get(0, 0)).toBe(6000);
    expect(t.last(1)).toBe(1499);
    expect(t.floor(0, 6005)).toBe(0);
    expect(t.floor(0, 5999)).toBe(-1);
    expect(t.ceil(0, 6005)).toBe(1);
    expect(t.ceil(0, 1e9)).toBe(900);
    t.truncate(10);
    expect(t.length).toBe(10);
    expect(t.last(0)).toBe(6090);
    t.dropFront(10);
    expect(t.length).toBe(0);
    expect(t.floor(0, 1)).toBe(-1);
    expect(t.ceil(0, 1)).toBe(0);
  });

  it('holds safe integers exactly', () => {
    const t = new Table(1);
    t.push([Number.MAX_SAFE_INTEGER]);
    expect(t.get(0, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
