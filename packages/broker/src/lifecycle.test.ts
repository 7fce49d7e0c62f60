// Proves the broker's side of liveness on a manual clock against a fake controller channel (no
// network, no sleeps): registration retries while no controller answers and gives up on a
// refusal; heartbeats go out at once and every interval with the applied offset; the write lease
// holds only from an unfenced answer until its send time plus the session timeout, and only once
// the image has the offset that answer carried; a fenced or stale answer revokes it at once; an
// unanswered or failed stream is dropped, reported to the channel and reopened with backoff;
// waiters learn when the broker becomes writable, and stop() closes the stream.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { emptyImage } from '@samsa/controller';
import type { MetadataImage, MetadataListener } from '@samsa/controller';
import { ManualClock } from '@samsa/controller/testing';
import { SamsaError } from '@samsa/protocol';
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse__Output, RegisterBrokerResponse__Output } from '@samsa/protocol';
import type { ControllerChannel, ControllerUnaryMethod, ControllerUnaryTypes, HeartbeatStream, HeartbeatStreamHandlers } from './controller-client.js';
import { BrokerLifecycle } from './lifecycle.js';
import type { MetadataView } from './metadata-view.js';

const logger = pino({ level: 'silent' });

class FakeStream implements HeartbeatStream {
  readonly sent: BrokerHeartbeatRequest[] = [];
  closed = false;
  readonly voterId: number;
  private readonly handlers: HeartbeatStreamHandlers;
  constructor(voterId: number, handlers: HeartbeatStreamHandlers) {
    this.voterId = voterId;
    this.handlers = handlers;
  }
  send(request: BrokerHeartbeatRequest): void {
    this.sent.push(request);
  }
  close(): void {
    this.closed = true;
  }
  answer(r: Partial<BrokerHeartbeatResponse__Output> = {}): void {
    this.handlers.onResponse({ error_code: 'NONE', error_message: '', fenced: false, controller_id: 100, metadata_offset: '0', should_shut_down: false, ...r });
  }
  fail(error: SamsaError): void {
    this.handlers.onClose(error);
  }
}

class FakeChannel implements ControllerChannel {
  activeControllerId = 100;
  readonly streams: FakeStream[] = [];
  readonly failures: [number, string][] = [];
  registerAnswers: (() => RegisterBrokerResponse__Output)[] = [];
  registrations = 0;
  async unary<M extends ControllerUnaryMethod>(method: M): Promise<ControllerUnaryTypes[M][1]> {
    if (method !== 'RegisterBroker') throw new Error(`unexpected ${method}`);
    this.registrations++;
    const next = this.registerAnswers.shift();
    if (next === undefined) throw new SamsaError('NOT_CONTROLLER', 'no controller yet');
    return next() as ControllerUnaryTypes[M][1];
  }
  openHeartbeat(handlers: HeartbeatStreamHandlers): HeartbeatStream {
    const s = new FakeStream(this.activeControllerId, handlers);
    this.streams.push(s);
    return s;
  }
  openWatch(): never {
    throw new Error('not used');
  }
  noteFailure(voterId: number, error: SamsaError): void {
    this.failures.push([voterId, error.code]);
  }
  noteActive(): void {}
  onActiveChange(): () => void {
    return () => {};
  }
  close(): void {}
  get stream(): FakeStream {
    return this.streams[this.streams.length - 1]!;
  }
}

class FakeView implements MetadataView {
  image: MetadataImage = emptyImage('c');
  private readonly listeners = new Set<MetadataListener>();
  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  applyTo(index: number): void {
    const previous = this.image;
    this.image = Object.freeze({ ...previous, appliedIndex: index });
    for (const l of this.listeners) l({ previous, image: this.image, entries: [] });
  }
}

function setup() {
  const clock = new ManualClock(0);
  const channel = new FakeChannel();
  const view = new FakeView();
  const lifecycle = new BrokerLifecycle({ nodeId: 7, endpoints: [{ name: 'client', host: 'h', port: 1 }], channel, heartbeatIntervalMs: 500, sessionTimeoutMs: 3000, clock, logger, incarnationId: 'inc' });
  return { clock, channel, view, lifecycle };
}

async function registered() {
  const t = setup();
  t.channel.registerAnswers.push(() => ({ broker_epoch: '4', cluster_id: 'c' }));
  await t.lifecycle.register('', new AbortController().signal);
  t.view.applyTo(4);
  t.lifecycle.startHeartbeats(t.view);
  return t;
}

