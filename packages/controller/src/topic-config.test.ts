// Proves the topic config table: its defaults (including min.insync.replicas following the
// replication factor and max.message.bytes following the broker), the values each key accepts
// and refuses (INVALID_CONFIG naming the key; unclean.leader.election.enable only true or false),
// and the typed settings the broker and the controller's elections read.
import { describe, expect, it } from 'vitest';
import type { TopicImage } from './image.js';
import { TOPIC_CONFIGS, describeTopicConfigs, topicSettings, uncleanLeaderElectionEnabled, validateTopicConfigs } from './topic-config.js';
import { validateConfig } from './config.js';

const ctx = { replicationFactor: 1, maxMessageBytes: 1_048_576 };

function topic(configs: Record<string, string>, replicationFactor = 1): TopicImage {
  const replicas = Array.from({ length: replicationFactor }, (_, i) => i);
  return {
    id: Buffer.alloc(16),
    idString: '00000000-0000-0000-0000-000000000000',
    name: 't',
    internal: false,
    configs: new Map(Object.entries(configs)),
    partitions: [{ replicas, leaderId: 0, leaderEpoch: 0, isr: replicas, partitionEpoch: 0 }],
  };
}

describe('topic config table', () => {
  it('has one documented row per key', () => {
    expect(TOPIC_CONFIGS.map((d) => d.name)).toEqual(['retention.ms', 'retention.bytes', 'max.message.bytes', 'cleanup.policy', 'message.timestamp.type', 'min.insync.replicas', 'unclean.leader.election.enable']);
    for (const d of TOPIC_CONFIGS) expect(d.doc.length).toBeGreaterThan(10);
  });

  it('gives the defaults, min.insync.replicas by replication factor', () => {
    const values = (rf: number) => Object.fromEntries(describeTopicConfigs(topic({}, rf), 1_048_576).map((c) => [c.name, c.value]));
    expect(values(1)).toEqual({
      'retention.ms': '604800000',
      'retention.bytes': '-1',
      'max.message.bytes': '1048576',
      'cleanup.policy': 'delete',
      'message.timestamp.type': 'CreateTime',
      'min.insync.replicas': '1',
      'unclean.leader.election.enable': 'false',
    });
    expect(values(2)['min.insync.replicas']).toBe('1');
    expect(values(3)['min.insync.replicas']).toBe('2');
    expect(describeTopicConfigs(topic({ 'retention.ms': '-1' }), 1000).filter((c) => !c.isDefault)).toEqual([{ name: 'retention.ms', value: '-1', isDefault: false }]);
  });

  it('accepts valid values', () => {
    expect(() => validateTopicConfigs({ 'unclean.leader.election.enable': 'false' }, ctx)).not.toThrow();
    expect(() =>
      validateTopicConfigs(
        { 'retention.ms': '-1', 'retention.bytes': '0', 'max.message.bytes': '1048576', 'cleanup.policy': 'delete', 'message.timestamp.type': 'LogAppendTime', 'min.insync.replicas': '1', 'unclean.leader.election.enable': 'true' },
        ctx,
      ),
    ).not.toThrow();
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ nope: '1' }, /unknown topic config "nope"/],
    [{ 'retention.ms': '-2' }, /retention.ms/],
    [{ 'retention.ms': '1.5' }, /not an integer/],
    [{ 'retention.ms': ' 1' }, /not an integer/],
    [{ 'retention.ms': '99999999999999999' }, /retention.ms/],
    [{ 'retention.bytes': 'x' }, /retention.bytes/],
    [{ 'max.message.bytes': '0' }, /max.message.bytes/],
    [{ 'max.message.bytes': '1048577' }, /between 1 and 1048576/],
    [{ 'cleanup.policy': 'compact' }, /not supported yet/],
    [{ 'cleanup.policy': 'delete,compact' }, /not supported yet/],
    [{ 'cleanup.policy': 'forever' }, /must be delete/],
    [{ 'message.timestamp.type': 'createtime' }, /CreateTime or LogAppendTime/],
    [{ 'min.insync.replicas': '0' }, /min.insync.replicas/],
    [{ 'min.insync.replicas': '2' }, /between 1 and 1/],
    [{ 'unclean.leader.election.enable': 'yes' }, /unclean.leader.election.enable: must be true or false/],
    [{ 'unclean.leader.election.enable': 'TRUE' }, /must be true or false/],
    [{ 'unclean.leader.election.enable': '1' }, /must be true or false/],
    [{ 'unclean.leader.election.enable': '' }, /must be true or false/],
  ];
  for (const [configs, message] of bad) {
    it(`refuses ${JSON.stringify(configs)}`, () => {
      expect(() => validateTopicConfigs(configs, ctx)).toThrow(message);
      try {
        validateTopicConfigs(configs, ctx);
      } catch (err) {
        expect(err).toMatchObject({ code: 'INVALID_CONFIG' });
      }
    });
  }

  it('parses typed settings, capping max.message.bytes at the broker limit', () => {
    expect(topicSettings(topic({ 'message.timestamp.type': 'LogAppendTime', 'max.message.bytes': '5000' }), 4000)).toEqual({
      retentionMs: 604800000,
      retentionBytes: -1,
      maxMessageBytes: 4000,
      cleanupPolicy: 'delete',
      timestampType: 'LogAppendTime',
      minInsyncReplicas: 1,
      uncleanLeaderElection: false,
    });
  });

  it('reads unclean.leader.election.enable for the broker and for elections (default false)', () => {
    expect(topicSettings(topic({ 'unclean.leader.election.enable': 'true' }), 4000).uncleanLeaderElection).toBe(true);
    expect(topicSettings(topic({ 'unclean.leader.election.enable': 'false' }), 4000).uncleanLeaderElection).toBe(false);
    expect([uncleanLeaderElectionEnabled(topic({ 'unclean.leader.election.enable': 'true' })), uncleanLeaderElectionEnabled(topic({}))]).toEqual([true, false]);
  });
});

describe('controller validateConfig', () => {
  it('fills defaults and names a bad setting', () => {
    expect(validateConfig({})).toEqual({
      defaultPartitions: 1,
      defaultReplicationFactor: 1,
      maxMessageBytes: 1_048_576,
      producerIdBlockSize: 1000,
      brokerSessionTimeoutMs: 3000,
      brokerHeartbeatIntervalMs: 500,
      brokerStreamCloseGraceMs: 500,
    });
    expect(() => validateConfig({ defaultPartitions: 0 })).toThrow(/defaultPartitions/);
    expect(() => validateConfig({ brokerSessionTimeoutMs: 5 })).toThrow(/brokerSessionTimeoutMs/);
    expect(() => validateConfig({ brokerSessionTimeoutMs: 1000, brokerHeartbeatIntervalMs: 600 })).toThrow(/at most half/);
    expect(() => validateConfig({ brokerStreamCloseGraceMs: -1 })).toThrow(/brokerStreamCloseGraceMs/);
    expect(() => validateConfig({ maxMessageBytes: 1.5 })).toThrow(/maxMessageBytes/);
  });
});
