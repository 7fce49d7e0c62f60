// Proves that every bad input gets its typed error and changes nothing: a real broker on port 0
// (small limits, so oversized requests are cheap), raw grpc-js calls. Per-partition problems come
// back as error codes in the response body (and nothing is written for that partition, while the
// others of the same request are); whole-call problems (bad acks, an oversized request, duplicate
// partitions, a body that does not decode) fail the call with a gRPC status and the code name in
// the samsa-error-code trailer. After all of it, the log holds exactly what was accepted and the
// broker still serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { BatchField, encodeBatch, loadClientProto } from '@samsa/protocol';
import type { AlterConfigsRequest, ErrorCodeName, ProducePartitionResponse__Output, ProduceRequest, SamsaClientClient } from '@samsa/protocol';
import type { Broker } from './broker.js';
import { call, connect, errorCodeOf, rawCall, startTestBroker, tempDir } from './testing.js';

const MAX_MESSAGE_BYTES = 4096;
const MAX_REQUEST_BYTES = 16_384;

let dir: { path: string; remove: () => Promise<void> };
let broker: Broker;
let client: SamsaClientClient;

beforeAll(async () => {
  dir = await tempDir();
  broker = await startTestBroker(dir.path, { maxMessageBytes: MAX_MESSAGE_BYTES, maxRequestBytes: MAX_REQUEST_BYTES });
  client = connect(broker.address);
  const res = await call(client, 'createTopics', {
    topics: [
      { name: 'target', num_partitions: 2, replication_factor: 1 },
      { name: 'small', num_partitions: 1, replication_factor: 1, configs: { 'max.message.bytes': '200' } },
    ],
  });
  expect(res.results.map((r) => r.error_code)).toEqual(['NONE', 'NONE']);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  await dir?.remove();
});

const batch = (values: string[]): Buffer => encodeBatch(values.map((value) => ({ value })), { nowMs: 1_700_000_000_000 });

function produceRequest(topic: string, partition: number, records: Buffer, extra: Partial<ProduceRequest> = {}, currentLeaderEpoch = -1): ProduceRequest {
  return { acks: 1, timeout_ms: 1000, topics: [{ name: topic, partitions: [{ partition, records, current_leader_epoch: currentLeaderEpoch }] }], ...extra };
}

async function produce(topic: string, partition: number, records: Buffer, currentLeaderEpoch = -1): Promise<ProducePartitionResponse__Output> {
  const res = await call(client, 'produce', produceRequest(topic, partition, records, {}, currentLeaderEpoch));
  return res.topics[0]!.partitions[0]!;
}

/** Log end offsets of target-0, target-1 and small-0, and the topic names: what must not change. */
async function state(): Promise<unknown> {
  const described = await call(client, 'describeTopics', { names: [] });
  return described.topics.map((t) => [t.name, t.partitions.map((p) => [p.log_end_offset, p.size_bytes])]);
}

async function expectCallError(promise: Promise<unknown>, status: grpc.status, code: ErrorCodeName): Promise<void> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as grpc.ServiceError | undefined;
  expect(err, 'the call should fail').toBeDefined();
  expect(err!.code).toBe(status);
  expect(errorCodeOf(err!)).toBe(code);
}

