// Bad input, tried through the CLI and through the raw gRPC API against a real broker process:
// unknown topic, bad topic name, oversized record, negative offset, corrupt batch CRC, zero
// partitions, bad acks, a truncated request body. Each gets a typed error (a per-partition or
// per-topic code, a non-zero CLI exit with the code's name, or a gRPC status for a malformed call),
// and afterwards the topic list and every end offset are exactly what they were: nothing changed.
import * as grpc from '@grpc/grpc-js';
import { BatchField, encodeBatch } from '@samsa/protocol';
import type {
  CreateTopicsResponse__Output,
  DescribeTopicsResponse__Output,
  FetchResponse__Output,
  ListTopicsResponse__Output,
  MetadataResponse__Output,
  ProduceResponse__Output,
  SamsaClientClient,
} from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, runCli } from './harness/cluster.js';

let cluster: Cluster;
let rpc: SamsaClientClient;

type Unary<Res> = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown;

/** A unary call of the raw client API, as a promise. */
function call<Res>(method: string, req: object): Promise<Res> {
  const fn = (rpc as unknown as Record<string, Unary<Res>>)[method]!;
  return new Promise((resolve, reject) => {
    fn.call(rpc, req, { deadline: Date.now() + 10_000 }, (err, res) => (err || res === undefined ? reject(err ?? new Error('no response')) : resolve(res)));
  });
}

/** What must not change: topic names and every partition's end offset. */
async function snapshot(): Promise<string> {
  const topics = await call<ListTopicsResponse__Output>('ListTopics', { include_internal: true });
  const names = topics.topics.map((t) => t.name).sort();
  const described = await call<DescribeTopicsResponse__Output>('DescribeTopics', { names });
  return JSON.stringify(described.topics.map((t) => [t.name, t.partitions.map((p) => [p.partition, p.log_end_offset, p.high_watermark])]));
}

