// End to end against a real broker started in this process (port 0, a temp data dir): the SDK's
// produce/consume round trip puts keyed records on their murmur2 partitions and reads back every
// byte; `samsa produce` of a file and `samsa consume` give back exactly its lines; stdin, key
// separators, JSON output, topic admin, RECORD_TOO_LARGE, unknown topics and `samsa broker`
// itself (started and stopped in-process) behave as documented. The replication admin of issue 5
// on one broker: describe shows each replica's log end offset; rebalance-leaders and
// elect-leaders --unclean report "not needed" (and the unclean one warns first); `configs`
// sets and deletes a broker's follower throttle and a topic's configs, and the broker's refusals
// (bad values, unknown keys, unknown brokers) exit 1 with its message. (e2e-cluster.test.ts runs
// elections that move leaders, on several brokers.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startBroker, validateConfig } from '@samsa/broker';
import type { Broker } from '@samsa/broker';
import { Samsa, partitionForKey } from '@samsa/client';
import type { EachMessagePayload } from '@samsa/client';
import { run } from './program.js';
import { captureIo } from './testing/io.js';

let dir: string;
let broker: Broker;
let bootstrap: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-cli-e2e-'));
  broker = await startBroker(validateConfig({ nodeId: 1, listen: '127.0.0.1:0', dataDir: join(dir, 'data'), logFlushSync: false, logLevel: 'silent' }), {
    logger: pino({ level: 'silent' }),
  });
  bootstrap = broker.address;
});

afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function samsa(argv: string[], stdin?: string | Buffer): Promise<{ code: number; stdout: string; stderr: string; bytes: Buffer }> {
  const c = captureIo({ env: { SAMSA_BOOTSTRAP: bootstrap }, ...(stdin !== undefined ? { stdin } : {}) });
  const code = await run(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr(), bytes: c.stdoutBytes() };
}

describe('SDK against a broker', () => {
  it('round-trips keyed records onto their murmur2 partitions, bytes intact', async () => {
    const client = new Samsa({ brokers: [bootstrap] });
    const admin = client.admin();
    await admin.createTopics({ topics: [{ topic: 'sdk-keys', numPartitions: 4 }] });
    const producer = client.producer({ lingerMs: 2 });
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const binary = Buffer.from([0x00, 0xff, 0x80, 0x0a]);
    const results = await Promise.all([
      ...keys.map((key) => producer.send({ topic: 'sdk-keys', messages: [{ key, value: `value-${key}`, headers: { n: key } }] })),
      producer.send({ topic: 'sdk-keys', messages: [{ key: binary, value: binary }] }),
    ]);
    for (const [i, key] of keys.entries()) {
      expect(results[i]).toEqual([expect.objectContaining({ topicName: 'sdk-keys', partition: partitionForKey(Buffer.from(key), 4), errorCode: 'NONE' })]);
    }
    await producer.disconnect();

    const offsets = await admin.fetchTopicOffsets('sdk-keys');
    expect(offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0)).toBe(41);

    const consumer = client.consumer({ maxWaitTimeInMs: 100 });
    await consumer.subscribe({ topic: 'sdk-keys', fromBeginning: true });
    const got: EachMessagePayload[] = [];
    for await (const m of consumer) {
      got.push(m);
      if (got.length === 41) break;
    }
    for (const { partition, message } of got) {
      expect(partition).toBe(partitionForKey(message.key!, 4));
      if (message.key!.equals(binary)) expect(message.value!.equals(binary)).toBe(true);
      else {
        expect(message.value!.toString()).toBe(`value-${message.key!.toString()}`);
        expect((message.headers['n'] as Buffer).toString()).toBe(message.key!.toString());
      }
    }
    expect(new Set(got.map((m) => m.message.key!.toString('hex'))).size).toBe(41);
    await consumer.disconnect();
    await admin.disconnect();
  });

  it('reports a topic that does not exist and one that already exists by code', async () => {
    const admin = new Samsa({ brokers: [bootstrap] }).admin();
    await expect(admin.describeTopics(['no-such-topic'])).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await admin.createTopics({ topics: [{ topic: 'twice', numPartitions: 1 }] });
    await expect(admin.createTopics({ topics: [{ topic: 'twice', numPartitions: 1 }] })).rejects.toMatchObject({ code: 'TOPIC_ALREADY_EXISTS' });
    await expect(admin.createTopics({ topics: [{ topic: 'zero', numPartitions: 0 }] })).rejects.toMatchObject({ code: 'INVALID_PARTITIONS' });
    await admin.disconnect();
  });
});

