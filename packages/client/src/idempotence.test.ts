// Proves the idempotent producer against the in-memory cluster (testing/fake-cluster.ts), whose
// broker applies Kafka's sequence rules (duplicates answered with their original offset, gaps
// refused), on a manual clock. Requests are held, released in any order, or have their answers
// dropped through the fake's interceptors, so each test decides exactly what arrives when. It
// checks what the broker receives (producer id, epoch, base sequence in each batch header), what
// the log holds (every record once, in send order) and what callers hear (offsets, errors, the
// order of acknowledgements): sequences per partition; five batches in flight, acknowledged in
// order; a resend after a lost answer is a duplicate; a leader change mid-flight; requests that
// overtake each other; fatal answers and a new producer id; InitProducerId retries; the config
// rules; and that idempotent: false is the old sender. The first block checks the fake broker's
// own rules with raw requests, since every other test relies on them.
import { describe, expect, it } from 'vitest';
import { SamsaError, decodeRecords, encodeBatch, iterateBatches } from '@samsa/protocol';
import type { ErrorCodeName, ProduceRequest, ProduceResponse__Output } from '@samsa/protocol';
import { Samsa } from './client.js';
import type { Producer } from './producer.js';
import { FakeCluster } from './testing/fake-cluster.js';
import type { RecordedCall } from './testing/fake-cluster.js';
import { ManualClock, seededRandom, settle } from './testing/manual-clock.js';
import type { ProducerConfig, RecordMetadata } from './types.js';

function setup(producerConfig: ProducerConfig = {}, retries = 5) {
  const clock = new ManualClock();
  const fake = new FakeCluster(clock);
  const b1 = fake.addBroker(1);
  fake.addBroker(2);
  const samsa = new Samsa({ brokers: [b1], retry: { retries } }, { transport: fake, clock, random: seededRandom(11) });
  const producer = samsa.producer(producerConfig);
  return { clock, fake, samsa, producer, b1 };
}

interface SentBatch {
  nodeId: number | undefined;
  partition: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  values: string[];
}

/** Every batch of every Produce request so far, in the order the requests were made. */
function sentBatches(fake: FakeCluster): SentBatch[] {
  return fake.callsOf('Produce').flatMap((c) =>
    (c.request as ProduceRequest).topics!.flatMap((t) =>
      t.partitions!.flatMap((p) =>
        [...iterateBatches(p.records as Buffer)].map(({ header, bytes }) => ({
          nodeId: c.nodeId,
          partition: p.partition!,
          producerId: header.producerId,
          producerEpoch: header.producerEpoch,
          baseSequence: header.baseSequence,
          values: decodeRecords(bytes).map((r) => r.value!.toString()),
        })),
      ),
    ),
  );
}

/** Values in a partition's log, in offset order. */
const logValues = (fake: FakeCluster, partition = 0, topic = 't'): string[] =>
  fake.topics.get(topic)!.partitions[partition]!.batches.flatMap((b) => decodeRecords(b)).map((r) => r.value!.toString());

/** Holds every Produce call (that `filter` picks) before the broker sees it; release with shift()(). */
function holdProduce(fake: FakeCluster, filter: (c: RecordedCall) => boolean = () => true): (() => void)[] {
  const held: (() => void)[] = [];
  fake.interceptor = (c) => (c.rpc === 'Produce' && filter(c) ? new Promise<void>((resolve) => held.push(resolve)) : undefined);
  return held;
}

/** Per-partition codes of every Produce answer, in the order the broker gave them. */
function recordAnswers(fake: FakeCluster): string[] {
  const codes: string[] = [];
  fake.responseInterceptor = (c, response) => {
    if (c.rpc === 'Produce') for (const t of (response as ProduceResponse__Output).topics) for (const p of t.partitions) codes.push(p.error_code);
    return undefined;
  };
  return codes;
}

/** A record one batch holds alone at batchSize 100. */
const big = (label: string): string => `${label}-${'y'.repeat(40)}`;
const short = (v: string): string => v.split('-')[0]!;