describe('BrokerLifecycle', () => {
  it('retries registration while no controller answers, then gives up only on a refusal', async () => {
    const { clock, channel, lifecycle } = setup();
    const done = lifecycle.register('', new AbortController().signal);
    await clock.advance(0);
    expect(channel.registrations).toBe(1);
    await clock.advance(50);
    expect(channel.registrations).toBe(2);
    channel.registerAnswers.push(() => ({ broker_epoch: '12', cluster_id: 'c' }));
    await clock.advance(100);
    expect(await done).toEqual({ brokerEpoch: 12, clusterId: 'c' });
    expect(lifecycle.brokerEpoch).toBe(12);

    const refused = setup();
    refused.channel.registerAnswers.push(() => {
      throw new SamsaError('INCONSISTENT_CLUSTER_ID', 'another cluster');
    });
    await expect(refused.lifecycle.register('x', new AbortController().signal)).rejects.toMatchObject({ code: 'INCONSISTENT_CLUSTER_ID' });
  });

  it('heartbeats at once and every interval with the applied offset', async () => {
    const { clock, channel, view } = await registered();
    expect(channel.stream.sent).toEqual([{ broker_id: 7, incarnation_id: 'inc', broker_epoch: 4, applied_offset: 4, want_shut_down: false }]);
    channel.stream.answer({ fenced: true });
    view.applyTo(6);
    await clock.advance(500);
    channel.stream.answer({ fenced: true });
    await clock.advance(500);
    expect(channel.stream.sent.map((r) => r.applied_offset)).toEqual([4, 6, 6]);
  });

  it('holds the write lease from an unfenced answer until its send time plus the session timeout', async () => {
    const { clock, channel, lifecycle } = await registered();
    expect(lifecycle.canAcceptWrites()).toBe(false);
    await clock.advance(200);
    channel.stream.answer({ metadata_offset: '4' }); // the heartbeat sent at 0
    expect(lifecycle.canAcceptWrites()).toBe(true);
    expect(lifecycle.leaseUntil).toBe(3000);
    // No more answers (a controller that went quiet): the lease lapses at 3000, by itself.
    await clock.advance(2799);
    expect(lifecycle.canAcceptWrites()).toBe(true);
    await clock.advance(1);
    expect(lifecycle.canAcceptWrites()).toBe(false);
  });

  it('takes the lease only once the image has what the controller had when it answered', async () => {
    const { channel, view, lifecycle } = await registered();
    channel.stream.answer({ metadata_offset: '9' });
    expect(lifecycle.fenced).toBe(false);
    expect(lifecycle.canAcceptWrites()).toBe(false);
    view.applyTo(8);
    expect(lifecycle.canAcceptWrites()).toBe(false);
    view.applyTo(9);
    expect(lifecycle.canAcceptWrites()).toBe(true);
  });

  it('revokes the lease at once on a fenced or stale answer', async () => {
    const { clock, channel, lifecycle } = await registered();
    channel.stream.answer({ metadata_offset: '4' });
    expect(lifecycle.canAcceptWrites()).toBe(true);
    await clock.advance(500);
    channel.stream.answer({ fenced: true });
    expect(lifecycle.canAcceptWrites()).toBe(false);
    await clock.advance(500);
    channel.stream.answer({ metadata_offset: '4' });
    expect(lifecycle.canAcceptWrites()).toBe(true);
    await clock.advance(500);
    channel.stream.answer({ error_code: 'STALE_BROKER_EPOCH', error_message: 'replaced', fenced: true });
    expect([lifecycle.canAcceptWrites(), lifecycle.fenced]).toEqual([false, true]);
  });

  it('drops an unanswered stream after half a session and reopens it', async () => {
    const { clock, channel } = await registered();
    const first = channel.stream;
    await clock.advance(1500);
    expect(first.closed).toBe(false);
    await clock.advance(500); // the heartbeat of time 0 is 2000 ms old at this tick
    expect(first.closed).toBe(true);
    expect(channel.failures).toEqual([[100, 'REQUEST_TIMED_OUT']]);
    expect(channel.streams).toHaveLength(1);
    await clock.advance(50);
    expect(channel.streams).toHaveLength(2);
    expect(channel.stream.sent).toHaveLength(1);
  });

  it('reopens a failed stream with backoff, reset by an answer, and follows the controller', async () => {
    const { clock, channel, lifecycle } = await registered();
    const changes: number[] = [];
    lifecycle.onControllerChange((id) => changes.push(id));
    channel.stream.fail(new SamsaError('NOT_CONTROLLER', 'moved', { details: { controllerId: 101 } }));
    channel.activeControllerId = 101;
    await clock.advance(50);
    expect(channel.streams).toHaveLength(2);
    channel.stream.fail(new SamsaError('NETWORK_EXCEPTION', 'down'));
    await clock.advance(99);
    expect(channel.streams).toHaveLength(2);
    await clock.advance(1);
    expect(channel.streams).toHaveLength(3);
    expect(channel.failures).toEqual([[100, 'NOT_CONTROLLER'], [101, 'NETWORK_EXCEPTION']]);
    channel.stream.answer({ controller_id: 101, metadata_offset: '4' });
    expect(changes).toEqual([101]);
    expect(lifecycle.controllerId).toBe(101);
    channel.stream.fail(new SamsaError('NETWORK_EXCEPTION', 'down'));
    await clock.advance(50);
    expect(channel.streams).toHaveLength(4);
  });

  it('tells waiters when the broker becomes writable, and stop() closes the stream', async () => {
    const { clock, channel, lifecycle } = await registered();
    const stop = new AbortController();
    let writable = false;
    const waiting = lifecycle.waitUntilWritable(stop.signal).then(() => (writable = true));
    await clock.advance(0);
    expect(writable).toBe(false);
    channel.stream.answer({ metadata_offset: '4' });
    await waiting;
    expect(writable).toBe(true);
    const never = lifecycle.waitUntilWritable(stop.signal);
    await expect(never).resolves.toBeUndefined(); // already writable
    lifecycle.stop();
    expect(channel.stream.closed).toBe(true);
    expect(lifecycle.canAcceptWrites()).toBe(false);
    await expect(lifecycle.waitUntilWritable(stop.signal)).rejects.toMatchObject({ code: 'BROKER_NOT_AVAILABLE' });
    await clock.advance(10_000);
    expect(channel.streams).toHaveLength(1);
  });
});
