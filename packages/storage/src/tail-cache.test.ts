// Proves the tail cache: the TailCache alone evicts oldest sequences first within its byte budget,
// skips holes left by drops, ignores batches larger than the budget and does nothing at budget 0;
// on a real LevelDB, reads near the tail are served from memory (stats() counts hits and misses)
// with exactly the bytes LevelDB would return, eviction is node-wide FIFO across partitions,
// truncation, retention and deletion drop their batches, and a truncated-then-rewritten offset
// never serves stale bytes. A fast-check property runs random appends, truncations, retention
// and reads on two managers, cache on (small random budgets) and cache off, and requires the same
// read results.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRecords, iterateBatches, newTopicId } from '@samsa/protocol';
import type { LogManager } from './log-manager.js';
import type { PartitionLog } from './partition-log.js';
import { TailCache } from './tail-cache.js';
import { batchOf, makeTempDir, openManager } from './testing.js';

const UNLIMITED = { retentionMs: -1, retentionBytes: -1 };

const values = (records: Buffer): string[] => [...iterateBatches(records)].flatMap(({ bytes }) => decodeRecords(bytes).map((r) => `${r.offset}:${r.value!.toString()}`));

describe('TailCache', () => {
  const b = (n: number): Buffer => Buffer.alloc(n, n);

  it('evicts the oldest sequences first within its budget', () => {
    const cache = new TailCache(100);
    cache.add(1, b(40));
    cache.add(2, b(40));
    expect([cache.batchCount, cache.bytes]).toEqual([2, 80]);
    cache.add(3, b(30)); // 110 > 100: sequence 1 goes
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(2)).toEqual(b(40));
    expect(cache.bytes).toBe(70);
    cache.drop([2, 99]);
    expect(cache.bytes).toBe(30);
    cache.add(5, b(60));
    cache.add(6, b(20)); // 110: the hole at 2 and the gap at 4 are skipped, 3 goes
    expect(cache.get(3)).toBeUndefined();
    expect([cache.batchCount, cache.bytes]).toEqual([2, 80]);
  });

  it('ignores batches larger than the budget, and everything at budget 0', () => {
    const cache = new TailCache(50);
    cache.add(1, b(10));
    cache.add(2, b(51));
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)).toEqual(b(10));
    const off = new TailCache(0);
    off.add(1, b(1));
    expect(off.batchCount).toBe(0);
  });
});

