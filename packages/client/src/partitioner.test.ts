// Proves the default partitioner's two rules: keyed records go to murmur2(key) % partitions
// whatever else happens; null-keyed records stick to one partition until a batch of that
// partition is sent, then move to a different available one. Randomness is seeded.
import { describe, expect, it } from 'vitest';
import { partitionForKey } from './murmur2.js';
import { DefaultPartitioner } from './partitioner.js';
import { seededRandom } from './testing/manual-clock.js';
import type { PartitionerArgs } from './types.js';

const args = (key: Buffer | null, partitionCount = 6, availablePartitions = [0, 1, 2, 3, 4, 5]): PartitionerArgs => ({
  topic: 't',
  partitionCount,
  availablePartitions,
  key,
  message: { key, value: 'v' },
});

describe('DefaultPartitioner', () => {
  it('puts keyed records on murmur2(key) % partitions, even when that partition has no leader', () => {
    const p = new DefaultPartitioner(seededRandom(1));
    for (const k of ['a', 'b', 'user-42', '日本語', '']) {
      const key = Buffer.from(k);
      expect(p.partition(args(key, 6, [0]))).toBe(partitionForKey(key, 6));
    }
  });

  it('keeps null-keyed records on one partition until its batch is sent', () => {
    const p = new DefaultPartitioner(seededRandom(7));
    const first = p.partition(args(null));
    for (let i = 0; i < 50; i++) expect(p.partition(args(null))).toBe(first);
    // A batch of another partition (keyed records) does not end the stickiness.
    p.onBatchSent('t', (first + 1) % 6);
    expect(p.partition(args(null))).toBe(first);
    p.onBatchSent('t', first);
    const second = p.partition(args(null));
    expect(second).not.toBe(first);
    for (let i = 0; i < 10; i++) expect(p.partition(args(null))).toBe(second);
  });

  it('picks only available partitions for null keys, and keeps topics apart', () => {
    const p = new DefaultPartitioner(seededRandom(3));
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const chosen = p.partition(args(null, 6, [2, 4]));
      seen.add(chosen);
      p.onBatchSent('t', chosen);
    }
    expect([...seen].sort()).toEqual([2, 4]);
    const other = p.partition({ ...args(null), topic: 'u' });
    expect(other).toBeGreaterThanOrEqual(0);
    expect(other).toBeLessThan(6);
  });

  it('spreads null-keyed batches over the partitions over time', () => {
    const p = new DefaultPartitioner(seededRandom(11));
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 600; i++) {
      const chosen = p.partition(args(null));
      counts[chosen]!++;
      p.onBatchSent('t', chosen);
    }
    for (const c of counts) expect(c).toBeGreaterThan(50);
  });
});
