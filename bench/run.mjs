// `pnpm bench`: Samsa's figures, measured through the SDK as a user would run it, against a real
// broker process (the built CLI) on 127.0.0.1, client and broker sharing the machine.
//
//   produce   throughput, 1 KiB random payloads, batched, acks=1, log.flush.sync true and false
//   consume   throughput from the start of a large partition
//   latency   p50/p99/p99.9 produce latency at a fixed rate, from each record's intended send time
//   failover  controller and broker failover on a local 3-node quorum (bench/failover.mjs)
//   replication  a 3-node cluster, RF=3, acks=all (bench/replication.mjs): produce throughput
//             (flush sync true and false), latency at --rate, consume, leader failover under writes
//   layout    the storage layout benchmark (bench/layout.mjs): sustained synced writes, 2 GB per case (--layout-gb)
//
// Every figure comes after a warm-up and is the median [min..max] of --runs runs (default 3); end
// offsets are checked after each run. Figures are printed, never asserted.
//
//   pnpm bench [--runs N] [--only produce,consume,latency,failover,replication,layout] [--failover-runs N] [--mb-per-run M] [--quick]
//   pnpm bench --only replication     issue 5's figures alone (node bench/replication.mjs has finer flags)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import hdr from 'hdr-histogram-js';
import { Samsa } from '@samsa/client';
import { BROKER_NODE_FLAGS, RECORD_BYTES, endOffsetsSum, fmt, freePort, payloads, produce, sleep } from './common.mjs';
import { benchFailover } from './failover.mjs';
import { benchReplication } from './replication.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    only: { type: 'string', default: 'produce,consume,latency,failover,replication,layout' },
    'failover-runs': { type: 'string', default: '10' },
    'mb-per-run': { type: 'string', default: '256' },
    'consume-mb': { type: 'string', default: '512' },
    rate: { type: 'string', default: '5000' },
    'latency-seconds': { type: 'string', default: '10' },
    'layout-gb': { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
  },
});
const RUNS = Number(flags.runs);
const ONLY = new Set(flags.only.split(','));
const QUICK = flags.quick;
const MB_PER_RUN = QUICK ? 32 : Number(flags['mb-per-run']);
const CONSUME_MB = QUICK ? 64 : Number(flags['consume-mb']);
const RATE = Number(flags.rate);
const LATENCY_SECONDS = QUICK ? 3 : Number(flags['latency-seconds']);
const PARTITIONS = 4;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/main.js');

async function startBroker(extraArgs) {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [...BROKER_NODE_FLAGS, CLI, 'broker', '--node-id', '1', '--listen', address, '--data-dir', dir, ...extraArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
  const samsa = new Samsa({ brokers: [address], clientId: 'bench' });
  const admin = samsa.admin();
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await admin.connect();
      await admin.listTopics();
      break;
    } catch (e) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error('broker did not start', { cause: e });
      await sleep(100);
    }
  }
  return {
    samsa,
    admin,
    async stop() {
      await admin.disconnect().catch(() => {});
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function benchProduce(flushSync) {
  const broker = await startBroker(['--log-flush-sync', String(flushSync)]);
  try {
    const producer = broker.samsa.producer({ acks: 1, lingerMs: 5, batchSize: 256 * 1024 });
    await producer.connect();
    const records = Math.round((MB_PER_RUN * 1024 * 1024) / RECORD_BYTES);
    await broker.admin.createTopics({ topics: [{ topic: 'warmup', numPartitions: PARTITIONS }] });
    await produce(producer, 'warmup', Math.round(records / 4));
    const mbs = [];
    const rps = [];
    for (let run = 0; run < RUNS; run++) {
      const topic = `produce-${run}`;
      await broker.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
      const t0 = performance.now();
      await produce(producer, topic, records);
      const seconds = (performance.now() - t0) / 1000;
      const end = await endOffsetsSum(broker.admin, topic);
      if (end !== records) throw new Error(`end offsets sum ${end}, produced ${records}`);
      mbs.push((records * RECORD_BYTES) / 1024 / 1024 / seconds);
      rps.push(records / seconds);
    }
    await producer.disconnect();
    console.log(`produce  log.flush.sync=${flushSync}  acks=1  ${PARTITIONS} partitions  ${MB_PER_RUN} MiB/run: ${fmt(mbs, 'MB/s')}  ${fmt(rps, 'records/s', 0)}`);
  } finally {
    await broker.stop();
  }
}

async function benchConsume() {
  const broker = await startBroker(['--log-flush-sync', 'false']);
  try {
    const topic = 'consume';
    await broker.admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = broker.samsa.producer({ acks: 1, lingerMs: 5, batchSize: 256 * 1024 });
    await producer.connect();
    const records = Math.round((CONSUME_MB * 1024 * 1024) / RECORD_BYTES);
    await produce(producer, topic, records);
    await producer.disconnect();
    const end = await endOffsetsSum(broker.admin, topic);
    if (end !== records) throw new Error(`end offset ${end}, produced ${records}`);
    const readAll = async () => {
      const consumer = broker.samsa.consumer({ maxBytes: 16 * 1024 * 1024, maxBytesPerPartition: 16 * 1024 * 1024 });
      await consumer.connect();
      consumer.assign([{ topic, partition: 0, offset: '0' }]);
      let count = 0;
      let lastOffset = -1;
      const t0 = performance.now();
      await new Promise((resolve, reject) => {
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                const o = Number(m.offset);
                if (o !== lastOffset + 1) reject(new Error(`offset ${o} after ${lastOffset}`));
                lastOffset = o;
                count++;
              }
              if (count >= records) resolve();
            },
          })
          .catch(reject);
      });
      const seconds = (performance.now() - t0) / 1000;
      await consumer.disconnect();
      if (count !== records) throw new Error(`consumed ${count}, expected ${records}`);
      return seconds;
    };
    await readAll(); // warm-up
    const mbs = [];
    const rps = [];
    for (let run = 0; run < RUNS; run++) {
      const seconds = await readAll();
      mbs.push((records * RECORD_BYTES) / 1024 / 1024 / seconds);
      rps.push(records / seconds);
    }
    console.log(`consume  1 partition from offset 0, ${CONSUME_MB} MiB: ${fmt(mbs, 'MB/s')}  ${fmt(rps, 'records/s', 0)}`);
  } finally {
    await broker.stop();
  }
}

