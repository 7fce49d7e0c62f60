// Proves samsa.v1.ControllerService over real gRPC on 127.0.0.1, served from a LocalMetadataLog
// and a QuorumController on a manual clock: WatchMetadata from nothing sends the image as a
// snapshot in chunks and then every new record as it commits, from an offset sends the records
// from there, and from past the end waits for them; the heartbeat stream unfences a caught-up
// broker and, once cancelled, gets it fenced after the grace; AlterPartition, AllocateProducerIds,
// forwarded CreateTopics and DescribeQuorum answer as the controller does; a node without the
// controller role answers NOT_CONTROLLER with the active controller's id in a trailer; a body that
// does not decode is INVALID_ARGUMENT.
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalMetadataLog, QuorumController, Records, decodeImage, encodeImage, imageHash } from '@samsa/controller';
import type { MetadataImage } from '@samsa/controller';
import { ManualClock } from '@samsa/controller/testing';
import { decodeMetadataRecord, int64ToNumber } from '@samsa/protocol';
import type { BrokerHeartbeatResponse__Output, ControllerServiceClient, WatchMetadataResponse__Output } from '@samsa/protocol';
import { controllerServiceDefinition, createControllerHandlers } from './controller-service.js';
import { CONTROLLER_ID_METADATA_KEY, ERROR_CODE_METADATA_KEY } from './errors.js';
import { connectController, controllerCall, silentLogger, tempDir } from './testing.js';

const logger = silentLogger();
const endpoint = { name: 'client', host: '127.0.0.1', port: 9092 };

let dir: { path: string; remove: () => Promise<void> };
let log: LocalMetadataLog;
let clock: ManualClock;
let controller: QuorumController;
let server: grpc.Server;
let stop: AbortController;
let client: ControllerServiceClient;

