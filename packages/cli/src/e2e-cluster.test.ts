// End to end on a small cluster in this process (one controller-only node and two broker-only
// nodes on port 0, temp data dirs): the replication admin of issue 5 through the `samsa` CLI.
// A partition of replication factor 2 shows both replicas' log end offsets, starred in sync;
// `rebalance-leaders` has nothing to move. Then the unclean story: the follower stops (it leaves
// the ISR), the leader takes 3 more records alone and stops too, the follower comes back: the
// partition has no leader, `rebalance-leaders` says the preferred leader is not available, and
// `elect-leaders --unclean` warns and makes the out-of-sync follower the leader, which loses the 3
// records it never had (their offsets are reused). When the old leader returns it truncates,
// catches up, rejoins the ISR and leads again as the preferred replica; the log reads back as the
// new leader's. Waits poll the cluster through the SDK, bounded; never bare sleeps.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startBroker, validateConfig } from '@samsa/broker';
import type { Broker, BrokerConfig } from '@samsa/broker';
import { Samsa } from '@samsa/client';
import type { PartitionDescription } from '@samsa/client';
import { run } from './program.js';
import { captureIo } from './testing/io.js';

const CONTROLLER_ID = 100;
const LIVENESS: Partial<BrokerConfig> = { brokerSessionTimeoutMs: 1500, brokerHeartbeatIntervalMs: 250 };
/** Bound of every wait on the cluster. */
const WAIT_MS_MAX = 20_000;
const POLL_MS = 50;

let dir: string;
let controller: Broker;
const brokers = new Map<number, Broker>();

async function startNode(nodeId: number, overrides: Partial<BrokerConfig>): Promise<Broker> {
  return startBroker(
    validateConfig({ nodeId, listen: '127.0.0.1:0', dataDir: join(dir, `node-${nodeId}`), logFlushSync: false, logLevel: 'silent', retentionCheckIntervalMs: 0, ...LIVENESS, ...overrides }),
    { logger: pino({ level: 'silent' }) },
  );
}

async function startBrokerNode(id: number): Promise<void> {
  brokers.set(id, await startNode(id, { roles: ['broker'], controllerVoters: `${CONTROLLER_ID}@${controller.address}` }));
}

async function stopBrokerNode(id: number): Promise<void> {
  await brokers.get(id)!.stop();
  brokers.delete(id);
}

const bootstrap = (): string => [...brokers.values()].map((b) => b.address).join(',');

