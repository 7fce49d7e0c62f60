// Issue 5's figures: partition replication on a real 3-node cluster. Three `samsa broker`
// processes in combined mode (broker and controller, one Raft quorum, as `samsa cluster start`
// runs them) on 127.0.0.1, and the client in this process, all sharing the machine. Every topic has
// 6 partitions, replication factor 3 (min.insync.replicas 2, the default), so all three brokers
// lead two partitions each and follow four.
//
//   produce   acks=all throughput through the SDK producer (idempotent, up to 5 requests in flight
//             per partition), 1 KiB records, log.flush.sync true and false; afterwards the sum of
//             the high watermarks must equal the records sent. Goal (sync): >= 20 MB/s.
//   latency   acks=all, log.flush.sync=true, RATE records/s, one record per send, each timed from
//             its intended send time (coordinated-omission safe): p50/p99/p99.9, on one topic that
//             the warm-up already wrote to (so every follower fetches it). Goal: p99 <= 20 ms.
//   consume   throughput reading a produce run's topic from offset 0, all 6 partitions, each
//             fetched from its leader; every offset checked contiguous.
//   failover  SIGKILL the leader of a partition (never the active controller: that is the
//             controller figure of bench/failover.mjs) while a producer sends acks=all to that
//             partition every 2 ms; the figure runs from the kill to the first acknowledgement of a
//             send issued after the process was gone, which only another broker can have given;
//             the metadata must then name another leader with a higher leader epoch. Then the
//             victim is restarted and every ISR must be full again before the next kill.
//             Median [min..max] of --failover-runs kills. Goal: <= 3 s.
//
// Throughput and latency are the median [min..max] of --runs runs after a warm-up. Figures are
// printed, never asserted. Every wait is bounded; the broker processes are stopped by PID at the
// end, also on failure (and SIGKILLed if this process exits first).
//
//   node bench/replication.mjs [--runs 3] [--only produce,latency,consume,failover] [--quick]
//        [--mb-per-run 256] [--rate 5000] [--latency-seconds 10] [--failover-runs 10]
//        [--profile <dir>]   run the brokers under node --cpu-prof, profiles written to <dir>
//                            at their (SIGTERM) exit; summarise with bench/profile-summary.mjs
// Environment: SAMSA_BENCH_LOGS=1 (brokers' logs), SAMSA_BENCH_VERBOSE=1 (each failover kill),
// SAMSA_BENCH_BROKER_NODE_ARGS='--initial-old-space-size=128 ...' (V8 flags for the brokers).
// `pnpm bench --only replication` runs it from bench/run.mjs with the defaults above.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import hdr from 'hdr-histogram-js';
import { Samsa } from '@samsa/client';
import { BROKER_NODE_FLAGS, RECORD_BYTES, endOffsetsSum, fmt, freePort, median, payloads, produce, sleep } from './common.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/main.js');
const PARTITIONS = 6;
const REPLICATION_FACTOR = 3;
const POLL_MS = 50;
const WAIT_MS_MAX = 60_000;
const STOP_MS_MAX = 30_000;
/** The failover producer issues one single-record send this often. */
const FAILOVER_SEND_EVERY_MS = 2;
/** Bound on the failover producer's unsettled sends (it stops issuing beyond it). */
const FAILOVER_PENDING_MAX = 5_000;
/** A kill whose first post-kill acknowledgement has not come by then counts as failed. */
const FAILOVER_ACK_WAIT_MS_MAX = 30_000;

export const REPLICATION_DEFAULTS = Object.freeze({
  runs: 3,
  only: ['produce', 'latency', 'consume', 'failover'],
  mbPerRun: 256,
  rate: 5000,
  latencySeconds: 10,
  /** The latency figure's producer linger: the SDK's default. */
  lingerMs: 5,
  failoverRuns: 10,
  quick: false,
  profileDir: undefined,
});