async function serve(withController: boolean): Promise<string> {
  server = new grpc.Server();
  server.addService(
    controllerServiceDefinition(),
    createControllerHandlers({
      nodeId: withController ? 100 : 5,
      log: logger,
      ...(withController ? { controller, metadataLog: log } : {}),
      voters: [{ id: 100, address: 'controller.example:9093' }],
      knownControllerId: () => 100,
      stopSignal: stop.signal,
      snapshotChunkBytes: 64,
    }),
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return `127.0.0.1:${port}`;
}

beforeEach(async () => {
  dir = await tempDir('samsa-controller-service-');
  log = await LocalMetadataLog.open({ dataDir: dir.path, nodeId: 100, logger });
  clock = new ManualClock(0);
  controller = new QuorumController(log, { logger, clock });
  controller.start();
  stop = new AbortController();
  client = connectController(await serve(true));
});

afterEach(async () => {
  client.close();
  stop.abort();
  server.forceShutdown();
  controller.stop();
  await log.close();
  await dir.remove();
});

/** Collects a watch's messages and lets a test wait for a condition on them (no polling). */
function watchFrom(from: number) {
  const messages: WatchMetadataResponse__Output[] = [];
  const waiters = new Set<() => void>();
  const call = client.WatchMetadata({ from_offset: from, broker_id: 9 });
  call.on('data', (m: WatchMetadataResponse__Output) => {
    messages.push(m);
    for (const w of [...waiters]) w();
  });
  call.on('error', () => {});
  const until = (predicate: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const offsets = (): number[] => messages.flatMap((m) => m.records?.entries.map((e) => int64ToNumber(e.offset, 'offset')) ?? []);
  return { call, messages, until, offsets };
}

async function seed(): Promise<MetadataImage> {
  await log.append([Records.registerBroker({ brokerId: 1, incarnationId: 'a', endpoints: [endpoint] }), Records.brokerUnfenced(1, 'a')]);
  await controller.createTopics([{ name: 'some-topic-with-a-long-name', numPartitions: 4, replicationFactor: 1 }]);
  return log.image;
}

describe('WatchMetadata', () => {
  it('sends a snapshot in chunks to a watcher with nothing, then every record as it commits', async () => {
    const seeded = await seed();
    const w = watchFrom(0);
    await w.until(() => w.messages.some((m) => m.snapshot?.last === true));
    const chunks = w.messages.map((m) => m.snapshot!);
    expect(chunks.length).toBe(Math.ceil(encodeImage(seeded).length / 64));
    expect(chunks.map((c) => int64ToNumber(c.position, 'position'))).toEqual(chunks.map((_, i) => i * 64));
    const image = decodeImage(Buffer.concat(chunks.map((c) => c.data)));
    expect(imageHash(image)).toBe(imageHash(seeded));
    await log.append([Records.brokerFenced(1, 'a')]);
    await w.until(() => w.offsets().length === 1);
    expect(w.offsets()).toEqual([seeded.appliedIndex + 1]);
    const record = decodeMetadataRecord(w.messages.at(-1)!.records!.entries[0]!.record);
    expect(record.broker_fenced).toMatchObject({ broker_id: 1, incarnation_id: 'a' });
    w.call.cancel();
  });

  it('sends records from an offset, and waits at the end for new ones', async () => {
    const seeded = await seed();
    const w = watchFrom(3);
    await w.until(() => w.offsets().length === seeded.appliedIndex - 2);
    expect(w.offsets()).toEqual(Array.from({ length: seeded.appliedIndex - 2 }, (_, i) => i + 3));
    const ahead = watchFrom(seeded.appliedIndex + 2);
    await log.append([Records.brokerFenced(1, 'a')]);
    await log.append([Records.brokerUnfenced(1, 'a')]);
    await ahead.until(() => ahead.offsets().length === 1);
    expect(ahead.offsets()).toEqual([seeded.appliedIndex + 2]);
    await w.until(() => w.offsets().length === seeded.appliedIndex);
    expect(w.offsets().at(-1)).toBe(seeded.appliedIndex + 2);
    w.call.cancel();
    ahead.call.cancel();
  });
});

describe('the rest of the service', () => {
  it('unfences over the heartbeat stream and fences after the grace once the stream is gone', async () => {
    const registered = await controllerCall(client, 'RegisterBroker', { cluster_id: log.clusterId, broker_id: 1, incarnation_id: 'a', endpoints: [endpoint], rack: '' });
    const epoch = int64ToNumber(registered.broker_epoch, 'broker_epoch');
    expect(registered.cluster_id).toBe(log.clusterId);
    const stream = client.Heartbeat();
    const answers: BrokerHeartbeatResponse__Output[] = [];
    const answered = new Promise<void>((resolve) => stream.on('data', (r: BrokerHeartbeatResponse__Output) => answers.push(r) && resolve()));
    stream.on('error', () => {});
    stream.write({ broker_id: 1, incarnation_id: 'a', broker_epoch: epoch, applied_offset: epoch });
    await answered;
    expect(answers[0]).toMatchObject({ error_code: 'NONE', fenced: false, controller_id: 100, metadata_offset: String(epoch + 1) });
    let proposed = false;
    const fenced = new Promise<void>((resolve) => log.subscribe((u) => u.image.brokers.get(1)?.fenced === true && resolve()));
    void fenced.then(() => (proposed = true));
    stream.cancel();
    // The server learns of the cancellation over the socket; the grace then runs on the manual
    // clock, which moves (a bounded number of steps) until the fence is in.
    for (let i = 0; i < 50 && !proposed; i++) await clock.advance(100);
    await fenced;
    expect(clock.now()).toBeGreaterThanOrEqual(500);
  });

  it('serves AlterPartition, AllocateProducerIds, forwarded CreateTopics and DescribeQuorum', async () => {
    await seed();
    const created = await controllerCall(client, 'CreateTopics', { topics: [{ name: 'fwd', num_partitions: 2, replication_factor: 1, configs: {} }], validate_only: false, timeout_ms: 1000 });
    expect(created.response?.results[0]).toMatchObject({ name: 'fwd', error_code: 'NONE', num_partitions: 2 });
    expect(int64ToNumber(created.metadata_offset, 'metadata_offset')).toBe(log.appliedIndex);
    const dup = await controllerCall(client, 'CreateTopics', { topics: [{ name: 'fwd', num_partitions: 2, replication_factor: 1, configs: {} }], validate_only: false, timeout_ms: 1000 });
    expect(dup.response?.results[0]?.error_code).toBe('TOPIC_ALREADY_EXISTS');

    const topic = log.image.topicsByName.get('fwd')!;
    const altered = await controllerCall(client, 'AlterPartition', {
      broker_id: 1,
      broker_epoch: -1,
      partitions: [{ topic_id: topic.id, partition: 0, leader_epoch: 0, partition_epoch: 5, new_isr: [1] }],
    });
    expect(altered.partitions[0]).toMatchObject({ error_code: 'INVALID_UPDATE_VERSION', leader_id: 1, isr: [1], partition_epoch: 0 });
    const ids = await controllerCall(client, 'AllocateProducerIds', { broker_id: 1, broker_epoch: -1 });
    expect(ids).toEqual({ first_producer_id: '0', block_size: 1000 });

    const status = await controllerCall(client, 'DescribeQuorum', {});
    expect(status).toMatchObject({ node_id: 100, active_controller_id: 100, liveness_known: true, voters: [{ node_id: 100, address: 'controller.example:9093' }], image_hash: imageHash(log.image) });
    expect(status.brokers[0]).toMatchObject({ broker_id: 1, fenced: false, leader_count: 6 });
  });

  it('answers NOT_CONTROLLER naming the active controller on a node without the role', async () => {
    const other = connectController(await serve(false));
    const err = (await controllerCall(other, 'RegisterBroker', { cluster_id: '', broker_id: 1, incarnation_id: 'x', endpoints: [], rack: '' }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.metadata.get(ERROR_CODE_METADATA_KEY)[0]).toBe('NOT_CONTROLLER');
    expect(err.metadata.get(CONTROLLER_ID_METADATA_KEY)[0]).toBe('100');
    other.close();
  });

  it('answers INVALID_ARGUMENT to a body that does not decode', async () => {
    const err = await new Promise<grpc.ServiceError>((resolve) => {
      (client as unknown as grpc.Client).makeUnaryRequest('/samsa.v1.ControllerService/RegisterBroker', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0xff, 0xff, 0xff]), (e) => resolve(e!));
    });
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.metadata.get(ERROR_CODE_METADATA_KEY)[0]).toBe('INVALID_REQUEST');
  });
});
