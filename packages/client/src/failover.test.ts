// Proves that the SDK routes to partition leaders across several brokers and follows leadership
// as a controller moves it, against an in-memory cluster of three brokers on a manual clock: the
// producer sends one request per leader; when a leader's process dies (calls to it fail) and its
// partitions move, sends go to the new leaders after a metadata refresh, including while the
// metadata still names the dead broker for a while (retries with backoff ride it out); metadata
// is asked of brokers that answer before the one that did not, and never of a fenced one; the
// consumer follows a partition whose leader died; the admin client finds a live broker. The
// producer is idempotent (the default): every record lands once, in order, through the failover.
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeBatch } from '@samsa/protocol';
import type { Producer } from './producer.js';
import { Samsa } from './client.js';
import { FakeCluster } from './testing/fake-cluster.js';
import { ManualClock, seededRandom, settle } from './testing/manual-clock.js';

function setup() {
  const clock = new ManualClock();
  const fake = new FakeCluster(clock);
  const addresses = [1, 2, 3].map((id) => fake.addBroker(id));
  const topic = fake.createTopic('t', 6);
  topic.partitions.forEach((p, i) => (p.leader = (i % 3) + 1));
  const samsa = new Samsa({ brokers: [addresses[0]!], retry: { retries: 10 } }, { transport: fake, clock, random: seededRandom(7) });
  return { clock, fake, samsa, addresses };
}

const values = (fake: FakeCluster, partition: number): string[] => fake.topics.get('t')!.partitions[partition]!.batches.flatMap((b) => decodeRecords(b)).map((r) => r.value!.toString());

/** Moves every partition led by `from` to the next broker in 1..3 that is not `from`. */
function failOver(fake: FakeCluster, from: number): void {
  fake.topics.get('t')!.partitions.forEach((p, i) => {
    if (p.leader === from) fake.moveLeader('t', i, (from % 3) + 1);
  });
}

/** One record to each partition, labelled `<label><partition>`. */
const sendAll = (producer: Producer, label: string) =>
  Promise.all([0, 1, 2, 3, 4, 5].map((partition) => producer.send({ topic: 't', messages: [{ partition, value: `${label}${partition}` }] })));

const batchOf = (value: string): Buffer => encodeBatch([{ value }]);

describe('failover', () => {
  it('routes to each leader and follows the leaders of a broker that died', async () => {
    const { clock, fake, samsa } = setup();
    const producer = samsa.producer({ lingerMs: 0 });
    const first = sendAll(producer, 'a');
    await clock.advance(10);
    await first;
    expect(new Set(fake.callsOf('Produce').map((c) => c.nodeId))).toEqual(new Set([1, 2, 3]));

    // Broker 2 dies; the controller moves its partitions to broker 3 a moment later.
    fake.brokers.get(2)!.up = false;
    const second = sendAll(producer, 'b');
    await clock.advance(300);
    failOver(fake, 2);
    fake.brokers.get(2)!.fenced = true;
    await clock.advance(5_000);
    await second;
    // (The fake keeps one log per partition, so a moved partition's log carries over.)
    for (const p of [0, 1, 2, 3, 4, 5]) expect(values(fake, p)).toEqual(['a' + p, 'b' + p]);
    expect(fake.callsOf('Produce').filter((c) => c.nodeId === 3).length).toBeGreaterThan(1);
    await producer.disconnect();
  });

  it('asks brokers that answer for metadata before one that did not, and never a fenced one', async () => {
    const { clock, fake, samsa, addresses } = setup();
    const producer = samsa.producer({ lingerMs: 0 });
    const first = sendAll(producer, 'a');
    await clock.advance(10);
    await first;
    // Broker 1 (the bootstrap, which has answered every metadata request so far) dies.
    expect(fake.callsOf('Metadata').every((c) => c.nodeId === 1)).toBe(true);
    fake.brokers.get(1)!.up = false;
    failOver(fake, 1);
    const before = fake.calls.length;
    const second = sendAll(producer, 'b');
    await clock.advance(5_000);
    await second;
    // The refresh after the failed send starts with a broker that answers, not with broker 1.
    const metadata = fake.calls.slice(before).filter((c) => c.rpc === 'Metadata');
    expect(metadata.length).toBeGreaterThan(0);
    expect(metadata[0]!.nodeId).not.toBe(1);
    // Once fenced in the metadata, it is not asked at all (only the bootstrap list could name it).
    fake.brokers.get(1)!.fenced = true;
    fake.brokers.get(1)!.up = true;
    await producer.send({ topic: 't', messages: [{ partition: 1, value: 'refresh' }] });
    const after = fake.calls.length;
    fake.moveLeader('t', 0, 3);
    const third = producer.send({ topic: 't', messages: [{ partition: 0, value: 'c0' }] });
    await clock.advance(5_000);
    await third;
    const later = fake.calls.slice(after).filter((c) => c.rpc === 'Metadata');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((c) => c.address !== addresses[0])).toBe(true);
    await producer.disconnect();
  });

  it('keeps a consumer on a partition whose leader died', async () => {
    const { clock, fake, samsa } = setup();
    fake.append('t', 1, batchOf('before'));
    const consumer = samsa.consumer({ maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    consumer.assign([{ topic: 't', partition: 1, offset: 0 }]);
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    for (let i = 0; i < 100 && seen.length < 1; i++) await clock.advance(50);
    expect(seen).toEqual(['before']);
    fake.brokers.get(2)!.up = false;
    failOver(fake, 2);
    fake.append('t', 1, batchOf('after'));
    for (let i = 0; i < 200 && seen.length < 2; i++) await clock.advance(50);
    expect(seen).toEqual(['before', 'after']);
    expect(fake.callsOf('Fetch').some((c) => c.nodeId === 3)).toBe(true);
    await consumer.disconnect();
  });

  it('finds a live broker for admin calls when the one it knew is gone', async () => {
    const { clock, fake, samsa } = setup();
    const admin = samsa.admin();
    await admin.connect();
    fake.brokers.get(1)!.up = false;
    const described = admin.describeCluster();
    await clock.advance(2_000);
    const cluster = await described;
    expect(cluster.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3]);
    const offsets = admin.fetchTopicOffsets('t');
    failOver(fake, 1);
    await clock.advance(5_000);
    expect((await offsets).map((o) => o.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    await admin.disconnect();
    await settle();
  });
});

