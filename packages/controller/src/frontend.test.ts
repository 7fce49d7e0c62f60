// Proves the controller frontend over a real LocalMetadataLog in a temp directory: topics are
// created with the partition state the contract names (leader = first replica, epochs 0, ISR =
// replicas) and answered only once applied; every bad input gets its typed error and leaves the
// image exactly as it was (same object, same applied index); validate_only creates nothing;
// placement spreads leaders and followers evenly; brokers register fenced, a new incarnation takes
// the old one's leaderships away in the same commit; fencing elects new leaders from the ISR and
// never empties one, unfencing gives leaderless partitions a leader back; AlterPartition accepts
// only current epochs and unfenced new members. Issue 5: preferred and unclean elections on demand
// (outcomes per partition, one commit for all), the preferred replica leading again in a second
// commit once an ISR change brings it back, controlled shutdown (moveAwayFrom / nothingToMove with
// the shuttingDown hook the QuorumController sets), unclean.leader.election.enable as a topic
// config, and dynamic broker configs. States the frontend reaches only through other paths (a
// leader that is not the first replica while it is in sync) are written to the log directly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCodeName } from '@samsa/protocol';
import { FOLLOWER_THROTTLE_KEY, followerThrottleBytesPerSec } from './broker-dynamic-config.js';
import { ControllerFrontend, placeReplicas, validateTopicName } from './frontend.js';
import type { CreateTopicSpec } from './frontend.js';
import type { PartitionState } from './image.js';
import { LocalMetadataLog } from './metadata-log.js';
import type { MetadataUpdate } from './metadata-log.js';
import { Records } from './records.js';

const logger = pino({ level: 'silent' });
const endpoint = { name: 'client', host: '127.0.0.1', port: 9092 };

let dir: string;
let log: LocalMetadataLog;
let frontend: ControllerFrontend;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-frontend-'));
  log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
  frontend = new ControllerFrontend(log, { logger, config: { maxMessageBytes: 100_000 } });
  await joinBroker(1, 'inc-1');
});

/** Registers a broker and unfences it (as the active controller does once it has caught up). */
async function joinBroker(brokerId: number, incarnationId: string): Promise<void> {
  await frontend.registerBroker({ brokerId, incarnationId, endpoints: [endpoint] });
  await frontend.unfenceBroker(brokerId, incarnationId);
}

