// Chaos: partition leaders SIGKILLed under an acks=all workload, and nothing acknowledged is lost.
// A 3-node cluster (combined mode, one Raft quorum) and a topic of 6 partitions, replication factor
// 3, min.insync.replicas 2. The checker's 3 producers (idempotent, acks=all, up to 5 requests in
// flight per partition, keyed and null-key records with unique values) write while the harness,
// 20 times, waits until every ISR is full again, SIGKILLs the current leader of one partition
// (rotating over the partitions; it may also be the active controller) and restarts it. Once at
// least 200,000 records are acknowledged, the log is read back twice (with a restart of every node
// between the reads) and the checker must find no acknowledged record lost or moved, no duplicate,
// no reordering within a producer, no offset gap and no offset that changed between the reads.
// Bounded throughout: the kills, the workload (count and deadline) and every wait.
import { Samsa } from '@samsa/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkload, formatReport, readBack, startWorkload } from './checker/index.js';
import { Cluster, waitUntil } from './harness/cluster.js';

const TOPIC = 'chaos';
const PARTITIONS = 6;
const KILLS = 20;
const RECORDS_ACKED_MIN = 200_000;
const PRODUCERS = 3;

let cluster: Cluster;

const brokers = (): string[] => cluster.running().map((n) => n.address);

async function withAdmin<T>(fn: (admin: ReturnType<Samsa['admin']>) => Promise<T>): Promise<T> {
  const admin = new Samsa({ brokers: brokers(), clientId: 'chaos-admin', requestTimeoutMs: 5_000 }).admin();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Leader and ISR of every partition, as the cluster's metadata has them now. */
async function partitions(): Promise<{ partitionId: number; leader: number; isr: number[] }[]> {
  return await withAdmin(async (a) => (await a.describeTopics([TOPIC]))[0]!.partitions.map((p) => ({ partitionId: p.partitionId, leader: p.leader, isr: [...p.isr] })));
}

beforeAll(async () => {
  cluster = await Cluster.start(3, { quorum: true });
  await cluster.waitAllUnfenced([1, 2, 3]);
  await withAdmin((a) => a.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] }));
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('chaos: partition leaders SIGKILLed under an acks=all workload', () => {
  it(`loses, duplicates, reorders and moves nothing acknowledged across ${KILLS} leader kills`, async () => {
    const workload = startWorkload({
      brokers: brokers(),
      topic: TOPIC,
      producers: PRODUCERS,
      recordsPerProducer: 400_000,
      maxOutstandingSends: 200,
      durationMsMax: 600_000,
      client: { requestTimeoutMs: 10_000, retry: { retries: 30 } },
    });
    const kills: string[] = [];
    try {
      await waitUntil(() => workload.progress().acked >= 2_000, { what: 'the workload to get going', timeoutMs: 60_000, dump: () => cluster.describe() });
      for (let k = 0; k < KILLS; k++) {
        // Each kill only once every ISR is full again (the last one's victim caught up and rejoined).
        let leader = -1;
        await waitUntil(
          async () => {
            const ps = await partitions().catch(() => undefined);
            if (ps === undefined || ps.some((p) => p.isr.length !== 3 || p.leader < 0)) return false;
            leader = ps[k % PARTITIONS]!.leader;
            return true;
          },
          { what: `full ISRs before kill ${k + 1}`, timeoutMs: 60_000, dump: () => `${JSON.stringify(workload.progress())}\n${cluster.describe()}` },
        );
        const victim = cluster.node(leader);
        const acked = workload.progress().acked;
        await victim.kill();
        kills.push(`kill ${k + 1}: node ${leader} (leader of partition ${k % PARTITIONS}) at ${acked} acked`);
        // The partition moves on without it before it returns.
        await waitUntil(
          async () => {
            const ps = await partitions().catch(() => undefined);
            return ps !== undefined && ps.every((p) => p.leader >= 0 && p.leader !== leader);
          },
          { what: `new leaders after killing node ${leader}`, timeoutMs: 30_000, dump: () => cluster.describe() },
        );
        await victim.start();
      }
      await waitUntil(() => workload.progress().acked >= RECORDS_ACKED_MIN, {
        what: `${RECORDS_ACKED_MIN} acknowledged records`,
        timeoutMs: 300_000,
        dump: () => `${JSON.stringify(workload.progress())}\n${cluster.describe()}`,
      });
    } finally {
      workload.stop();
    }
    const run = await workload.done;

    const first = await readBack({ brokers: brokers(), topic: TOPIC, deadlineMs: 120_000 });
    // A full restart between the reads: what was read must read back the same.
    for (const n of cluster.nodes) await n.stop();
    await Promise.all(cluster.nodes.map((n) => n.start()));
    await cluster.waitAllUnfenced([1, 2, 3]);
    const second = await readBack({ brokers: brokers(), topic: TOPIC, deadlineMs: 120_000 });

    const report = checkWorkload({ sends: run.sends, reads: [first, second] });
    const summary = `${kills.join('\n')}\n${formatReport(report)}`;
    expect(report.ok, summary).toBe(true);
    expect(report.counts.acked, summary).toBeGreaterThanOrEqual(RECORDS_ACKED_MIN);
    expect(kills).toHaveLength(KILLS);
    const findings = report.partitions.reduce((n, p) => n + p.missing.length + p.duplicates.length + p.reorderings.length + p.changedOffsets.length + p.misplaced.length + p.gaps.length, 0);
    expect(findings, summary).toBe(0);
  }, 1_200_000);
});
