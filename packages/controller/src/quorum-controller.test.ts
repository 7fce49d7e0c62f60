// Proves the active controller over a real LocalMetadataLog (temp directory) on a manual clock:
// a broker registers fenced and is unfenced by the heartbeat that shows it caught up; a broker
// that goes silent is fenced after the session timeout, one whose stream closes after the grace,
// and its partitions get new leaders in the same commit; heartbeats of a replaced incarnation or
// an unknown broker get their typed errors; a node that does not lead the log answers
// NOT_CONTROLLER naming the leader and fences nobody, and when it is elected every broker's
// session clock starts then; the status names liveness, leadership counts and the image hash.
// Controlled shutdown (issue 5): a heartbeat with wantShutDown moves the broker's leaderships to
// other live in-sync replicas and takes it out of ISRs it shares, in one commit, keeps a partition
// nobody else can lead on its leader, and answers shouldShutDown; the broker can neither rejoin an
// ISR nor be elected preferred leader until a new incarnation registers; two brokers shutting down
// at once hand nothing to each other.
// Leadership is switched by a thin wrapper around the log, as a Raft log would report it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SamsaError } from '@samsa/protocol';
import { imageHash } from './image-codec.js';
import { LocalMetadataLog } from './metadata-log.js';
import type { LeaderChangeListener, MetadataListener, MetadataLog, MetadataUpdate } from './metadata-log.js';
import { QuorumController } from './quorum-controller.js';
import type { MetadataRecord } from './records.js';
import { ManualClock } from './testing.js';

const logger = pino({ level: 'silent' });
const endpoint = { name: 'client', host: '127.0.0.1', port: 9092 };

/** The local log, with leadership that a test can take away and give back. */
class SwitchableLog implements MetadataLog {
  leading = true;
  leader: number;
  epoch = 1;
  private readonly listeners = new Set<LeaderChangeListener>();
  private readonly inner: LocalMetadataLog;
  constructor(inner: LocalMetadataLog) {
    this.inner = inner;
    this.leader = inner.nodeId;
  }
  get clusterId() { return this.inner.clusterId; }
  get directoryId() { return this.inner.directoryId; }
  get nodeId() { return this.inner.nodeId; }
  get image() { return this.inner.image; }
  get appliedIndex() { return this.inner.appliedIndex; }
  get logStartIndex() { return this.inner.logStartIndex; }
  append(records: readonly MetadataRecord[]) {
    if (!this.leading) return Promise.reject(new SamsaError('NOT_CONTROLLER', 'not the leader', { details: { controllerId: this.leader } }));
    return this.inner.append(records);
  }
  replay(fromIndex?: number) { return this.inner.replay(fromIndex); }
  subscribe(listener: MetadataListener) { return this.inner.subscribe(listener); }
  isLeader() { return this.leading; }
  leaderId() { return this.leader; }
  leaderEpoch() { return this.epoch; }
  onLeaderChange(listener: LeaderChangeListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  snapshot() { return this.inner.snapshot(); }
  status() { return { ...this.inner.status(), leaderId: this.leader, isLeader: this.leading, leaderEpoch: this.epoch }; }
  close() { return this.inner.close(); }
  switchTo(leader: number): void {
    this.leader = leader;
    this.leading = leader === this.inner.nodeId;
    this.epoch++;
    for (const l of this.listeners) l({ leaderId: leader, leaderEpoch: this.epoch, isLeader: this.leading });
  }
}

let dir: string;
let inner: LocalMetadataLog;
let log: SwitchableLog;
let clock: ManualClock;
let controller: QuorumController;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-quorum-controller-'));
  inner = await LocalMetadataLog.open({ dataDir: dir, nodeId: 100, logger });
  log = new SwitchableLog(inner);
  clock = new ManualClock(0);
  controller = new QuorumController(log, { logger, clock });
  controller.start();
});