afterEach(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

const spec = (name: string, numPartitions = 1, replicationFactor = 1, configs?: Record<string, string>): CreateTopicSpec => ({ name, numPartitions, replicationFactor, configs });

const partitionOf = (topic: string, partition: number): PartitionState => log.image.topicsByName.get(topic)!.partitions[partition]!;

/** Writes a partition's next state straight to the log (leader epoch + 1 if the leader changes). */
async function setPartition(topic: string, partition: number, change: { leaderId?: number; isr?: number[] }): Promise<void> {
  const t = log.image.topicsByName.get(topic)!;
  const old = t.partitions[partition]!;
  const leaderId = change.leaderId ?? old.leaderId;
  const leaderEpoch = leaderId === old.leaderId ? old.leaderEpoch : old.leaderEpoch + 1;
  await log.append([Records.partitionChanged({ topicId: t.id, partition, replicas: old.replicas, leaderId, leaderEpoch, isr: change.isr ?? old.isr, partitionEpoch: old.partitionEpoch + 1 })]);
}

/** Runs `op` and returns its result with the commits it made (one update per append). */
async function withCommits<T>(op: () => Promise<T>): Promise<[T, MetadataUpdate[]]> {
  const commits: MetadataUpdate[] = [];
  const off = log.subscribe((u) => commits.push(u));
  try {
    return [await op(), commits];
  } finally {
    off();
  }
}

const codes = (outcomes: readonly { topic: string; partition: number; error?: { code: string } }[]) => outcomes.map((o) => [o.topic, o.partition, o.error?.code]);

describe('createTopics', () => {
  it('creates topics with the contract partition state, after the records are applied', async () => {
    const [out] = await frontend.createTopics([spec('orders', 3, 1, { 'retention.ms': '5000' })]);
    expect(out?.error).toBeUndefined();
    expect(out).toMatchObject({ name: 'orders', numPartitions: 3, replicationFactor: 1 });
    const topic = log.image.topicsByName.get('orders')!;
    expect(topic.id.equals(out!.topicId!)).toBe(true);
    expect(topic.partitions).toEqual([0, 1, 2].map(() => ({ replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 })));
    expect(topic.configs.get('retention.ms')).toBe('5000');
  });

  it('uses the defaults for -1 partitions and replication factor 0', async () => {
    const [out] = await frontend.createTopics([spec('d', -1, 0)]);
    expect(out).toMatchObject({ numPartitions: 1, replicationFactor: 1 });
    expect(out?.error).toBeUndefined();
  });

  it('validate_only validates and creates nothing', async () => {
    const before = log.image;
    const [ok, bad] = await frontend.createTopics([spec('x', 2), spec('x..y', 0)], { validateOnly: true });
    expect(ok).toMatchObject({ name: 'x', numPartitions: 2, replicationFactor: 1 });
    expect(ok?.error).toBeUndefined();
    expect(ok?.topicId).toBeUndefined();
    expect(bad?.error?.code).toBe('INVALID_PARTITIONS');
    expect(log.image).toBe(before);
  });

  describe('every bad input gets its typed error and changes nothing', () => {
    const cases: [string, () => CreateTopicSpec[], ErrorCodeName][] = [
      ['an empty name', () => [spec('')], 'INVALID_TOPIC'],
      ['a name of 250 characters', () => [spec('a'.repeat(250))], 'INVALID_TOPIC'],
      ['the name "."', () => [spec('.')], 'INVALID_TOPIC'],
      ['the name ".."', () => [spec('..')], 'INVALID_TOPIC'],
      ['a name with a space', () => [spec('a b')], 'INVALID_TOPIC'],
      ['a name with a slash', () => [spec('a/b')], 'INVALID_TOPIC'],
      ['a name with non-ASCII letters', () => [spec('tópico')], 'INVALID_TOPIC'],
      ['zero partitions', () => [spec('t', 0)], 'INVALID_PARTITIONS'],
      ['-2 partitions', () => [spec('t', -2)], 'INVALID_PARTITIONS'],
      ['10 001 partitions', () => [spec('t', 10_001)], 'INVALID_PARTITIONS'],
      ['a replication factor above the live brokers', () => [spec('t', 1, 2)], 'INVALID_REPLICATION_FACTOR'],
      ['a negative replication factor', () => [spec('t', 1, -3)], 'INVALID_REPLICATION_FACTOR'],
      ['an unknown config', () => [spec('t', 1, 1, { 'segment.bytes': '1' })], 'INVALID_CONFIG'],
      ['cleanup.policy compact', () => [spec('t', 1, 1, { 'cleanup.policy': 'compact' })], 'INVALID_CONFIG'],
      ['a non-numeric retention.ms', () => [spec('t', 1, 1, { 'retention.ms': '1d' })], 'INVALID_CONFIG'],
      ['retention.bytes below -1', () => [spec('t', 1, 1, { 'retention.bytes': '-2' })], 'INVALID_CONFIG'],
      ['max.message.bytes above the broker max', () => [spec('t', 1, 1, { 'max.message.bytes': '100001' })], 'INVALID_CONFIG'],
      ['a bad timestamp type', () => [spec('t', 1, 1, { 'message.timestamp.type': 'Now' })], 'INVALID_CONFIG'],
      ['min.insync.replicas above the replication factor', () => [spec('t', 1, 1, { 'min.insync.replicas': '2' })], 'INVALID_CONFIG'],
      ['the same name twice in one request', () => [spec('t'), spec('t')], 'INVALID_REQUEST'],
    ];
    for (const [what, topics, code] of cases) {
      it(what, async () => {
        const before = log.image;
        const outcomes = await frontend.createTopics(topics());
        for (const o of outcomes) expect(o.error?.code).toBe(code);
        expect(log.image).toBe(before);
      });
    }

    it('an existing name', async () => {
      await frontend.createTopics([spec('t')]);
      const before = log.image;
      const [out] = await frontend.createTopics([spec('t', 5)]);
      expect(out?.error?.code).toBe('TOPIC_ALREADY_EXISTS');
      expect(log.image).toBe(before);
    });
  });

  it('answers each topic of a request on its own', async () => {
    const outcomes = await frontend.createTopics([spec('good'), spec('bad name')]);
    expect(outcomes.map((o) => o.error?.code)).toEqual([undefined, 'INVALID_TOPIC']);
    expect([...log.image.topicsByName.keys()]).toEqual(['good']);
  });
});

describe('deleteTopics', () => {
  it('deletes existing topics and reports unknown ones without changing anything', async () => {
    await frontend.createTopics([spec('a'), spec('b')]);
    const before = log.image;
    const [unknown] = await frontend.deleteTopics(['nope']);
    expect(unknown?.error?.code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(log.image).toBe(before);
    const outcomes = await frontend.deleteTopics(['a', 'zzz']);
    expect(outcomes.map((o) => o.error?.code)).toEqual([undefined, 'UNKNOWN_TOPIC_OR_PARTITION']);
    expect([...log.image.topicsByName.keys()]).toEqual(['b']);
  });
});

describe('alterConfigs', () => {
  it('sets, removes (by delete or an empty value) and validates', async () => {
    await frontend.createTopics([spec('t')]);
    await frontend.alterConfigs('t', { set: { 'retention.ms': '10', 'retention.bytes': '20' } });
    expect(Object.fromEntries(log.image.topicsByName.get('t')!.configs)).toEqual({ 'retention.ms': '10', 'retention.bytes': '20' });
    await frontend.alterConfigs('t', { set: { 'retention.ms': '' }, delete: ['retention.bytes'] });
    expect(log.image.topicsByName.get('t')!.configs.size).toBe(0);

    const before = log.image;
    const attempts: [() => Promise<void>, ErrorCodeName][] = [
      [() => frontend.alterConfigs('nope', { set: { 'retention.ms': '1' } }), 'UNKNOWN_TOPIC_OR_PARTITION'],
      [() => frontend.alterConfigs('t', { set: { 'no.such.key': '1' } }), 'INVALID_CONFIG'],
      [() => frontend.alterConfigs('t', { delete: ['no.such.key'] }), 'INVALID_CONFIG'],
      [() => frontend.alterConfigs('t', { set: { 'retention.ms': 'soon' } }), 'INVALID_CONFIG'],
      [() => frontend.alterConfigs('t', { set: { 'retention.ms': '1' }, delete: ['retention.ms'] }), 'INVALID_CONFIG'],
    ];
    for (const [attempt, code] of attempts) await expect(attempt()).rejects.toMatchObject({ code });
    await frontend.alterConfigs('t', { set: { 'retention.ms': '1' } }, { validateOnly: true });
    await frontend.alterConfigs('t', { delete: ['retention.ms'] }); // not set: nothing to record
    expect(log.image).toBe(before);
  });
});

describe('registerBroker', () => {
  it('registers a new incarnation fenced, with its record offset as the broker epoch, and ignores a repeat', async () => {
    const epoch = await frontend.registerBroker({ brokerId: 2, incarnationId: 'a', endpoints: [endpoint], rack: 'r' });
    expect(log.image.brokers.get(2)).toEqual({ id: 2, incarnationId: 'a', endpoints: [endpoint], rack: 'r', fenced: true, epoch });
    expect(epoch).toBe(log.image.appliedIndex);
    const before = log.image;
    expect(await frontend.registerBroker({ brokerId: 2, incarnationId: 'a', endpoints: [endpoint] })).toBe(epoch);
    expect(log.image).toBe(before);
    expect(await frontend.unfenceBroker(2, 'a')).toBe(epoch + 1);
    expect(log.image.brokers.get(2)?.fenced).toBe(false);
    expect(await frontend.unfenceBroker(2, 'a')).toBeUndefined();
    expect(await frontend.unfenceBroker(2, 'other')).toBeUndefined();
  });

  it('replaces an old incarnation and takes its leaderships and ISR places away in the same commit', async () => {
    await joinBroker(2, 'inc-2');
    await frontend.createTopics([spec('t', 4, 2)]);
    const led = log.image.topicsByName.get('t')!.partitions.map((p) => p.leaderId);
    expect(led.filter((l) => l === 2)).toHaveLength(2);
    const epoch = await frontend.registerBroker({ brokerId: 2, incarnationId: 'inc-2b', endpoints: [{ ...endpoint, port: 9093 }] });
    expect(log.image.brokers.get(2)).toMatchObject({ incarnationId: 'inc-2b', fenced: true, epoch, endpoints: [{ port: 9093 }] });
    for (const p of log.image.topicsByName.get('t')!.partitions) {
      expect(p.leaderId).toBe(1);
      expect(p.isr).toEqual([1]);
    }
    // One commit: the registration is the first record, the partition changes follow it.
    expect(log.image.appliedIndex).toBe(epoch + 4);
  });

  it('refuses bad registrations', async () => {
    await expect(frontend.registerBroker({ brokerId: -1, incarnationId: 'x', endpoints: [] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(frontend.registerBroker({ brokerId: 5, incarnationId: '', endpoints: [] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(frontend.registerBroker({ brokerId: 5, incarnationId: 'x', endpoints: [{ name: 'c', host: '', port: 1 }] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(frontend.registerBroker({ brokerId: 5, incarnationId: 'x', endpoints: [], clusterId: 'another' })).rejects.toMatchObject({ code: 'INCONSISTENT_CLUSTER_ID' });
    expect(log.image.brokers.has(5)).toBe(false);
  });

  it('lets the replication factor grow with the live brokers only', async () => {
    await joinBroker(2, 'inc-2');
    await frontend.registerBroker({ brokerId: 3, incarnationId: 'inc-3', endpoints: [endpoint] });
    const [fencedOut] = await frontend.createTopics([spec('r3', 30, 3)]);
    expect(fencedOut?.error?.code).toBe('INVALID_REPLICATION_FACTOR');
    await frontend.unfenceBroker(3, 'inc-3');
    const [out] = await frontend.createTopics([spec('r3', 30, 3)]);
    expect(out?.error).toBeUndefined();
    const leaders = new Map<number, number>();
    for (const p of log.image.topicsByName.get('r3')!.partitions) {
      expect(new Set(p.replicas).size).toBe(3);
      expect(p.leaderId).toBe(p.replicas[0]);
      leaders.set(p.leaderId, (leaders.get(p.leaderId) ?? 0) + 1);
    }
    expect(Object.fromEntries(leaders)).toEqual({ 1: 10, 2: 10, 3: 10 });
  });
});

describe('fenceBroker and unfenceBroker', () => {
  it('moves leaderships to the first live ISR member, shrinks ISRs but never empties one, and gives leaders back', async () => {
    await joinBroker(2, 'inc-2');
    await joinBroker(3, 'inc-3');
    await frontend.createTopics([spec('t', 6, 3)]);
    const topic = () => log.image.topicsByName.get('t')!;
    const before = topic().partitions;

    expect(await frontend.fenceBroker(2, 'inc-2', { stillDue: () => false })).toBeUndefined();
    expect(await frontend.fenceBroker(2, 'another-incarnation')).toBeUndefined();
    const fencedAt = await frontend.fenceBroker(2, 'inc-2', { reason: 'test' });
    expect(fencedAt).toBe(log.image.appliedIndex);
    expect(log.image.brokers.get(2)?.fenced).toBe(true);
    topic().partitions.forEach((p, i) => {
      const old = before[i]!;
      expect(p.isr).toEqual(old.isr.filter((id) => id !== 2));
      expect(p.partitionEpoch).toBe(old.partitionEpoch + 1);
      if (old.leaderId === 2) {
        expect(p.leaderId).toBe(old.replicas.find((id) => id !== 2));
        expect(p.leaderEpoch).toBe(old.leaderEpoch + 1);
      } else {
        expect([p.leaderId, p.leaderEpoch]).toEqual([old.leaderId, old.leaderEpoch]);
      }
    });
    expect(await frontend.fenceBroker(2, 'inc-2')).toBeUndefined(); // already fenced

    // Fencing the rest leaves each ISR with its last member and no leader.
    await frontend.fenceBroker(1, 'inc-1');
    await frontend.fenceBroker(3, 'inc-3');
    const leaderless = topic().partitions;
    for (const p of leaderless) {
      expect(p.leaderId).toBe(-1);
      expect(p.isr).toHaveLength(1);
    }

    // Unfencing a broker gives it the partitions whose last ISR member it is.
    await frontend.unfenceBroker(3, 'inc-3');
    topic().partitions.forEach((p, i) => {
      const old = leaderless[i]!;
      if (old.isr[0] === 3) expect([p.leaderId, p.leaderEpoch, p.isr]).toEqual([3, old.leaderEpoch + 1, [3]]);
      else expect(p).toBe(old);
    });
  });

  it('elects outside the ISR only when unclean election is allowed for the topic', async () => {
    const unclean = new ControllerFrontend(log, { logger, uncleanLeaderElection: (t) => t.name === 'dirty' });
    await joinBroker(2, 'inc-2');
    await unclean.createTopics([spec('dirty', 1, 2), spec('clean', 1, 2)]);
    // Broker 2 drops out of both ISRs, then broker 1 (the last member) is fenced too.
    await unclean.fenceBroker(2, 'inc-2');
    await unclean.unfenceBroker(2, 'inc-2');
    await unclean.fenceBroker(1, 'inc-1');
    expect(log.image.topicsByName.get('dirty')!.partitions[0]).toMatchObject({ leaderId: 2, isr: [2] });
    expect(log.image.topicsByName.get('clean')!.partitions[0]).toMatchObject({ leaderId: -1, isr: [1] });
  });
});

describe('alterPartition', () => {
  it('accepts current epochs and unfenced new members, refuses the rest with typed errors', async () => {
    await joinBroker(2, 'inc-2');
    await joinBroker(3, 'inc-3');
    await frontend.createTopics([spec('t', 1, 3)]);
    const topic = log.image.topicsByName.get('t')!;
    const p0 = topic.partitions[0]!;
    const leader = p0.leaderId;
    const brokerEpoch = log.image.brokers.get(leader)!.epoch;
    const followers = p0.replicas.filter((id) => id !== leader);
    const change = (over: Partial<{ leaderEpoch: number; partitionEpoch: number; newIsr: number[] }> = {}) => ({
      topicId: topic.id, partition: 0, leaderEpoch: p0.leaderEpoch, partitionEpoch: p0.partitionEpoch, newIsr: [leader, followers[0]!], ...over,
    });

    const shrink = await frontend.alterPartition(leader, brokerEpoch, [change()]);
    expect(shrink.outcomes[0]?.error).toBeUndefined();
    expect(shrink.outcomes[0]?.state).toMatchObject({ leaderId: leader, leaderEpoch: 0, isr: [leader, followers[0]], partitionEpoch: 1 });
    expect(log.image.topicsByName.get('t')!.partitions[0]).toEqual(shrink.outcomes[0]?.state);
    expect(shrink.index).toBe(log.image.appliedIndex);

    const codes = async (...changes: ReturnType<typeof change>[]) => (await frontend.alterPartition(leader, brokerEpoch, changes)).outcomes.map((o) => o.error?.code);
    expect(await codes(change())).toEqual(['INVALID_UPDATE_VERSION']);
    expect(await codes(change({ partitionEpoch: 1, leaderEpoch: -1 + 0 }))).toEqual(['FENCED_LEADER_EPOCH']);
    expect(await codes(change({ partitionEpoch: 1, leaderEpoch: 1 }))).toEqual(['UNKNOWN_LEADER_EPOCH']);
    expect(await codes(change({ partitionEpoch: 1, newIsr: [followers[0]!] }))).toEqual(['INVALID_REQUEST']);
    expect(await codes(change({ partitionEpoch: 1, newIsr: [leader, 9] }))).toEqual(['INELIGIBLE_REPLICA']);
    expect(await codes({ ...change(), topicId: Buffer.alloc(16, 9) })).toEqual(['UNKNOWN_TOPIC_ID']);
    expect(await codes({ ...change(), partition: 5 })).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
    expect(await codes(change({ partitionEpoch: 1 }), change({ partitionEpoch: 1 }))).toEqual([undefined, 'INVALID_REQUEST']);
    await expect(frontend.alterPartition(leader, brokerEpoch + 100, [change()])).rejects.toMatchObject({ code: 'STALE_BROKER_EPOCH' });
    await expect(frontend.alterPartition(42, -1, [change()])).rejects.toMatchObject({ code: 'BROKER_ID_NOT_REGISTERED' });
    const notLeader = await frontend.alterPartition(followers[0]!, -1, [change({ partitionEpoch: 1 })]);
    expect(notLeader.outcomes[0]?.error?.code).toBe('NOT_LEADER_OR_FOLLOWER');

    // A fenced broker cannot join the ISR; once unfenced it can.
    const outsider = followers[1]!;
    await frontend.fenceBroker(outsider, `inc-${outsider}`);
    const current = log.image.topicsByName.get('t')!.partitions[0]!;
    const grow = { topicId: topic.id, partition: 0, leaderEpoch: current.leaderEpoch, partitionEpoch: current.partitionEpoch, newIsr: [leader, followers[0]!, outsider] };
    expect((await frontend.alterPartition(leader, brokerEpoch, [grow])).outcomes[0]?.error?.code).toBe('INELIGIBLE_REPLICA');
    await frontend.unfenceBroker(outsider, `inc-${outsider}`);
    const grown = await frontend.alterPartition(leader, brokerEpoch, [grow]);
    expect(grown.outcomes[0]?.state).toMatchObject({ isr: [leader, followers[0], outsider], partitionEpoch: current.partitionEpoch + 1 });
  });
});

describe('electLeaders', () => {
  beforeEach(async () => {
    await joinBroker(2, 'inc-2');
    await joinBroker(3, 'inc-3');
    await frontend.createTopics([spec('a', 3, 3), spec('b', 2, 3)]);
  });

  it('PREFERRED over every topic moves leadership back to in-sync live first replicas, in one commit', async () => {
    await setPartition('a', 0, { leaderId: partitionOf('a', 0).replicas[1] });
    await setPartition('a', 1, { leaderId: partitionOf('a', 1).replicas[2] });
    const b1 = partitionOf('b', 1);
    await setPartition('b', 1, { leaderId: b1.replicas[1], isr: b1.replicas.slice(1) }); // its first replica fell out of sync
    const before = [0, 1, 2].map((p) => partitionOf('a', p));
    const b1Before = partitionOf('b', 1);

    const [result, commits] = await withCommits(() => frontend.electLeaders('PREFERRED'));
    expect(codes(result.outcomes)).toEqual([
      ['a', 0, undefined],
      ['a', 1, undefined],
      ['a', 2, 'ELECTION_NOT_NEEDED'],
      ['b', 0, 'ELECTION_NOT_NEEDED'],
      ['b', 1, 'PREFERRED_LEADER_NOT_AVAILABLE'],
    ]);
    for (const p of [0, 1]) {
      const old = before[p]!;
      expect(partitionOf('a', p)).toEqual({ replicas: old.replicas, leaderId: old.replicas[0], leaderEpoch: old.leaderEpoch + 1, isr: old.isr, partitionEpoch: old.partitionEpoch + 1 });
      expect(result.outcomes[p]?.state).toEqual(partitionOf('a', p));
    }
    // The others are untouched, and their outcomes carry the current state.
    expect(partitionOf('a', 2)).toBe(before[2]);
    expect(partitionOf('b', 1)).toBe(b1Before);
    expect(result.outcomes[4]?.state).toBe(b1Before);
    expect(commits.map((c) => c.entries.length)).toEqual([2]);
    expect(result.index).toBe(log.image.appliedIndex);
  });

  it('takes named partitions, and reports unknown topics and partitions', async () => {
    await setPartition('a', 0, { leaderId: partitionOf('a', 0).replicas[1] });
    const { outcomes } = await frontend.electLeaders('PREFERRED', [{ topic: 'a', partitions: [0, 7] }, { topic: 'nope' }, { topic: 'b', partitions: [1] }]);
    expect(codes(outcomes)).toEqual([
      ['a', 0, undefined],
      ['a', 7, 'UNKNOWN_TOPIC_OR_PARTITION'],
      ['nope', -1, 'UNKNOWN_TOPIC_OR_PARTITION'],
      ['b', 1, 'ELECTION_NOT_NEEDED'],
    ]);
    expect(partitionOf('a', 0).leaderId).toBe(partitionOf('a', 0).replicas[0]);
  });

  it('commits nothing when nothing is to be elected', async () => {
    const before = log.image;
    const result = await frontend.electLeaders('PREFERRED');
    expect(result.outcomes.every((o) => o.error?.code === 'ELECTION_NOT_NEEDED')).toBe(true);
    expect(result.outcomes).toHaveLength(5);
    expect(result.index).toBe(before.appliedIndex);
    expect(log.image).toBe(before);
  });

  it('PREFERRED does not choose a first replica that is shutting down', async () => {
    await setPartition('a', 0, { leaderId: partitionOf('a', 0).replicas[1] }); // broker 1 stays in the ISR
    frontend.shuttingDown = (id) => id === 1;
    const refused = await frontend.electLeaders('PREFERRED', [{ topic: 'a', partitions: [0] }]);
    expect(codes(refused.outcomes)).toEqual([['a', 0, 'PREFERRED_LEADER_NOT_AVAILABLE']]);
    frontend.shuttingDown = () => false;
    const elected = await frontend.electLeaders('PREFERRED', [{ topic: 'a', partitions: [0] }]);
    expect(elected.outcomes[0]?.error).toBeUndefined();
    expect(partitionOf('a', 0).leaderId).toBe(1);
  });

  it('UNCLEAN elects a live out-of-sync replica only where no live leader is, the new leader alone in the ISR', async () => {
    await frontend.createTopics([spec('solo', 3, 1)]);
    const soloOf1 = log.image.topicsByName.get('solo')!.partitions.findIndex((p) => p.replicas[0] === 1);
    const a0 = partitionOf('a', 0);
    expect(a0.leaderId).toBe(1);
    await setPartition('a', 0, { isr: [1] }); // its followers fell behind
    await frontend.fenceBroker(1, 'inc-1');
    const leaderless = partitionOf('a', 0);
    expect(leaderless).toMatchObject({ leaderId: -1, isr: [1] }); // the topic default: clean elections only
    // Its preferred replica is in the ISR but fenced.
    expect(codes((await frontend.electLeaders('PREFERRED', [{ topic: 'a', partitions: [0] }])).outcomes)).toEqual([['a', 0, 'PREFERRED_LEADER_NOT_AVAILABLE']]);

    const [result, commits] = await withCommits(() => frontend.electLeaders('UNCLEAN', [{ topic: 'a' }, { topic: 'solo', partitions: [soloOf1] }]));
    expect(codes(result.outcomes)).toEqual([
      ['a', 0, undefined],
      ['a', 1, 'ELECTION_NOT_NEEDED'],
      ['a', 2, 'ELECTION_NOT_NEEDED'],
      ['solo', soloOf1, 'ELIGIBLE_LEADERS_NOT_AVAILABLE'],
    ]);
    const elected = a0.replicas[1]!;
    expect(partitionOf('a', 0)).toEqual({ replicas: a0.replicas, leaderId: elected, leaderEpoch: leaderless.leaderEpoch + 1, isr: [elected], partitionEpoch: leaderless.partitionEpoch + 1 });
    expect(result.outcomes[0]?.state).toEqual(partitionOf('a', 0));
    expect(commits.map((c) => c.entries.length)).toEqual([1]);
  });

  it('UNCLEAN leaves alone a partition whose leader is shutting down but still serving', async () => {
    await setPartition('a', 0, { isr: [1] });
    frontend.shuttingDown = (id) => id === 1;
    const before = log.image;
    const { outcomes } = await frontend.electLeaders('UNCLEAN', [{ topic: 'a', partitions: [0] }]);
    expect(codes(outcomes)).toEqual([['a', 0, 'ELECTION_NOT_NEEDED']]);
    expect(log.image).toBe(before);
  });
});

describe('preferred election after AlterPartition', () => {
  beforeEach(async () => {
    await joinBroker(2, 'inc-2');
    await joinBroker(3, 'inc-3');
    await frontend.createTopics([spec('t', 3, 3)]);
    // Broker 1 drops out and comes back: out of every ISR, leading nothing.
    await frontend.fenceBroker(1, 'inc-1');
    await frontend.unfenceBroker(1, 'inc-1');
  });

  const rejoin = (partition: number, extra: number) => {
    const p = partitionOf('t', partition);
    return { topicId: log.image.topicsByName.get('t')!.id, partition, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: [...p.isr, extra] };
  };

  it('makes the first replica leader again, in a second commit, once an ISR change brings it back', async () => {
    const p0 = partitionOf('t', 0);
    const p1 = partitionOf('t', 1);
    expect(p0.replicas[0]).toBe(1);
    expect(p1.replicas[0]).not.toBe(1);
    expect([p0.isr.includes(1), p1.isr.includes(1)]).toEqual([false, false]);
    expect(p0.leaderId).toBe(p1.leaderId); // both led by the same broker, so one request carries both
    const [result, commits] = await withCommits(() => frontend.alterPartition(p0.leaderId, -1, [rejoin(0, 1), rejoin(1, 1)]));
    expect(result.outcomes.map((o) => o.error)).toEqual([undefined, undefined]);
    // The outcome is the accepted ISR change; the election follows it.
    expect(result.outcomes[0]?.state).toEqual({ replicas: p0.replicas, leaderId: p0.leaderId, leaderEpoch: p0.leaderEpoch, isr: [...p0.isr, 1], partitionEpoch: p0.partitionEpoch + 1 });
    expect(partitionOf('t', 0)).toEqual({ replicas: p0.replicas, leaderId: 1, leaderEpoch: p0.leaderEpoch + 1, isr: [...p0.isr, 1], partitionEpoch: p0.partitionEpoch + 2 });
    // Broker 1 is not t-1's first replica: it only rejoins the ISR.
    expect(partitionOf('t', 1)).toEqual({ ...p1, isr: [...p1.isr, 1], partitionEpoch: p1.partitionEpoch + 1 });
    expect(commits.map((c) => c.entries.length)).toEqual([2, 1]);
    expect(result.index).toBe(log.image.appliedIndex);
  });

  it('elects nobody when the first replica is shutting down or fenced', async () => {
    const p0 = partitionOf('t', 0);
    frontend.shuttingDown = (id) => id === 1;
    const before = log.image;
    const refused = await frontend.alterPartition(p0.leaderId, -1, [rejoin(0, 1)]);
    expect(refused.outcomes[0]?.error?.code).toBe('INELIGIBLE_REPLICA');
    expect(log.image).toBe(before);

    // Already in the ISR when it began shutting down: an accepted ISR change elects nobody.
    frontend.shuttingDown = () => false;
    await setPartition('t', 0, { isr: [...p0.isr, 1] });
    frontend.shuttingDown = (id) => id === 1;
    const inSync = partitionOf('t', 0);
    const shrink = { topicId: log.image.topicsByName.get('t')!.id, partition: 0, leaderEpoch: inSync.leaderEpoch, partitionEpoch: inSync.partitionEpoch, newIsr: [inSync.leaderId, 1] };
    const [accepted, commits] = await withCommits(() => frontend.alterPartition(inSync.leaderId, -1, [shrink]));
    expect(accepted.outcomes[0]?.error).toBeUndefined();
    expect(commits).toHaveLength(1);
    expect(partitionOf('t', 0)).toMatchObject({ leaderId: inSync.leaderId, leaderEpoch: inSync.leaderEpoch, isr: [inSync.leaderId, 1] });

    frontend.shuttingDown = () => false;
    await frontend.fenceBroker(1, 'inc-1');
    const fenced = partitionOf('t', 0);
    expect((await frontend.alterPartition(fenced.leaderId, -1, [rejoin(0, 1)])).outcomes[0]?.error?.code).toBe('INELIGIBLE_REPLICA');
    expect(partitionOf('t', 0)).toBe(fenced);
  });
});

describe('moveAwayFrom and nothingToMove (controlled shutdown)', () => {
  it('hands leaderships to live in-sync replicas, leaves ISRs with others, and keeps what no other replica can lead', async () => {
    await joinBroker(2, 'inc-2');
    await joinBroker(3, 'inc-3');
    await frontend.createTopics([spec('t', 6, 3), spec('solo', 3, 1)]);
    const t = () => log.image.topicsByName.get('t')!.partitions;
    const lonely = t().findIndex((p) => p.leaderId === 1);
    await setPartition('t', lonely, { isr: [1] }); // its followers fell behind: nobody else can lead it
    const soloOf1 = log.image.topicsByName.get('solo')!.partitions.findIndex((p) => p.replicas[0] === 1);
    const soloBefore = partitionOf('solo', soloOf1);
    frontend.shuttingDown = (id) => id === 1;
    expect(frontend.nothingToMove(1)).toBe(false);
    expect(await frontend.moveAwayFrom(1, 'another-incarnation')).toBeUndefined();
    expect(await frontend.moveAwayFrom(9, 'inc-9')).toBeUndefined();

    const before = t();
    const [index, commits] = await withCommits(() => frontend.moveAwayFrom(1, 'inc-1'));
    expect(commits.map((c) => c.entries.length)).toEqual([5]);
    expect(index).toBe(log.image.appliedIndex);
    t().forEach((p, i) => {
      const old = before[i]!;
      if (i === lonely) {
        expect(p).toBe(old);
        return;
      }
      expect(p.isr).toEqual(old.isr.filter((id) => id !== 1));
      expect(p.partitionEpoch).toBe(old.partitionEpoch + 1);
      if (old.leaderId === 1) expect([p.leaderId, p.leaderEpoch]).toEqual([old.replicas.find((id) => id !== 1), old.leaderEpoch + 1]);
      else expect([p.leaderId, p.leaderEpoch]).toEqual([old.leaderId, old.leaderEpoch]);
    });
    expect(partitionOf('solo', soloOf1)).toBe(soloBefore);
    expect(frontend.nothingToMove(1)).toBe(true);
    expect(await frontend.moveAwayFrom(1, 'inc-1')).toBeUndefined(); // nothing left: no commit
  });

  it('hands nothing to another broker that is shutting down, and does nothing for a fenced broker', async () => {
    await joinBroker(2, 'inc-2');
    await joinBroker(3, 'inc-3');
    await frontend.createTopics([spec('t', 3, 3)]);
    frontend.shuttingDown = (id) => id === 1 || id === 2;
    await frontend.moveAwayFrom(1, 'inc-1');
    // Broker 3 is the only live in-sync replica not shutting down: it takes broker 1's partitions
    // (t-0 is [1, 2, 3]: broker 2 would be next) and broker 2's too.
    expect(partitionOf('t', 0).replicas).toEqual([1, 2, 3]);
    for (const p of log.image.topicsByName.get('t')!.partitions) {
      expect(p.isr).not.toContain(1);
      expect(p.leaderId).toBe(3);
    }
    await frontend.fenceBroker(3, 'inc-3');
    const before = log.image;
    expect(await frontend.moveAwayFrom(3, 'inc-3')).toBeUndefined();
    expect(log.image).toBe(before);
  });
});

describe('unclean.leader.election.enable', () => {
  it('accepts only true and false', async () => {
    for (const value of ['yes', 'TRUE', '1', '']) {
      const [out] = await frontend.createTopics([spec('x', 1, 1, { 'unclean.leader.election.enable': value })]);
      expect(out?.error?.code, value).toBe('INVALID_CONFIG');
    }
    const [ok] = await frontend.createTopics([spec('x', 1, 1, { 'unclean.leader.election.enable': 'true' })]);
    expect(ok?.error).toBeUndefined();
    await expect(frontend.alterConfigs('x', { set: { 'unclean.leader.election.enable': 'no' } })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await frontend.alterConfigs('x', { set: { 'unclean.leader.election.enable': 'false' } });
    expect(log.image.topicsByName.get('x')!.configs.get('unclean.leader.election.enable')).toBe('false');
  });

  it('lets fencing the last ISR member elect a live out-of-sync replica; the default keeps the partition leaderless', async () => {
    await joinBroker(2, 'inc-2');
    await frontend.createTopics([spec('dirty', 1, 2, { 'unclean.leader.election.enable': 'true' }), spec('clean', 1, 2)]);
    // Broker 2 drops out of both ISRs and comes back out of sync; then broker 1, the last member, is fenced.
    await frontend.fenceBroker(2, 'inc-2');
    await frontend.unfenceBroker(2, 'inc-2');
    const dirty = partitionOf('dirty', 0);
    const clean = partitionOf('clean', 0);
    expect([dirty.isr, clean.isr]).toEqual([[1], [1]]);
    await frontend.fenceBroker(1, 'inc-1');
    expect(partitionOf('dirty', 0)).toEqual({ replicas: dirty.replicas, leaderId: 2, leaderEpoch: dirty.leaderEpoch + 1, isr: [2], partitionEpoch: dirty.partitionEpoch + 1 });
    expect(partitionOf('clean', 0)).toMatchObject({ leaderId: -1, isr: [1] });
  });
});

describe('alterBrokerConfigs', () => {
  const key = FOLLOWER_THROTTLE_KEY;

  it('sets, changes and removes (by delete or an empty value) a broker config', async () => {
    await joinBroker(2, 'inc-2');
    expect(followerThrottleBytesPerSec(log.image, 1)).toBe(0);
    await frontend.alterBrokerConfigs(1, { set: { [key]: '1048576' } });
    expect(Object.fromEntries(log.image.brokerConfigs.get(1)!)).toEqual({ [key]: '1048576' });
    expect(followerThrottleBytesPerSec(log.image, 1)).toBe(1_048_576);
    expect(followerThrottleBytesPerSec(log.image, 2)).toBe(0);
    await frontend.alterBrokerConfigs(2, { set: { [key]: '10' } });
    await frontend.alterBrokerConfigs(1, { set: { [key]: '' } });
    expect(log.image.brokerConfigs.has(1)).toBe(false);
    expect(followerThrottleBytesPerSec(log.image, 1)).toBe(0);
    expect(followerThrottleBytesPerSec(log.image, 2)).toBe(10);
    await frontend.alterBrokerConfigs(2, { delete: [key] });
    expect(log.image.brokerConfigs.size).toBe(0);
  });

  it('refuses bad changes with typed errors and writes nothing for them, for validate_only or for no-ops', async () => {
    await frontend.alterBrokerConfigs(1, { set: { [key]: '500' } });
    const before = log.image;
    const attempts: [() => Promise<void>, ErrorCodeName][] = [
      [() => frontend.alterBrokerConfigs(1, { set: { 'no.such.key': '1' } }), 'INVALID_CONFIG'],
      [() => frontend.alterBrokerConfigs(1, { delete: ['no.such.key'] }), 'INVALID_CONFIG'],
      [() => frontend.alterBrokerConfigs(1, { set: { [key]: '1' }, delete: [key] }), 'INVALID_CONFIG'],
      [() => frontend.alterBrokerConfigs(9, { set: { [key]: '1' } }), 'BROKER_ID_NOT_REGISTERED'],
      [() => frontend.alterBrokerConfigs(1, { set: { [key]: 'x' } }, { validateOnly: true }), 'INVALID_CONFIG'],
    ];
    for (const value of ['0', '-5', '1.5', 'abc', ' 10', '1e6', '10 ', '99999999999999999']) {
      attempts.push([() => frontend.alterBrokerConfigs(1, { set: { [key]: value } }), 'INVALID_CONFIG']);
    }
    for (const [attempt, code] of attempts) await expect(attempt()).rejects.toMatchObject({ code });
    await frontend.alterBrokerConfigs(1, { set: { [key]: '7' } }, { validateOnly: true });
    await frontend.alterBrokerConfigs(1, { delete: [key] }, { validateOnly: true });
    await frontend.alterBrokerConfigs(1, { set: { [key]: '500' } }); // the value it has
    await frontend.alterBrokerConfigs(1, {});
    expect(log.image).toBe(before);
    await frontend.alterBrokerConfigs(1, { delete: [key] });
    const cleared = log.image;
    await frontend.alterBrokerConfigs(1, { delete: [key] }); // not set: nothing to record
    expect(log.image).toBe(cleared);
  });
});

describe('allocateProducerIds', () => {
  it('hands out consecutive blocks', async () => {
    expect(await frontend.allocateProducerIds(1)).toEqual({ firstProducerId: 0, blockSize: 1000 });
    expect(await frontend.allocateProducerIds(1, log.image.brokers.get(1)!.epoch)).toEqual({ firstProducerId: 1000, blockSize: 1000 });
    await expect(frontend.allocateProducerIds(7)).rejects.toMatchObject({ code: 'BROKER_ID_NOT_REGISTERED' });
    await expect(frontend.allocateProducerIds(1, 999)).rejects.toMatchObject({ code: 'STALE_BROKER_EPOCH' });
  });
});

describe('placeReplicas', () => {
  it('gives 3 brokers x 30 partitions 10 leaders each, with distinct replicas and even followers', () => {
    for (const start of [0, 1, 2, 7]) {
      const placement = placeReplicas([1, 2, 3], 30, 2, start);
      const leaders = new Map<number, number>();
      const all = new Map<number, number>();
      const pairs = new Set<string>();
      for (const replicas of placement) {
        expect(replicas).toHaveLength(2);
        expect(new Set(replicas).size).toBe(2);
        leaders.set(replicas[0]!, (leaders.get(replicas[0]!) ?? 0) + 1);
        for (const r of replicas) all.set(r, (all.get(r) ?? 0) + 1);
        pairs.add(replicas.join('>'));
      }
      expect([...leaders.values()]).toEqual([10, 10, 10]);
      expect([...all.values()]).toEqual([20, 20, 20]);
      expect(pairs.size).toBeGreaterThan(3); // the follower shift varies who follows whom
    }
  });

  it('rotates leaders with the start index and is deterministic', () => {
    expect(placeReplicas([4, 5, 6], 3, 1, 0)).toEqual([[4], [5], [6]]);
    expect(placeReplicas([4, 5, 6], 3, 1, 1)).toEqual([[5], [6], [4]]);
    expect(placeReplicas([4, 5, 6], 6, 3, 2)).toEqual(placeReplicas([4, 5, 6], 6, 3, 2));
    expect(placeReplicas([9], 2, 1, 5)).toEqual([[9], [9]]);
  });
});

describe('validateTopicName', () => {
  it('accepts Kafka names', () => {
    for (const name of ['a', 'A.b_c-9', '.a', '..a', 'a'.repeat(249)]) expect(() => validateTopicName(name)).not.toThrow();
  });
});