beforeAll(async () => {
  cluster = await Cluster.start(1);
  rpc = cluster.node(1).rpc();
  const created = await runCli(['topics', 'create', 'good', '--partitions', '2', '--bootstrap', cluster.bootstrap]);
  expect(created.code, created.stderr).toBe(0);
  const produced = await runCli(['produce', 'good', '--bootstrap', cluster.bootstrap], { input: 'a\nb\nc\n' });
  expect(produced.code, produced.stderr).toBe(0);
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('bad input through the CLI', () => {
  const cases: [string, string[], string | undefined, RegExp][] = [
    ['unknown topic (produce)', ['produce', 'nope'], 'x\n', /UNKNOWN_TOPIC_OR_PARTITION/],
    ['unknown topic (describe)', ['topics', 'describe', 'nope'], undefined, /UNKNOWN_TOPIC_OR_PARTITION/],
    ['bad topic name', ['topics', 'create', 'bad/name', '--partitions', '1'], undefined, /INVALID_TOPIC/],
    ['topic name ..', ['topics', 'create', '..', '--partitions', '1'], undefined, /INVALID_TOPIC/],
    ['zero partitions', ['topics', 'create', 'zero', '--partitions', '0'], undefined, /partition/i],
    ['unknown config', ['topics', 'create', 'cfg', '--partitions', '1', '--config', 'no.such=1'], undefined, /INVALID_CONFIG/],
    ['oversized record', ['produce', 'good'], `${'x'.repeat(2 * 1024 * 1024)}\n`, /RECORD_TOO_LARGE/],
    ['negative offset', ['consume', 'good', '--partition', '0', '--offset', '-5', '--max-messages', '1', '--timeout-ms', '2000'], undefined, /offset/i],
    ['bad acks', ['produce', 'good', '--acks', '2'], 'x\n', /acks/i],
    ['bad flag', ['topics', 'list', '--no-such-flag'], undefined, /unknown option|no-such-flag/i],
  ];

  for (const [name, args, input, expected] of cases) {
    it(`${name}: non-zero exit, a clear message, nothing changed`, async () => {
      const before = await snapshot();
      const res = await runCli([...args, '--bootstrap', cluster.bootstrap], input === undefined ? {} : { input });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(expected);
      expect(await snapshot()).toBe(before);
    });
  }

  it('connection refused names the address', async () => {
    const res = await runCli(['topics', 'list', '--bootstrap', '127.0.0.1:1']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/127\.0\.0\.1:1/);
  });
});

describe('bad input through the raw gRPC API', () => {
  const produce = async (partition: number, records: Buffer, acks = 1, topic = 'good') => {
    const res = await call<ProduceResponse__Output>('Produce', { acks, timeout_ms: 5000, topics: [{ name: topic, partitions: [{ partition, records, current_leader_epoch: -1 }] }] });
    return res.topics[0]!.partitions[0]!;
  };

  it('per-partition codes for unknown topic, unknown partition, corrupt CRC, oversized and malformed batches', async () => {
    const before = await snapshot();
    const ok = encodeBatch([{ value: 'v' }]);
    expect((await produce(0, ok, 1, 'nope')).error_code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect((await produce(7, ok)).error_code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const corrupt = Buffer.from(ok);
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
    expect((await produce(0, corrupt)).error_code).toBe('CORRUPT_MESSAGE');
    expect((await produce(0, encodeBatch([{ value: Buffer.alloc(2 * 1024 * 1024) }]))).error_code).toBe('RECORD_TOO_LARGE');
    expect((await produce(0, ok.subarray(0, 40))).error_code).toBe('INVALID_RECORD');
    const badMagic = Buffer.from(ok);
    badMagic[BatchField.MAGIC] = 1;
    expect((await produce(0, badMagic)).error_code).toBe('INVALID_RECORD');
    expect(await snapshot()).toBe(before);
  });

  it('a whole-call error for bad acks and for a zero-partition topic, nothing created', async () => {
    const before = await snapshot();
    await expect(produce(0, encodeBatch([{ value: 'v' }]), 2)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    const created = await call<CreateTopicsResponse__Output>('CreateTopics', { topics: [{ name: 'zero', num_partitions: 0, replication_factor: 1, configs: {} }] });
    expect(created.results[0]!.error_code).toBe('INVALID_PARTITIONS');
    expect(await snapshot()).toBe(before);
  });

  it('OFFSET_OUT_OF_RANGE for a negative fetch offset and one past the end', async () => {
    for (const offset of ['-1', '1000']) {
      const res = await call<FetchResponse__Output>('Fetch', { max_wait_ms: 0, min_bytes: 0, max_bytes: 1 << 20, topics: [{ name: 'good', partitions: [{ partition: 0, fetch_offset: offset, partition_max_bytes: 1 << 20, current_leader_epoch: -1 }] }] });
      expect(res.topics[0]!.partitions[0]!.error_code).toBe('OFFSET_OUT_OF_RANGE');
    }
  });

  it('a truncated request body fails the call with a gRPC status and changes nothing', async () => {
    const before = await snapshot();
    const raw = new grpc.Client(cluster.node(1).address, grpc.credentials.createInsecure());
    try {
      const full = Buffer.from([0x08, 0x01, 0x10, 0x88, 0x27, 0x1a, 0x40, 0x0a, 0x04]); // a Produce cut off inside its topics
      const err = await new Promise<grpc.ServiceError | null>((resolve) => {
        raw.makeUnaryRequest('/samsa.v1.SamsaClient/Produce', (b: Buffer) => b, (b: Buffer) => b, full, { deadline: Date.now() + 5000 }, (e) => resolve(e));
      });
      expect(err).not.toBeNull();
      expect(err!.code).not.toBe(grpc.status.OK);
      expect(err!.code).not.toBe(grpc.status.DEADLINE_EXCEEDED);
    } finally {
      raw.close();
    }
    expect(await snapshot()).toBe(before);
    // The broker is still serving.
    expect((await call<MetadataResponse__Output>('Metadata', { topics: [] })).topics.length).toBeGreaterThan(0);
  });
});
