// Proves the admin calls of issue 5 against the in-memory cluster (three brokers, manual clock):
// describeTopics takes each partition's replica states (log end offset as the leader last saw it,
// in-sync flag) from the partition's leader, and has none when the leader does not answer;
// electLeaders sends the election type and the partitions asked for, and resolves with one
// result per partition whose "not needed" / "not available" / unknown-topic outcomes are codes in
// the data, while a failure of the whole call is retried when retriable and rejects otherwise;
// alterConfigs alters a broker's dynamic configs (type 'broker', named by its id) as well as a
// topic's, checks every resource before sending any, and rejects with the code the broker gives.
import { describe, expect, it } from 'vitest';
import { SamsaError, encodeBatch } from '@samsa/protocol';
import { Samsa } from './client.js';
import { FakeCluster } from './testing/fake-cluster.js';
import { ManualClock, seededRandom, settle } from './testing/manual-clock.js';
import { ConfigResourceTypes } from './types.js';

function setup() {
  const clock = new ManualClock();
  const fake = new FakeCluster(clock);
  const addresses = [1, 2, 3].map((id) => fake.addBroker(id));
  const samsa = new Samsa({ brokers: [addresses[0]!], retry: { retries: 5 } }, { transport: fake, clock, random: seededRandom(11) });
  return { clock, fake, admin: samsa.admin() };
}

/** `count` records in one batch. */
const batchOf = (count: number): Buffer => encodeBatch(Array.from({ length: count }, (_, i) => ({ value: `v${i}` })));

describe('describeTopics replica states', () => {
  it("takes each partition's replica states from its leader", async () => {
    const { fake, admin } = setup();
    const t = fake.createTopic('orders', 2);
    Object.assign(t.partitions[0]!, { leader: 2, replicas: [2, 1, 3], isr: [2, 1], followerLogEndOffsets: new Map([[1, 7]]) });
    Object.assign(t.partitions[1]!, { leader: 3, replicas: [3, 1, 2], isr: [3, 1, 2], followerLogEndOffsets: new Map([[1, 4], [2, 4]]) });
    fake.append('orders', 0, batchOf(10));
    fake.append('orders', 1, batchOf(4));
    const [d] = await admin.describeTopics(['orders']);
    expect(d!.partitions.map((p) => [p.leader, p.replicas, p.isr, p.logEndOffset])).toEqual([
      [2, [2, 1, 3], [2, 1], '10'],
      [3, [3, 1, 2], [3, 1, 2], '4'],
    ]);
    expect(d!.partitions[0]!.replicaStates).toEqual([
      { brokerId: 2, logEndOffset: '10', inSync: true },
      { brokerId: 1, logEndOffset: '7', inSync: true },
      { brokerId: 3, logEndOffset: '-1', inSync: false },
    ]);
    expect(d!.partitions[1]!.replicaStates).toEqual([
      { brokerId: 3, logEndOffset: '4', inSync: true },
      { brokerId: 1, logEndOffset: '4', inSync: true },
      { brokerId: 2, logEndOffset: '4', inSync: true },
    ]);
    // Each leader was asked (the bootstrap broker 1 leads nothing and knows no replica states).
    expect(new Set(fake.callsOf('DescribeTopics').map((c) => c.nodeId))).toEqual(new Set([1, 2, 3]));
    await admin.disconnect();
  });

  it('has no replica states for a partition whose leader does not answer', async () => {
    const { fake, admin } = setup();
    const t = fake.createTopic('orders', 2);
    Object.assign(t.partitions[0]!, { leader: 1, replicas: [1, 2], isr: [1, 2] });
    Object.assign(t.partitions[1]!, { leader: 2, replicas: [2, 1], isr: [2, 1] });
    fake.brokers.get(2)!.up = false;
    const [d] = await admin.describeTopics(['orders']);
    expect(d!.partitions[0]!.replicaStates.map((r) => r.brokerId)).toEqual([1, 2]);
    expect(d!.partitions[1]!.replicaStates).toEqual([]);
    await admin.disconnect();
  });
});

