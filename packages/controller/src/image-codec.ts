// The metadata image as bytes: what a snapshot of the metadata log holds, what WatchMetadata
// sends a broker whose position was compacted away, and what `imageHash` digests so that nodes can
// compare their images. The encoding is deterministic: brokers are written in id order, topics in
// topic-id order, configs in key order, so two images with the same content give the same bytes
// whatever order their maps were built in. Lists whose order means something (endpoints,
// replicas, ISR) keep it.
//
// Layout (big-endian): magic "SMIG", version u16, cluster id, applied index u64, next producer id
// u64, brokers (u32 count; id u32, incarnation, epoch u64, fenced u8, rack, endpoints: u32 count of
// name, host, port u16), topics (u32 count; id 16 bytes, name, internal u8, configs: u32 count of
// key, value; partitions: u32 count of replicas (u32 count, i32 each), leader i32, leader epoch
// i32, ISR (u32 count, i32 each), partition epoch i32), broker configs (version 2: u32 count; broker
// id u32, u32 count of key, value), then a CRC-32 of everything before it. Version 1 (no broker
// configs) is still read.
// Strings are a u32 byte length and UTF-8.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { SamsaError, TOPIC_ID_BYTES, topicIdToString } from '@samsa/protocol';
import type { BrokerEndpointInfo, BrokerRegistration, MetadataImage, PartitionState, TopicImage } from './image.js';

const MAGIC = Buffer.from('SMIG', 'ascii');
export const IMAGE_CODEC_VERSION = 2;
const CRC_BYTES = 4;

class Writer {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  u8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeUInt8(v, this.pos);
  }

  u16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  u32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  i32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  u64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64BE(BigInt(v), this.pos);
  }

  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u32(b.length);
    this.bytes(b);
  }

  finish(): Buffer {
    const body = this.buf.subarray(0, this.pos);
    const out = Buffer.allocUnsafe(this.pos + CRC_BYTES);
    body.copy(out, 0);
    out.writeUInt32BE(crc32(body), this.pos);
    return out;
  }
}

const corrupt = (why: string): SamsaError => new SamsaError('CORRUPT_MESSAGE', `the metadata image does not decode: ${why}`);

