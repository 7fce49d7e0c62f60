// Proves the image encoding: an image built by apply() survives encode/decode with every field
// (brokers with epochs and endpoints, topics with configs and partition states, producer ids, the
// applied index), the bytes are the same whatever order the image's maps were filled in (so equal
// images hash equally on every node), a changed image hashes differently, and damaged bytes
// (any single flipped byte, truncation, garbage) are refused with CORRUPT_MESSAGE, never decoded.
// Version 2 adds the dynamic broker configs: they round-trip, their order does not change the
// bytes, they alone change the hash, and a version-1 image (bytes made by the version-1 encoder
// of commit 684a04c, kept below) still decodes, with no broker configs.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { emptyImage } from './image.js';
import type { MetadataImage } from './image.js';
import { IMAGE_CODEC_VERSION, decodeImage, encodeImage, imageHash } from './image-codec.js';
import { Records, normalizeRecord } from './records.js';
import type { MetadataRecord } from './records.js';

function run(image: MetadataImage, ...records: MetadataRecord[]): MetadataImage {
  let out = image;
  for (const r of records) out = apply(out, normalizeRecord(r).record, out.appliedIndex + 1);
  return out;
}

const endpoint = (port: number) => ({ name: 'client', host: 'h.example', port });

function sample(): MetadataImage {
  const a = Buffer.alloc(16, 0xaa);
  const b = Buffer.alloc(16, 0x0b);
  return run(
    emptyImage('cluster-ü'),
    Records.registerBroker({ brokerId: 3, incarnationId: 'i3', endpoints: [endpoint(9093), { name: 'internal', host: '10.0.0.3', port: 19093 }], rack: 'r1' }),
    Records.registerBroker({ brokerId: 1, incarnationId: 'i1', endpoints: [endpoint(9091)] }),
    Records.brokerUnfenced(1, 'i1'),
    Records.brokerUnfenced(3, 'i3'),
    Records.topicCreated({ name: 'zeta', topicId: a, configs: { 'retention.ms': '5', 'cleanup.policy': 'delete' } }),
    Records.partitionChanged({ topicId: a, partition: 0, replicas: [3, 1], leaderId: 3, leaderEpoch: 0, isr: [3, 1], partitionEpoch: 0 }),
    Records.partitionChanged({ topicId: a, partition: 1, replicas: [1, 3], leaderId: -1, leaderEpoch: 4, isr: [1], partitionEpoch: 7 }),
    Records.topicCreated({ name: 'alpha', topicId: b, internal: true }),
    Records.partitionChanged({ topicId: b, partition: 0, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }),
    Records.producerIdsAllocated(1, 0, 1000),
    Records.brokerFenced(3, 'i3'),
    Records.brokerConfigChanged(3, { 'follower.replication.throttled.rate': '1048576', 'z.key': 'ü' }, []),
    Records.brokerConfigChanged(1, { 'follower.replication.throttled.rate': '10' }, []),
  );
}

/** A comparable form of an image (maps to sorted entries, buffers to hex). */
function plain(image: MetadataImage): unknown {
  return {
    clusterId: image.clusterId,
    appliedIndex: image.appliedIndex,
    nextProducerId: image.nextProducerId,
    brokers: [...image.brokers.values()].sort((x, y) => x.id - y.id),
    topics: [...image.topicsById.values()]
      .map((t) => ({ ...t, id: t.id.toString('hex'), configs: [...t.configs].sort() }))
      .sort((x, y) => (x.idString < y.idString ? -1 : 1)),
    byName: [...image.topicsByName.entries()].map(([n, t]) => [n, t.idString]).sort(),
    brokerConfigs: [...image.brokerConfigs].map(([id, c]) => [id, [...c].sort()]).sort(([x], [y]) => Number(x) - Number(y)),
  };
}