describe('electLeaders', () => {
  it('runs a preferred election everywhere and reports each partition, errors as codes', async () => {
    const { fake, admin } = setup();
    const t = fake.createTopic('b', 3);
    Object.assign(t.partitions[0]!, { leader: 2, replicas: [1, 2, 3], isr: [1, 2, 3] });
    Object.assign(t.partitions[1]!, { leader: 1, replicas: [1, 2], isr: [1, 2] });
    Object.assign(t.partitions[2]!, { leader: 2, replicas: [3, 2], isr: [2] });
    fake.createTopic('a', 1);
    const results = await admin.electLeaders();
    expect(fake.callsOf('ElectLeaders').map((c) => c.request)).toEqual([{ election_type: 'PREFERRED', topics: [] }]);
    expect(results).toEqual([
      { topic: 'a', partition: 0, errorCode: 'ELECTION_NOT_NEEDED', errorMessage: expect.any(String), leader: 1, leaderEpoch: 0 },
      { topic: 'b', partition: 0, errorCode: 'NONE', errorMessage: '', leader: 1, leaderEpoch: 1 },
      { topic: 'b', partition: 1, errorCode: 'ELECTION_NOT_NEEDED', errorMessage: expect.any(String), leader: 1, leaderEpoch: 0 },
      { topic: 'b', partition: 2, errorCode: 'PREFERRED_LEADER_NOT_AVAILABLE', errorMessage: expect.any(String), leader: 2, leaderEpoch: 0 },
    ]);
    expect(t.partitions[0]!.leader).toBe(1);
    await admin.disconnect();
  });

  it('elects for the partitions asked for, and reports a topic that does not exist as data', async () => {
    const { fake, admin } = setup();
    const t = fake.createTopic('t', 3);
    for (const p of t.partitions) Object.assign(p, { leader: 2, replicas: [1, 2], isr: [1, 2] });
    const results = await admin.electLeaders({ type: 'preferred', topicPartitions: [{ topic: 't', partitions: [0, 2] }, { topic: 'ghost' }] });
    expect(fake.callsOf('ElectLeaders')[0]!.request).toEqual({
      election_type: 'PREFERRED',
      topics: [
        { topic: 't', partitions: [0, 2] },
        { topic: 'ghost', partitions: [] },
      ],
    });
    expect(results.map((r) => [r.topic, r.partition, r.errorCode, r.leader])).toEqual([
      ['ghost', -1, 'UNKNOWN_TOPIC_OR_PARTITION', -1],
      ['t', 0, 'NONE', 1],
      ['t', 2, 'NONE', 1],
    ]);
    expect(t.partitions.map((p) => p.leader)).toEqual([1, 2, 1]);
    await admin.disconnect();
  });

  it('runs an unclean election: a leaderless partition gets a live out-of-sync replica, which becomes the ISR', async () => {
    const { fake, admin } = setup();
    const t = fake.createTopic('u', 3);
    // p0 lost its only in-sync replica (2, fenced); p1 has a leader; p2's replicas are all fenced.
    Object.assign(t.partitions[0]!, { leader: -1, replicas: [2, 3], isr: [2] });
    Object.assign(t.partitions[1]!, { leader: 3, replicas: [3, 1], isr: [3] });
    Object.assign(t.partitions[2]!, { leader: -1, replicas: [2], isr: [2] });
    fake.brokers.get(2)!.fenced = true;
    const results = await admin.electLeaders({ type: 'unclean', topicPartitions: [{ topic: 'u' }] });
    expect(fake.callsOf('ElectLeaders')[0]!.request).toEqual({ election_type: 'UNCLEAN', topics: [{ topic: 'u', partitions: [] }] });
    expect(results.map((r) => [r.partition, r.errorCode, r.leader, r.leaderEpoch])).toEqual([
      [0, 'NONE', 3, 1],
      [1, 'ELECTION_NOT_NEEDED', 3, 0],
      [2, 'ELIGIBLE_LEADERS_NOT_AVAILABLE', -1, 0],
    ]);
    expect(t.partitions[0]!.isr).toEqual([3]);
    await admin.disconnect();
  });

  it('retries a retriable failure of the whole call and rejects with any other', async () => {
    const { clock, fake, admin } = setup();
    fake.createTopic('t', 1);
    let refusals = 1;
    fake.interceptor = (call) => (call.rpc === 'ElectLeaders' && refusals-- > 0 ? new SamsaError('NOT_CONTROLLER', 'not the controller') : undefined);
    const elected = admin.electLeaders();
    await clock.advance(1_000);
    expect((await elected).map((r) => r.errorCode)).toEqual(['ELECTION_NOT_NEEDED']);
    expect(fake.callsOf('ElectLeaders')).toHaveLength(2);

    fake.interceptor = (call) => (call.rpc === 'ElectLeaders' ? new SamsaError('INVALID_REQUEST', 'no') : undefined);
    await expect(admin.electLeaders()).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await admin.disconnect();
    await settle();
  });

  it('refuses bad arguments before sending anything', async () => {
    const { fake, admin } = setup();
    const bad: unknown[] = [
      { type: 'dirty' },
      { topicPartitions: [] },
      { topicPartitions: [{ topic: 't', partitions: [] }] },
      { topicPartitions: [{ topic: 't', partitions: [-1] }] },
      { topicPartitions: [{ topic: '' }] },
    ];
    for (const options of bad) {
      await expect(admin.electLeaders(options as Parameters<typeof admin.electLeaders>[0]), JSON.stringify(options)).rejects.toMatchObject({ code: expect.stringMatching(/^INVALID_(REQUEST|TOPIC)$/) });
    }
    expect(fake.callsOf('ElectLeaders')).toHaveLength(0);
    await admin.disconnect();
  });
});

