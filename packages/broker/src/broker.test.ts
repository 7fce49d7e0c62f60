// Proves the broker end to end through its wire API: a real broker on port 0 in a temp data
// directory, driven by raw grpc-js clients (no SDK). Topics are created, described and deleted;
// batches made with encodeBatch are produced and fetched back byte for byte; a long poll is woken
// by a produce; FetchStream delivers data as it arrives; ListOffsets answers each kind of query;
// after a restart on the same directory, topics and records are found at the same offsets; stop
// is graceful and safe twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as grpc from '@grpc/grpc-js';
import { encodeBatch } from '@samsa/protocol';
import type { FetchPartitionResponse__Output, FetchResponse__Output, SamsaClientClient } from '@samsa/protocol';
import type { Broker } from './broker.js';
import { call, connect, startTestBroker, tempDir } from './testing.js';

let dir: { path: string; remove: () => Promise<void> };
let broker: Broker;
let client: SamsaClientClient;

beforeAll(async () => {
  dir = await tempDir();
  broker = await startTestBroker(dir.path);
  client = connect(broker.address);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
  await dir?.remove();
});

/** A batch exactly as the broker will store it at `offset` (leader epoch 0 stamped). */
const batchAt = (offset: number, values: string[], timestamp = 1_700_000_000_000): Buffer =>
  encodeBatch(values.map((value, i) => ({ key: `k${i}`, value, timestamp: timestamp + i })), { baseOffset: offset, partitionLeaderEpoch: 0 });

async function createTopic(name: string, partitions = 1, configs: Record<string, string> = {}): Promise<void> {
  const res = await call(client, 'createTopics', { topics: [{ name, num_partitions: partitions, replication_factor: 1, configs }] });
  expect(res.results[0]).toMatchObject({ name, error_code: 'NONE', num_partitions: partitions, replication_factor: 1 });
}

async function produceOne(topic: string, partition: number, records: Buffer, acks = 1) {
  const res = await call(client, 'produce', { acks, timeout_ms: 1000, topics: [{ name: topic, partitions: [{ partition, records, current_leader_epoch: -1 }] }] });
  return res.topics[0]!.partitions[0]!;
}

async function fetchOne(topic: string, partition: number, offset: number, extra: { max_wait_ms?: number; min_bytes?: number; max_bytes?: number; partition_max_bytes?: number } = {}): Promise<FetchPartitionResponse__Output> {
  const res = await call(client, 'fetch', {
    max_wait_ms: extra.max_wait_ms ?? 0,
    min_bytes: extra.min_bytes ?? 0,
    max_bytes: extra.max_bytes ?? 0,
    topics: [{ name: topic, partitions: [{ partition, fetch_offset: offset, partition_max_bytes: extra.partition_max_bytes ?? 0, current_leader_epoch: -1 }] }],
  });
  return res.topics[0]!.partitions[0]!;
}

