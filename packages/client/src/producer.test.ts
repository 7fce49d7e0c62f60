// Proves the producer's sending rules against an in-memory cluster (testing/fake-cluster.ts) on a
// manual clock: records linger, then go as one Produce request per leader broker with one batch
// per partition; full batches go at once; no more than maxInFlightRequests per broker; retriable
// errors are retried after a metadata refresh (following a moved leader) until the retries run
// out; RECORD_TOO_LARGE fails only the sender of the oversized record; acks=0 resolves on send;
// buffer memory holds senders back; disconnect flushes.
import { describe, expect, it } from 'vitest';
import { SamsaError, decodeRecords, iterateBatches } from '@samsa/protocol';
import type { ProduceRequest } from '@samsa/protocol';
import { Samsa } from './client.js';
import { partitionForKey } from './murmur2.js';
import type { RecordedCall } from './testing/fake-cluster.js';
import { FakeCluster } from './testing/fake-cluster.js';
import { ManualClock, seededRandom, settle } from './testing/manual-clock.js';
import type { ProducerConfig } from './types.js';

function setup(producerConfig: ProducerConfig = {}, retries = 5) {
  const clock = new ManualClock();
  const fake = new FakeCluster(clock);
  const b1 = fake.addBroker(1);
  fake.addBroker(2);
  const samsa = new Samsa({ brokers: [b1], retry: { retries } }, { transport: fake, clock, random: seededRandom(5) });
  const producer = samsa.producer(producerConfig);
  return { clock, fake, producer };
}

const produceRequest = (c: RecordedCall): ProduceRequest => c.request as ProduceRequest;

/** Values in a partition's log, in offset order. */
function logValues(fake: FakeCluster, topic: string, partition: number): string[] {
  return fake.topics
    .get(topic)!
    .partitions[partition]!.batches.flatMap((b) => decodeRecords(b))
    .map((r) => r.value!.toString());
}

