// The workload checker end to end against one real broker process: the driver's 3 producers
// (maxInFlightRequests 5, acks all, keyed and null-key records with unique values) write 3,000
// records to a 3-partition topic with replication factor 1; two full reads from the log start to
// the high watermark agree with each other and with every acknowledgement, and the checker reports
// ok. A second run is told to stop early: it stops, every send it made is accounted for, and the
// checker still reports ok. Nothing here is faulty on purpose: this proves the tooling the chaos
// suites reuse (the checker's own self-test, test/checker/checker.test.ts, proves it catches faults).
import { Samsa } from '@samsa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkload, formatReport, readBack, runWorkload, startWorkload } from './checker/index.js';
import { Cluster, waitUntil } from './harness/cluster.js';

const PARTITIONS = 3;
const PRODUCERS = 3;
const RECORDS_PER_PRODUCER = 1_000;

let cluster: Cluster;
let brokers: string[];

async function createTopic(topic: string): Promise<void> {
  const admin = new Samsa({ brokers }).admin();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  cluster = await Cluster.start(1);
  brokers = [cluster.node(1).address];
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('workload checker against one broker', () => {
  it('finds every acknowledged record at its offset, once, in send order, in two agreeing reads', async () => {
    const topic = 'checked';
    await createTopic(topic);
    const run = await runWorkload({ brokers, topic, producers: PRODUCERS, recordsPerProducer: RECORDS_PER_PRODUCER, durationMsMax: 90_000 });
    expect(run.stoppedBy).toBe('count');

    const first = await readBack({ brokers, topic, deadlineMs: 30_000 });
    const second = await readBack({ brokers, topic, deadlineMs: 30_000 });
    const report = checkWorkload({ sends: run.sends, reads: [first, second] });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.counts).toMatchObject({ sends: PRODUCERS * RECORDS_PER_PRODUCER, acked: PRODUCERS * RECORDS_PER_PRODUCER, failed: 0, unknown: 0, recordsRead: PRODUCERS * RECORDS_PER_PRODUCER });
    // Every partition got records, keyed and null-key ones, from every producer.
    expect(report.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of second.partitions) {
      expect(p.logStartOffset).toBe(0);
      expect(p.records.length).toBeGreaterThan(0);
      expect(p.records.some((r) => r.key === null)).toBe(true);
      expect(p.records.some((r) => r.key !== null)).toBe(true);
      const producers = new Set(run.sends.filter((s) => s.partition === p.partition).map((s) => s.producer));
      expect(producers.size).toBe(PRODUCERS);
    }
  });

  it('stops early when told to, accounting for every send it made', async () => {
    const topic = 'stopped-early';
    await createTopic(topic);
    const workload = startWorkload({ brokers, topic, producers: PRODUCERS, recordsPerProducer: 100_000, durationMsMax: 90_000 });
    await waitUntil(() => workload.progress().acked >= 500, { what: '500 acknowledged sends', timeoutMs: 60_000, dump: () => cluster.describe() });
    workload.stop();
    const run = await workload.done;
    expect(run.stoppedBy).toBe('stop');
    expect(run.sends.length).toBeLessThan(PRODUCERS * 100_000);
    expect(run.sends.every((s) => s.outcome === 'acked')).toBe(true);
    expect(workload.progress()).toMatchObject({ sent: run.sends.length, acked: run.sends.length, pending: 0 });

    const report = checkWorkload({ sends: run.sends, reads: [await readBack({ brokers, topic, deadlineMs: 30_000 })] });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.counts.recordsRead).toBe(run.sends.length);
  });
});
