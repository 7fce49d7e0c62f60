// End to end against a real broker started in this process (port 0, a temp data dir): the SDK's
// produce/consume round trip puts keyed records on their murmur2 partitions and reads back every
// byte; `samsa produce` of a file and `samsa consume` give back exactly its lines; stdin, key
// separators, JSON output, topic admin, RECORD_TOO_LARGE, unknown topics and `samsa broker`
// itself (started and stopped in-process) behave as documented.
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
