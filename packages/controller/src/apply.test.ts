// Proves that apply() is a pure, invariant-checking transition: it builds the expected image from
// each record type, never mutates its input, shares what it did not change, refuses records that
// contradict the image (and indexes out of order), and that applying a batch in one ImageDelta
// gives the same image as applying its records one by one. A ConfigChanged with an empty topic id
// changes the dynamic configs of the broker it names, and the broker's entry goes once its last key
// is deleted.
import { describe, expect, it } from 'vitest';
import { topicIdToString } from '@samsa/protocol';
import { apply, applyAll } from './apply.js';
import { emptyImage, liveBrokerIds } from './image.js';
import type { MetadataImage } from './image.js';
import { Records, normalizeRecord } from './records.js';
import type { MetadataRecord } from './records.js';

const id = (n: number): Buffer => Buffer.alloc(16, n);

/** Applies input records as the log does (normalised through encode/decode) from the image's next index. */
function run(image: MetadataImage, ...records: MetadataRecord[]): MetadataImage {
  let out = image;
  for (const r of records) out = apply(out, normalizeRecord(r).record, out.appliedIndex + 1);
  return out;
}

const endpoint = { name: 'client', host: '127.0.0.1', port: 9092 };

function withBrokers(...ids: number[]): MetadataImage {
  let image = emptyImage('cluster-a');
  for (const b of ids) {
    image = run(image, Records.registerBroker({ brokerId: b, incarnationId: `inc-${b}`, endpoints: [endpoint] }), Records.brokerUnfenced(b, `inc-${b}`));
  }
  return image;
}

function topic(topicId: Buffer, name: string, partitions: number, replicas: number[], configs: Record<string, string> = {}): MetadataRecord[] {
  const out = [Records.topicCreated({ name, topicId, configs })];
  for (let p = 0; p < partitions; p++) out.push(Records.partitionChanged({ topicId, partition: p, replicas, leaderId: replicas[0]!, leaderEpoch: 0, isr: replicas, partitionEpoch: 0 }));
  return out;
}