describe('image codec', () => {
  it('round-trips every field', () => {
    const image = sample();
    const decoded = decodeImage(encodeImage(image));
    expect(plain(decoded)).toEqual(plain(image));
    expect(decoded.brokers.get(3)).toEqual({ id: 3, incarnationId: 'i3', endpoints: [endpoint(9093), { name: 'internal', host: '10.0.0.3', port: 19093 }], rack: 'r1', fenced: true, epoch: 1 });
    expect(decoded.topicsByName.get('zeta')!.partitions[1]).toEqual({ replicas: [1, 3], leaderId: -1, leaderEpoch: 4, isr: [1], partitionEpoch: 7 });
    expect(Object.isFrozen(decoded) && Object.isFrozen(decoded.topicsByName.get('alpha')!.partitions[0])).toBe(true);
    // A decoded image is a base apply() can go on from.
    const next = run(decoded, Records.brokerUnfenced(3, 'i3'));
    expect(next.brokers.get(3)?.fenced).toBe(false);
    expect(plain(decodeImage(encodeImage(emptyImage('c'))))).toEqual(plain(emptyImage('c')));
  });

  it('gives the same bytes for the same content, whatever order the maps were filled in', () => {
    const image = sample();
    const reversed: MetadataImage = {
      ...image,
      brokers: new Map([...image.brokers].reverse()),
      topicsById: new Map([...image.topicsById].reverse()),
      topicsByName: new Map([...image.topicsByName].reverse()),
    };
    const configsReordered: MetadataImage = {
      ...image,
      topicsById: new Map([...image.topicsById].map(([k, t]) => [k, { ...t, configs: new Map([...t.configs].reverse()) }])),
    };
    const brokerConfigsReordered: MetadataImage = {
      ...image,
      brokerConfigs: new Map([...image.brokerConfigs].reverse().map(([id, c]) => [id, new Map([...c].reverse())])),
    };
    expect(encodeImage(reversed).equals(encodeImage(image))).toBe(true);
    expect(encodeImage(configsReordered).equals(encodeImage(image))).toBe(true);
    expect(encodeImage(brokerConfigsReordered).equals(encodeImage(image))).toBe(true);
    expect(encodeImage(decodeImage(encodeImage(image))).equals(encodeImage(image))).toBe(true);
    expect(imageHash(reversed)).toBe(imageHash(image));
    expect(imageHash(image)).toMatch(/^[0-9a-f]{64}$/);
    expect(imageHash(run(image, Records.brokerUnfenced(3, 'i3')))).not.toBe(imageHash(image));
  });

  it('writes version 2 and round-trips dynamic broker configs; they alone change the hash', () => {
    const image = sample();
    const bytes = encodeImage(image);
    expect(IMAGE_CODEC_VERSION).toBe(2);
    expect(bytes.readUInt16BE(4)).toBe(2);
    const decoded = decodeImage(bytes);
    expect(Object.fromEntries(decoded.brokerConfigs.get(3)!)).toEqual({ 'follower.replication.throttled.rate': '1048576', 'z.key': 'ü' });
    expect(Object.fromEntries(decoded.brokerConfigs.get(1)!)).toEqual({ 'follower.replication.throttled.rate': '10' });
    expect(decoded.brokerConfigs.size).toBe(2);

    const changedValue: MetadataImage = { ...image, brokerConfigs: new Map([...image.brokerConfigs, [1, new Map([['follower.replication.throttled.rate', '11']])]]) };
    const withoutBroker1: MetadataImage = { ...image, brokerConfigs: new Map([...image.brokerConfigs].filter(([id]) => id !== 1)) };
    const none: MetadataImage = { ...image, brokerConfigs: new Map() };
    const hashes = new Set([image, changedValue, withoutBroker1, none].map(imageHash));
    expect(hashes.size).toBe(4);
  });

  it('still decodes a version-1 image, with no broker configs', () => {
    // encodeImage() of commit 684a04c (version 1) for: cluster "cluster-v1", applied index 12, next
    // producer id 1000; broker 1 (i1, epoch 1, unfenced, client h1:9092), broker 2 (i2, epoch 3,
    // fenced, rack r2, client h2:9093); topic "orders" (id 0x11 x 16, retention.ms 5000) with
    // partitions [1,2] leader 1 epoch 3 ISR [1,2] partition epoch 5, and [2,1] no leader, epoch 2,
    // ISR [2], partition epoch 4.
    const v1 = Buffer.from(
      '534d494700010000000a636c75737465722d7631000000000000000c00000000000003e8000000020000000100000002693100000000000000010000000000' +
        '0000000100000006636c69656e74000000026831238400000002000000026932000000000000000301000000027232000000010000000663' +
        '6c69656e7400000002683223850000000111111111111111111111111111111111000000066f726465727300000000010000000c72657465' +
        '6e74696f6e2e6d73000000043530303000000002000000020000000100000002000000010000000300000002000000010000000200000005' +
        '000000020000000200000001ffffffff00000002000000010000000200000004ab3f1bcf',
      'hex',
    );
    expect(v1.readUInt16BE(4)).toBe(1);
    const image = decodeImage(v1);
    expect(image.brokerConfigs.size).toBe(0);
    expect(image).toMatchObject({ clusterId: 'cluster-v1', appliedIndex: 12, nextProducerId: 1000 });
    expect(image.brokers.get(2)).toEqual({ id: 2, incarnationId: 'i2', endpoints: [{ name: 'client', host: 'h2', port: 9093 }], rack: 'r2', fenced: true, epoch: 3 });
    const orders = image.topicsByName.get('orders')!;
    expect(orders.id.equals(Buffer.alloc(16, 0x11))).toBe(true);
    expect([...orders.configs]).toEqual([['retention.ms', '5000']]);
    expect(orders.partitions).toEqual([
      { replicas: [1, 2], leaderId: 1, leaderEpoch: 3, isr: [1, 2], partitionEpoch: 5 },
      { replicas: [2, 1], leaderId: -1, leaderEpoch: 2, isr: [2], partitionEpoch: 4 },
    ]);
    // Written again it is version 2: the same body, an empty broker-config section, a new CRC.
    const v2 = encodeImage(image);
    expect(v2.readUInt16BE(4)).toBe(2);
    expect(v2.subarray(6, v2.length - 8).equals(v1.subarray(6, v1.length - 4))).toBe(true);
    expect(v2.readUInt32BE(v2.length - 8)).toBe(0);
    expect(plain(decodeImage(v2))).toEqual(plain(image));
  });

  it('refuses a version it does not know', () => {
    const bytes = Buffer.from(encodeImage(sample()));
    bytes.writeUInt16BE(3, 4);
    bytes.writeUInt32BE(crc32(bytes.subarray(0, bytes.length - 4)), bytes.length - 4);
    expect(() => decodeImage(bytes)).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE', message: expect.stringContaining('version 3') }));
  });

  it('refuses damaged bytes', () => {
    const bytes = encodeImage(sample());
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Buffer.from(bytes);
      damaged[i] = damaged[i]! ^ 0x10;
      expect(() => decodeImage(damaged), `byte ${i}`).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }));
    }
    for (const cut of [0, 3, 10, bytes.length - 1]) expect(() => decodeImage(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }));
    expect(() => decodeImage(Buffer.from('not an image at all, just some text'))).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }));
  });
});
