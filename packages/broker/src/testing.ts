// Test support for the broker's own tests (not part of the public API): a broker on port 0 in a
// temp directory, raw grpc-js clients of samsa.v1.SamsaClient and samsa.v1.ControllerService with
// promise wrappers, and a wait on a node's metadata image.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { MetadataImage } from '@samsa/controller';
import { GRPC_CHANNEL_OPTIONS, loadClientProto, loadControllerProto } from '@samsa/protocol';
import type {
  AlterConfigsRequest,
  AlterConfigsResponse__Output,
  CreateTopicsRequest,
  CreateTopicsResponse__Output,
  DeleteTopicsRequest,
  DeleteTopicsResponse__Output,
  DescribeTopicsRequest,
  DescribeTopicsResponse__Output,
  FetchRequest,
  FetchResponse__Output,
  ListOffsetsRequest,
  ListOffsetsResponse__Output,
  ListTopicsRequest,
  ListTopicsResponse__Output,
  MetadataRequest,
  MetadataResponse__Output,
  ProduceRequest,
  ProduceResponse__Output,
  ControllerServiceClient,
  SamsaClientClient,
} from '@samsa/protocol';
import { startBroker } from './broker.js';
import type { Broker } from './broker.js';
import { validateConfig } from './config.js';
import type { ControllerUnaryMethod, ControllerUnaryTypes } from './controller-client.js';
import type { MetadataView } from './metadata-view.js';
import type { BrokerConfig } from './config.js';
import { ERROR_CODE_METADATA_KEY } from './errors.js';

export const silentLogger = (): Logger => pino({ level: process.env['SAMSA_TEST_LOG_LEVEL'] ?? 'silent' });

export async function tempDir(prefix = 'samsa-broker-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function startTestBroker(dataDir: string, overrides: Partial<BrokerConfig> = {}): Promise<Broker> {
  return startBroker(validateConfig({ listen: '127.0.0.1:0', dataDir, retentionCheckIntervalMs: 0, ...overrides }), { logger: silentLogger() });
}

/** A port free on 127.0.0.1 right now (for nodes that must know each other's addresses before binding). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function connect(address: string): SamsaClientClient {
  const Client = loadClientProto().samsa.v1.SamsaClient;
  return new Client(address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
}

/** The typed error code a failed call carries in its trailer. */
export const errorCodeOf = (err: grpc.ServiceError): string | undefined => err.metadata?.get(ERROR_CODE_METADATA_KEY)[0]?.toString();

/** Request and response types of each unary method. */
export interface UnaryMethods {
  metadata: [MetadataRequest, MetadataResponse__Output];
  createTopics: [CreateTopicsRequest, CreateTopicsResponse__Output];
  deleteTopics: [DeleteTopicsRequest, DeleteTopicsResponse__Output];
  listTopics: [ListTopicsRequest, ListTopicsResponse__Output];
  describeTopics: [DescribeTopicsRequest, DescribeTopicsResponse__Output];
  alterConfigs: [AlterConfigsRequest, AlterConfigsResponse__Output];
  produce: [ProduceRequest, ProduceResponse__Output];
  fetch: [FetchRequest, FetchResponse__Output];
  listOffsets: [ListOffsetsRequest, ListOffsetsResponse__Output];
}

type AnyUnary = (request: unknown, options: grpc.CallOptions, callback: grpc.requestCallback<unknown>) => grpc.ClientUnaryCall;

/** Promise form of a unary call: resolves with the response, rejects with the ServiceError. */
export function call<M extends keyof UnaryMethods>(client: SamsaClientClient, method: M, request: UnaryMethods[M][0], options: grpc.CallOptions = {}): Promise<UnaryMethods[M][1]> {
  return new Promise((resolve, reject) => {
    (client[method] as unknown as AnyUnary).call(client, request, options, (err, response) => (err ? reject(err) : resolve(response as UnaryMethods[M][1])));
  });
}

/** A unary call whose body is `bytes` as they are: for malformed requests. */
export function rawCall(client: grpc.Client, method: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/samsa.v1.SamsaClient/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      (err, response) => (err ? reject(err) : resolve(response!)),
    );
  });
}

/** A raw grpc-js client of samsa.v1.ControllerService. */
export function connectController(address: string): ControllerServiceClient {
  const Client = loadControllerProto().samsa.v1.ControllerService;
  return new Client(address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
}

/** Promise form of a ControllerService unary call. */
export function controllerCall<M extends ControllerUnaryMethod>(client: ControllerServiceClient, method: M, request: ControllerUnaryTypes[M][0]): Promise<ControllerUnaryTypes[M][1]> {
  return new Promise((resolve, reject) => {
    (client[method] as unknown as AnyUnary).call(client, request, {}, (err, response) => (err ? reject(err) : resolve(response as ControllerUnaryTypes[M][1])));
  });
}

/**
 * Resolves once `view`'s image satisfies `predicate` (checked now and after every update); rejects
 * after `timeoutMs` naming `what` and the image's applied index. No polling: the view tells.
 */
export function waitForImage(view: MetadataView, predicate: (image: MetadataImage) => boolean, what: string, timeoutMs = 20_000): Promise<MetadataImage> {
  return new Promise((resolve, reject) => {
    if (predicate(view.image)) return resolve(view.image);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (image at ${view.image.appliedIndex}: brokers ${JSON.stringify([...view.image.brokers.values()].map((b) => [b.id, b.fenced]))})`));
    }, timeoutMs);
    const off = view.subscribe((u) => {
      if (!predicate(u.image)) return;
      clearTimeout(timer);
      off();
      resolve(u.image);
    });
  });
}