describe('per-partition errors leave the log unchanged', () => {
  const corrupt = (): Buffer => {
    const b = batch(['payload']);
    b.writeUInt8(b.readUInt8(b.length - 1) ^ 0xff, b.length - 1); // a record byte: the CRC no longer matches
    return b;
  };
  const otherMagic = (): Buffer => {
    const b = batch(['one']);
    b.writeInt8(1, BatchField.MAGIC);
    return b;
  };
  const truncated = (): Buffer => batch(['payload', 'more']).subarray(0, 70);
  const cases: [string, () => Promise<ProducePartitionResponse__Output>, ErrorCodeName][] = [
    ['an unknown topic', () => produce('nope', 0, batch(['x'])), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['an unknown partition', () => produce('target', 7, batch(['x'])), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['a negative partition', () => produce('target', -1, batch(['x'])), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['a batch over the broker max.message.bytes', () => produce('target', 0, batch(['x'.repeat(MAX_MESSAGE_BYTES)])), 'RECORD_TOO_LARGE'],
    ['a batch over the topic max.message.bytes', () => produce('small', 0, batch(['x'.repeat(300)])), 'RECORD_TOO_LARGE'],
    ['a corrupt CRC', () => produce('target', 0, corrupt()), 'CORRUPT_MESSAGE'],
    ['a truncated batch', () => produce('target', 0, truncated()), 'INVALID_RECORD'],
    ['garbage records', () => produce('target', 0, Buffer.from('definitely not a record batch, but long enough to hold a header of sixty-one bytes')), 'INVALID_RECORD'],
    ['no records at all', () => produce('target', 0, Buffer.alloc(0)), 'INVALID_RECORD'],
    ['a batch with another magic', () => produce('target', 0, otherMagic()), 'INVALID_RECORD'],
    ['a newer leader epoch', () => produce('target', 0, batch(['x']), 5), 'UNKNOWN_LEADER_EPOCH'],
  ];
  for (const [what, attempt, code] of cases) {
    it(what, async () => {
      const before = await state();
      const r = await attempt();
      expect(r.error_code).toBe(code);
      expect(r.base_offset).toBe('-1');
      expect(r.error_message).not.toBe('');
      expect(await state()).toEqual(before);
    });
  }

  it('a good partition of the same request is written, the bad one is not', async () => {
    const before = (await call(client, 'describeTopics', { names: ['target'] })).topics[0]!.partitions.map((p) => Number(p.log_end_offset));
    const res = await call(client, 'produce', {
      acks: 1,
      topics: [{ name: 'target', partitions: [{ partition: 0, records: batch(['good']), current_leader_epoch: -1 }, { partition: 1, records: corrupt(), current_leader_epoch: -1 }] }],
    });
    expect(res.topics[0]!.partitions.map((p) => [p.partition, p.error_code])).toEqual([
      [0, 'NONE'],
      [1, 'CORRUPT_MESSAGE'],
    ]);
    const after = (await call(client, 'describeTopics', { names: ['target'] })).topics[0]!.partitions.map((p) => Number(p.log_end_offset));
    expect(after).toEqual([before[0]! + 1, before[1]]);
  });

  it('fetches outside the log get OFFSET_OUT_OF_RANGE', async () => {
    const fetchAt = async (offset: number) => {
      const res = await call(client, 'fetch', { max_wait_ms: 0, min_bytes: 0, max_bytes: 0, topics: [{ name: 'target', partitions: [{ partition: 1, fetch_offset: offset, partition_max_bytes: 0, current_leader_epoch: -1 }] }] });
      return res.topics[0]!.partitions[0]!;
    };
    expect(await fetchAt(-1)).toMatchObject({ error_code: 'OFFSET_OUT_OF_RANGE', next_fetch_offset: '-1' });
    const end = Number((await call(client, 'describeTopics', { names: ['target'] })).topics[0]!.partitions[1]!.log_end_offset);
    expect((await fetchAt(end + 1)).error_code).toBe('OFFSET_OUT_OF_RANGE');
    expect((await fetchAt(end)).error_code).toBe('NONE');
  });

  it('fetches of unknown topics and partitions, and with a newer epoch, get their codes', async () => {
    const res = await call(client, 'fetch', {
      max_wait_ms: 5000,
      min_bytes: 1,
      max_bytes: 0,
      topics: [
        { name: 'nope', partitions: [{ partition: 0, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }] },
        { name: 'target', partitions: [{ partition: 9, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }, { partition: 0, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: 3 }] },
      ],
    });
    // Errors answer at once, without waiting for min_bytes.
    expect(res.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partition, p.error_code, p.leader_id]))).toEqual([
      ['nope', 0, 'UNKNOWN_TOPIC_OR_PARTITION', -1],
      ['target', 9, 'UNKNOWN_TOPIC_OR_PARTITION', -1],
      ['target', 0, 'UNKNOWN_LEADER_EPOCH', 1],
    ]);
  });
});