describe('samsa CLI against a broker', () => {
  it('produces a file and consumes back exactly its lines', async () => {
    expect((await samsa(['topics', 'create', 'lines', '--partitions', '1'])).code).toBe(0);
    const lines = Array.from({ length: 3000 }, (_, i) => (i % 500 === 7 ? '' : `line ${i} ${'é'.repeat(i % 5)}`));
    const file = join(dir, 'lines.txt');
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    const produced = await samsa(['produce', 'lines', '--file', file]);
    expect(produced).toMatchObject({ code: 0, stdout: 'acknowledged 3000 records\n', stderr: '' });
    const consumed = await samsa(['consume', 'lines', '--from-beginning', '--max-messages', '3000']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout).toBe(lines.map((l) => `${l}\n`).join(''));
    const idle = await samsa(['consume', 'lines', '--timeout-ms', '300']);
    expect(idle).toMatchObject({ code: 0, stdout: '' });
  });

  it('produces stdin with keys onto murmur2 partitions and prints JSON lines', async () => {
    expect((await samsa(['topics', 'create', 'keyed', '--partitions', '3'])).code).toBe(0);
    const input = Array.from({ length: 30 }, (_, i) => `user-${i % 7}:event ${i}`).join('\n');
    const produced = await samsa(['produce', 'keyed', '--key-separator', ':', '--acks', '1', '--linger-ms', '1'], input);
    expect(produced.stdout).toBe('acknowledged 30 records\n');
    const consumed = await samsa(['consume', 'keyed', '--from-beginning', '--max-messages', '30', '--format', 'json']);
    const records = consumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; key: string; value: string; offset: number });
    expect(records).toHaveLength(30);
    for (const r of records) expect(r.partition).toBe(partitionForKey(Buffer.from(r.key), 3));
    expect(records.map((r) => r.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `event ${i}`).sort());
    const one = records.find((r) => r.partition === records[0]!.partition && r.offset === 1)!;
    const at = await samsa(['consume', 'keyed', '--partition', String(one.partition), '--offset', '1', '--max-messages', '1', '--print-key']);
    expect(at.stdout).toBe(`${one.key}\t${one.value}\n`);
  });

  it('lists and describes topics as text and JSON, alters configs and deletes', async () => {
    expect((await samsa(['topics', 'create', 'admin-t', '--partitions', '2', '--config', 'retention.ms=60000'])).stdout).toMatch(/^created topic admin-t \(partitions 2, replication factor 1, id [0-9a-f-]{36}\)\n$/);
    const list = await samsa(['topics', 'list', '--format', 'json']);
    expect(JSON.parse(list.stdout)).toContain('admin-t');
    expect((await samsa(['topics', 'list'])).stdout.split('\n')).toContain('admin-t');
    const described = JSON.parse((await samsa(['topics', 'describe', 'admin-t', '--format', 'json'])).stdout);
    expect(described.partitions.map((p: { partitionId: number; leader: number }) => [p.partitionId, p.leader])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(described.configs).toContainEqual({ name: 'retention.ms', value: '60000', isDefault: false });
    expect((await samsa(['topics', 'describe', 'admin-t'])).stdout).toMatch(/^Topic: admin-t\t.*Configs: .*retention\.ms=60000/);
    expect((await samsa(['topics', 'alter', 'admin-t', '--config', 'retention.ms=120000'])).code).toBe(0);
    const altered = JSON.parse((await samsa(['topics', 'describe', 'admin-t', '--format', 'json'])).stdout);
    expect(altered.configs).toContainEqual({ name: 'retention.ms', value: '120000', isDefault: false });
    expect(await samsa(['topics', 'delete', 'admin-t'])).toMatchObject({ code: 0, stdout: 'deleted topic admin-t\n' });
    expect(JSON.parse((await samsa(['topics', 'list', '--format', 'json'])).stdout)).not.toContain('admin-t');
  });

  it('fails only the records that are too large, and says how many and why', async () => {
    expect((await samsa(['topics', 'create', 'small', '--partitions', '1', '--config', 'max.message.bytes=1000'])).code).toBe(0);
    const input = ['ok 1', 'x'.repeat(5000), 'ok 2', 'y'.repeat(5000), 'ok 3'].join('\n');
    const r = await samsa(['produce', 'small'], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('acknowledged 3 records\n');
    expect(r.stderr).toMatch(/^error: 2 records failed: RECORD_TOO_LARGE \(2\): /);
    const back = await samsa(['consume', 'small', '--from-beginning', '--max-messages', '3']);
    expect(back.stdout).toBe('ok 1\nok 2\nok 3\n');
  });

  it('exits 1 for topics and partitions that do not exist, and for a duplicate topic', async () => {
    for (const argv of [
      ['consume', 'ghost', '--timeout-ms', '100'],
      ['produce', 'ghost'],
      ['topics', 'describe', 'ghost'],
      ['topics', 'delete', 'ghost'],
    ]) {
      const r = await samsa(argv, '');
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr, argv.join(' ')).toMatch(/^error: UNKNOWN_TOPIC_OR_PARTITION: .*ghost/);
    }
    const dup = await samsa(['topics', 'create', 'lines', '--partitions', '1']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^error: TOPIC_ALREADY_EXISTS: /);
    const badPartition = await samsa(['consume', 'lines', '--partition', '5', '--timeout-ms', '100']);
    expect(badPartition.code).toBe(2);
    expect(badPartition.stderr).toMatch(/partition 5 does not exist/);
  });
});