afterEach(async () => {
  controller.stop();
  await inner.close();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first update whose records match `predicate` (no polling: the log tells). */
function nextUpdate(predicate: (u: MetadataUpdate) => boolean): Promise<MetadataUpdate> {
  return new Promise((resolve) => {
    const off = log.subscribe((u) => {
      if (!predicate(u)) return;
      off();
      resolve(u);
    });
  });
}
const fencing = (brokerId: number) => nextUpdate((u) => u.entries.some((e) => e.record.broker_fenced?.broker_id === brokerId));

/** Registers a broker and heartbeats it caught up (unfenced). Returns its stream and epoch. */
async function joinBroker(brokerId: number, incarnationId = `inc-${brokerId}`): Promise<{ stream: number; epoch: number }> {
  const epoch = await controller.registerBroker({ brokerId, incarnationId, endpoints: [endpoint] });
  const stream = controller.newHeartbeatStream();
  const answer = await controller.heartbeat(stream, { brokerId, incarnationId, brokerEpoch: epoch, appliedOffset: log.appliedIndex });
  expect(answer).toMatchObject({ errorCode: 'NONE', fenced: false, controllerId: 100 });
  return { stream, epoch };
}

describe('QuorumController', () => {
  it('keeps a registered broker fenced until a heartbeat shows it caught up', async () => {
    const epoch = await controller.registerBroker({ brokerId: 1, incarnationId: 'a', endpoints: [endpoint] });
    expect(log.image.brokers.get(1)).toMatchObject({ fenced: true, epoch });
    const stream = controller.newHeartbeatStream();
    const behind = await controller.heartbeat(stream, { brokerId: 1, incarnationId: 'a', brokerEpoch: epoch, appliedOffset: epoch - 1 });
    expect(behind).toEqual({ errorCode: 'NONE', errorMessage: '', fenced: true, controllerId: 100, metadataOffset: epoch, shouldShutDown: false });
    const caughtUp = await controller.heartbeat(stream, { brokerId: 1, incarnationId: 'a', brokerEpoch: epoch, appliedOffset: epoch });
    expect(caughtUp).toMatchObject({ errorCode: 'NONE', fenced: false, metadataOffset: epoch + 1 });
    expect(log.image.brokers.get(1)?.fenced).toBe(false);
  });

  it('fences a silent broker after the session timeout and moves its leaderships', async () => {
    const b1 = await joinBroker(1);
    const b2 = await joinBroker(2);
    const b3 = await joinBroker(3);
    await controller.createTopics([{ name: 't', numPartitions: 6, replicationFactor: 3 }]);
    const led = () => log.image.topicsByName.get('t')!.partitions.filter((p) => p.leaderId === 2).length;
    expect(led()).toBe(2);
    const beat = (b: { stream: number; epoch: number }, id: number) => controller.heartbeat(b.stream, { brokerId: id, incarnationId: `inc-${id}`, brokerEpoch: b.epoch, appliedOffset: log.appliedIndex });
    // Brokers 1 and 3 keep heartbeating; broker 2 falls silent.
    for (let t = 0; t < 5; t++) {
      await clock.advance(500);
      await beat(b1, 1);
      await beat(b3, 3);
    }
    expect(log.image.brokers.get(2)?.fenced).toBe(false);
    const fenced = fencing(2);
    await clock.advance(500); // 3000 ms after broker 2's last heartbeat
    await fenced;
    expect(log.image.brokers.get(2)?.fenced).toBe(true);
    expect(led()).toBe(0);
    for (const p of log.image.topicsByName.get('t')!.partitions) {
      expect(p.isr).not.toContain(2);
      expect([1, 3]).toContain(p.leaderId);
    }
    // It comes back (same incarnation, caught up): unfenced at once.
    const back = await beat(b2, 2);
    expect(back).toMatchObject({ errorCode: 'NONE', fenced: false });
    expect(log.image.brokers.get(2)?.fenced).toBe(false);
  });

  it('fences a broker whose stream closed after the grace, not one that came back', async () => {
    const b1 = await joinBroker(1);
    const b2 = await joinBroker(2);
    controller.heartbeatStreamClosed(b1.stream);
    controller.heartbeatStreamClosed(b2.stream);
    await clock.advance(300);
    const again = controller.newHeartbeatStream();
    await controller.heartbeat(again, { brokerId: 2, incarnationId: 'inc-2', brokerEpoch: b2.epoch, appliedOffset: log.appliedIndex });
    const fenced = fencing(1);
    await clock.advance(200);
    await fenced;
    expect(log.image.brokers.get(1)?.fenced).toBe(true);
    expect(log.image.brokers.get(2)?.fenced).toBe(false);
  });

  it('answers a replaced incarnation STALE_BROKER_EPOCH and an unknown broker BROKER_ID_NOT_REGISTERED', async () => {
    const old = await joinBroker(1, 'old');
    const epoch = await controller.registerBroker({ brokerId: 1, incarnationId: 'new', endpoints: [endpoint] });
    expect(epoch).toBeGreaterThan(old.epoch);
    expect(await controller.heartbeat(old.stream, { brokerId: 1, incarnationId: 'old', brokerEpoch: old.epoch, appliedOffset: log.appliedIndex })).toMatchObject({ errorCode: 'STALE_BROKER_EPOCH', fenced: true });
    expect(await controller.heartbeat(9, { brokerId: 7, incarnationId: 'x', brokerEpoch: -1, appliedOffset: 0 })).toMatchObject({ errorCode: 'BROKER_ID_NOT_REGISTERED', fenced: true });
    // The new incarnation is unfenced by its own heartbeat.
    expect(await controller.heartbeat(controller.newHeartbeatStream(), { brokerId: 1, incarnationId: 'new', brokerEpoch: epoch, appliedOffset: epoch })).toMatchObject({ fenced: false });
  });

  it('answers NOT_CONTROLLER when it does not lead, fences nobody, and starts session clocks at its election', async () => {
    await joinBroker(1);
    log.switchTo(2);
    expect(controller.isActive()).toBe(false);
    expect(controller.activeControllerId()).toBe(2);
    await expect(controller.registerBroker({ brokerId: 5, incarnationId: 'x', endpoints: [] })).rejects.toMatchObject({ code: 'NOT_CONTROLLER', details: { controllerId: 2 } });
    await expect(controller.heartbeat(1, { brokerId: 1, incarnationId: 'inc-1', brokerEpoch: -1, appliedOffset: 0 })).rejects.toMatchObject({ code: 'NOT_CONTROLLER' });
    await expect(controller.createTopics([{ name: 't', numPartitions: 1, replicationFactor: 1 }])).rejects.toMatchObject({ code: 'NOT_CONTROLLER' });
    await clock.advance(60_000);
    expect(log.image.brokers.get(1)?.fenced).toBe(false);

    log.switchTo(100);
    expect(controller.isActive()).toBe(true);
    await clock.advance(2999);
    expect(log.image.brokers.get(1)?.fenced).toBe(false);
    const fenced = fencing(1);
    await clock.advance(1);
    await fenced;
    expect(log.image.brokers.get(1)?.fenced).toBe(true);
  });

  it('describes the quorum and the brokers', async () => {
    const b1 = await joinBroker(1);
    await joinBroker(2);
    await controller.createTopics([{ name: 't', numPartitions: 4, replicationFactor: 2 }]);
    controller.heartbeatStreamClosed(b1.stream);
    await clock.advance(100);
    const status = controller.describe();
    expect(status).toMatchObject({ clusterId: log.clusterId, nodeId: 100, activeControllerId: 100, commitOffset: log.appliedIndex, appliedOffset: log.appliedIndex, logStartOffset: 1, livenessKnown: true });
    expect(status.imageHash).toBe(imageHash(log.image));
    expect(status.brokers.map((b) => [b.brokerId, b.fenced, b.alive, b.leaderCount, b.replicaCount])).toEqual([
      [1, false, false, 2, 4],
      [2, false, true, 2, 4],
    ]);
    expect(status.brokers[1]).toMatchObject({ lastHeartbeatAgeMs: 100, incarnationId: 'inc-2' });
    log.switchTo(3);
    expect(controller.describe()).toMatchObject({ activeControllerId: 3, livenessKnown: false });
    expect(controller.describe().brokers[1]).toMatchObject({ alive: false, appliedOffset: -1, lastHeartbeatAgeMs: -1 });
  });
});

describe('controlled shutdown', () => {
  type Member = { stream: number; epoch: number };
  const beat = (b: Member, id: number, wantShutDown?: boolean) =>
    controller.heartbeat(b.stream, { brokerId: id, incarnationId: `inc-${id}`, brokerEpoch: b.epoch, appliedOffset: log.appliedIndex, ...(wantShutDown !== undefined ? { wantShutDown } : {}) });
  const partitions = (topic: string) => log.image.topicsByName.get(topic)!.partitions;
  /** Collects the commits made until the returned function is called. */
  function recordCommits(): () => MetadataUpdate[] {
    const commits: MetadataUpdate[] = [];
    const off = log.subscribe((u) => commits.push(u));
    return () => {
      off();
      return commits;
    };
  }

  it('moves leaderships away in one commit, leaves shared ISRs, keeps what nobody else can lead, and says when to stop', async () => {
    const b1 = await joinBroker(1);
    await joinBroker(2);
    await joinBroker(3);
    await controller.createTopics([{ name: 't', numPartitions: 6, replicationFactor: 3 }, { name: 'solo', numPartitions: 3, replicationFactor: 1 }]);
    // One partition broker 1 leads loses its followers (they fell behind): only broker 1 can lead it.
    const lonely = partitions('t').findIndex((p) => p.leaderId === 1);
    const p = partitions('t')[lonely]!;
    const shrunk = await controller.alterPartition(1, b1.epoch, [{ topicId: log.image.topicsByName.get('t')!.id, partition: lonely, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: [1] }]);
    expect(shrunk.outcomes[0]?.error).toBeUndefined();
    expect(await beat(b1, 1)).toMatchObject({ errorCode: 'NONE', shouldShutDown: false });

    const before = partitions('t');
    const solo = partitions('solo');
    const stop = recordCommits();
    const answer = await beat(b1, 1, true);
    const commits = stop();
    expect(answer).toEqual({ errorCode: 'NONE', errorMessage: '', fenced: false, controllerId: 100, metadataOffset: log.appliedIndex, shouldShutDown: true });
    expect(commits.map((c) => c.entries.length)).toEqual([5]);
    partitions('t').forEach((now, i) => {
      const old = before[i]!;
      if (i === lonely) return expect(now).toBe(old); // keeps its leader: never leaderless
      expect(now.isr).toEqual(old.isr.filter((id) => id !== 1));
      expect(now.leaderId).toBe(old.leaderId === 1 ? old.replicas.find((id) => id !== 1) : old.leaderId);
      expect(now.leaderEpoch).toBe(old.leaderId === 1 ? old.leaderEpoch + 1 : old.leaderEpoch);
    });
    expect(partitions('solo')).toBe(solo);
    expect(log.image.brokers.get(1)?.fenced).toBe(false); // it still serves until it stops

    // Asked again: nothing to move, nothing written, the same answer.
    const image = log.image;
    expect(await beat(b1, 1, true)).toMatchObject({ errorCode: 'NONE', shouldShutDown: true });
    expect(log.image).toBe(image);
  });

  it('keeps a shutting-down broker out of ISRs and elections until a new incarnation registers', async () => {
    const b1 = await joinBroker(1);
    await joinBroker(2);
    await joinBroker(3);
    await controller.createTopics([{ name: 't', numPartitions: 3, replicationFactor: 3 }]);
    const topicId = log.image.topicsByName.get('t')!.id;
    expect(partitions('t')[0]!.replicas[0]).toBe(1);
    await beat(b1, 1, true);
    const rejoin = () => {
      const p = partitions('t')[0]!;
      return controller.alterPartition(p.leaderId, -1, [{ topicId, partition: 0, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: [...p.isr, 1] }]);
    };
    const image = log.image;
    expect((await rejoin()).outcomes[0]?.error?.code).toBe('INELIGIBLE_REPLICA');
    const preferred = await controller.electLeaders('PREFERRED', [{ topic: 't', partitions: [0] }]);
    expect(preferred.outcomes[0]?.error?.code).toBe('PREFERRED_LEADER_NOT_AVAILABLE');
    expect(log.image).toBe(image);

    // The broker restarts: its new incarnation is not shutting down, rejoins and leads again.
    const epoch = await controller.registerBroker({ brokerId: 1, incarnationId: 'inc-1b', endpoints: [endpoint] });
    expect(controller.frontend.shuttingDown(1)).toBe(false);
    expect(await controller.heartbeat(controller.newHeartbeatStream(), { brokerId: 1, incarnationId: 'inc-1b', brokerEpoch: epoch, appliedOffset: log.appliedIndex })).toMatchObject({ fenced: false });
    const isr = partitions('t')[0]!.isr;
    expect((await rejoin()).outcomes[0]?.error).toBeUndefined();
    expect(partitions('t')[0]).toMatchObject({ leaderId: 1, isr: [...isr, 1] });
  });

  it('hands no leadership from one broker shutting down to another shutting down at the same time', async () => {
    const b1 = await joinBroker(1);
    const b2 = await joinBroker(2);
    await joinBroker(3);
    await controller.createTopics([{ name: 't', numPartitions: 6, replicationFactor: 3 }]);
    // A partition only brokers 1 and 2 are in sync for.
    const pair = partitions('t').findIndex((p) => p.leaderId === 1 && p.replicas[1] === 2);
    const p = partitions('t')[pair]!;
    await controller.alterPartition(1, b1.epoch, [{ topicId: log.image.topicsByName.get('t')!.id, partition: pair, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: [1, 2] }]);
    const pairBefore = partitions('t')[pair]!;
    expect(pairBefore.isr).toEqual([1, 2]);

    const leaders = partitions('t').map((x) => x.leaderId);
    const stop = recordCommits();
    const answers = await Promise.all([beat(b1, 1, true), beat(b2, 2, true)]);
    const commits = stop();
    expect(answers.map((a) => [a.errorCode, a.shouldShutDown])).toEqual([['NONE', true], ['NONE', true]]);
    // Every leadership that changed hands went to broker 3.
    for (const e of commits.flatMap((c) => c.entries)) {
      const r = e.record.partition_changed!;
      if (r.leader_id !== leaders[r.partition]) expect(r.leader_id).toBe(3);
      leaders[r.partition] = r.leader_id;
    }
    partitions('t').forEach((now, i) => {
      if (i === pair) expect(now).toBe(pairBefore); // nobody else can lead it: broker 1 keeps it
      else expect([now.leaderId, now.isr]).toEqual([3, [3]]);
    });
  });

  it('changes dynamic broker configs through the active controller only', async () => {
    await joinBroker(1);
    const index = await controller.alterBrokerConfigs(1, { set: { 'follower.replication.throttled.rate': '2048' } });
    expect(index).toBe(log.appliedIndex);
    expect(log.image.brokerConfigs.get(1)?.get('follower.replication.throttled.rate')).toBe('2048');
    log.switchTo(2);
    await expect(controller.alterBrokerConfigs(1, { delete: ['follower.replication.throttled.rate'] })).rejects.toMatchObject({ code: 'NOT_CONTROLLER' });
  });
});
