// Proves the image encoding: an image built by apply() survives encode/decode with every field
// (brokers with epochs and endpoints, topics with configs and partition states, producer ids, the
// applied index), the bytes are the same whatever order the image's maps were filled in (so equal
// images hash equally on every node), a changed image hashes differently, and damaged bytes
// (any single flipped byte, truncation, garbage) are refused with CORRUPT_MESSAGE, never decoded.
import { describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { emptyImage } from './image.js';
import type { MetadataImage } from './image.js';
import { decodeImage, encodeImage, imageHash } from './image-codec.js';
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
    expect(encodeImage(reversed).equals(encodeImage(image))).toBe(true);
    expect(encodeImage(configsReordered).equals(encodeImage(image))).toBe(true);
    expect(encodeImage(decodeImage(encodeImage(image))).equals(encodeImage(image))).toBe(true);
    expect(imageHash(reversed)).toBe(imageHash(image));
    expect(imageHash(image)).toMatch(/^[0-9a-f]{64}$/);
    expect(imageHash(run(image, Records.brokerUnfenced(3, 'i3')))).not.toBe(imageHash(image));
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