describe('samsa CLI replication admin on one broker', () => {
  it("describes each replica's log end offset, as text and JSON", async () => {
    expect((await samsa(['topics', 'create', 'repl', '--partitions', '2'])).code).toBe(0);
    expect((await samsa(['produce', 'repl', '--partition', '1'], 'a\nb\nc\n')).stdout).toBe('acknowledged 3 records\n');
    const text = await samsa(['topics', 'describe', 'repl']);
    const lines = text.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^\tPartition: 0\tLeader: 1\tLeaderEpoch: \d+\tReplicas: 1\tIsr: 1\tLogStartOffset: 0\tHighWatermark: 0\tLogEndOffset: 0\tReplicaLogEndOffsets: 1:0\*\tSizeBytes: /);
    expect(lines[2]).toMatch(/\tHighWatermark: 3\tLogEndOffset: 3\tReplicaLogEndOffsets: 1:3\*\t/);
    const json = JSON.parse((await samsa(['topics', 'describe', 'repl', '--format', 'json'])).stdout) as { partitions: { replicaStates: unknown[] }[] };
    expect(json.partitions[1]!.replicaStates).toEqual([{ brokerId: 1, logEndOffset: '3', inSync: true }]);
  });

  it('rebalances leaders (nothing to move on one broker) and reports unknown topics with exit 1', async () => {
    const one = await samsa(['topics', 'rebalance-leaders', '--topic', 'repl', '--partition', '1']);
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toMatch(/^Topic: repl\tPartition: 1\tResult: not needed\tLeader: 1\tLeaderEpoch: \d+\npreferred election: moved: 0, not needed: 1\n$/);
    const all = await samsa(['topics', 'rebalance-leaders', '--format', 'json']);
    expect(all.code).toBe(0);
    const results = JSON.parse(all.stdout) as { topic: string; partition: number; errorCode: string }[];
    expect(results.filter((r) => r.topic === 'repl').map((r) => [r.partition, r.errorCode])).toEqual([
      [0, 'ELECTION_NOT_NEEDED'],
      [1, 'ELECTION_NOT_NEEDED'],
    ]);
    const ghost = await samsa(['topics', 'rebalance-leaders', '--topic', 'ghost']);
    expect(ghost.code).toBe(1);
    expect(ghost.stdout).toMatch(/^Topic: ghost\tResult: failed\tReason: UNKNOWN_TOPIC_OR_PARTITION/);
    expect(ghost.stderr).toMatch(/^error: UNKNOWN_TOPIC_OR_PARTITION: ghost: /);
    const noPartition = await samsa(['topics', 'rebalance-leaders', '--topic', 'repl', '--partition', '7']);
    expect(noPartition.code).toBe(1);
    expect(noPartition.stderr).toMatch(/^error: UNKNOWN_TOPIC_OR_PARTITION: repl partition 7: /);
  });

  it('warns loudly before an unclean election, which a partition with a leader does not need', async () => {
    const r = await samsa(['topics', 'elect-leaders', '--unclean', '--topic', 'repl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: UNCLEAN leader election\. .*\nWARNING: records acknowledged to producers that this replica lacks are LOST for good/);
    expect(r.stdout).toMatch(/Result: not needed.*\n.*Result: not needed.*\nunclean election: elected: 0, not needed: 2\n$/);
  });

  it("sets and deletes a broker's follower throttle; the broker's refusals exit 1 with its message", async () => {
    const RATE = 'follower.replication.throttled.rate';
    expect(await samsa(['configs', 'set', '--broker', '1', `${RATE}=1048576`])).toMatchObject({ code: 0, stdout: `altered broker 1: set ${RATE}=1048576\n`, stderr: '' });
    expect(await samsa(['configs', 'delete', '--broker', '1', RATE])).toMatchObject({ code: 0, stdout: `altered broker 1: deleted ${RATE}\n` });
    for (const [argv, message] of [
      [['configs', 'set', '--broker', '1', `${RATE}=fast`], /^error: INVALID_CONFIG: invalid value "fast" for follower\.replication\.throttled\.rate: must be a whole number/],
      [['configs', 'set', '--broker', '1', `${RATE}=0`], /^error: INVALID_CONFIG: .*at least 1/],
      [['configs', 'set', '--broker', '1', 'log.flush.sync=false'], /^error: INVALID_CONFIG: .*log\.flush\.sync/],
      [['configs', 'set', '--broker', '99', `${RATE}=1000`], /^error: BROKER_ID_NOT_REGISTERED: .*99/],
    ] as const) {
      const r = await samsa([...argv]);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stdout, argv.join(' ')).toBe('');
    }
  });

  it("sets and deletes a topic's configs, unclean.leader.election.enable among them", async () => {
    expect((await samsa(['configs', 'set', '--topic', 'repl', 'unclean.leader.election.enable=true', 'retention.ms=5000'])).stdout).toBe(
      'altered topic repl: set unclean.leader.election.enable=true retention.ms=5000\n',
    );
    const configs = (): Promise<{ name: string; value: string; isDefault: boolean }[]> =>
      samsa(['topics', 'describe', 'repl', '--format', 'json']).then((r) => (JSON.parse(r.stdout) as { configs: { name: string; value: string; isDefault: boolean }[] }).configs);
    expect(await configs()).toEqual(expect.arrayContaining([{ name: 'unclean.leader.election.enable', value: 'true', isDefault: false }, { name: 'retention.ms', value: '5000', isDefault: false }]));
    expect((await samsa(['configs', 'delete', '--topic', 'repl', 'unclean.leader.election.enable'])).code).toBe(0);
    expect(await configs()).toContainEqual({ name: 'unclean.leader.election.enable', value: 'false', isDefault: true });
    const bad = await samsa(['configs', 'set', '--topic', 'repl', 'unclean.leader.election.enable=maybe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: INVALID_CONFIG: .*unclean\.leader\.election\.enable/);
    const ghost = await samsa(['configs', 'set', '--topic', 'ghost', 'retention.ms=1']);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/^error: UNKNOWN_TOPIC_OR_PARTITION: /);
  });
});

describe('samsa broker', () => {
  it('starts, serves, and stops cleanly with exit code 0 when signalled', async () => {
    const stop = new AbortController();
    const c = captureIo({ signal: stop.signal });
    const running = run(['broker', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'cli-broker'), '--log-flush-sync', 'false', '--no-pretty'], c.io);
    let address: string | undefined;
    // Bounded: up to 10 s for the broker to log where it listens.
    for (let i = 0; i < 200 && address === undefined; i++) {
      const line = c
        .stdout()
        .split('\n')
        .find((l) => l.includes('samsa broker listening'));
      if (line !== undefined) address = (JSON.parse(line) as { address: string }).address;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const listed = captureIo({ env: { SAMSA_BOOTSTRAP: address! } });
    expect(await run(['topics', 'list', '--format', 'json'], listed.io)).toBe(0);
    expect(JSON.parse(listed.stdout())).toEqual([]);
    stop.abort();
    expect(await running).toBe(0);
    const logged = c
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; dataDir?: string });
    expect(logged.find((l) => l.msg === 'samsa broker listening')?.dataDir).toBe(join(dir, 'cli-broker'));
    expect(logged.some((l) => l.msg === 'stopping broker')).toBe(true);
  });
});
