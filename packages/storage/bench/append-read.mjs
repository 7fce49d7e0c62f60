// Micro-benchmark of @samsa/storage in-process (no broker, no network): append throughput with a
// few appends in flight per partition, then reads of the last 8 MiB of each partition (the tail:
// what followers and caught-up consumers read) and of everything, in 1 MiB fetches. Runs against
// the built package (`corepack pnpm exec tsc -b packages/storage` first). Figures are printed,
// never asserted; on a shared machine compare runs made back to back.
//
//   node packages/storage/bench/append-read.mjs [--mb 128] [--records 16] [--sync] [--idempotent] [--no-cache]
//
// --records: records of 1 KiB per batch (1 measures the per-append cost); --idempotent: every
// batch carries a producer id and sequence (checked on append); --no-cache: tailCacheBytes 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { LogManager } from '@samsa/storage';
import { encodeBatch, newTopicId } from '@samsa/protocol';

const { values: flags } = parseArgs({
  options: {
    mb: { type: 'string', default: '128' },
    records: { type: 'string', default: '16' },
    sync: { type: 'boolean', default: false },
    idempotent: { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
  },
});
const MiB = 1024 * 1024;
const PARTITIONS = 4;
const IN_FLIGHT = 8; // appends outstanding per partition
const RECORD_BYTES = 1024;
const RECORDS = Number(flags.records);
const TAIL_BYTES = 8 * MiB;

const encode = (p, i) =>
  encodeBatch(
    Array.from({ length: RECORDS }, () => ({ value: Buffer.alloc(RECORD_BYTES, 97 + (i % 26)) })),
    flags.idempotent ? { nowMs: 1, producerId: 1000 + p, producerEpoch: 0, baseSequence: (i * RECORDS) % 2 ** 31 } : { nowMs: 1 },
  );
const batchBytes = encode(0, 0).length;
const perPartition = Math.floor((Number(flags.mb) * MiB) / batchBytes / PARTITIONS);
// Encoded up front: the benchmark measures storage, not the encoder.
const batches = Array.from({ length: PARTITIONS }, (_, p) => Array.from({ length: perPartition }, (_, i) => encode(p, i)));

async function readAll(logs, fromOffset) {
  let bytes = 0;
  for (const log of logs) {
    let offset = fromOffset(log);
    for (let i = 0; i < 1_000_000 && offset < log.logEndOffset; i++) {
      const r = await log.read(offset, MiB);
      bytes += r.records.length;
      offset = r.nextOffset;
    }
  }
  return bytes;
}

const dir = mkdtempSync(join(tmpdir(), 'samsa-storage-bench-'));
try {
  const manager = await LogManager.open(
    { dataDir: dir, logFlushSync: flags.sync, retentionCheckIntervalMs: 0, ...(flags['no-cache'] ? { tailCacheBytes: 0 } : {}) },
    { logger: pino({ level: 'silent' }) },
  );
  try {
    const topic = newTopicId();
    const logs = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => manager.getOrCreate(topic, p, { retentionMs: -1, retentionBytes: -1 })));
    let t0 = performance.now();
    await Promise.all(
      logs.map(async (log, p) => {
        const inFlight = new Set();
        for (let i = 0; i < perPartition; i++) {
          const append = log.append([batches[p][i]], 1).then(() => inFlight.delete(append));
          inFlight.add(append);
          if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      }),
    );
    let seconds = (performance.now() - t0) / 1000;
    const total = perPartition * PARTITIONS * batchBytes;
    const mode = `${flags.sync ? 'synced' : 'unsynced'}${flags.idempotent ? ', idempotent' : ''}${flags['no-cache'] ? ', no tail cache' : ''}`;
    console.log(`append (${mode}, ${RECORDS} x 1 KiB per batch): ${(total / MiB / seconds).toFixed(1)} MB/s, ${((perPartition * PARTITIONS) / seconds).toFixed(0)} appends/s`);
    for (const log of logs) log.setHighWatermark(log.logEndOffset);

    const tailBatches = Math.floor(TAIL_BYTES / batchBytes);
    t0 = performance.now();
    let bytes = await readAll(logs, (log) => Math.max(0, log.logEndOffset - tailBatches * RECORDS));
    seconds = (performance.now() - t0) / 1000;
    console.log(`read, last 8 MiB of each partition: ${(bytes / MiB / seconds).toFixed(0)} MB/s`);
    t0 = performance.now();
    bytes = await readAll(logs, () => 0);
    seconds = (performance.now() - t0) / 1000;
    console.log(`read, everything: ${(bytes / MiB / seconds).toFixed(0)} MB/s (${(bytes / MiB).toFixed(0)} MB)`);
    const s = manager.stats();
    console.log(`tail cache: ${s.tailCacheHits} hits, ${s.tailCacheMisses} misses, ${(s.tailCacheBytesHeld / MiB).toFixed(0)} MiB held`);
  } finally {
    await manager.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
