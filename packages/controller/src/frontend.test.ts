// Proves the controller frontend over a real LocalMetadataLog in a temp directory: topics are
// created with the partition state the contract names (leader = first replica, epochs 0, ISR =
// replicas) and answered only once applied; every bad input gets its typed error and leaves the
// image exactly as it was (same object, same applied index); validate_only creates nothing;
// placement spreads leaders and followers evenly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCodeName } from '@samsa/protocol';
import { ControllerFrontend, placeReplicas, validateTopicName } from './frontend.js';
import type { CreateTopicSpec } from './frontend.js';
import { LocalMetadataLog } from './metadata-log.js';

const logger = pino({ level: 'silent' });
const endpoint = { name: 'client', host: '127.0.0.1', port: 9092 };

let dir: string;
let log: LocalMetadataLog;
let frontend: ControllerFrontend;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-frontend-'));
  log = await LocalMetadataLog.open({ dataDir: dir, nodeId: 1, logger });
  frontend = new ControllerFrontend(log, { logger, config: { maxMessageBytes: 100_000 } });
  await frontend.registerBroker({ brokerId: 1, incarnationId: 'inc-1', endpoints: [endpoint] });
});

afterEach(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

const spec = (name: string, numPartitions = 1, replicationFactor = 1, configs?: Record<string, string>): CreateTopicSpec => ({ name, numPartitions, replicationFactor, configs });

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
  it('registers a new incarnation unfenced and ignores a repeat of the same one', async () => {
    expect(log.image.brokers.get(1)).toMatchObject({ incarnationId: 'inc-1', fenced: false, endpoints: [endpoint] });
    const index = log.image.appliedIndex;
    expect(await frontend.registerBroker({ brokerId: 1, incarnationId: 'inc-1', endpoints: [endpoint] })).toBe(index);
    await frontend.registerBroker({ brokerId: 1, incarnationId: 'inc-2', endpoints: [{ ...endpoint, port: 9093 }] });
    expect(log.image.brokers.get(1)).toMatchObject({ incarnationId: 'inc-2', fenced: false, endpoints: [{ port: 9093 }] });
    await expect(frontend.registerBroker({ brokerId: -1, incarnationId: 'x', endpoints: [] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('lets the replication factor grow with the live brokers', async () => {
    await frontend.registerBroker({ brokerId: 2, incarnationId: 'inc-2', endpoints: [endpoint] });
    await frontend.registerBroker({ brokerId: 3, incarnationId: 'inc-3', endpoints: [endpoint] });
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

describe('allocateProducerIds', () => {
  it('hands out consecutive blocks', async () => {
    expect(await frontend.allocateProducerIds(1)).toEqual({ firstProducerId: 0, blockSize: 1000 });
    expect(await frontend.allocateProducerIds(1)).toEqual({ firstProducerId: 1000, blockSize: 1000 });
    await expect(frontend.allocateProducerIds(7)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
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