async function samsa(argv: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = captureIo({ env: { SAMSA_BOOTSTRAP: bootstrap() }, ...(stdin !== undefined ? { stdin } : {}) });
  const code = await run(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** Polls partition 0 of `topic` (and the brokers' fencing) through the live brokers until `ok` holds. */
async function waitFor(what: string, ok: (p: PartitionDescription, fenced: ReadonlyMap<number, boolean>) => boolean): Promise<PartitionDescription> {
  let last: unknown;
  for (let waited = 0; waited <= WAIT_MS_MAX; waited += POLL_MS) {
    const admin = new Samsa({ brokers: bootstrap().split(','), retry: { retries: 0 } }).admin();
    try {
      const [t] = await admin.describeTopics(['u']);
      const cluster = await admin.describeCluster();
      const p = t!.partitions[0]!;
      last = p;
      if (ok(p, new Map(cluster.brokers.map((b) => [b.nodeId, b.fenced])))) return p;
    } catch (err) {
      last = err;
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

/** Polls the brokers' fencing until `ok` holds (bounded). */
async function waitForBrokers(what: string, ok: (fenced: ReadonlyMap<number, boolean>) => boolean): Promise<void> {
  for (let waited = 0; waited <= WAIT_MS_MAX; waited += POLL_MS) {
    const admin = new Samsa({ brokers: bootstrap().split(','), retry: { retries: 0 } }).admin();
    try {
      const cluster = await admin.describeCluster();
      if (ok(new Map(cluster.brokers.map((b) => [b.nodeId, b.fenced])))) return;
    } catch {
      // not answering yet
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sorted = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-cli-cluster-'));
  controller = await startNode(CONTROLLER_ID, { roles: ['controller'] });
  await Promise.all([1, 2].map((id) => startBrokerNode(id)));
});

afterAll(async () => {
  for (const b of brokers.values()) await b.stop();
  await controller?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('samsa leader elections on a cluster', () => {
  // The preferred replica (first in the replica list, the leader at creation) and the other one.
  let preferred: number;
  let other: number;

  it("shows both replicas' log end offsets, and rebalance-leaders has nothing to move", async () => {
    await waitForBrokers('two unfenced brokers', (fenced) => fenced.get(1) === false && fenced.get(2) === false);
    expect((await samsa(['topics', 'create', 'u', '--partitions', '1', '--replication-factor', '2'])).code).toBe(0);
    expect((await samsa(['produce', 'u'], 'r0\nr1\nr2\nr3\nr4\n')).stdout).toBe('acknowledged 5 records\n');
    const p = await waitFor('both replicas at 5 and in sync', (q) => q.replicaStates.length === 2 && q.replicaStates.every((r) => r.logEndOffset === '5' && r.inSync));
    [preferred, other] = p.replicas as [number, number];
    expect(p.leader).toBe(preferred);
    const text = await samsa(['topics', 'describe', 'u']);
    expect(text.stdout.split('\n')[1]).toContain(`\tReplicaLogEndOffsets: ${preferred}:5*,${other}:5*\t`);
    const rebalanced = await samsa(['topics', 'rebalance-leaders', '--topic', 'u']);
    expect(rebalanced).toMatchObject({ code: 0, stderr: '' });
    expect(rebalanced.stdout).toContain('Result: not needed');
  });

  it('elects an out-of-sync replica only when asked to with --unclean, losing what it lacked', async () => {
    // The follower stops (controlled shutdown takes it out of the ISR); the leader takes 3 more alone.
    await stopBrokerNode(other);
    await waitFor('the ISR shrunk to the leader', (q) => sorted(q.isr).join() === String(preferred));
    expect((await samsa(['produce', 'u'], 'lost5\nlost6\nlost7\n')).stdout).toBe('acknowledged 3 records\n');
    // The leader stops too; the follower returns: no in-sync replica is left to lead.
    await stopBrokerNode(preferred);
    await startBrokerNode(other);
    const leaderless = await waitFor('a partition without a leader', (q, fenced) => q.leader === -1 && fenced.get(preferred) === true && fenced.get(other) === false);
    expect(leaderless.isr).toEqual([preferred]);

    const notAvailable = await samsa(['topics', 'rebalance-leaders', '--topic', 'u']);
    expect(notAvailable.code).toBe(0);
    expect(notAvailable.stdout).toMatch(/^Topic: u\tPartition: 0\tResult: not available\tLeader: -1\tLeaderEpoch: \d+\tReason: PREFERRED_LEADER_NOT_AVAILABLE: /);

    const unclean = await samsa(['topics', 'elect-leaders', '--unclean', '--topic', 'u', '--partition', '0']);
    expect(unclean.code).toBe(0);
    expect(unclean.stderr).toMatch(/^WARNING: UNCLEAN leader election\./);
    expect(unclean.stderr).toContain(`WARNING: 1 partition(s) now led by a replica that was out of sync: u-0 (leader ${other})`);
    expect(unclean.stdout).toMatch(new RegExp(`^Topic: u\\tPartition: 0\\tResult: elected\\tLeader: ${other}\\tLeaderEpoch: \\d+\\nunclean election: elected: 1\\n$`));

    const elected = await waitFor('the new leader serving at its own log end', (q) => q.leader === other && q.highWatermark === '5');
    expect(elected.isr).toEqual([other]);
    expect(elected.logEndOffset).toBe('5');
    // The 3 records only the old leader had are gone; new records take their offsets.
    expect((await samsa(['produce', 'u'], 'new5\nnew6\n')).stdout).toBe('acknowledged 2 records\n');
  });

  it('gives leadership back to the preferred replica once it returns and catches up', async () => {
    await startBrokerNode(preferred);
    const back = await waitFor(
      'the preferred replica leading a full ISR',
      (q) => q.leader === preferred && q.isr.length === 2 && q.replicaStates.length === 2 && q.replicaStates.every((r) => r.logEndOffset === '7' && r.inSync),
    );
    expect(back.highWatermark).toBe('7');
    const described = await samsa(['topics', 'describe', 'u']);
    expect(described.stdout.split('\n')[1]).toContain(`\tReplicaLogEndOffsets: ${preferred}:7*,${other}:7*\t`);
    expect((await samsa(['topics', 'rebalance-leaders'])).stdout).toContain('Topic: u\tPartition: 0\tResult: not needed');
    const consumed = await samsa(['consume', 'u', '--from-beginning', '--max-messages', '7', '--timeout-ms', '10000']);
    expect(consumed.stdout).toBe('r0\nr1\nr2\nr3\nr4\nnew5\nnew6\n');
  });
});