/** Sends one record per call, noting the order in which the sends resolve. */
function sendEach(producer: Producer, labels: readonly string[], acked: string[] = []): Promise<RecordMetadata[]>[] {
  return labels.map((label) =>
    producer.send({ topic: 't', messages: [{ value: big(label) }] }).then((r) => {
      acked.push(label);
      return r;
    }),
  );
}

/** The error a send rejects with (a send that resolves fails the test). */
const failure = (sent: Promise<unknown>): Promise<SamsaError> =>
  sent.then(
    () => {
      throw new Error('the send succeeded');
    },
    (e: unknown) => e as SamsaError,
  );

/** Releases held requests one at a time, in order, until `done()` (bounded). */
async function releaseUntil(held: (() => void)[], done: () => boolean, clock?: ManualClock): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) {
    held.shift()?.();
    if (clock !== undefined) await clock.advance(100);
    else await settle();
  }
}

describe('the fake broker\'s sequence rules', () => {
  const batch = (sequence: number, n = 1, producerId = 5, producerEpoch = 0): Buffer =>
    encodeBatch(Array.from({ length: n }, (_, i) => ({ value: `s${sequence}+${i}` })), { producerId, producerEpoch, baseSequence: sequence });

  it('appends in sequence, answers a duplicate with its offset, refuses gaps, unknown ids, old epochs and two batches', async () => {
    const clock = new ManualClock();
    const fake = new FakeCluster(clock);
    const connection = fake.connect(fake.addBroker(1));
    fake.createTopic('t', 1);
    const produce = async (records: Buffer): Promise<[string, string]> => {
      const r = await connection.call('Produce', { acks: -1, timeout_ms: 1000, topics: [{ name: 't', partitions: [{ partition: 0, records, current_leader_epoch: -1 }] }] }, { timeoutMs: 1000 });
      const p = r.topics[0]!.partitions[0]!;
      return [p.error_code, p.base_offset];
    };
    expect(await produce(batch(3))).toEqual(['UNKNOWN_PRODUCER_ID', '-1']);
    expect(await produce(batch(0, 2))).toEqual(['NONE', '0']);
    expect(await produce(batch(2))).toEqual(['NONE', '2']);
    expect(await produce(batch(0, 2))).toEqual(['NONE', '0']); // a duplicate: not appended again
    expect(await produce(batch(4))).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER', '-1']);
    expect(await produce(Buffer.concat([batch(3), batch(4)]))).toEqual(['INVALID_RECORD', '-1']);
    expect(await produce(batch(3, 1, 5, 1))).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER', '-1']); // a new epoch starts at 0
    expect(await produce(batch(0, 1, 5, 1))).toEqual(['NONE', '3']);
    expect(await produce(batch(1, 1, 5, 0))).toEqual(['INVALID_PRODUCER_EPOCH', '-1']);
    expect(logValues(fake)).toEqual(['s0+0', 's0+1', 's2+0', 's0+0']);
    // Sequences wrap after 2^31 - 1.
    fake.topics.get('t')!.partitions[0]!.producers.get(5)!.batches.at(-1)!.lastSequence = 0x7fffffff - 2;
    expect(await produce(batch(0x7fffffff - 1, 3, 5, 1))).toEqual(['NONE', '4']); // 2^31 - 2, 2^31 - 1, 0
    expect(await produce(batch(2, 1, 5, 1))).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER', '-1']);
    expect(await produce(batch(1, 1, 5, 1))).toEqual(['NONE', '7']);
    const ids = await Promise.all([connection.call('InitProducerId', {}, { timeoutMs: 1000 }), connection.call('InitProducerId', {}, { timeoutMs: 1000 })]);
    expect(ids.map((r) => [r.error_code, r.producer_id, r.producer_epoch])).toEqual([
      ['NONE', '1000', 0],
      ['NONE', '1001', 0],
    ]);
  });
});