describe('topic administration errors change nothing', () => {
  const cases: [string, { name: string; num_partitions: number; replication_factor: number; configs?: Record<string, string> }, ErrorCodeName][] = [
    ['a bad topic name', { name: 'bad/name', num_partitions: 1, replication_factor: 1 }, 'INVALID_TOPIC'],
    ['an empty topic name', { name: '', num_partitions: 1, replication_factor: 1 }, 'INVALID_TOPIC'],
    ['zero partitions', { name: 'zero', num_partitions: 0, replication_factor: 1 }, 'INVALID_PARTITIONS'],
    ['a replication factor above the brokers', { name: 'rf', num_partitions: 1, replication_factor: 3 }, 'INVALID_REPLICATION_FACTOR'],
    ['an existing topic', { name: 'target', num_partitions: 1, replication_factor: 1 }, 'TOPIC_ALREADY_EXISTS'],
    ['an unknown config', { name: 'cfg', num_partitions: 1, replication_factor: 1, configs: { 'segment.ms': '1' } }, 'INVALID_CONFIG'],
    ['a compacted topic', { name: 'cfg', num_partitions: 1, replication_factor: 1, configs: { 'cleanup.policy': 'compact' } }, 'INVALID_CONFIG'],
    ['max.message.bytes above the broker max', { name: 'cfg', num_partitions: 1, replication_factor: 1, configs: { 'max.message.bytes': String(MAX_MESSAGE_BYTES + 1) } }, 'INVALID_CONFIG'],
  ];
  for (const [what, topic, code] of cases) {
    it(what, async () => {
      const before = await state();
      const res = await call(client, 'createTopics', { topics: [topic] });
      expect(res.results[0]).toMatchObject({ name: topic.name, error_code: code });
      expect(res.results[0]!.error_message).not.toBe('');
      expect(await state()).toEqual(before);
    });
  }

  it('validate_only creates nothing', async () => {
    const before = await state();
    const res = await call(client, 'createTopics', { topics: [{ name: 'maybe', num_partitions: 4, replication_factor: 1 }], validate_only: true });
    expect(res.results[0]).toMatchObject({ name: 'maybe', error_code: 'NONE', num_partitions: 4 });
    expect(await state()).toEqual(before);
  });

  it('bad config changes and unknown topics', async () => {
    const before = await call(client, 'describeTopics', { names: ['target'] });
    const attempts: [AlterConfigsRequest, ErrorCodeName][] = [
      [{ topic: 'nope', set: { 'retention.ms': '1' } }, 'UNKNOWN_TOPIC_OR_PARTITION'],
      [{ topic: 'target', set: { 'retention.ms': 'often' } }, 'INVALID_CONFIG'],
      [{ topic: 'target', set: { 'min.insync.replicas': '2' } }, 'INVALID_CONFIG'],
      [{ topic: 'target', delete: ['unheard.of'] }, 'INVALID_CONFIG'],
    ];
    for (const [req, code] of attempts) {
      expect((await call(client, 'alterConfigs', req)).error_code).toBe(code);
    }
    expect(await call(client, 'describeTopics', { names: ['target'] })).toEqual(before);
    const deleted = await call(client, 'deleteTopics', { names: ['nope'] });
    expect(deleted.results[0]!.error_code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });
});

describe('whole-call errors', () => {
  it('bad acks: INVALID_ARGUMENT / INVALID_REQUIRED_ACKS', async () => {
    const before = await state();
    await expectCallError(call(client, 'produce', produceRequest('target', 0, batch(['x']), { acks: 2 })), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUIRED_ACKS');
    expect(await state()).toEqual(before);
  });

  it('a request over socket.request.max.bytes: RECORD_LIST_TOO_LARGE', async () => {
    const before = await state();
    const partitions = Array.from({ length: 5 }, (_, i) => ({ partition: i % 2, records: batch(['y'.repeat(3500)]), current_leader_epoch: -1 }));
    // Two topics so no partition repeats; 5 x ~3.6 KB > 16 KiB.
    const req = { acks: 1, topics: [{ name: 'target', partitions: partitions.slice(0, 2) }, { name: 'small', partitions: [partitions[2]!] }, { name: 'nope', partitions: [{ ...partitions[3]!, partition: 0 }, { ...partitions[4]!, partition: 1 }] }] };
    await expectCallError(call(client, 'produce', req), grpc.status.INVALID_ARGUMENT, 'RECORD_LIST_TOO_LARGE');
    expect(await state()).toEqual(before);
  });

  it('a message over the gRPC receive limit: RESOURCE_EXHAUSTED', async () => {
    const before = await state();
    const huge = Buffer.alloc(MAX_REQUEST_BYTES + 2 * 1024 * 1024, 1);
    await expect(call(client, 'produce', produceRequest('target', 0, huge))).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    expect(await state()).toEqual(before);
  });

  it('a partition twice in one request: INVALID_ARGUMENT / INVALID_REQUEST', async () => {
    const before = await state();
    const req = { acks: 1, topics: [{ name: 'target', partitions: [0, 0].map((partition) => ({ partition, records: batch(['x']), current_leader_epoch: -1 })) }] };
    await expectCallError(call(client, 'produce', req), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST');
    expect(await state()).toEqual(before);
  });

  it('negative fetch sizes and waits: INVALID_ARGUMENT', async () => {
    const target = { name: 'target', partitions: [{ partition: 0, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }] };
    await expectCallError(call(client, 'fetch', { max_wait_ms: 0, min_bytes: 0, max_bytes: -1, topics: [target] }), grpc.status.INVALID_ARGUMENT, 'INVALID_FETCH_SIZE');
    await expectCallError(call(client, 'fetch', { max_wait_ms: -5, min_bytes: 0, max_bytes: 0, topics: [target] }), grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST');
    await expectCallError(
      call(client, 'fetch', { max_wait_ms: 0, min_bytes: 0, max_bytes: 0, topics: [{ ...target, partitions: [{ ...target.partitions[0]!, partition_max_bytes: -1 }] }] }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_FETCH_SIZE',
    );
    await expectCallError(
      call(client, 'listOffsets', { topics: [{ name: 'target', partitions: [{ partition: 0, timestamp: -4 }] }] }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
  });

  it('a truncated request body: INVALID_ARGUMENT / INVALID_REQUEST, and the broker keeps serving', async () => {
    const before = await state();
    const serialize = loadClientProto().samsa.v1.SamsaClient.service.Produce.requestSerialize;
    const whole = serialize(produceRequest('target', 0, batch(['truncate me', 'please'])));
    const raw = new grpc.Client(broker.address, grpc.credentials.createInsecure());
    try {
      // Cut inside the records field: its declared length runs past the end of the body.
      const err = (await rawCall(raw, 'Produce', whole.subarray(0, whole.length - 20)).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(errorCodeOf(err)).toBe('INVALID_REQUEST');
      expect(err.details).toMatch(/does not decode/);
      // Garbage on a streaming method too.
      const garbage = await new Promise<grpc.StatusObject>((resolve) => {
        const s = raw.makeServerStreamRequest('/samsa.v1.SamsaClient/FetchStream', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x22, 0x7f, 0x01]));
        s.on('data', () => undefined);
        s.on('error', () => undefined);
        s.on('status', resolve);
      });
      expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
      // The whole body still works.
      const ok = await rawCall(raw, 'Produce', whole);
      expect(ok.length).toBeGreaterThan(0);
    } finally {
      raw.close();
    }
    const after = (await state()) as [string, [string, string][]][];
    const target = (before as [string, [string, string][]][]).find(([n]) => n === 'target')![1];
    expect(after.find(([n]) => n === 'target')![1][0]![0]).toBe(String(Number(target[0]![0]) + 2));
    expect((await call(client, 'metadata', { topics: [] })).brokers).toHaveLength(1);
  });
});
