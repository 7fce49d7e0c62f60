// Proves a broker-only node's metadata follower against a fake controller channel on a manual
// clock: from nothing it asks for offset 1, loads a snapshot sent in chunks (a `restored` update),
// then applies the records after it with the controller's apply() (same image, same hash); records
// it already has are skipped; a gap, a chunk out of order or another cluster's snapshot restart the
// watch from the offset after its last applied one; a closed watch is reported to the channel and
// reopened with backoff; the watch moves when the active controller does.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Records, apply, emptyImage, encodeImage, imageHash, normalizeRecord } from '@samsa/controller';
import type { MetadataImage, MetadataRecord, MetadataUpdate } from '@samsa/controller';
import { ManualClock } from '@samsa/controller/testing';
import { SamsaError, encodeMetadataRecord } from '@samsa/protocol';
import type { WatchMetadataRequest, WatchMetadataResponse__Output } from '@samsa/protocol';
import type { ControllerChannel, WatchHandlers, WatchStream } from './controller-client.js';
import { MetadataFollower } from './metadata-follower.js';

const logger = pino({ level: 'silent' });

class FakeWatch implements WatchStream {
  closed = false;
  readonly voterId: number;
  readonly request: WatchMetadataRequest;
  private readonly handlers: WatchHandlers;
  constructor(voterId: number, request: WatchMetadataRequest, handlers: WatchHandlers) {
    this.voterId = voterId;
    this.request = request;
    this.handlers = handlers;
  }
  close(): void {
    this.closed = true;
  }
  push(m: Partial<WatchMetadataResponse__Output>): void {
    this.handlers.onMessage(m as WatchMetadataResponse__Output);
  }
  fail(e: SamsaError): void {
    this.handlers.onClose(e);
  }
}

class FakeChannel implements ControllerChannel {
  activeControllerId = 100;
  readonly watches: FakeWatch[] = [];
  readonly failures: [number, string][] = [];
  unary(): never {
    throw new Error('not used');
  }
  openHeartbeat(): never {
    throw new Error('not used');
  }
  openWatch(request: WatchMetadataRequest, handlers: WatchHandlers): WatchStream {
    const w = new FakeWatch(this.activeControllerId, request, handlers);
    this.watches.push(w);
    return w;
  }
  noteFailure(voterId: number, error: SamsaError): void {
    this.failures.push([voterId, error.code]);
  }
  noteActive(): void {}
  onActiveChange(): () => void {
    return () => {};
  }
  close(): void {}
  get watch(): FakeWatch {
    return this.watches[this.watches.length - 1]!;
  }
}

const topicId = Buffer.alloc(16, 5);
const RECORDS: MetadataRecord[] = [
  Records.registerBroker({ brokerId: 1, incarnationId: 'a', endpoints: [{ name: 'client', host: 'h', port: 1 }] }),
  Records.brokerUnfenced(1, 'a'),
  Records.topicCreated({ name: 't', topicId }),
  Records.partitionChanged({ topicId, partition: 0, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }),
  Records.partitionChanged({ topicId, partition: 1, replicas: [1], leaderId: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0 }),
  Records.brokerFenced(1, 'a'),
];

/** The controller's image after the first `n` records. */
function imageAfter(n: number, clusterId = 'c'): MetadataImage {
  let image = emptyImage(clusterId);
  for (const r of RECORDS.slice(0, n)) image = apply(image, normalizeRecord(r).record, image.appliedIndex + 1);
  return image;
}

const entries = (from: number, to: number) => ({ records: { entries: RECORDS.slice(from - 1, to).map((r, i) => ({ offset: String(from + i), record: encodeMetadataRecord(r) })) } });

function chunks(image: MetadataImage, size: number): Partial<WatchMetadataResponse__Output>[] {
  const bytes = encodeImage(image);
  const out: Partial<WatchMetadataResponse__Output>[] = [];
  for (let position = 0; position < bytes.length; position += size) {
    out.push({ snapshot: { offset: String(image.appliedIndex), total_bytes: String(bytes.length), position: String(position), data: bytes.subarray(position, position + size), last: position + size >= bytes.length } });
  }
  return out;
}

function setup() {
  const clock = new ManualClock(0);
  const channel = new FakeChannel();
  const follower = new MetadataFollower({ brokerId: 7, clusterId: 'c', channel, clock, logger });
  const updates: MetadataUpdate[] = [];
  follower.subscribe((u) => updates.push(u));
  follower.start();
  return { clock, channel, follower, updates };
}

describe('MetadataFollower', () => {
  it('loads a chunked snapshot, then applies the records after it', () => {
    const { channel, follower, updates } = setup();
    expect(channel.watch.request).toEqual({ from_offset: 1, broker_id: 7 });
    const parts = chunks(imageAfter(4), 40);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) channel.watch.push(p);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ restored: true, entries: [] });
    expect(imageHash(follower.image)).toBe(imageHash(imageAfter(4)));
    channel.watch.push(entries(3, 6)); // 3 and 4 it has: skipped
    expect(updates[1]!.entries.map((e) => e.index)).toEqual([5, 6]);
    expect(imageHash(follower.image)).toBe(imageHash(imageAfter(6)));
    expect(follower.image.brokers.get(1)?.fenced).toBe(true);
  });

  it('restarts the watch after a gap, from the offset after the last applied', async () => {
    const { clock, channel, follower } = setup();
    channel.watch.push(entries(1, 2));
    channel.watch.push(entries(4, 4));
    expect(follower.image.appliedIndex).toBe(2);
    expect(channel.watches[0]!.closed).toBe(true);
    await clock.advance(50);
    expect(channel.watches).toHaveLength(2);
    expect(channel.watch.request.from_offset).toBe(3);
    channel.watch.push(entries(3, 6));
    expect(imageHash(follower.image)).toBe(imageHash(imageAfter(6)));
  });

  it('refuses chunks out of order and another cluster\'s snapshot', async () => {
    const { clock, channel, follower } = setup();
    const parts = chunks(imageAfter(4), 40);
    channel.watch.push(parts[0]!);
    channel.watch.push(parts[2]!);
    expect(channel.watches[0]!.closed).toBe(true);
    await clock.advance(50);
    for (const p of chunks(imageAfter(4, 'another'), 40)) channel.watch.push(p);
    expect(channel.watches[1]!.closed).toBe(true);
    expect(follower.image.appliedIndex).toBe(0);
  });

  it('reports a closed watch and reopens it with backoff, resuming where it stopped', async () => {
    const { clock, channel, follower } = setup();
    channel.watch.push(entries(1, 3));
    channel.watch.fail(new SamsaError('NOT_CONTROLLER', 'moved', { details: { controllerId: 101 } }));
    channel.activeControllerId = 101;
    expect(channel.failures).toEqual([[100, 'NOT_CONTROLLER']]);
    await clock.advance(49);
    expect(channel.watches).toHaveLength(1);
    await clock.advance(1);
    expect(channel.watch).toMatchObject({ voterId: 101, request: { from_offset: 4 } });
    channel.watch.fail(new SamsaError('NETWORK_EXCEPTION', 'down'));
    await clock.advance(99);
    expect(channel.watches).toHaveLength(2);
    await clock.advance(1);
    expect(channel.watches).toHaveLength(3);
    // The watch moves when the active controller does.
    channel.activeControllerId = 102;
    follower.retarget();
    expect(channel.watches[2]!.closed).toBe(true);
    await clock.advance(0);
    expect(channel.watch).toMatchObject({ voterId: 102, request: { from_offset: 4 } });
    follower.stop();
    expect(channel.watch.closed).toBe(true);
  });
});
