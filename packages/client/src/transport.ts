// The transport: one connection per broker address, one typed method per RPC of
// samsa.v1.SamsaClient. The production transport is gRPC (grpc-js, one channel per broker); tests
// inject their own to drive retries and routing without a broker.
import * as grpc from '@grpc/grpc-js';
import { GRPC_CHANNEL_OPTIONS, loadClientProto } from '@samsa/protocol';
import type {
  AlterConfigsRequest,
  AlterConfigsResponse__Output,
  CreateTopicsRequest,
  CreateTopicsResponse__Output,
  DeleteTopicsRequest,
  DeleteTopicsResponse__Output,
  DescribeTopicsRequest,
  DescribeTopicsResponse__Output,
  ElectLeadersRequest,
  ElectLeadersResponse__Output,
  FetchRequest,
  FetchResponse__Output,
  InitProducerIdRequest,
  InitProducerIdResponse__Output,
  ListOffsetsRequest,
  ListOffsetsResponse__Output,
  ListTopicsRequest,
  ListTopicsResponse__Output,
  MetadataRequest,
  MetadataResponse__Output,
  ProduceRequest,
  ProduceResponse__Output,
  SamsaClientClient,
} from '@samsa/protocol';
import { errorFromGrpc } from './errors.js';

/** Request and response types of each unary RPC. */
export interface RpcTypes {
  Metadata: [MetadataRequest, MetadataResponse__Output];
  CreateTopics: [CreateTopicsRequest, CreateTopicsResponse__Output];
  DeleteTopics: [DeleteTopicsRequest, DeleteTopicsResponse__Output];
  ListTopics: [ListTopicsRequest, ListTopicsResponse__Output];
  DescribeTopics: [DescribeTopicsRequest, DescribeTopicsResponse__Output];
  AlterConfigs: [AlterConfigsRequest, AlterConfigsResponse__Output];
  Produce: [ProduceRequest, ProduceResponse__Output];
  Fetch: [FetchRequest, FetchResponse__Output];
  ListOffsets: [ListOffsetsRequest, ListOffsetsResponse__Output];
  InitProducerId: [InitProducerIdRequest, InitProducerIdResponse__Output];
  ElectLeaders: [ElectLeadersRequest, ElectLeadersResponse__Output];
}

export type RpcName = keyof RpcTypes;
export type RpcRequest<M extends RpcName> = RpcTypes[M][0];
export type RpcResponse<M extends RpcName> = RpcTypes[M][1];

export interface CallOptions {
  /** The call fails with REQUEST_TIMED_OUT after this long. */
  timeoutMs: number;
  /** Cancels the call; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface BrokerConnection {
  readonly address: string;
  /** Rejects with a SamsaError for a failure of the whole call. */
  call<M extends RpcName>(rpc: M, request: RpcRequest<M>, options: CallOptions): Promise<RpcResponse<M>>;
  close(): void;
}

export interface Transport {
  connect(address: string): BrokerConnection;
}

/** Error of a call cancelled through its signal. */
export class CallAbortedError extends Error {
  override readonly name = 'CallAbortedError';
}

// Reconnect quickly (grpc-js's default backoff starts at 1 s and grows to 120 s): a restarted
// broker should be found again within the SDK's own retry budget.
const CHANNEL_OPTIONS: grpc.ChannelOptions = Object.freeze({
  ...GRPC_CHANNEL_OPTIONS,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
});

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

class GrpcConnection implements BrokerConnection {
  private readonly client: SamsaClientClient;

  readonly address: string;

  constructor(address: string) {
    this.address = address;
    const proto = loadClientProto();
    this.client = new proto.samsa.v1.SamsaClient(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  call<M extends RpcName>(rpc: M, request: RpcRequest<M>, options: CallOptions): Promise<RpcResponse<M>> {
    return new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted === true) return reject(new CallAbortedError(`${rpc} aborted`));
      const method = (this.client as unknown as Record<string, UnaryMethod>)[rpc];
      if (method === undefined) return reject(new Error(`assertion failed: no RPC ${rpc}`));
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        call.cancel();
        reject(new CallAbortedError(`${rpc} aborted`));
      };
      const call = method.call(this.client, request, new grpc.Metadata(), { deadline: Date.now() + options.timeoutMs }, (error, response) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        if (error !== null) return reject(errorFromGrpc(error, this.address, rpc));
        return resolve(response as RpcResponse<M>);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}

export const GRPC_TRANSPORT: Transport = Object.freeze({
  connect: (address: string): BrokerConnection => new GrpcConnection(address),
});
