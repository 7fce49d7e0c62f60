#!/usr/bin/env node
// The storage layout benchmark (docs/storage.md, ARCHITECTURE.md "Storage"): sustained synced
// writes of 64 KiB blobs in 256 KiB db.batch groups, one batch at a time, for two layouts:
//
//   per-partition  one database, key <topicId><partition u32><offset u64>: the partitions' logs
//                  interleave in one key space, so every flushed table overlaps every other
//   write-order    log/ keyed by a node-wide sequence (u64), so every write lands at the end of the
//                  key space; the index <topicId><partition><baseOffset> -> sequence goes to a
//                  second database, unsynced, after each log write (what @samsa/storage does)
//
// over 6 and 100 partitions (blobs go to the partitions round-robin). Prints MB/s per case, and
// for write-order how fast one partition reads back. Never fails on timing.
//
//   node bench/layout.mjs              about 1 GB per case, a few minutes in all
//   node bench/layout.mjs --gb 3       the volume of the figures in ARCHITECTURE.md
//   node bench/layout.mjs --gb 0.05    a smoke run that finishes in seconds
//
// Options: --partitions 6,100  --layouts per-partition,write-order  --dir <parent of temp dirs>
//          --write-buffer-mb 64 (both layouts; LevelDB's default is 4)  --no-sync
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

// `level` is a dependency of @samsa/storage; resolve it from there (bench/ has no package.json).
const require = createRequire(new URL('../packages/storage/package.json', import.meta.url));
const { Level } = require('level');

const BLOB_BYTES = 64 * 1024;
const GROUP_BYTES = 256 * 1024;
const BLOBS_PER_GROUP = GROUP_BYTES / BLOB_BYTES;
const MB = 1e6;