describe('Producer', () => {
  it('lingers, then sends one request per leader with one batch per partition', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 5 });
    const topic = fake.createTopic('t', 4);
    topic.partitions[1]!.leader = 2;
    topic.partitions[3]!.leader = 2;
    const sends = [0, 1, 2, 3, 0, 1, 2, 3].map((partition, i) => producer.send({ topic: 't', messages: [{ value: `v${i}`, partition }] }));
    await settle();
    expect(fake.callsOf('Produce')).toHaveLength(0);
    await clock.advance(4);
    expect(fake.callsOf('Produce')).toHaveLength(0);
    await clock.advance(1);
    const calls = fake.callsOf('Produce');
    expect(calls.map((c) => c.nodeId).sort()).toEqual([1, 2]);
    for (const c of calls) {
      const r = produceRequest(c);
      expect(r.acks).toBe(-1);
      const partitions = r.topics![0]!.partitions!;
      expect(partitions.map((p) => p.partition).sort()).toEqual(c.nodeId === 1 ? [0, 2] : [1, 3]);
      // Exactly one batch per partition, holding both records of that partition.
      for (const p of partitions) {
        const batches = [...iterateBatches(p.records as Buffer)];
        expect(batches).toHaveLength(1);
        expect(batches[0]!.header.recordCount).toBe(2);
      }
    }
    const results = await Promise.all(sends);
    expect(results[0]).toEqual([{ topicName: 't', partition: 0, errorCode: 'NONE', baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' }]);
    expect(results[4]).toEqual([{ topicName: 't', partition: 0, errorCode: 'NONE', baseOffset: '1', logAppendTime: '-1', logStartOffset: '0' }]);
    expect(logValues(fake, 't', 3)).toEqual(['v3', 'v7']);
  });

  it('puts keyed records on the murmur2 partition and reports each partition of a send once', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 });
    fake.createTopic('t', 5);
    const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', '日本語', ''];
    const sent = producer.send({ topic: 't', messages: keys.map((k) => ({ key: k, value: `value-of-${k}` })) });
    await clock.advance(1);
    const result = await sent;
    const expected = new Set(keys.map((k) => partitionForKey(Buffer.from(k), 5)));
    expect(result.map((r) => r.partition)).toEqual([...expected].sort((a, b) => a - b));
    for (const k of keys) expect(logValues(fake, 't', partitionForKey(Buffer.from(k), 5))).toContain(`value-of-${k}`);
  });

  it('sends full batches without waiting for linger', async () => {
    const { fake, producer } = setup({ lingerMs: 60_000, batchSize: 300 });
    fake.createTopic('t', 1);
    const sends = Array.from({ length: 20 }, (_, i) => producer.send({ topic: 't', messages: [{ value: `record-${i}-${'x'.repeat(30)}` }] }));
    await settle();
    const sentRecords = fake.callsOf('Produce').flatMap((c) => produceRequest(c).topics![0]!.partitions!.map((p) => [...iterateBatches(p.records as Buffer)][0]!.header.recordCount));
    // Every full batch went; only the last, partly filled one is still lingering.
    expect(sentRecords.length).toBeGreaterThan(0);
    for (const n of sentRecords) expect(n).toBeGreaterThan(1);
    expect(20 - sentRecords.reduce((a, b) => a + b, 0)).toBeLessThan(sentRecords[0]! + 1);
    await producer.flush();
    await Promise.all(sends);
    expect(logValues(fake, 't', 0)).toEqual(Array.from({ length: 20 }, (_, i) => `record-${i}-${'x'.repeat(30)}`));
  });

  it('keeps at most maxInFlightRequests requests in flight per broker', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100, maxInFlightRequests: 2 });
    fake.createTopic('t', 3);
    let inFlight = 0;
    let maxSeen = 0;
    const held: (() => void)[] = [];
    fake.interceptor = (c) => {
      if (c.rpc !== 'Produce') return undefined;
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      return new Promise<void>((resolve) =>
        held.push(() => {
          inFlight--;
          resolve();
        }),
      );
    };
    const sends = Array.from({ length: 12 }, (_, i) => producer.send({ topic: 't', messages: [{ value: `r${i}-${'y'.repeat(40)}`, partition: i % 3 }] }));
    await settle();
    expect(held).toHaveLength(2);
    // Bounded: each pass releases one request; 12 records need at most 12 requests.
    for (let i = 0; i < 20 && held.length > 0; i++) {
      held.shift()!();
      await settle();
    }
    await Promise.all(sends);
    expect(maxSeen).toBe(2);
    expect([0, 1, 2].map((p) => logValues(fake, 't', p).length)).toEqual([4, 4, 4]);
  });

  it('without idempotence keeps one request in flight per partition; batches that wait go together, in order', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100, maxInFlightRequests: 5, idempotent: false });
    fake.createTopic('t', 1);
    const held: (() => void)[] = [];
    let requests = 0;
    fake.interceptor = (c) => {
      if (c.rpc !== 'Produce') return undefined;
      requests++;
      return new Promise<void>((resolve) => held.push(resolve));
    };
    const sends = Array.from({ length: 10 }, (_, i) => producer.send({ topic: 't', messages: [{ value: `r${i}-${'y'.repeat(40)}` }] }));
    await settle();
    expect(held).toHaveLength(1); // a second request for the partition waits for the first
    held.shift()!();
    await settle();
    expect(held).toHaveLength(1); // everything that waited goes in one request
    held.shift()!();
    await Promise.all(sends);
    expect(requests).toBe(2);
    expect(logValues(fake, 't', 0)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}-${'y'.repeat(40)}`));
  });

  it('follows a moved leader: refreshes metadata on NOT_LEADER_OR_FOLLOWER and retries there', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 });
    fake.createTopic('t', 1);
    await producer.connect();
    fake.moveLeader('t', 0, 2);
    const metadataBefore = fake.callsOf('Metadata').length;
    const sent = producer.send({ topic: 't', messages: [{ value: 'hello' }] });
    await clock.advance(2_000);
    await expect(sent).resolves.toEqual([expect.objectContaining({ partition: 0, baseOffset: '0' })]);
    expect(fake.callsOf('Produce').map((c) => c.nodeId)).toEqual([1, 2]);
    expect(fake.callsOf('Metadata').length).toBeGreaterThan(metadataBefore);
    expect(logValues(fake, 't', 0)).toEqual(['hello']);
  });

  it('retries a retriable failure with backoff and rejects with its code when retries run out', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 }, 2);
    fake.createTopic('t', 1);
    fake.interceptor = (c) => (c.rpc === 'Produce' ? new SamsaError('REQUEST_TIMED_OUT', 'deadline exceeded') : undefined);
    const sent = producer.send({ topic: 't', messages: [{ value: 'x' }] }).catch((e: unknown) => e);
    await clock.advance(50);
    expect(fake.callsOf('Produce')).toHaveLength(1);
    await clock.advance(10_000);
    const error = (await sent) as SamsaError;
    expect(error).toBeInstanceOf(SamsaError);
    expect(error.code).toBe('REQUEST_TIMED_OUT');
    expect(error.message).toMatch(/gave up after 3 attempts/);
    expect(fake.callsOf('Produce')).toHaveLength(3);
  });

  it('fails at once on a non-retriable error, and only the sender of a record that is too large', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 5 });
    fake.createTopic('t', 1, 1, 400);
    const small = producer.send({ topic: 't', messages: [{ value: 'small' }] });
    const big = producer.send({ topic: 't', messages: [{ value: 'b'.repeat(1000) }] }).catch((e: unknown) => e);
    const other = producer.send({ topic: 't', messages: [{ value: 'other' }] });
    await clock.advance(10);
    expect(((await big) as SamsaError).code).toBe('RECORD_TOO_LARGE');
    await expect(small).resolves.toHaveLength(1);
    await expect(other).resolves.toHaveLength(1);
    expect(logValues(fake, 't', 0)).toEqual(['small', 'other']);
  });

  it('with acks=0 (no idempotence) resolves once the request is sent, with offset -1', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0, idempotent: false });
    fake.createTopic('t', 1);
    const held: (() => void)[] = [];
    fake.interceptor = (c) => (c.rpc === 'Produce' ? new Promise<void>((r) => held.push(r)) : undefined);
    const sent = producer.send({ topic: 't', acks: 0, messages: [{ value: 'fire' }] });
    await clock.advance(1);
    expect(held).toHaveLength(1);
    await expect(sent).resolves.toEqual([expect.objectContaining({ partition: 0, baseOffset: '-1' })]);
    expect(produceRequest(fake.callsOf('Produce')[0]!).acks).toBe(0);
    held[0]!();
  });

  it('rejects a send to a topic that does not exist with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const { clock, producer } = setup({}, 1);
    const sent = producer.send({ topic: 'nope', messages: [{ value: 'x' }] }).catch((e: unknown) => e);
    await clock.advance(5_000);
    const error = (await sent) as SamsaError;
    expect(error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(error.message).toContain('topic "nope" does not exist');
  });

  it('rejects a partition the topic does not have, and bad acks', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 });
    fake.createTopic('t', 2);
    const sent = producer.send({ topic: 't', messages: [{ value: 'x', partition: 2 }] }).catch((e: unknown) => e);
    await clock.advance(1);
    expect(((await sent) as SamsaError).code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    await expect(producer.send({ topic: 't', acks: 2 as 1, messages: [{ value: 'x' }] })).rejects.toMatchObject({ code: 'INVALID_REQUIRED_ACKS' });
    expect(() => setup({ lingerMs: -1 })).toThrow(/lingerMs must be an integer/);
  });

  it('holds senders back while bufferMemoryBytes are unacknowledged, keeping their order', async () => {
    const { fake, producer } = setup({ lingerMs: 0, bufferMemoryBytes: 150 });
    fake.createTopic('t', 1);
    const held: (() => void)[] = [];
    fake.interceptor = (c) => (c.rpc === 'Produce' ? new Promise<void>((r) => held.push(r)) : undefined);
    const first = producer.send({ topic: 't', messages: [{ value: 'a'.repeat(100) }] });
    const second = producer.send({ topic: 't', messages: [{ value: 'b'.repeat(100) }] });
    const third = producer.send({ topic: 't', messages: [{ value: 'c' }] });
    await settle();
    // Only the first record fits; the others wait for its acknowledgement.
    expect(held).toHaveLength(1);
    expect(logValues(fake, 't', 0)).toEqual([]);
    held.shift()!();
    await first;
    // Bounded: each pass releases one held request.
    for (let i = 0; i < 10 && (held.length > 0 || logValues(fake, 't', 0).length < 3); i++) {
      await settle();
      held.shift()?.();
    }
    await Promise.all([second, third]);
    expect(logValues(fake, 't', 0).map((v) => v[0])).toEqual(['a', 'b', 'c']);
  });

  it('flushes lingering records on disconnect and refuses sends afterwards', async () => {
    const { fake, producer } = setup({ lingerMs: 60_000 });
    fake.createTopic('t', 1);
    const sent = producer.send({ topic: 't', messages: [{ value: 'late' }, { value: 'later', headers: { h: 'v', multi: ['1', '2'] } }] });
    await settle();
    expect(fake.callsOf('Produce')).toHaveLength(0);
    await producer.disconnect();
    await expect(sent).resolves.toHaveLength(1);
    const [, later] = decodeRecords(fake.topics.get('t')!.partitions[0]!.batches[0]!);
    expect(later!.headers.map((h) => [h.key, h.value!.toString()])).toEqual([
      ['h', 'v'],
      ['multi', '1'],
      ['multi', '2'],
    ]);
    await expect(producer.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await producer.disconnect();
  });
});