/** Live child processes and data directories: SIGKILLed by PID and removed should this process exit without stopping them. */
const live = new Set();
const roots = new Set();
process.once('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
// Interrupted: exit through the handler above (a signal's default action skips 'exit').
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.once(signal, () => process.exit(code));

class BenchNode {
  constructor({ id, port, root, voters, flushSync, profileDir, label }) {
    Object.assign(this, { id, port, voters, flushSync, profileDir, label, address: `127.0.0.1:${port}`, dataDir: join(root, `node-${id}`) });
    this.proc = undefined;
    this.starts = 0;
  }

  get running() {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  start() {
    this.starts++;
    // Extra V8/Node flags for the brokers, for experiments (e.g. '--trace-gc --max-semi-space-size=64').
    // The flags every launcher gives a broker (BROKER_NODE_FLAGS), then experiments' extra ones.
    const nodeArgs = [...BROKER_NODE_FLAGS, ...(process.env.SAMSA_BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')];
    if (this.profileDir !== undefined) {
      // One profile per process lifetime; written when the process exits normally (SIGTERM).
      nodeArgs.push('--cpu-prof', '--cpu-prof-dir', this.profileDir, '--cpu-prof-name', `${this.label}-node-${this.id}-start-${this.starts}.cpuprofile`);
    }
    const args = [...nodeArgs, CLI, 'broker', '--no-pretty', '--node-id', String(this.id), '--listen', this.address, '--data-dir', this.dataDir,
      '--roles', 'broker,controller', '--controller-voters', this.voters, '--log-flush-sync', String(this.flushSync)];
    const logs = process.env.SAMSA_BENCH_LOGS ? 'inherit' : 'ignore';
    const proc = spawn(process.execPath, args, { stdio: ['ignore', logs, logs] });
    this.proc = proc;
    live.add(proc);
    this.exited = new Promise((r) => proc.once('exit', () => {
      live.delete(proc);
      r();
    }));
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill() {
    if (!this.running) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (controlled shutdown), SIGKILL after STOP_MS_MAX. */
  async stop() {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_MS_MAX);
    await this.exited;
    clearTimeout(timer);
  }
}

async function until(what, predicate, timeoutMs = WAIT_MS_MAX) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`, { cause: lastError });
    await sleep(POLL_MS);
  }
}

export class BenchCluster {
  static async start({ flushSync, profileDir }) {
    const root = mkdtempSync(join(tmpdir(), 'samsa-bench-replication-'));
    roots.add(root);
    const ports = [await freePort(), await freePort(), await freePort()];
    const voters = ports.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',');
    const label = `flush-${flushSync}`;
    const cluster = new BenchCluster(root, ports.map((port, i) => new BenchNode({ id: i + 1, port, root, voters, flushSync, profileDir, label })));
    try {
      for (const n of cluster.nodes) n.start();
      await cluster.waitReady();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  constructor(root, nodes) {
    this.root = root;
    this.nodes = nodes;
    this.samsa = new Samsa({ brokers: nodes.map((n) => n.address), clientId: 'bench' });
  }

  node(id) {
    return this.nodes.find((n) => n.id === id);
  }

  /** A short-lived admin on the running nodes only (a dead bootstrap address costs retries). */
  async withAdmin(fn) {
    const admin = new Samsa({ brokers: this.nodes.filter((n) => n.running).map((n) => n.address), clientId: 'bench-admin', requestTimeoutMs: 5_000 }).admin();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** Every node registered and unfenced, as the metadata of a running node has it. */
  async waitReady() {
    await until('all three brokers unfenced', () =>
      this.withAdmin(async (a) => {
        const c = await a.describeCluster();
        return c.controller >= 0 && this.nodes.every((n) => c.brokers.some((b) => b.nodeId === n.id && !b.fenced));
      }),
    );
  }

  /** Every partition of every topic has a leader and a full ISR. */
  async waitIsrsFull() {
    await until('every ISR full', () =>
      this.withAdmin(async (a) => {
        const { topics } = await a.fetchTopicMetadata();
        return topics.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === REPLICATION_FACTOR));
      }),
    );
  }

  async createTopic(topic) {
    await this.withAdmin((a) => a.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: REPLICATION_FACTOR }] }));
    // Leaders elected and every follower in the ISR before anything is measured.
    await until(`topic ${topic} led, ISRs full`, () =>
      this.withAdmin(async (a) => (await a.describeTopics([topic]))[0].partitions.every((p) => p.leader >= 0 && p.isr.length === REPLICATION_FACTOR)),
    );
  }

  async describe(topic) {
    return await this.withAdmin(async (a) => (await a.describeTopics([topic]))[0]);
  }

  async stop() {
    await Promise.all(this.nodes.map((n) => n.stop()));
    rmSync(this.root, { recursive: true, force: true });
    roots.delete(this.root);
  }
}

/** Leaders of a topic's partitions and whether every ISR is full (printed beside each figure). */
async function topicShape(cluster, topic) {
  const t = await cluster.describe(topic);
  const leaders = new Set(t.partitions.map((p) => p.leader));
  const shrunk = t.partitions.filter((p) => p.isr.length < REPLICATION_FACTOR).map((p) => p.partitionId);
  return { leaders: leaders.size, shrunk };
}

async function benchProduce(cluster, flushSync, o) {
  const producer = cluster.samsa.producer({ lingerMs: 5, batchSize: 256 * 1024 }); // acks=all, idempotent: the defaults
  await producer.connect();
  try {
    const records = Math.round((o.mbPerRun * 1024 * 1024) / RECORD_BYTES);
    await cluster.createTopic('produce-warmup');
    await produce(producer, 'produce-warmup', Math.round(records / 4));
    const mbs = [];
    const rps = [];
    let shape;
    let topic;
    for (let run = 0; run < o.runs; run++) {
      topic = `produce-${run}`;
      await cluster.createTopic(topic);
      const t0 = performance.now();
      await produce(producer, topic, records);
      const seconds = (performance.now() - t0) / 1000;
      const end = await cluster.withAdmin((a) => endOffsetsSum(a, topic));
      if (end !== records) throw new Error(`${topic}: high watermarks sum to ${end}, ${records} records acknowledged`);
      mbs.push((records * RECORD_BYTES) / 1024 / 1024 / seconds);
      rps.push(records / seconds);
      shape = await topicShape(cluster, topic);
    }
    const isrNote = shape.shrunk.length === 0 ? 'ISRs full after' : `ISR shrank on partitions ${shape.shrunk.join(',')}`;
    console.log(
      `replication  produce  RF=3 acks=all log.flush.sync=${flushSync}  ${PARTITIONS} partitions on ${shape.leaders} leaders  ${o.mbPerRun} MiB/run: ` +
        `${fmt(mbs, 'MB/s')}  ${fmt(rps, 'records/s', 0)}  (${isrNote}${flushSync ? '; goal >= 20 MB/s' : ''})`,
    );
    return { topic, records };
  } finally {
    await producer.disconnect();
  }
}

async function benchLatency(cluster, o) {
  // The SDK's defaults (acks=all, idempotent, linger 5 ms), as a user gets them; --linger-ms 0 sends
  // every record at once in its own batch (the single-broker latency figure's setting).
  const producer = cluster.samsa.producer({ lingerMs: o.lingerMs, batchSize: 64 * 1024 });
  await producer.connect();
  try {
    // One topic for the warm-up and every run: the figure is a warm cluster's (a new partition's
    // first acks=all writes wait for the followers to add it to their fetch sessions).
    const topic = 'latency';
    await cluster.createTopic(topic);
    let written = 0;
    const oneRun = async (seconds) => {
      const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
      const total = Math.round(o.rate * seconds);
      const t0 = performance.now();
      const pending = [];
      let failed;
      for (let i = 0; i < total; i++) {
        const intended = t0 + (i * 1000) / o.rate;
        const wait = intended - performance.now();
        if (wait > 1) await sleep(wait);
        pending.push(
          producer.send({ topic, messages: [{ value: payloads[i & 4095] }] }).then(
            () => histogram.recordValue(Math.max(1, Math.round((performance.now() - intended) * 1000))),
            (err) => (failed ??= err), // kept, not left unhandled while sends are still being issued
          ),
        );
      }
      await Promise.all(pending);
      if (failed !== undefined) throw new Error(`${topic}: a send failed: ${failed.code ?? ''} ${failed.message}`, { cause: failed });
      written += total;
      const end = await cluster.withAdmin((a) => endOffsetsSum(a, topic));
      if (end !== written) throw new Error(`${topic}: high watermarks sum to ${end}, ${written} records acknowledged`);
      return histogram;
    };
    await oneRun(2); // warm-up
    const results = [];
    for (let run = 0; run < o.runs; run++) {
      const h = await oneRun(o.latencySeconds);
      results.push({ p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, p999: h.getValueAtPercentile(99.9) / 1000 });
    }
    console.log(
      `replication  latency  RF=3 acks=all log.flush.sync=true linger ${o.lingerMs} ms ${o.rate} records/s for ${o.latencySeconds} s, from intended send time: ` +
        `p50 ${fmt(results.map((r) => r.p50), 'ms', 2)}  p99 ${fmt(results.map((r) => r.p99), 'ms', 2)}  p99.9 ${fmt(results.map((r) => r.p999), 'ms', 2)}  (goal p99 <= 20 ms)`,
    );
  } finally {
    await producer.disconnect();
  }
}

async function benchConsume(cluster, topic, records, o) {
  const readAll = async () => {
    const consumer = cluster.samsa.consumer({ maxBytes: 16 * 1024 * 1024, maxBytesPerPartition: 4 * 1024 * 1024 });
    await consumer.connect();
    consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: '0' })));
    const next = new Array(PARTITIONS).fill(0);
    let count = 0;
    const t0 = performance.now();
    try {
      await new Promise((resolve, reject) => {
        // Bounded: a read that stalls fails instead of waiting for ever.
        const timer = setTimeout(() => reject(new Error(`consume stalled at ${count} of ${records} records`)), 300_000);
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                const o = Number(m.offset);
                if (o !== next[batch.partition]) reject(new Error(`partition ${batch.partition}: offset ${o}, expected ${next[batch.partition]}`));
                next[batch.partition] = o + 1;
                count++;
              }
              if (count >= records) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    const seconds = (performance.now() - t0) / 1000;
    if (count !== records) throw new Error(`consumed ${count}, expected ${records}`);
    return seconds;
  };
  await readAll(); // warm-up
  const mbs = [];
  const rps = [];
  for (let run = 0; run < o.runs; run++) {
    const seconds = await readAll();
    mbs.push((records * RECORD_BYTES) / 1024 / 1024 / seconds);
    rps.push(records / seconds);
  }
  const mib = Math.round((records * RECORD_BYTES) / 1024 / 1024);
  console.log(`replication  consume  RF=3 topic, ${PARTITIONS} partitions from their leaders, from offset 0, ${mib} MiB: ${fmt(mbs, 'MB/s')}  ${fmt(rps, 'records/s', 0)}`);
}

/**
 * Sends one record to `partition` every FAILOVER_SEND_EVERY_MS until stopped. Each send knows its
 * issue time; `firstAckIssuedAfter(t)` resolves with the time of the first acknowledgement of a
 * send issued after t.
 */
function startSender(producer, topic, partition) {
  const sends = []; // { issued, acked?, failed? }
  let pending = 0;
  let stopped = false;
  let waiter;
  const loop = (async () => {
    let i = 0;
    while (!stopped) {
      if (pending < FAILOVER_PENDING_MAX) {
        const s = { issued: performance.now() };
        sends.push(s);
        pending++;
        producer
          .send({ topic, messages: [{ partition, value: payloads[i++ & 4095] }] })
          .then(
            () => {
              s.acked = performance.now();
              if (waiter !== undefined && s.issued > waiter.after) {
                waiter.resolve(s.acked);
                waiter = undefined;
              }
            },
            (err) => {
              s.failed = err;
            },
          )
          .finally(() => pending--);
      }
      await sleep(FAILOVER_SEND_EVERY_MS);
    }
  })();
  return {
    sends,
    acked: () => sends.filter((s) => s.acked !== undefined).length,
    firstAckIssuedAfter(after) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no send issued after the kill acknowledged within ${FAILOVER_ACK_WAIT_MS_MAX} ms`)), FAILOVER_ACK_WAIT_MS_MAX);
        waiter = { after, resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        } };
      });
    },
    async stop() {
      stopped = true;
      await loop;
      await until('the failover producer\'s sends to settle', () => pending === 0, FAILOVER_ACK_WAIT_MS_MAX + 60_000);
      return sends.filter((s) => s.failed !== undefined);
    },
  };
}