class Reader {
  private pos = 0;
  private readonly buf: Buffer;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw corrupt(`truncated at byte ${this.pos}`);
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`integer ${v} above 2^53`);
    return Number(v);
  }

  /** A count of items that take at least `minBytes` each: bounded by what is left, so a corrupt count cannot allocate much. */
  count(minBytes: number): number {
    const n = this.u32();
    if (n * minBytes > this.remaining) throw corrupt(`a count of ${n} items does not fit in the ${this.remaining} bytes left`);
    return n;
  }

  str(): string {
    const n = this.u32();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

const byNumber = (a: number, b: number): number => a - b;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The image as deterministic bytes (the same content always gives the same bytes). */
export function encodeImage(image: MetadataImage): Buffer {
  const w = new Writer();
  w.bytes(MAGIC);
  w.u16(IMAGE_CODEC_VERSION);
  w.str(image.clusterId);
  w.u64(image.appliedIndex);
  w.u64(image.nextProducerId);
  const brokers = [...image.brokers.values()].sort((a, b) => byNumber(a.id, b.id));
  w.u32(brokers.length);
  for (const b of brokers) {
    w.u32(b.id);
    w.str(b.incarnationId);
    w.u64(b.epoch);
    w.u8(b.fenced ? 1 : 0);
    w.str(b.rack);
    w.u32(b.endpoints.length);
    for (const e of b.endpoints) {
      w.str(e.name);
      w.str(e.host);
      w.u16(e.port);
    }
  }
  const topics = [...image.topicsById.values()].sort((a, b) => byString(a.idString, b.idString));
  w.u32(topics.length);
  for (const t of topics) {
    w.bytes(t.id);
    w.str(t.name);
    w.u8(t.internal ? 1 : 0);
    const configs = [...t.configs.entries()].sort(([a], [b]) => byString(a, b));
    w.u32(configs.length);
    for (const [k, v] of configs) {
      w.str(k);
      w.str(v);
    }
    w.u32(t.partitions.length);
    for (const p of t.partitions) {
      w.u32(p.replicas.length);
      for (const r of p.replicas) w.i32(r);
      w.i32(p.leaderId);
      w.i32(p.leaderEpoch);
      w.u32(p.isr.length);
      for (const r of p.isr) w.i32(r);
      w.i32(p.partitionEpoch);
    }
  }
  const brokerConfigs = [...image.brokerConfigs.entries()].sort(([a], [b]) => byNumber(a, b));
  w.u32(brokerConfigs.length);
  for (const [id, configs] of brokerConfigs) {
    w.u32(id);
    const entries = [...configs.entries()].sort(([a], [b]) => byString(a, b));
    w.u32(entries.length);
    for (const [k, v] of entries) {
      w.str(k);
      w.str(v);
    }
  }
  return w.finish();
}

/** The image back from encodeImage()'s bytes; CORRUPT_MESSAGE when they are damaged or not an image. */
export function decodeImage(bytes: Uint8Array): MetadataImage {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (all.length < MAGIC.length + 2 + CRC_BYTES) throw corrupt(`only ${all.length} bytes`);
  const body = all.subarray(0, all.length - CRC_BYTES);
  if (crc32(body) !== all.readUInt32BE(all.length - CRC_BYTES)) throw corrupt('the checksum does not match');
  const r = new Reader(body);
  if (!r.bytes(MAGIC.length).equals(MAGIC)) throw corrupt('no image header');
  const version = r.u16();
  if (version !== IMAGE_CODEC_VERSION && version !== 1) throw corrupt(`version ${version}; this build reads versions 1 to ${IMAGE_CODEC_VERSION}`);
  const clusterId = r.str();
  const appliedIndex = r.u64();
  const nextProducerId = r.u64();

  const brokers = new Map<number, BrokerRegistration>();
  const brokerCount = r.count(4 + 4 + 8 + 1 + 4 + 4);
  for (let i = 0; i < brokerCount; i++) {
    const id = r.u32();
    const incarnationId = r.str();
    const epoch = r.u64();
    const fenced = r.u8() !== 0;
    const rack = r.str();
    const endpoints: BrokerEndpointInfo[] = [];
    const endpointCount = r.count(4 + 4 + 2);
    for (let j = 0; j < endpointCount; j++) endpoints.push(Object.freeze({ name: r.str(), host: r.str(), port: r.u16() }));
    if (brokers.has(id)) throw corrupt(`broker ${id} twice`);
    brokers.set(id, Object.freeze({ id, incarnationId, endpoints: Object.freeze(endpoints), rack, fenced, epoch }));
  }

  const topicsById = new Map<string, TopicImage>();
  const topicsByName = new Map<string, TopicImage>();
  const topicCount = r.count(TOPIC_ID_BYTES + 4 + 1 + 4 + 4);
  for (let i = 0; i < topicCount; i++) {
    const id = r.bytes(TOPIC_ID_BYTES);
    const idString = topicIdToString(id);
    const name = r.str();
    const internal = r.u8() !== 0;
    const configs = new Map<string, string>();
    const configCount = r.count(8);
    for (let j = 0; j < configCount; j++) configs.set(r.str(), r.str());
    const partitions: PartitionState[] = [];
    const partitionCount = r.count(4 + 4 + 4 + 4 + 4);
    for (let p = 0; p < partitionCount; p++) {
      const replicas: number[] = [];
      const replicaCount = r.count(4);
      for (let j = 0; j < replicaCount; j++) replicas.push(r.i32());
      const leaderId = r.i32();
      const leaderEpoch = r.i32();
      const isr: number[] = [];
      const isrCount = r.count(4);
      for (let j = 0; j < isrCount; j++) isr.push(r.i32());
      const partitionEpoch = r.i32();
      partitions.push(Object.freeze({ replicas: Object.freeze(replicas), leaderId, leaderEpoch, isr: Object.freeze(isr), partitionEpoch }));
    }
    if (topicsById.has(idString) || topicsByName.has(name)) throw corrupt(`topic ${name} (${idString}) twice`);
    const topic: TopicImage = Object.freeze({ id, idString, name, internal, configs, partitions: Object.freeze(partitions) });
    topicsById.set(idString, topic);
    topicsByName.set(name, topic);
  }
  const brokerConfigs = new Map<number, ReadonlyMap<string, string>>();
  if (version >= 2) {
    const count = r.count(8);
    for (let i = 0; i < count; i++) {
      const id = r.u32();
      const configs = new Map<string, string>();
      const n = r.count(8);
      for (let j = 0; j < n; j++) configs.set(r.str(), r.str());
      if (brokerConfigs.has(id)) throw corrupt(`configs of broker ${id} twice`);
      brokerConfigs.set(id, configs);
    }
  }
  if (r.remaining !== 0) throw corrupt(`${r.remaining} bytes after the image`);
  return Object.freeze({ clusterId, brokers, topicsById, topicsByName, nextProducerId, brokerConfigs, appliedIndex });
}

/** sha256 (hex) of the image's encoding: equal images, equal hashes, on every node. */
export function imageHash(image: MetadataImage): string {
  return createHash('sha256').update(encodeImage(image)).digest('hex');
}