describe('metadata and topics', () => {
  it('describes the cluster of one', async () => {
    const res = await call(client, 'metadata', { topics: [] });
    expect(res.cluster_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.controller_id).toBe(1);
    const [host, port] = broker.address.split(':');
    expect(res.brokers).toEqual([{ node_id: 1, host, port: Number(port), fenced: false }]);
  });

  it('creates, lists, describes and alters a topic', async () => {
    await createTopic('described', 3, { 'retention.ms': '3600000' });
    const listed = await call(client, 'listTopics', { include_internal: false });
    expect(listed.topics.find((t) => t.name === 'described')).toMatchObject({ num_partitions: 3, replication_factor: 1, internal: false });

    const meta = await call(client, 'metadata', { topics: ['described', 'missing'] });
    expect(meta.topics[0]!.partitions.map((p) => [p.partition, p.leader_id, p.leader_epoch, p.replicas, p.isr, p.error_code])).toEqual([
      [0, 1, 0, [1], [1], 'NONE'],
      [1, 1, 0, [1], [1], 'NONE'],
      [2, 1, 0, [1], [1], 'NONE'],
    ]);
    expect(meta.topics[1]).toMatchObject({ name: 'missing', error_code: 'UNKNOWN_TOPIC_OR_PARTITION' });

    const described = await call(client, 'describeTopics', { names: ['described'] });
    const t = described.topics[0]!;
    expect(t.topic_id).toHaveLength(16);
    expect(t.partitions[1]).toMatchObject({ partition: 1, error_code: 'NONE', leader_id: 1, log_start_offset: '0', high_watermark: '0', log_end_offset: '0', size_bytes: '0' });
    const configs = Object.fromEntries(t.configs.map((c) => [c.name, [c.value, c.is_default]]));
    expect(configs).toEqual({
      'retention.ms': ['3600000', false],
      'retention.bytes': ['-1', true],
      'max.message.bytes': ['1048576', true],
      'cleanup.policy': ['delete', true],
      'message.timestamp.type': ['CreateTime', true],
      'min.insync.replicas': ['1', true],
      'unclean.leader.election.enable': ['false', true],
    });

    const altered = await call(client, 'alterConfigs', { topic: 'described', set: { 'retention.bytes': '1000000', 'retention.ms': '' }, delete: [], validate_only: false });
    expect(altered).toMatchObject({ error_code: 'NONE' });
    const after = (await call(client, 'describeTopics', { names: ['described'] })).topics[0]!;
    const afterConfigs = Object.fromEntries(after.configs.map((c) => [c.name, [c.value, c.is_default]]));
    expect(afterConfigs['retention.bytes']).toEqual(['1000000', false]);
    expect(afterConfigs['retention.ms']).toEqual(['604800000', true]);
  });

  it('deletes a topic, after which it is unknown', async () => {
    await createTopic('doomed', 2);
    expect((await produceOne('doomed', 0, batchAt(0, ['x']))).error_code).toBe('NONE');
    const res = await call(client, 'deleteTopics', { names: ['doomed', 'never-was'], timeout_ms: 1000 });
    expect(res.results.map((r) => [r.name, r.error_code])).toEqual([
      ['doomed', 'NONE'],
      ['never-was', 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    expect((await call(client, 'listTopics', { include_internal: true })).topics.map((t) => t.name)).not.toContain('doomed');
    expect((await produceOne('doomed', 0, batchAt(0, ['x']))).error_code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect((await fetchOne('doomed', 0, 0)).error_code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    // The name can be used again, by a new topic with a new id and an empty log.
    await createTopic('doomed', 1);
    expect((await fetchOne('doomed', 0, 0)).high_watermark).toBe('0');
  });
});

describe('produce and fetch', () => {
  it('stores batches and serves them back byte for byte', async () => {
    await createTopic('events', 2);
    const b0 = batchAt(0, ['a', 'b', 'c']);
    const b1 = batchAt(3, ['d']);
    const p1 = batchAt(0, ['only']);
    // Two partitions in one request (appended together) and two batches in one partition.
    const res = await call(client, 'produce', {
      acks: -1,
      timeout_ms: 1000,
      topics: [{ name: 'events', partitions: [{ partition: 0, records: Buffer.concat([b0, b1]), current_leader_epoch: 0 }, { partition: 1, records: p1, current_leader_epoch: -1 }] }],
    });
    expect(res.topics[0]!.partitions.map((p) => [p.partition, p.error_code, p.base_offset, p.log_append_time_ms, p.leader_id])).toEqual([
      [0, 'NONE', '0', '-1', 1],
      [1, 'NONE', '0', '-1', 1],
    ]);
    const b2 = batchAt(4, ['e', 'f']);
    expect((await produceOne('events', 0, b2)).base_offset).toBe('4');

    const all = await fetchOne('events', 0, 0);
    expect(all).toMatchObject({ error_code: 'NONE', high_watermark: '6', log_start_offset: '0', next_fetch_offset: '6', leader_id: 1, leader_epoch: 0 });
    expect(all.records.equals(Buffer.concat([b0, b1, b2]))).toBe(true);
    expect((await fetchOne('events', 1, 0)).records.equals(p1)).toBe(true);

    // A fetch inside a batch returns the whole batch; clients skip the records below their offset.
    const mid = await fetchOne('events', 0, 1, { max_bytes: 1 });
    expect(mid.records.equals(b0)).toBe(true);
    expect(mid.next_fetch_offset).toBe('3');
    // At the end of the log: nothing, not an error.
    expect(await fetchOne('events', 0, 6)).toMatchObject({ error_code: 'NONE', records: Buffer.alloc(0), next_fetch_offset: '6' });
    // partition_max_bytes limits a partition, but one whole batch always comes.
    const limited = await fetchOne('events', 0, 0, { partition_max_bytes: b0.length + 1 });
    expect(limited.records.equals(b0)).toBe(true);

    const described = (await call(client, 'describeTopics', { names: ['events'] })).topics[0]!.partitions[0]!;
    expect(described).toMatchObject({ log_end_offset: '6', high_watermark: '6', size_bytes: String(b0.length + b1.length + b2.length) });
  });

  it('keeps max_bytes over a whole response, with one whole batch for the first partition only', async () => {
    await createTopic('budget', 2);
    const big0 = batchAt(0, ['x'.repeat(3000)]);
    const big1 = batchAt(0, ['y'.repeat(3000)]);
    await produceOne('budget', 0, big0);
    await produceOne('budget', 1, big1);
    const res = await call(client, 'fetch', {
      max_wait_ms: 0,
      min_bytes: 0,
      max_bytes: 100,
      topics: [{ name: 'budget', partitions: [0, 1].map((partition) => ({ partition, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 })) }],
    });
    const [p0, p1] = res.topics[0]!.partitions;
    expect(p0!.records.equals(big0)).toBe(true);
    expect(p1).toMatchObject({ error_code: 'NONE', records: Buffer.alloc(0), next_fetch_offset: '0', high_watermark: '1' });
  });

  it('acks=0 answers without an offset and the records still land', async () => {
    await createTopic('fire-and-forget');
    const r = await produceOne('fire-and-forget', 0, batchAt(0, ['z']), 0);
    expect(r).toMatchObject({ error_code: 'NONE', base_offset: '-1' });
    // The long poll returns as soon as the append commits.
    const f = await fetchOne('fire-and-forget', 0, 0, { max_wait_ms: 10_000, min_bytes: 1 });
    expect(f.records.equals(batchAt(0, ['z']))).toBe(true);
  });

  it('reports the append time for LogAppendTime topics', async () => {
    await createTopic('appendtime', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const before = Date.now();
    const r = await produceOne('appendtime', 0, batchAt(0, ['t']));
    expect(Number(r.log_append_time_ms)).toBeGreaterThanOrEqual(before);
    expect(Number(r.log_append_time_ms)).toBeLessThanOrEqual(Date.now());
  });

  it('a long poll waits for max_wait_ms when nothing comes', async () => {
    await createTopic('quiet');
    const started = Date.now();
    const f = await fetchOne('quiet', 0, 0, { max_wait_ms: 300, min_bytes: 1 });
    expect(f).toMatchObject({ error_code: 'NONE', records: Buffer.alloc(0) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a long poll is woken by a produce, well before max_wait_ms', async () => {
    await createTopic('wake');
    const maxWaitMs = 20_000;
    const started = Date.now();
    const pending = fetchOne('wake', 0, 0, { max_wait_ms: maxWaitMs, min_bytes: 1 });
    // A round trip on the same connection after the fetch: the broker has taken the fetch (and it
    // is waiting) by the time this answers.
    await call(client, 'metadata', { topics: ['wake'] });
    const batch = batchAt(0, ['wake up']);
    expect((await produceOne('wake', 0, batch)).error_code).toBe('NONE');
    const f = await pending;
    expect(f.records.equals(batch)).toBe(true);
    expect(Date.now() - started).toBeLessThan(maxWaitMs / 2);
  });

  it('FetchStream sends data as it arrives and ends when the client cancels', async () => {
    await createTopic('stream', 2);
    const first = batchAt(0, ['s0', 's1']);
    await produceOne('stream', 0, first);
    const stream = client.fetchStream({
      max_wait_ms: 0,
      min_bytes: 1,
      max_bytes: 0,
      topics: [{ name: 'stream', partitions: [0, 1].map((partition) => ({ partition, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 })) }],
    });
    const received: FetchResponse__Output[] = [];
    const waiters: (() => void)[] = [];
    stream.on('data', (r: FetchResponse__Output) => {
      received.push(r);
      waiters.shift()?.();
    });
    const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => undefined);
    const next = async (): Promise<FetchResponse__Output> => {
      if (received.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return received.shift()!;
    };

    const r1 = await next();
    expect(r1.topics[0]!.partitions.map((p) => [p.partition, p.next_fetch_offset])).toEqual([[0, '2']]);
    expect(r1.topics[0]!.partitions[0]!.records.equals(first)).toBe(true);

    const second = batchAt(2, ['s2']);
    const other = batchAt(0, ['p1']);
    await produceOne('stream', 0, second);
    await produceOne('stream', 1, other);
    const got = new Map<number, Buffer[]>();
    while ((got.get(0)?.length ?? 0) + (got.get(1)?.length ?? 0) < 2) {
      for (const p of (await next()).topics[0]!.partitions) got.set(p.partition, [...(got.get(p.partition) ?? []), p.records]);
    }
    expect(Buffer.concat(got.get(0)!).equals(second)).toBe(true);
    expect(Buffer.concat(got.get(1)!).equals(other)).toBe(true);

    stream.cancel();
    expect((await ended).code).toBe(1); // CANCELLED
  });

  it('FetchStream walks a backlog in many responses, each batch once and in order', async () => {
    await createTopic('backlog');
    const batches: Buffer[] = [];
    for (let i = 0; i < 30; i++) {
      const b = batchAt(i, [`${i}:${'v'.repeat(2000)}`]);
      batches.push(b);
      await produceOne('backlog', 0, b);
    }
    const stream = client.fetchStream({ max_wait_ms: 0, min_bytes: 1, max_bytes: 4500, topics: [{ name: 'backlog', partitions: [{ partition: 0, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }] }] });
    const chunks: Buffer[] = [];
    let responses = 0;
    const expected = Buffer.concat(batches).length;
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      stream.on('data', (r: FetchResponse__Output) => {
        responses++;
        chunks.push(r.topics[0]!.partitions[0]!.records);
        if (Buffer.concat(chunks).length >= expected) resolve();
      });
    });
    stream.cancel();
    await status;
    expect(Buffer.concat(chunks).equals(Buffer.concat(batches))).toBe(true);
    expect(responses).toBeGreaterThanOrEqual(15);
  });

  it('FetchStream sends a partition error once and drops the partition', async () => {
    const stream = client.fetchStream({ max_wait_ms: 0, min_bytes: 1, max_bytes: 0, topics: [{ name: 'no-such-topic', partitions: [{ partition: 0, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }] }] });
    const responses: FetchResponse__Output[] = [];
    stream.on('data', (r: FetchResponse__Output) => responses.push(r));
    const status = await new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    expect(status.code).toBe(0); // OK: no partition left
    expect(responses.map((r) => r.topics[0]!.partitions[0]!.error_code)).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
  });
});

describe('list offsets', () => {
  it('answers latest, earliest, max timestamp and by time', async () => {
    await createTopic('offsets');
    await produceOne('offsets', 0, batchAt(0, ['a', 'b'], 1000)); // offsets 0-1, ts 1000-1001
    await produceOne('offsets', 0, batchAt(2, ['c'], 5000)); // offset 2, ts 5000
    await produceOne('offsets', 0, batchAt(3, ['d'], 3000)); // offset 3, ts 3000
    const query = async (timestamp: number) => {
      const res = await call(client, 'listOffsets', { topics: [{ name: 'offsets', partitions: [{ partition: 0, timestamp }] }] });
      const p = res.topics[0]!.partitions[0]!;
      return [p.error_code, p.offset, p.timestamp];
    };
    expect(await query(-1)).toEqual(['NONE', '4', '-1']);
    expect(await query(-2)).toEqual(['NONE', '0', '-1']);
    expect(await query(-3)).toEqual(['NONE', '2', '5000']);
    expect(await query(1001)).toEqual(['NONE', '1', '1001']);
    expect(await query(2000)).toEqual(['NONE', '2', '5000']);
    expect(await query(9999)).toEqual(['NONE', '-1', '-1']);
    const empty = await call(client, 'listOffsets', { topics: [{ name: 'quiet', partitions: [{ partition: 0, timestamp: -3 }] }] });
    expect(empty.topics[0]!.partitions[0]).toMatchObject({ error_code: 'NONE', offset: '-1' });
    const unknown = await call(client, 'listOffsets', { topics: [{ name: 'nope', partitions: [{ partition: 0, timestamp: -1 }] }] });
    expect(unknown.topics[0]!.partitions[0]).toMatchObject({ error_code: 'UNKNOWN_TOPIC_OR_PARTITION', offset: '-1' });
  });
});

describe('restart and stop', () => {
  it('finds topics and records at the same offsets after a restart on the same directory', async () => {
    const d = await tempDir();
    try {
      let b = await startTestBroker(d.path, { nodeId: 3 });
      let c = connect(b.address);
      const clusterId = (await call(c, 'metadata', { topics: [] })).cluster_id;
      await call(c, 'createTopics', { topics: [{ name: 'durable', num_partitions: 2, replication_factor: 1 }] });
      await call(c, 'createTopics', { topics: [{ name: 'gone', num_partitions: 1, replication_factor: 1 }] });
      await call(c, 'deleteTopics', { names: ['gone'] });
      const batches = [batchAt(0, ['one', 'two']), batchAt(2, ['three'])];
      for (const batch of batches) await call(c, 'produce', { acks: 1, topics: [{ name: 'durable', partitions: [{ partition: 1, records: batch, current_leader_epoch: -1 }] }] });
      const topicId = (await call(c, 'describeTopics', { names: ['durable'] })).topics[0]!.topic_id;
      c.close();
      await b.stop();
      await b.stop(); // safe twice
      await b.closed;

      b = await startTestBroker(d.path, { nodeId: 3 });
      c = connect(b.address);
      expect((await call(c, 'metadata', { topics: [] })).cluster_id).toBe(clusterId);
      const listed = await call(c, 'listTopics', { include_internal: true });
      expect(listed.topics.map((t) => [t.name, t.num_partitions])).toEqual([['durable', 2]]);
      const described = (await call(c, 'describeTopics', { names: ['durable'] })).topics[0]!;
      expect(described.topic_id.equals(topicId)).toBe(true);
      expect(described.partitions[1]).toMatchObject({ log_start_offset: '0', high_watermark: '3', log_end_offset: '3' });
      const f = await call(c, 'fetch', { max_wait_ms: 0, min_bytes: 0, max_bytes: 0, topics: [{ name: 'durable', partitions: [{ partition: 1, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }] }] });
      expect(f.topics[0]!.partitions[0]!.records.equals(Buffer.concat(batches))).toBe(true);
      // Appends continue where the log ended.
      const p = await call(c, 'produce', { acks: 1, topics: [{ name: 'durable', partitions: [{ partition: 1, records: batchAt(3, ['four']), current_leader_epoch: -1 }] }] });
      expect(p.topics[0]!.partitions[0]!.base_offset).toBe('3');
      c.close();
      await b.stop();
    } finally {
      await d.remove();
    }
  });

  it('refuses a data directory of another cluster', async () => {
    const d = await tempDir();
    try {
      const b = await startTestBroker(d.path, { clusterId: 'cluster-one' });
      await b.stop();
      await expect(startTestBroker(d.path, { clusterId: 'cluster-two' })).rejects.toThrow(/belongs to cluster cluster-one, not to cluster cluster-two/);
    } finally {
      await d.remove();
    }
  });

  it('stop ends long polls and fetch streams, and is safe twice', async () => {
    const d = await tempDir();
    try {
      const b = await startTestBroker(d.path);
      const c = connect(b.address);
      await call(c, 'createTopics', { topics: [{ name: 'idle', num_partitions: 1, replication_factor: 1 }] });
      const req = { max_wait_ms: 30_000, min_bytes: 1, max_bytes: 0, topics: [{ name: 'idle', partitions: [{ partition: 0, fetch_offset: 0, partition_max_bytes: 0, current_leader_epoch: -1 }] }] };
      const poll = call(c, 'fetch', req);
      const stream = c.fetchStream(req);
      stream.on('data', () => undefined);
      const streamStatus = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
      stream.on('error', () => undefined);
      await call(c, 'metadata', { topics: [] }); // both calls are in the broker now
      await Promise.all([b.stop(), b.stop()]);
      await b.closed;
      const polled = await poll;
      expect(polled.topics[0]!.partitions[0]).toMatchObject({ error_code: 'NONE', records: Buffer.alloc(0) });
      const status = await streamStatus;
      expect(status.code).toBe(14); // UNAVAILABLE
      expect(status.metadata.get('samsa-error-code')).toEqual(['BROKER_NOT_AVAILABLE']);
      await expect(call(c, 'metadata', { topics: [] })).rejects.toMatchObject({ code: 14 });
      c.close();
    } finally {
      await d.remove();
    }
  });
});