describe('tail cache in the LogManager', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let manager: LogManager | undefined;
  const topic = newTopicId();

  beforeEach(async () => {
    temp = await makeTempDir();
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await temp.remove();
  });

  it('serves reads near the tail from memory with the bytes LevelDB holds', async () => {
    manager = await openManager(temp.dir);
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    for (let i = 0; i < 5; i++) await log.append([batchOf(`t${i}`, 2)], 1);
    log.setHighWatermark(10);
    const stats0 = manager.stats();
    expect(stats0).toMatchObject({ tailCacheBatches: 5, tailCacheBytesHeld: log.sizeBytes });
    const fromMemory = [await log.read(0, 1 << 20), await log.read(3, 1), await log.read(8, 1 << 20)];
    expect(manager.stats()).toMatchObject({ tailCacheHits: stats0.tailCacheHits + 3, tailCacheMisses: stats0.tailCacheMisses });
    expect(values(fromMemory[0]!.records)).toHaveLength(10);
    expect(fromMemory[1]!.nextOffset).toBe(4);
    await manager.close();

    manager = await openManager(temp.dir); // empty cache: LevelDB serves
    const reopened = manager.get(topic, 0)!;
    const fromDisk = [await reopened.read(0, 1 << 20), await reopened.read(3, 1), await reopened.read(8, 1 << 20)];
    expect(manager.stats()).toMatchObject({ tailCacheHits: 0, tailCacheMisses: 3, tailCacheBatches: 0 });
    expect(fromDisk).toEqual(fromMemory);
  });

  it('evicts node-wide, oldest writes first, and falls back to LevelDB for a run not wholly cached', async () => {
    const size = batchOf('any', 1, { valueBytes: 1000 }).length; // every batch below has this size
    manager = await openManager(temp.dir, { tailCacheBytes: size * 3 });
    const a = await manager.getOrCreate(topic, 0, UNLIMITED);
    const b = await manager.getOrCreate(topic, 1, UNLIMITED);
    // Writes in this order: a1 b0 a2 b1; the budget holds the last three.
    await a.append([batchOf('a1', 1, { valueBytes: 1000 })], 0);
    await b.append([batchOf('b0', 1, { valueBytes: 1000 })], 0);
    await a.append([batchOf('a2', 1, { valueBytes: 1000 })], 0);
    await b.append([batchOf('b1', 1, { valueBytes: 1000 })], 0);
    expect(manager.stats()).toMatchObject({ tailCacheBatches: 3, tailCacheBytesHeld: size * 3 });
    a.setHighWatermark(2);
    b.setHighWatermark(2);
    const s0 = manager.stats();
    expect((await a.read(0, 0)).nextOffset).toBe(1); // a1 was evicted
    expect(manager.stats().tailCacheMisses).toBe(s0.tailCacheMisses + 1);
    expect((await a.read(1, 0)).nextOffset).toBe(2); // a2 is cached
    expect((await b.read(0, 1 << 20)).nextOffset).toBe(2); // b0, b1 cached
    expect(manager.stats().tailCacheHits).toBe(s0.tailCacheHits + 2);
    const run = await a.read(0, 1 << 20); // a1 (evicted) and a2: LevelDB serves the run
    expect(values(run.records).map((v) => v.slice(0, 6))).toEqual(['0:a1-0', '1:a2-0']);
    expect(manager.stats().tailCacheMisses).toBe(s0.tailCacheMisses + 2);
  });

  it('drops truncated, expired and deleted batches and never serves stale bytes at a rewritten offset', async () => {
    let clock = 1_700_000_000_000;
    manager = await openManager(temp.dir, {}, { now: () => clock });
    const log = await manager.getOrCreate(topic, 0, { retentionMs: 1000, retentionBytes: -1 });
    const other = await manager.getOrCreate(topic, 1, UNLIMITED);
    for (let i = 0; i < 4; i++) await log.append([batchOf(`old${i}`, 1, { nowMs: clock })], 1);
    await other.append([batchOf('other', 1, { nowMs: clock })], 1);
    expect(manager.stats().tailCacheBatches).toBe(5);

    await log.truncateTo(2);
    expect(manager.stats().tailCacheBatches).toBe(3);
    await log.append([batchOf('new2', 1, { nowMs: clock })], 2);
    log.setHighWatermark(3);
    expect(values((await log.read(2, 1 << 20)).records)).toEqual(['2:new2-0']);

    clock += 10_000; // everything below the high watermark expires: offsets 0-2
    await manager.runRetention();
    expect(log.logStartOffset).toBe(3);
    expect(manager.stats().tailCacheBatches).toBe(1); // only the other partition's batch

    await manager.delete(topic, 1);
    expect(manager.stats()).toMatchObject({ tailCacheBatches: 0, tailCacheBytesHeld: 0 });
  });

  it('is off at tailCacheBytes 0', async () => {
    manager = await openManager(temp.dir, { tailCacheBytes: 0 });
    const log = await manager.getOrCreate(topic, 0, UNLIMITED);
    await log.append([batchOf('x', 2)], 0);
    log.setHighWatermark(2);
    expect((await log.read(0, 1 << 20)).nextOffset).toBe(2);
    expect(manager.stats()).toMatchObject({ tailCacheHits: 0, tailCacheMisses: 1, tailCacheBatches: 0 });
  });
});