describe('idempotent producer', () => {
  it('gets a producer id before its first send and numbers each partition\'s batches from 0 by record count', async () => {
    const { fake, producer } = setup({ lingerMs: 0 });
    fake.createTopic('t', 2);
    await Promise.all([
      producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] }),
      producer.send({ topic: 't', messages: [{ value: 'b', partition: 1 }, { value: 'c', partition: 1 }] }),
    ]);
    await Promise.all([
      producer.send({ topic: 't', messages: [{ value: 'd', partition: 0 }, { value: 'e', partition: 0 }] }),
      producer.send({ topic: 't', messages: [{ value: 'f', partition: 1 }] }),
    ]);
    const rpcs = fake.calls.map((c) => c.rpc).filter((r) => r !== 'Metadata');
    expect(rpcs[0]).toBe('InitProducerId');
    // Both partitions waited for the producer id, then went in one request (one batch each).
    expect((fake.callsOf('Produce')[0]!.request as ProduceRequest).topics![0]!.partitions!.map((p) => p.partition)).toEqual([0, 1]);
    expect(rpcs.filter((r) => r === 'InitProducerId')).toHaveLength(1);
    const sent = sentBatches(fake);
    expect(sent.every((b) => b.producerId === 1000 && b.producerEpoch === 0)).toBe(true);
    const seqs = (partition: number) => sent.filter((b) => b.partition === partition).map((b) => [b.baseSequence, b.values.join('')]);
    expect(seqs(0)).toEqual([
      [0, 'a'],
      [1, 'de'],
    ]);
    expect(seqs(1)).toEqual([
      [0, 'bc'],
      [2, 'f'],
    ]);
    expect(producer.producerIdentity).toEqual({ producerId: 1000, producerEpoch: 0 });
  });

  it('keeps up to 5 batches of a partition in flight, one per request, and acknowledges them in order', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100 });
    fake.createTopic('t', 1);
    const held = holdProduce(fake);
    const acked: string[] = [];
    const labels = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
    const sends = sendEach(producer, labels, acked);
    await settle();
    expect(held).toHaveLength(5);
    for (const c of fake.callsOf('Produce')) expect((c.request as ProduceRequest).topics![0]!.partitions).toHaveLength(1);
    expect(sentBatches(fake).map((b) => b.baseSequence)).toEqual([0, 1, 2, 3, 4]);
    // The window is full: the sixth goes once the first is answered.
    held.shift()!();
    await settle();
    expect(sentBatches(fake).map((b) => b.baseSequence)).toEqual([0, 1, 2, 3, 4, 5]);
    await releaseUntil(held, () => acked.length === labels.length);
    const results = await Promise.all(sends);
    expect(acked).toEqual(labels);
    expect(results.map((r) => r[0]!.baseOffset)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(logValues(fake).map(short)).toEqual(labels);
    expect(fake.callsOf('Produce')).toHaveLength(8); // no retries
  });

  it('retries requests that overtook earlier ones after those, into order (fresh producer id and later)', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100 });
    fake.createTopic('t', 1);
    const answers = recordAnswers(fake);
    const held = holdProduce(fake);
    const acked: string[] = [];
    // A fresh producer id: the broker has no state for it, so the overtakers are UNKNOWN_PRODUCER_ID.
    const first = sendEach(producer, ['a0', 'a1', 'a2'], acked);
    await settle();
    expect(held).toHaveLength(3);
    for (const release of held.splice(0).reverse()) release();
    await releaseUntil(held, () => acked.length === 3);
    await Promise.all(first);
    expect(answers.slice(0, 3)).toEqual(['UNKNOWN_PRODUCER_ID', 'UNKNOWN_PRODUCER_ID', 'NONE']);
    // With state: the overtakers are OUT_OF_ORDER_SEQUENCE_NUMBER.
    const second = sendEach(producer, ['b0', 'b1', 'b2', 'b3'], acked);
    await settle();
    expect(held).toHaveLength(4);
    for (const release of held.splice(0).reverse()) release();
    await releaseUntil(held, () => acked.length === 7);
    await Promise.all(second);
    expect(answers.filter((c) => c === 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toHaveLength(3);
    expect(acked).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'b3']);
    expect(logValues(fake).map(short)).toEqual(acked);
    // Each overtaker was sent twice: a retried batch goes only once the earlier ones are answered.
    expect(fake.callsOf('Produce')).toHaveLength(7 + 5);
  });

  it('retries a batch the broker judged before an earlier one whose answer came first (the race the benchmark hit)', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100 });
    fake.createTopic('t', 1);
    const acked: string[] = [];
    // Establish the producer's state, so an overtaker is OUT_OF_ORDER_SEQUENCE_NUMBER.
    await Promise.all(sendEach(producer, ['a0'], acked));
    const held = holdProduce(fake);
    // The answers of the overtaking request are held until the earlier one has been answered.
    let releaseAnswer: (() => void) | undefined;
    const codes: string[] = [];
    fake.responseInterceptor = (c, response) => {
      if (c.rpc !== 'Produce') return undefined;
      const code = (response as ProduceResponse__Output).topics[0]!.partitions[0]!.error_code;
      codes.push(code);
      if (code === 'OUT_OF_ORDER_SEQUENCE_NUMBER' && releaseAnswer === undefined) return new Promise<void>((resolve) => (releaseAnswer = resolve));
      return undefined;
    };
    const sends = sendEach(producer, ['b0', 'b1'], acked);
    await settle();
    expect(held).toHaveLength(2);
    held.pop()!(); // b1 reaches the broker first: out of order, its answer held
    await settle();
    held.shift()!(); // b0: appended, answered at once
    await settle();
    releaseAnswer!(); // b1's refusal arrives after b0's success: nothing before b1 is unanswered now
    await releaseUntil(held, () => acked.length === 3);
    await Promise.all(sends);
    expect(codes.slice(0, 2)).toEqual(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'NONE']);
    expect(acked).toEqual(['a0', 'b0', 'b1']);
    expect(logValues(fake).map(short)).toEqual(['a0', 'b0', 'b1']);
  });

  it('cannot loop when every request overtakes the ones before it', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100 });
    fake.createTopic('t', 1);
    const held = holdProduce(fake);
    const acked: string[] = [];
    const labels = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const sends = sendEach(producer, labels, acked);
    // Bounded: each round releases everything held, newest first.
    for (let round = 0; round < 100 && acked.length < labels.length; round++) {
      await settle();
      for (const release of held.splice(0).reverse()) release();
    }
    await Promise.all(sends);
    expect(acked).toEqual(labels);
    expect(logValues(fake).map(short)).toEqual(labels);
    // At most one out-of-order retry per batch.
    expect(fake.callsOf('Produce').length).toBeLessThanOrEqual(2 * labels.length);
  });

  it('resends a batch whose answer was lost with the same sequence: one copy, the original offset', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 });
    fake.createTopic('t', 1);
    fake.append('t', 0, encodeBatch([{ value: 'someone else' }]));
    let dropped = 0;
    fake.responseInterceptor = (c) => (c.rpc === 'Produce' && dropped++ === 0 ? new SamsaError('REQUEST_TIMED_OUT', 'deadline exceeded (answer lost)') : undefined);
    const sent = producer.send({ topic: 't', messages: [{ value: 'once' }] });
    await clock.advance(1_000);
    await expect(sent).resolves.toEqual([expect.objectContaining({ partition: 0, baseOffset: '1' })]);
    const batches = sentBatches(fake);
    expect(batches.map((b) => [b.producerId, b.baseSequence])).toEqual([
      [1000, 0],
      [1000, 0],
    ]);
    expect(logValues(fake)).toEqual(['someone else', 'once']);
  });

  it('follows a leader change mid-flight: the same sequences at the new leader, in order, no duplicates', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0, batchSize: 100 });
    fake.createTopic('t', 1);
    const held = holdProduce(fake, (c) => c.nodeId === 1);
    let answers = 0;
    // The third request's answer is lost, though broker 1 appended it.
    fake.responseInterceptor = (c) => (c.rpc === 'Produce' && c.nodeId === 1 && answers++ === 2 ? new SamsaError('NETWORK_EXCEPTION', 'connection reset') : undefined);
    const acked: string[] = [];
    const labels = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const sends = sendEach(producer, labels, acked);
    await settle();
    expect(held).toHaveLength(5);
    for (const release of held.splice(0, 3)) release();
    await settle();
    fake.moveLeader('t', 0, 2);
    for (const release of held.splice(0)) release(); // NOT_LEADER_OR_FOLLOWER
    for (let i = 0; i < 50 && acked.length < labels.length; i++) await clock.advance(100);
    const results = await Promise.all(sends);
    expect(acked).toEqual(labels);
    expect(results.map((r) => r[0]!.baseOffset)).toEqual(['0', '1', '2', '3', '4']);
    expect(logValues(fake).map(short)).toEqual(labels);
    // At the new leader: r2 again (a duplicate, answered with offset 2), then r3 and r4.
    expect(sentBatches(fake).filter((b) => b.nodeId === 2).map((b) => [short(b.values[0]!), b.baseSequence])).toEqual([
      ['r2', 2],
      ['r3', 3],
      ['r4', 4],
    ]);
  });

  it.each<ErrorCodeName>(['UNKNOWN_PRODUCER_ID', 'OUT_OF_ORDER_SEQUENCE_NUMBER'])(
    '%s for the first unanswered batch fails it and everything queued behind it, then restarts at 0 under a new producer id',
    async (code) => {
      const { fake, producer } = setup({ lingerMs: 0, batchSize: 100, maxInFlightRequests: 2 });
      fake.createTopic('t', 1);
      await producer.send({ topic: 't', messages: [{ value: big('a') }] });
      const state = fake.topics.get('t')!.partitions[0]!.producers;
      // The broker's view of the producer no longer matches the producer's.
      if (code === 'UNKNOWN_PRODUCER_ID') state.clear();
      else state.get(1000)!.batches.push({ firstSequence: 1, lastSequence: 3, baseOffset: 99 });
      const held = holdProduce(fake);
      const failed = ['b', 'c', 'd'].map((label) => failure(producer.send({ topic: 't', messages: [{ value: big(label) }] })));
      await settle();
      expect(held).toHaveLength(2); // b and c in flight, d queued
      held.shift()!(); // b: refused; retried once (the broker may have judged it before an earlier batch)
      await settle();
      expect(held).toHaveLength(2); // c, and b's retry
      held.pop()!(); // b again: refused with nothing before it unanswered, now final
      const errors = await Promise.all(failed);
      expect(errors.map((e) => e.code)).toEqual([code, code, code]);
      // A new send waits for a new producer id and for c's request (old id) to be answered.
      const next = producer.send({ topic: 't', messages: [{ value: big('e') }] });
      await settle();
      expect(fake.callsOf('InitProducerId')).toHaveLength(2);
      expect(sentBatches(fake).filter((b) => b.producerId === 1001)).toHaveLength(0);
      held.shift()!();
      await releaseUntil(held, () => logValues(fake).length === 2);
      await expect(next).resolves.toHaveLength(1);
      expect(sentBatches(fake).filter((b) => b.producerId === 1001).map((b) => b.baseSequence)).toEqual([0]);
      expect(logValues(fake).map(short)).toEqual(['a', 'e']);
    },
  );

  it('renumbers the batches after one that failed without being appended, keeping the producer id', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0, batchSize: 100 }, 2);
    fake.createTopic('t', 1);
    // The broker refuses every attempt of a0 before appending (acks=all, too few in-sync replicas).
    fake.partitionError = ({ bytes }) => (decodeRecords(bytes)[0]!.value!.toString() === big('a0') ? 'NOT_ENOUGH_REPLICAS' : undefined);
    const a0 = failure(producer.send({ topic: 't', messages: [{ value: big('a0') }] }));
    const a1 = producer.send({ topic: 't', messages: [{ value: big('a1') }] });
    await clock.advance(5_000);
    const error = await a0;
    expect(error.code).toBe('NOT_ENOUGH_REPLICAS');
    expect(error.message).toMatch(/gave up after 3 attempts/);
    await expect(a1).resolves.toEqual([expect.objectContaining({ baseOffset: '0' })]);
    expect(logValues(fake).map(short)).toEqual(['a1']);
    // a1 went first under sequence 1 (refused: a gap), then under sequence 0.
    expect(sentBatches(fake).filter((b) => b.values[0] === big('a1')).map((b) => b.baseSequence)).toEqual([1, 0]);
    expect(fake.callsOf('InitProducerId')).toHaveLength(1);
  });

  it('restarts under a new producer id after a batch that may have been appended fails for good', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 }, 1);
    fake.createTopic('t', 2);
    await producer.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    await producer.send({ topic: 't', messages: [{ value: 'z', partition: 1 }] });
    fake.interceptor = (c) => (c.rpc === 'Produce' ? new SamsaError('REQUEST_TIMED_OUT', 'deadline exceeded') : undefined);
    const lost = failure(producer.send({ topic: 't', messages: [{ value: 'b', partition: 0 }] }));
    await clock.advance(5_000);
    expect((await lost).code).toBe('REQUEST_TIMED_OUT');
    fake.interceptor = undefined;
    const next = producer.send({ topic: 't', messages: [{ value: 'c', partition: 0 }] });
    await clock.advance(1_000);
    await next;
    // The other partition moves to the new id too, from sequence 0.
    await producer.send({ topic: 't', messages: [{ value: 'y', partition: 1 }] });
    expect(fake.callsOf('InitProducerId')).toHaveLength(2);
    expect(sentBatches(fake).map((b) => [b.values[0], b.producerId, b.baseSequence])).toEqual([
      ['a', 1000, 0],
      ['z', 1000, 0],
      ['b', 1000, 1],
      ['b', 1000, 1],
      ['c', 1001, 0],
      ['y', 1001, 0],
    ]);
    expect(logValues(fake, 0)).toEqual(['a', 'c']);
    expect(logValues(fake, 1)).toEqual(['z', 'y']);
  });

  it('splits a batch that is too large into records that keep its sequences; only the large record fails', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 5 });
    fake.createTopic('t', 1, 1, 400);
    const small = producer.send({ topic: 't', messages: [{ value: 'small' }] });
    const large = failure(producer.send({ topic: 't', messages: [{ value: 'L'.repeat(1000) }] }));
    const other = producer.send({ topic: 't', messages: [{ value: 'other' }] });
    await clock.advance(10);
    expect((await large).code).toBe('RECORD_TOO_LARGE');
    await expect(small).resolves.toEqual([expect.objectContaining({ baseOffset: '0' })]);
    await expect(other).resolves.toEqual([expect.objectContaining({ baseOffset: '1' })]);
    expect(sentBatches(fake).map((b) => [b.values.map((v) => v.slice(0, 5)).join(','), b.baseSequence])).toEqual([
      ['small,LLLLL,other', 0],
      ['small', 0],
      ['LLLLL', 1],
      ['other', 1],
    ]);
    expect(logValues(fake)).toEqual(['small', 'other']);
  });

  it('retries InitProducerId on retriable errors and on another broker; its failure fails the sends waiting for it', async () => {
    const { clock, fake, producer } = setup({ lingerMs: 0 }, 3);
    fake.createTopic('t', 1);
    fake.initProducerIdErrors.push('NOT_CONTROLLER', 'BROKER_NOT_AVAILABLE');
    let refused = 0;
    fake.interceptor = (c) => (c.rpc === 'InitProducerId' && c.nodeId === 1 && refused++ === 0 ? new SamsaError('NETWORK_EXCEPTION', 'connection refused') : undefined);
    const sent = producer.send({ topic: 't', messages: [{ value: 'x' }] });
    await clock.advance(5_000);
    await sent;
    const calls = fake.callsOf('InitProducerId');
    expect(calls).toHaveLength(4);
    expect(calls[1]!.nodeId).toBe(2); // not the broker that did not answer
    expect(producer.producerIdentity?.producerId).toBe(1000);

    const { clock: clock2, fake: fake2, producer: producer2 } = setup({ lingerMs: 0 }, 1);
    fake2.createTopic('t', 1);
    fake2.initProducerIdErrors.push('UNKNOWN_SERVER_ERROR');
    const failed = failure(producer2.send({ topic: 't', messages: [{ value: 'x' }] }));
    await clock2.advance(1_000);
    expect((await failed).code).toBe('UNKNOWN_SERVER_ERROR');
    // The next send asks again.
    const later = producer2.send({ topic: 't', messages: [{ value: 'y' }] });
    await clock2.advance(1_000);
    await later;
    expect(fake2.callsOf('InitProducerId')).toHaveLength(2);
    expect(logValues(fake2)).toEqual(['y']);
  });

  it('connect() gets the producer id', async () => {
    const { fake, producer } = setup();
    await producer.connect();
    expect(fake.callsOf('InitProducerId')).toHaveLength(1);
    expect(producer.producerIdentity).toEqual({ producerId: 1000, producerEpoch: 0 });
  });
});