async function benchFailover(cluster, o) {
  const topic = 'failover';
  await cluster.createTopic(topic);
  const kills = []; // { ms, partition, from, to, failed }
  for (let run = 0; run < o.failoverRuns; run++) {
    await cluster.waitReady();
    await cluster.waitIsrsFull();
    // A partition led by a broker that is not the active controller, rotating over the partitions.
    const { controller } = await cluster.withAdmin((a) => a.describeCluster());
    const before = await cluster.describe(topic);
    const candidates = before.partitions.filter((p) => p.leader !== controller);
    if (candidates.length === 0) throw new Error(`every partition of ${topic} is led by the active controller ${controller}`);
    const target = candidates[run % candidates.length];
    const victim = cluster.node(target.leader);

    const producer = cluster.samsa.producer({ lingerMs: 0 }); // acks=all, idempotent: the defaults
    await producer.connect();
    const sender = startSender(producer, topic, target.partitionId);
    const kill = { partition: target.partitionId, from: victim.id };
    try {
      await until('the failover producer to get going', () => sender.acked() >= 100, 30_000);
      const t0 = performance.now();
      await victim.kill(); // resolves once the process is gone: nothing issued later can be acknowledged by it
      const ackAt = await sender.firstAckIssuedAfter(performance.now());
      kill.ms = ackAt - t0;
      const after = (await cluster.describe(topic)).partitions.find((x) => x.partitionId === target.partitionId);
      if (after.leader === victim.id || after.leader < 0 || after.leaderEpoch <= target.leaderEpoch) {
        throw new Error(`partition ${target.partitionId}: leader ${after.leader} epoch ${after.leaderEpoch} after killing leader ${victim.id} at epoch ${target.leaderEpoch}`);
      }
      kill.to = after.leader;
    } finally {
      kill.failed = await sender.stop();
      await producer.disconnect().catch(() => {});
    }
    kills.push(kill);
    victim.start();
  }
  await cluster.waitReady();
  await cluster.waitIsrsFull();
  const ms = kills.map((k) => k.ms);
  console.log(
    `replication  failover  SIGKILL a partition leader (not the controller) under acks=all -> first acknowledged write on the new leader (${o.failoverRuns} runs): ` +
      `${fmt(ms, 'ms', 0)}  (goal <= 3000 ms)`,
  );
  const failed = kills.filter((k) => k.failed.length > 0);
  if (process.env.SAMSA_BENCH_VERBOSE) console.log(`  kills: ${kills.map((k) => `${k.ms.toFixed(0)} ms (p${k.partition} ${k.from}->${k.to})`).join(', ')}`);
  for (const k of failed) console.log(`  note: partition ${k.partition}, leader ${k.from} killed: ${k.failed.length} sends failed (${k.failed[0].failed.code ?? k.failed[0].failed.message})`);
  return { medianMs: median(ms) };
}

