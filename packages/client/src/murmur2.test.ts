// Proves that murmur2 (and so the default partitioner) matches Kafka's Utils.murmur2 bit for bit:
// first against vectors published by Kafka's own UtilsTest, KafkaJS's default-partitioner spec
// (generated with the Java client) and librdkafka's rdmurmur2 tests; then, for keys no published
// vector covers (empty, multibyte UTF-8, binary), against an independent reference written from
// the Java algorithm with BigInt arithmetic, itself checked against the same published vectors.
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from './murmur2.js';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

// org.apache.kafka.common.utils.UtilsTest#testMurmur2 (Java signed ints).
const KAFKA_UTILS_TEST: ReadonlyArray<readonly [Uint8Array, number]> = [
  [utf8('21'), -973932308],
  [utf8('foobar'), -790332482],
  [utf8('a-little-bit-long-string'), -985981536],
  [utf8('a-little-bit-longer-string'), -1486304829],
  [utf8('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
  [utf8('abc'), 479470107],
  [Uint8Array.from([12, 42, 56, 24, 109, 111]), 274204207],
];

// tulios/kafkajs src/producer/partitioners/default/murmur2.spec.js ("Generated with ... Test.java").
const KAFKAJS_DEFAULT_SPEC: Readonly<Record<string, number>> = {
  '0': 971027396,
  '1': -1993445489,
  '128': -326012175,
  '2187': -1508407203,
  '16384': -325739742,
  '78125': -1654490814,
  '279936': 1462227128,
  '823543': -2014198330,
  '2097152': 607668903,
  '4782969': -1182699775,
  '10000000': -1830336757,
  '19487171': -1603849305,
  '35831808': -857013643,
  '62748517': -1167431028,
  '105413504': -381294639,
  '170859375': -1658323481,
  '100:48069': 1009543857,
};

// librdkafka's rdmurmur2 unit test (the Java values), including the empty key.
const LIBRDKAFKA: Readonly<Record<string, number>> = {
  '': 275646681,
  kafka: -798503068,
  '1234': -1614185708,
  '234': -406844982,
  '34': -2026295078,
  '4': 1514888353,
  giberish123456789: -1890243828,
};

/**
 * Kafka's Utils.murmur2 transcribed with BigInt: every int operation is done on unbounded
 * integers and masked to 32 bits, `>>>` on a masked value is `>>`, and the result is read back as
 * a signed int. It shares no code (and no Math.imul) with the implementation under test.
 */
function referenceMurmur2(data: Uint8Array): number {
  const MASK = 0xffffffffn;
  const m = 0x5bd1e995n;
  const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
  const length = data.length;
  let h = (0x9747b28cn ^ BigInt(length)) & MASK;
  const words = Math.floor(length / 4);
  for (let i = 0; i < words; i++) {
    const o = i * 4;
    let k = BigInt(data[o]!) | (BigInt(data[o + 1]!) << 8n) | (BigInt(data[o + 2]!) << 16n) | (BigInt(data[o + 3]!) << 24n);
    k = mul(k, m);
    k ^= k >> 24n;
    k = mul(k, m);
    h = mul(h, m);
    h ^= k;
  }
  const rest = length % 4;
  const at = length - rest;
  if (rest >= 3) h ^= BigInt(data[at + 2]!) << 16n;
  if (rest >= 2) h ^= BigInt(data[at + 1]!) << 8n;
  if (rest >= 1) {
    h ^= BigInt(data[at]!);
    h = mul(h, m);
  }
  h ^= h >> 13n;
  h = mul(h, m);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

const published: Array<readonly [string, Uint8Array, number]> = [
  ...KAFKA_UTILS_TEST.map(([bytes, want]) => [`UtilsTest ${Buffer.from(bytes).toString('hex')}`, bytes, want] as const),
  ...Object.entries(KAFKAJS_DEFAULT_SPEC).map(([key, want]) => [`kafkajs "${key}"`, utf8(key), want] as const),
  ...Object.entries(LIBRDKAFKA).map(([key, want]) => [`librdkafka "${key}"`, utf8(key), want] as const),
];

describe('murmur2', () => {
  it.each(published)('the reference matches the published vector (%s)', (_name, bytes, want) => {
    expect(referenceMurmur2(bytes)).toBe(want);
  });

  it.each(published)('matches the published vector (%s)', (_name, bytes, want) => {
    expect(murmur2(bytes)).toBe(want);
  });

  // Keys without a published vector: expected values come from the reference above.
  const extra: Array<readonly [string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['euro sign (3 UTF-8 bytes)', utf8('€')],
    ['Japanese (9 UTF-8 bytes)', utf8('日本語')],
    ['emoji (4 UTF-8 bytes)', utf8('🦗')],
    ['binary 00 ff 80', Uint8Array.from([0x00, 0xff, 0x80])],
    ['binary with high bits in every word position', Uint8Array.from([0xff, 0xfe, 0xfd, 0xfc, 0x80, 0x81, 0x82])],
  ];

  it.each(extra)('matches the reference for %s', (_name, bytes) => {
    expect(murmur2(bytes)).toBe(referenceMurmur2(bytes));
  });

  it('matches the reference on 2000 seeded random keys of every tail length', () => {
    let seed = 42;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: i % 67 }, () => next() & 0xff);
      expect(murmur2(bytes)).toBe(referenceMurmur2(bytes));
    }
  });
});

describe('partitionForKey', () => {
  it('is (murmur2 & 0x7fffffff) % partitions, as Kafka computes it', () => {
    // From the UtilsTest vectors: -973932308 & 0x7fffffff = 1173551340.
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(partitionForKey(utf8('21'), 7)).toBe(1173551340 % 7);
    expect(partitionForKey(utf8('foobar'), 12)).toBe((-790332482 & 0x7fffffff) % 12);
    expect(partitionForKey(utf8('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), 100)).toBe((-58897971 & 0x7fffffff) % 100);
  });

  it('places empty, multibyte and binary keys where the reference says', () => {
    for (const key of [new Uint8Array(0), utf8('€'), utf8('日本語'), Uint8Array.from([0x00, 0xff, 0x80])]) {
      for (const partitions of [1, 3, 7, 64]) {
        expect(partitionForKey(key, partitions)).toBe((referenceMurmur2(key) & 0x7fffffff) % partitions);
      }
    }
  });

  it('uses the sign-bit mask, not Math.abs, at -2^31', () => {
    expect(toPositive(-2147483648)).toBe(0);
  });
});