describe('producer config', () => {
  it('is idempotent with acks all and 5 in flight by default; conflicting settings are typed errors or turn it off', () => {
    const { samsa, producer } = setup();
    expect([producer.config.idempotent, producer.config.acks, producer.config.maxInFlightRequests]).toEqual([true, -1, 5]);
    const configError = (config: ProducerConfig): SamsaError => {
      try {
        samsa.producer(config);
      } catch (e) {
        return e as SamsaError;
      }
      throw new Error('no error');
    };
    expect(configError({ idempotent: true, acks: 1 })).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/idempotence needs acks 'all'/) });
    expect(configError({ idempotent: true, acks: 0 }).code).toBe('INVALID_CONFIG');
    expect(configError({ idempotent: true, maxInFlightRequests: 6 })).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/at most 5, got 6/) });
    expect(configError({ idempotent: 'yes' as unknown as boolean }).code).toBe('INVALID_CONFIG');
    // Left unset, idempotence gives way (Kafka 3.x); asked for off, it is off.
    expect(samsa.producer({ acks: 1 }).config.idempotent).toBe(false);
    expect(samsa.producer({ maxInFlightRequests: 6 }).config.idempotent).toBe(false);
    expect(samsa.producer({ idempotent: false }).config).toMatchObject({ idempotent: false, acks: -1 });
    expect(samsa.producer({ acks: 'all', maxInFlightRequests: 5, idempotent: true }).config.idempotent).toBe(true);
  });

  it('refuses a send with other acks than all on an idempotent producer', async () => {
    const { fake, producer } = setup();
    fake.createTopic('t', 1);
    await expect(producer.send({ topic: 't', acks: 1, messages: [{ value: 'x' }] })).rejects.toMatchObject({ code: 'INVALID_REQUIRED_ACKS' });
  });

  it('idempotent: false sends as before: no producer id, no sequences, one request per partition with the batches that waited', async () => {
    const { fake, producer } = setup({ lingerMs: 0, batchSize: 100, idempotent: false });
    fake.createTopic('t', 1);
    const held = holdProduce(fake);
    const sends = sendEach(producer, ['r0', 'r1', 'r2', 'r3']);
    await settle();
    expect(held).toHaveLength(1);
    held.shift()!();
    await settle();
    expect(held).toHaveLength(1);
    held.shift()!();
    await Promise.all(sends);
    expect(fake.callsOf('InitProducerId')).toHaveLength(0);
    const batches = sentBatches(fake);
    expect(batches.map((b) => [b.producerId, b.producerEpoch, b.baseSequence])).toEqual(batches.map(() => [-1, -1, -1]));
    // The second request carries the three batches that waited, concatenated.
    expect(fake.callsOf('Produce').map((c) => [...iterateBatches((c.request as ProduceRequest).topics![0]!.partitions![0]!.records as Buffer)].length)).toEqual([1, 3]);
    expect(logValues(fake).map(short)).toEqual(['r0', 'r1', 'r2', 'r3']);
  });
});