async function benchLatency() {
  const broker = await startBroker(['--log-flush-sync', 'true']);
  try {
    const producer = broker.samsa.producer({ acks: 1, lingerMs: 0, batchSize: 64 * 1024 });
    await producer.connect();
    const results = [];
    const oneRun = async (topic, seconds) => {
      await broker.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
      const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
      const total = Math.round(RATE * seconds);
      const t0 = performance.now();
      const pending = [];
      for (let i = 0; i < total; i++) {
        const intended = t0 + (i * 1000) / RATE;
        const wait = intended - performance.now();
        if (wait > 1) await sleep(wait);
        pending.push(
          producer.send({ topic, messages: [{ value: payloads[i & 4095] }] }).then(() => {
            histogram.recordValue(Math.max(1, Math.round((performance.now() - intended) * 1000)));
          }),
        );
      }
      await Promise.all(pending);
      const end = await endOffsetsSum(broker.admin, topic);
      if (end !== total) throw new Error(`end offsets sum ${end}, produced ${total}`);
      return histogram;
    };
    await oneRun('latency-warmup', 2);
    for (let run = 0; run < RUNS; run++) {
      const h = await oneRun(`latency-${run}`, LATENCY_SECONDS);
      results.push({ p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, p999: h.getValueAtPercentile(99.9) / 1000 });
    }
    await producer.disconnect();
    console.log(
      `latency  acks=1 log.flush.sync=true ${RATE} records/s for ${LATENCY_SECONDS} s: ` +
        `p50 ${fmt(results.map((r) => r.p50), 'ms', 2)}  p99 ${fmt(results.map((r) => r.p99), 'ms', 2)}  p99.9 ${fmt(results.map((r) => r.p999), 'ms', 2)}`,
    );
  } finally {
    await broker.stop();
  }
}

async function benchLayout() {
  const gb = QUICK ? '0.05' : flags['layout-gb'];
  await new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bench/layout.mjs'), '--gb', gb], { stdio: 'inherit' });
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`layout benchmark exited ${code}`))));
  });
}

console.log(`samsa bench: ${RUNS} runs per figure, median [min..max]; 1 KiB records; client and broker on this machine`);
if (ONLY.has('produce')) {
  await benchProduce(true);
  await benchProduce(false);
}
if (ONLY.has('consume')) await benchConsume();
if (ONLY.has('latency')) await benchLatency();
if (ONLY.has('failover')) await benchFailover(QUICK ? 3 : Number(flags['failover-runs']));
if (ONLY.has('replication')) {
  await benchReplication({
    runs: RUNS,
    quick: QUICK,
    mbPerRun: Number(flags['mb-per-run']),
    rate: RATE,
    latencySeconds: Number(flags['latency-seconds']),
    failoverRuns: Number(flags['failover-runs']),
  });
}
if (ONLY.has('layout')) await benchLayout();
