// Proves the consume output formats: JSON lines carry topic, partition, offset and timestamp as
// numbers, UTF-8 key/value/header values as strings, anything else as {"base64": ...}, null as
// null, repeated headers as arrays; text prints values (or key, separator, value) per line; the
// describe table shows each partition.
import { describe, expect, it } from 'vitest';
import type { KafkaMessage, TopicDescription } from '@samsa/client';
import { bytesToJson, formatJsonRecord, formatTextRecord, formatTopicDescription } from './format.js';

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
      })),
    };
    const text = formatTopicDescription(t).split('\n');
    expect(text[0]).toBe('Topic: orders\tTopicId: id-1\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=1000');
    expect(text[2]).toContain('Partition: 1\tLeader: 1');
    expect(text[2]).toContain('HighWatermark: 10');
  });
});
