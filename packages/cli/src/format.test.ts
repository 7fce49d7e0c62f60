// Proves the consume output formats: JSON lines carry topic, partition, offset and timestamp as
// numbers, UTF-8 key/value/header values as strings, anything else as {"base64": ...}, null as
// null, repeated headers as arrays; text prints values (or key, separator, value) per line; the
// describe table shows each partition with each replica's log end offset (in-sync ones starred,
// unknown ones as ?); election results print one line per partition and a count per outcome.
import { describe, expect, it } from 'vitest';
import type { ElectLeadersPartitionResult, KafkaMessage, PartitionDescription, TopicDescription } from '@samsa/client';
import { bytesToJson, formatElectionResults, formatJsonRecord, formatTextRecord, formatTopicDescription } from './format.js';

const message = (over: Partial<KafkaMessage> = {}): KafkaMessage => ({
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: {},
  timestamp: '1700000000000',
  offset: '42',
  attributes: 0,
  ...over,
});

describe('bytesToJson', () => {
  it('gives UTF-8 as a string, other bytes as base64, null as null', () => {
    expect(bytesToJson(Buffer.from('日本語 €'))).toBe('日本語 €');
    expect(bytesToJson(Buffer.from(''))).toBe('');
    expect(bytesToJson(Buffer.from([0x00, 0xff, 0x80]))).toEqual({ base64: 'AP+A' });
    expect(bytesToJson(Buffer.from([0xe2, 0x82]))).toEqual({ base64: '4oI=' });
    expect(bytesToJson(null)).toBeNull();
  });
});

describe('formatJsonRecord', () => {
  it('prints one parseable object per line', () => {
    const line = formatJsonRecord('t', 3, message({ headers: { trace: Buffer.from('abc'), bin: Buffer.from([0xff]), dup: [Buffer.from('1'), null] } }));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({
      topic: 't',
      partition: 3,
      offset: 42,
      timestamp: 1700000000000,
      key: 'k',
      value: 'v',
      headers: { trace: 'abc', bin: { base64: '/w==' }, dup: ['1', null] },
    });
  });

  it('keeps null keys and values, and values with newlines, on one line', () => {
    const parsed = JSON.parse(formatJsonRecord('t', 0, message({ key: null, value: Buffer.from('a\nb') })));
    expect(parsed.key).toBeNull();
    expect(parsed.value).toBe('a\nb');
  });
});

describe('formatTextRecord', () => {
  it('prints the value, or key separator value', () => {
    expect(formatTextRecord(message(), false, '\t').toString()).toBe('v\n');
    expect(formatTextRecord(message(), true, '\t').toString()).toBe('k\tv\n');
    expect(formatTextRecord(message({ key: null, value: null }), true, ' => ').toString()).toBe('null => null\n');
  });
});

describe('formatTopicDescription', () => {
  it('prints a topic line with overrides and a line per partition', () => {
    const t: TopicDescription = {
      name: 'orders',
      topicId: 'id-1',
      internal: false,
      configs: [
        { name: 'retention.ms', value: '1000', isDefault: false },
        { name: 'cleanup.policy', value: 'delete', isDefault: true },
      ],
      partitions: [0, 1].map((p) => ({
        partitionId: p,
        errorCode: 'NONE',
        leader: 1,
        leaderEpoch: 0,
        replicas: [1],
        isr: [1],
        logStartOffset: '0',
        highWatermark: String(p * 10),
        logEndOffset: String(p * 10),
        sizeBytes: '0',
        replicaStates: [{ brokerId: 1, logEndOffset: String(p * 10), inSync: true }],
      })),
    };
    const text = formatTopicDescription(t).split('\n');
    expect(text[0]).toBe('Topic: orders\tTopicId: id-1\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=1000');
    expect(text[2]).toContain('Partition: 1\tLeader: 1');
    expect(text[2]).toContain('HighWatermark: 10');
  });

  it("shows each replica's log end offset, starred when in sync, ? when unknown, and unknown without the leader's answer", () => {
    const partition = (over: Partial<PartitionDescription>): PartitionDescription => ({
      partitionId: 0,
      errorCode: 'NONE',
      leader: 2,
      leaderEpoch: 4,
      replicas: [2, 1, 3],
      isr: [2, 1],
      logStartOffset: '0',
      highWatermark: '950',
      logEndOffset: '1000',
      sizeBytes: '4096',
      replicaStates: [
        { brokerId: 2, logEndOffset: '1000', inSync: true },
        { brokerId: 1, logEndOffset: '1000', inSync: true },
        { brokerId: 3, logEndOffset: '-1', inSync: false },
      ],
      ...over,
    });
    const t: TopicDescription = { name: 'o', topicId: 'id', internal: false, configs: [], partitions: [partition({}), partition({ partitionId: 1, replicaStates: [] })] };
    const lines = formatTopicDescription(t).split('\n');
    expect(lines[1]).toBe(
      '\tPartition: 0\tLeader: 2\tLeaderEpoch: 4\tReplicas: 2,1,3\tIsr: 2,1\tLogStartOffset: 0\tHighWatermark: 950\tLogEndOffset: 1000\tReplicaLogEndOffsets: 2:1000*,1:1000*,3:?\tSizeBytes: 4096',
    );
    expect(lines[2]).toContain('\tReplicaLogEndOffsets: unknown\t');
  });
});

describe('formatElectionResults', () => {
  const result = (partition: number, errorCode: ElectLeadersPartitionResult['errorCode'], errorMessage = ''): ElectLeadersPartitionResult => ({
    topic: 'o',
    partition,
    errorCode,
    errorMessage,
    leader: 1,
    leaderEpoch: 3,
  });

  it('prints each partition and counts the outcomes', () => {
    const text = formatElectionResults(
      [result(0, 'NONE'), result(1, 'ELECTION_NOT_NEEDED', 'already'), result(2, 'PREFERRED_LEADER_NOT_AVAILABLE', 'preferred leader 3 is fenced')],
      'preferred',
    );
    expect(text).toBe(
      [
        'Topic: o\tPartition: 0\tResult: moved\tLeader: 1\tLeaderEpoch: 3',
        'Topic: o\tPartition: 1\tResult: not needed\tLeader: 1\tLeaderEpoch: 3',
        'Topic: o\tPartition: 2\tResult: not available\tLeader: 1\tLeaderEpoch: 3\tReason: PREFERRED_LEADER_NOT_AVAILABLE: preferred leader 3 is fenced',
        'preferred election: moved: 1, not needed: 1, not available: 1',
        '',
      ].join('\n'),
    );
  });

  it('says elected for unclean elections, and names a topic that does not exist', () => {
    const text = formatElectionResults([result(0, 'NONE'), { ...result(-1, 'UNKNOWN_TOPIC_OR_PARTITION', 'topic "g" does not exist'), topic: 'g' }], 'unclean');
    expect(text.split('\n')).toEqual([
      'Topic: o\tPartition: 0\tResult: elected\tLeader: 1\tLeaderEpoch: 3',
      'Topic: g\tResult: failed\tReason: UNKNOWN_TOPIC_OR_PARTITION: topic "g" does not exist',
      'unclean election: elected: 1, failed: 1',
      '',
    ]);
    expect(formatElectionResults([], 'preferred')).toBe('preferred election: no partitions\n');
  });
});