describe('tail cache property: reads with and without it agree', () => {
  let temps: { dir: string; remove: () => Promise<void> }[] = [];
  const managers: LogManager[] = [];
  const topic = newTopicId();
  const BUDGETS = [0, 1500, 6000, 64 * 1024 * 1024];

  beforeAll(async () => {
    for (const budget of BUDGETS) {
      const temp = await makeTempDir();
      temps.push(temp);
      managers.push(await openManager(temp.dir, { tailCacheBytes: budget }));
    }
  });

  afterAll(async () => {
    for (const m of managers) await m.close();
    for (const t of temps) await t.remove();
    temps = [];
  });

  type Op =
    | { kind: 'append'; batches: { records: number; bytes: number }[] }
    | { kind: 'truncate'; batchesBack: number }
    | { kind: 'retain'; all: boolean }
    | { kind: 'read'; at: number; maxBytes: number; upper: number };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), batches: fc.array(fc.record({ records: fc.integer({ min: 1, max: 4 }), bytes: fc.integer({ min: 0, max: 700 }) }), { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), batchesBack: fc.integer({ min: 0, max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('retain' as const), all: fc.boolean() }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), maxBytes: fc.integer({ min: 0, max: 3000 }), upper: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  );

  it('returns the same results for random appends, truncations, retention and reads', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        // A fresh partition per run, in every manager: runs do not share logs.
        run++;
        const logs: PartitionLog[] = await Promise.all(managers.map((m) => m.getOrCreate(topic, run, UNLIMITED)));
        let label = 0;
        for (const op of ops) {
          const ref = logs[0]!;
          if (op.kind === 'append') {
            const batches = op.batches.map((b) => batchOf(`r${run}-${label++}`, b.records, { valueBytes: b.bytes }));
            const results = await Promise.all(logs.map((log) => log.append(batches.map((b) => Buffer.from(b)), 1)));
            for (const r of results) expect(r).toEqual({ ...results[0]!, logAppendTimeMs: r.logAppendTimeMs });
            for (const log of logs) log.setHighWatermark(log.logEndOffset);
          } else if (op.kind === 'truncate') {
            // A batch boundary `batchesBack` batches from the end (or the end itself).
            const all = [...iterateBatches((await ref.read(ref.logStartOffset, 1 << 30, ref.logEndOffset)).records)];
            const cut = all.length - Math.min(op.batchesBack, all.length);
            const offset = cut < all.length ? all[cut]!.header.baseOffset : ref.logEndOffset;
            for (const log of logs) await log.truncateTo(offset);
          } else if (op.kind === 'retain') {
            // retention.bytes just under the size removes the first batch; 0 removes all (below the HW).
            const retentionBytes = op.all ? 0 : Math.max(0, ref.sizeBytes - 1);
            for (const log of logs) log.setConfig({ retentionMs: -1, retentionBytes });
            await Promise.all(managers.map((m) => m.runRetention()));
            for (const log of logs) log.setConfig(UNLIMITED);
          } else {
            const span = ref.logEndOffset - ref.logStartOffset;
            const at = ref.logStartOffset + Math.floor(op.at * span);
            const upper = at + Math.ceil(op.upper * (ref.logEndOffset - at));
            const results = await Promise.all(logs.map((log) => log.read(at, op.maxBytes, upper)));
            for (const r of results) expect(r).toEqual(results[0]);
          }
          for (const log of logs) expect([log.logStartOffset, log.logEndOffset, log.sizeBytes]).toEqual([ref.logStartOffset, ref.logEndOffset, ref.sizeBytes]);
        }
        // The whole log reads the same everywhere.
        const whole = await Promise.all(logs.map((log) => log.read(log.logStartOffset, 1 << 30, log.logEndOffset)));
        for (const r of whole) expect(r).toEqual(whole[0]);
      }),
      { numRuns: 40 },
    );
    const stats = managers.map((m) => m.stats());
    expect(stats[0]!.tailCacheHits).toBe(0);
    expect(stats[3]!.tailCacheHits).toBeGreaterThan(0);
    expect(stats[1]!.tailCacheMisses).toBeGreaterThan(0); // small budgets really evict
  });
});