export async function benchReplication(options = {}) {
  const o = { ...REPLICATION_DEFAULTS, ...options };
  if (o.quick) Object.assign(o, { mbPerRun: Math.min(o.mbPerRun, 32), latencySeconds: Math.min(o.latencySeconds, 3), failoverRuns: Math.min(o.failoverRuns, 3) });
  const only = new Set(o.only);
  if (o.profileDir !== undefined) mkdirSync(o.profileDir, { recursive: true });
  const started = performance.now();

  // log.flush.sync=true (the default durability): latency first, on a fresh cluster (not while
  // LevelDB is still compacting the gigabyte the produce runs leave behind), then produce, failover.
  if (only.has('produce') || only.has('latency') || only.has('failover')) {
    const cluster = await BenchCluster.start({ flushSync: true, profileDir: o.profileDir });
    try {
      if (only.has('latency')) await benchLatency(cluster, o);
      if (only.has('produce')) await benchProduce(cluster, true, o);
      if (only.has('failover')) await benchFailover(cluster, o);
    } finally {
      await cluster.stop();
    }
  }
  // log.flush.sync=false: produce, then consume what the last run wrote.
  if (only.has('produce') || only.has('consume')) {
    const cluster = await BenchCluster.start({ flushSync: false, profileDir: o.profileDir });
    try {
      let written;
      if (only.has('produce')) {
        written = await benchProduce(cluster, false, o);
      } else {
        const producer = cluster.samsa.producer({ lingerMs: 5, batchSize: 256 * 1024 });
        await producer.connect();
        const records = Math.round((o.mbPerRun * 1024 * 1024) / RECORD_BYTES);
        await cluster.createTopic('consume');
        await produce(producer, 'consume', records);
        await producer.disconnect();
        written = { topic: 'consume', records };
      }
      if (only.has('consume')) await benchConsume(cluster, written.topic, written.records, o);
    } finally {
      await cluster.stop();
    }
  }
  console.log(`replication  (${((performance.now() - started) / 1000).toFixed(0)} s in all${o.profileDir === undefined ? '' : `; CPU profiles in ${o.profileDir}`})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: f } = parseArgs({
    options: {
      runs: { type: 'string', default: String(REPLICATION_DEFAULTS.runs) },
      only: { type: 'string', default: REPLICATION_DEFAULTS.only.join(',') },
      'mb-per-run': { type: 'string', default: String(REPLICATION_DEFAULTS.mbPerRun) },
      rate: { type: 'string', default: String(REPLICATION_DEFAULTS.rate) },
      'latency-seconds': { type: 'string', default: String(REPLICATION_DEFAULTS.latencySeconds) },
      'linger-ms': { type: 'string', default: String(REPLICATION_DEFAULTS.lingerMs) },
      'failover-runs': { type: 'string', default: String(REPLICATION_DEFAULTS.failoverRuns) },
      profile: { type: 'string' },
      quick: { type: 'boolean', default: false },
    },
  });
  const only = f.only.split(',');
  for (const x of only) if (!REPLICATION_DEFAULTS.only.includes(x)) throw new Error(`--only: unknown figure ${x} (${REPLICATION_DEFAULTS.only.join(', ')})`);
  console.log(`samsa bench replication: ${f.runs} runs per figure, median [min..max]; 1 KiB records; 3 brokers and the client on this machine`);
  await benchReplication({
    runs: Number(f.runs),
    only,
    mbPerRun: Number(f['mb-per-run']),
    rate: Number(f.rate),
    latencySeconds: Number(f['latency-seconds']),
    lingerMs: Number(f['linger-ms']),
    failoverRuns: Number(f['failover-runs']),
    quick: f.quick,
    profileDir: f.profile === undefined ? undefined : resolve(f.profile),
  });
}