describe('apply', () => {
  it('registers brokers fenced and unfences them', () => {
    let image = run(emptyImage('c'), Records.registerBroker({ brokerId: 1, incarnationId: 'a', endpoints: [endpoint], rack: 'r1' }));
    expect(image.brokers.get(1)).toEqual({ id: 1, incarnationId: 'a', endpoints: [endpoint], rack: 'r1', fenced: true, epoch: 1 });
    expect(liveBrokerIds(image)).toEqual([]);
    image = run(image, Records.brokerUnfenced(1, 'a'));
    expect(image.brokers.get(1)?.fenced).toBe(false);
    expect(liveBrokerIds(image)).toEqual([1]);
    expect(image.appliedIndex).toBe(2);
    // A restart registers a new incarnation, fenced again until unfenced.
    image = run(image, Records.registerBroker({ brokerId: 1, incarnationId: 'b', endpoints: [endpoint] }));
    expect(image.brokers.get(1)).toMatchObject({ incarnationId: 'b', fenced: true, epoch: 3 });
    image = run(image, Records.brokerFenced(1, 'b'));
    expect(image.brokers.get(1)?.fenced).toBe(true);
  });

  it('creates a topic with its partitions and configs, changes configs, deletes it', () => {
    let image = withBrokers(1, 2);
    image = run(image, ...topic(id(7), 'orders', 3, [1, 2], { 'retention.ms': '1000' }));
    const t = image.topicsByName.get('orders')!;
    expect(image.topicsById.get(topicIdToString(id(7)))).toBe(t);
    expect(t.id.equals(id(7))).toBe(true);
    expect(t.partitions).toHaveLength(3);
    expect(t.partitions[2]).toEqual({ replicas: [1, 2], leaderId: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0 });
    expect([...t.configs]).toEqual([['retention.ms', '1000']]);

    image = run(image, Records.configChanged(id(7), { 'retention.bytes': '5' }, ['retention.ms']));
    expect([...image.topicsByName.get('orders')!.configs]).toEqual([['retention.bytes', '5']]);

    image = run(image, Records.partitionChanged({ topicId: id(7), partition: 1, replicas: [1, 2], leaderId: 2, leaderEpoch: 1, isr: [2], partitionEpoch: 1 }));
    expect(image.topicsByName.get('orders')!.partitions[1]).toEqual({ replicas: [1, 2], leaderId: 2, leaderEpoch: 1, isr: [2], partitionEpoch: 1 });

    image = run(image, Records.topicDeleted(id(7), 'orders'));
    expect(image.topicsByName.size).toBe(0);
    expect(image.topicsById.size).toBe(0);
  });

  it('keeps dynamic broker configs from ConfigChanged records without a topic id', () => {
    const base = run(withBrokers(1, 2), ...topic(id(1), 'a', 1, [1, 2]));
    let image = run(base, Records.brokerConfigChanged(1, { 'follower.replication.throttled.rate': '100' }, []));
    expect(Object.fromEntries(image.brokerConfigs.get(1)!)).toEqual({ 'follower.replication.throttled.rate': '100' });
    expect(image.brokerConfigs.has(2)).toBe(false);
    expect(image.topicsById).toBe(base.topicsById); // topics untouched
    expect(base.brokerConfigs.size).toBe(0); // the input image is not changed

    image = run(image, Records.brokerConfigChanged(2, { 'follower.replication.throttled.rate': '7' }, []), Records.brokerConfigChanged(1, { 'follower.replication.throttled.rate': '200' }, []));
    expect(image.brokerConfigs.get(1)?.get('follower.replication.throttled.rate')).toBe('200');
    expect(image.brokerConfigs.get(2)?.get('follower.replication.throttled.rate')).toBe('7');

    const kept = image.brokerConfigs.get(2);
    image = run(image, Records.brokerConfigChanged(1, {}, ['follower.replication.throttled.rate']));
    expect(image.brokerConfigs.has(1)).toBe(false); // its last key: the entry goes
    expect(image.brokerConfigs.get(2)).toBe(kept);
    expect([...image.topicsByName.get('a')!.configs]).toEqual([]);
    expect(() => run(image, Records.brokerConfigChanged(2, { k: '1' }, ['k']))).toThrow(/both sets and deletes k/);
  });

  it('hands out producer ids in consecutive blocks', () => {
    let image = withBrokers(1);
    image = run(image, Records.producerIdsAllocated(1, 0, 1000));
    expect(image.nextProducerId).toBe(1000);
    image = run(image, Records.producerIdsAllocated(1, 1000, 1000));
    expect(image.nextProducerId).toBe(2000);
    expect(() => run(image, Records.producerIdsAllocated(1, 1000, 1000))).toThrow(/ProducerIdsAllocated from 1000, next is 2000/);
  });

  it('never mutates its input and shares what did not change', () => {
    const base = run(withBrokers(1), ...topic(id(1), 'a', 2, [1]), ...topic(id(2), 'b', 1, [1]));
    const a = base.topicsByName.get('a')!;
    const b = base.topicsByName.get('b')!;
    const snapshot = JSON.stringify({ topics: [...base.topicsByName.keys()], a: a.partitions, index: base.appliedIndex });
    const next = run(base, Records.configChanged(id(1), { 'retention.ms': '1' }, []));
    expect(JSON.stringify({ topics: [...base.topicsByName.keys()], a: a.partitions, index: base.appliedIndex })).toBe(snapshot);
    expect(a.configs.size).toBe(0);
    expect(next.topicsByName.get('b')).toBe(b); // untouched topic: same object
    expect(next.brokers).toBe(base.brokers); // untouched map: same object
    expect(next.topicsByName.get('a')!.partitions[0]).toBe(a.partitions[0]); // untouched partition: same object
    expect(Object.isFrozen(next)).toBe(true);
  });

  it('applies a batch in one delta exactly as record by record', () => {
    const records = [...topic(id(3), 'big', 2000, [1]), Records.topicDeleted(id(3), 'big'), ...topic(id(4), 'big', 3, [1])];
    const base = withBrokers(1);
    const oneByOne = run(base, ...records);
    const entries = records.map((r, i) => ({ index: base.appliedIndex + 1 + i, record: normalizeRecord(r).record }));
    const batched = applyAll(base, entries);
    expect(batched.appliedIndex).toBe(oneByOne.appliedIndex);
    expect(batched.topicsByName.get('big')?.idString).toBe(topicIdToString(id(4)));
    expect(batched.topicsByName.get('big')?.partitions).toEqual(oneByOne.topicsByName.get('big')?.partitions);
    expect(batched.topicsById.size).toBe(1);
  });

  it('accepts only the next index', () => {
    const image = withBrokers(1);
    const r = normalizeRecord(Records.brokerFenced(1, 'inc-1')).record;
    expect(() => apply(image, r, image.appliedIndex)).toThrow(/expects index/);
    expect(() => apply(image, r, image.appliedIndex + 2)).toThrow(/expects index/);
    expect(apply(image, r, image.appliedIndex + 1).appliedIndex).toBe(image.appliedIndex + 1);
  });

  describe('refuses records that contradict the image', () => {
    const base = run(withBrokers(1, 2), ...topic(id(1), 'a', 1, [1, 2]));
    const cases: [string, MetadataRecord, RegExp][] = [
      ['a taken topic name', Records.topicCreated({ name: 'a', topicId: id(9) }), /existing topic name a/],
      ['a taken topic id', Records.topicCreated({ name: 'z', topicId: id(1) }), /reuses topic id/],
      ['a topic id of the wrong size', Records.topicCreated({ name: 'z', topicId: Buffer.alloc(3) }), /3 bytes/],
      ['deleting an unknown topic', Records.topicDeleted(id(9), 'z'), /unknown topic/],
      ['deleting under another name', Records.topicDeleted(id(1), 'b'), /names b/],
      ['a partition of an unknown topic', Records.partitionChanged({ topicId: id(9), partition: 0, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }), /unknown topic/],
      ['a partition out of order', Records.partitionChanged({ topicId: id(1), partition: 5, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }), /in order/],
      ['an unregistered replica', Records.partitionChanged({ topicId: id(1), partition: 1, replicas: [1, 3], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }), /replica 3 is not a registered broker/],
      ['duplicate replicas', Records.partitionChanged({ topicId: id(1), partition: 1, replicas: [1, 1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }), /duplicate replicas/],
      ['an ISR member that is no replica', Records.partitionChanged({ topicId: id(1), partition: 1, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0 }), /not a replica/],
      ['a leader outside the ISR', Records.partitionChanged({ topicId: id(1), partition: 1, replicas: [1, 2], leaderId: 2, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }), /not in the ISR/],
      ['a partition epoch that does not grow', Records.partitionChanged({ topicId: id(1), partition: 0, replicas: [1, 2], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }), /partition epoch/],
      ['a leader change without a new epoch', Records.partitionChanged({ topicId: id(1), partition: 0, replicas: [1, 2], leaderId: 2, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1 }), /without a new leader epoch/],
      ['configs of an unknown topic', Records.configChanged(id(9), { 'retention.ms': '1' }, []), /unknown topic/],
      ['unfencing an unknown broker', Records.brokerUnfenced(9, 'x'), /unregistered broker 9/],
      ['unfencing another incarnation', Records.brokerUnfenced(1, 'old'), /incarnation old/],
      ['a record with no type', {}, /sets no record type/],
    ];
    for (const [what, record, message] of cases) {
      it(what, () => {
        const before = JSON.stringify([...base.topicsByName.values()].map((t) => t.partitions));
        expect(() => run(base, record)).toThrow(message);
        expect(JSON.stringify([...base.topicsByName.values()].map((t) => t.partitions))).toBe(before);
      });
    }
  });
});