describe('alterConfigs of brokers', () => {
  const RATE = 'follower.replication.throttled.rate';

  it("sets and deletes a broker's dynamic config, named by the broker id", async () => {
    const { fake, admin } = setup();
    const set = await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '2', configEntries: [{ name: RATE, value: '1048576' }] }] });
    expect(set).toEqual({ resources: [{ type: 'broker', name: '2', errorCode: 'NONE' }] });
    expect(fake.callsOf('AlterConfigs')[0]!.request).toEqual({ topic: '', broker: '2', set: { [RATE]: '1048576' }, delete: [], validate_only: false });
    expect(fake.brokerConfigs.get(2)?.get(RATE)).toBe('1048576');
    await admin.alterConfigs({ resources: [{ type: 'broker', name: '2', deleteConfigNames: [RATE] }] });
    expect(fake.brokerConfigs.get(2)?.has(RATE)).toBe(false);
    await admin.disconnect();
  });

  it('rejects with the code the broker gives, naming the broker', async () => {
    const { fake, admin } = setup();
    const bad = admin.alterConfigs({ resources: [{ type: 'broker', name: '2', configEntries: [{ name: RATE, value: '0' }] }] });
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { broker: '2' } });
    await expect(admin.alterConfigs({ resources: [{ type: 'broker', name: '9', configEntries: [{ name: RATE, value: '10' }] }] })).rejects.toMatchObject({
      code: 'BROKER_ID_NOT_REGISTERED',
      details: { broker: '9' },
    });
    expect(fake.brokerConfigs.get(2)?.has(RATE) ?? false).toBe(false);
    await admin.disconnect();
  });

  it('alters topics and brokers in one call; a failure of one leaves the other altered', async () => {
    const { fake, admin } = setup();
    fake.createTopic('t', 1);
    const both = admin.alterConfigs({
      resources: [
        { name: 't', configEntries: [{ name: 'retention.ms', value: '1000' }] },
        { type: 'broker', name: '3', configEntries: [{ name: 'no.such.key', value: '1' }] },
      ],
    });
    await expect(both).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { broker: '3', failures: [{ broker: '3', code: 'INVALID_CONFIG' }] } });
    expect(fake.topics.get('t')!.configs.get('retention.ms')).toBe('1000');
    await admin.disconnect();
  });

  it('checks every resource before sending any', async () => {
    const { fake, admin } = setup();
    fake.createTopic('t', 1);
    for (const resource of [
      { type: 'broker' as const, name: 'two' },
      { type: 'broker' as const, name: '-1' },
      { type: 'broker' as const, name: '4294967296' },
      { type: 'cluster' as unknown as 'broker', name: '1' },
    ]) {
      const call = admin.alterConfigs({ resources: [{ name: 't', configEntries: [{ name: 'retention.ms', value: '1' }] }, resource] });
      await expect(call, JSON.stringify(resource)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    }
    expect(fake.callsOf('AlterConfigs')).toHaveLength(0);
    await admin.disconnect();
  });
});