const { values: args } = parseArgs({
  options: {
    gb: { type: 'string', default: '1' },
    partitions: { type: 'string', default: '6,100' },
    layouts: { type: 'string', default: 'per-partition,write-order' },
    dir: { type: 'string', default: tmpdir() },
    'write-buffer-mb': { type: 'string', default: '64' },
    'no-sync': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: node bench/layout.mjs [--gb 1] [--partitions 6,100] [--layouts per-partition,write-order] [--dir /tmp] [--write-buffer-mb 64] [--no-sync]');
  process.exit(0);
}
const totalBytes = Math.round(Number(args.gb) * 1e9);
const partitionCounts = args.partitions.split(',').map(Number);
const layouts = args.layouts.split(',');
const writeBufferSize = Number(args['write-buffer-mb']) * 1024 * 1024;
const sync = !args['no-sync'];
if (!(totalBytes >= GROUP_BYTES) || partitionCounts.some((p) => !Number.isInteger(p) || p < 1) || !(writeBufferSize > 0)) {
  console.error('bad arguments: --gb must give at least 256 KiB, --partitions positive integers');
  process.exit(2);
}
for (const l of layouts) {
  if (l !== 'per-partition' && l !== 'write-order') {
    console.error(`unknown layout ${l}`);
    process.exit(2);
  }
}

const dbOptions = { keyEncoding: 'buffer', valueEncoding: 'buffer', compression: false, writeBufferSize };
const topicId = randomBytes(16);
// Distinct blob contents (random once, then varied by a counter) so nothing compresses or dedups.
const pool = randomBytes(BLOB_BYTES * 8);

function blob(i) {
  const b = Buffer.allocUnsafe(BLOB_BYTES);
  pool.copy(b, 0, (i % 8) * BLOB_BYTES, (i % 8 + 1) * BLOB_BYTES);
  b.writeUInt32BE(i >>> 0, 0);
  return b;
}

function u64(buf, pos, n) {
  buf.writeUInt32BE(Math.floor(n / 2 ** 32), pos);
  buf.writeUInt32BE(n >>> 0, pos + 4);
}

function partitionKey(partition, offset) {
  const key = Buffer.allocUnsafe(28);
  topicId.copy(key, 0);
  key.writeUInt32BE(partition, 16);
  u64(key, 20, offset);
  return key;
}

function seqKey(seq) {
  const key = Buffer.allocUnsafe(8);
  u64(key, 0, seq);
  return key;
}

async function dirBytes(dir) {
  let total = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    try {
      const s = await stat(join(dir, name));
      if (s.isFile()) total += s.size;
    } catch {
      // removed by a compaction meanwhile
    }
  }
  return total;
}

/** Writes totalBytes; returns overall MB/s and the MB/s of the last quarter (a falling rate shows there). */
async function runCase(layout, partitions) {
  const dir = await mkdtemp(join(args.dir, 'samsa-layout-'));
  const log = new Level(join(dir, 'log'), dbOptions);
  const index = layout === 'write-order' ? new Level(join(dir, 'index'), { keyEncoding: 'buffer', valueEncoding: 'buffer' }) : undefined;
  try {
    await log.open();
    if (index) await index.open();
    const groups = Math.floor(totalBytes / GROUP_BYTES);
    const offsets = new Array(partitions).fill(0);
    let seq = 0;
    let n = 0;
    // The index writer of @samsa/storage: one write in flight, later ones coalesced.
    let indexPending = [];
    let indexInFlight;
    const flushIndex = () => {
      if (indexInFlight || indexPending.length === 0) return;
      const ops = indexPending;
      indexPending = [];
      indexInFlight = index.batch(ops).then(() => {
        indexInFlight = undefined;
        flushIndex();
      });
    };
    const started = process.hrtime.bigint();
    let quarterStarted = started;
    let quarterFrom = 0;
    for (let g = 0; g < groups; g++) {
      if (g === Math.floor((groups * 3) / 4)) {
        quarterStarted = process.hrtime.bigint();
        quarterFrom = g;
      }
      const ops = [];
      const indexOps = [];
      for (let i = 0; i < BLOBS_PER_GROUP; i++, n++) {
        const p = n % partitions;
        const offset = offsets[p];
        offsets[p] += 64; // as if each blob were a batch of 64 records of 1 KiB
        if (layout === 'per-partition') {
          ops.push({ type: 'put', key: partitionKey(p, offset), value: blob(n) });
        } else {
          seq++;
          ops.push({ type: 'put', key: seqKey(seq), value: blob(n) });
          const entry = Buffer.allocUnsafe(32);
          entry.writeDoubleBE(seq, 0);
          entry.writeDoubleBE(offset + 63, 8);
          entry.writeDoubleBE(Date.now(), 16);
          entry.writeDoubleBE(BLOB_BYTES, 24);
          indexOps.push({ type: 'put', key: partitionKey(p, offset), value: entry });
        }
      }
      await log.batch(ops, { sync });
      if (index) {
        indexPending.push(...indexOps);
        flushIndex();
      }
    }
    while (indexInFlight) await indexInFlight;
    const ended = process.hrtime.bigint();
    const seconds = Number(ended - started) / 1e9;
    const lastQuarterSeconds = Number(ended - quarterStarted) / 1e9;
    const result = {
      layout,
      partitions,
      gb: (groups * GROUP_BYTES) / 1e9,
      mbps: (groups * GROUP_BYTES) / MB / seconds,
      lastQuarterMbps: ((groups - quarterFrom) * GROUP_BYTES) / MB / lastQuarterSeconds,
      seconds,
      diskGb: (await dirBytes(dir)) / 1e9,
    };
    if (index) result.readMbps = await readBack(log, index, partitions);
    return result;
  } finally {
    await Promise.allSettled([log.close(), index?.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads partition 0 back through its index: getMany of 16 blobs at a time, as a 1 MiB fetch. */
async function readBack(log, index, partitions) {
  const prefix = partitionKey(0, 0).subarray(0, 20);
  const end = Buffer.concat([prefix, Buffer.alloc(8, 0xff)]);
  const seqs = [];
  for await (const [, value] of index.iterator({ gte: prefix, lte: end })) seqs.push(value.readDoubleBE(0));
  if (seqs.length === 0 || partitions < 1) return undefined;
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < seqs.length; i += 16) {
    const values = await log.getMany(seqs.slice(i, i + 16).map(seqKey));
    for (const v of values) bytes += v.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return bytes / MB / seconds;
}

console.log(
  `layout benchmark: ${(totalBytes / 1e9).toFixed(2)} GB per case of ${BLOB_BYTES / 1024} KiB blobs in ${GROUP_BYTES / 1024} KiB batches, ` +
    `sync=${sync}, writeBufferSize=${writeBufferSize / 1024 / 1024} MiB, compression off, node ${process.version}`,
);
const results = [];
for (const partitions of partitionCounts) {
  for (const layout of layouts) {
    const r = await runCase(layout, partitions);
    results.push(r);
    console.log(
      `${layout.padEnd(14)} ${String(partitions).padStart(4)} partitions: ${r.mbps.toFixed(1).padStart(6)} MB/s ` +
        `(last quarter ${r.lastQuarterMbps.toFixed(1)} MB/s; ${r.gb.toFixed(2)} GB in ${r.seconds.toFixed(1)} s; ${r.diskGb.toFixed(2)} GB on disk)` +
        (r.readMbps === undefined ? '' : `; partition 0 reads back at ${r.readMbps.toFixed(0)} MB/s`),
    );
  }
}
