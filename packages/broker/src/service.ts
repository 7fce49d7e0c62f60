// The samsa.v1.SamsaClient service on grpc-js: request gating (start-up, shutdown), malformed
// requests, cancellation, and the one mapping of thrown errors to gRPC statuses.
//
// grpc-js answers a request body it cannot deserialize (truncated, garbage) with INTERNAL
// "Error deserializing request" before any handler runs. A malformed request is the client's
// fault, so the service wraps each method's deserializer: a body that does not decode becomes a
// marker object, and the handler answers INVALID_ARGUMENT with INVALID_REQUEST instead.
import type * as grpc from '@grpc/grpc-js';
import { SamsaError, loadClientProto } from '@samsa/protocol';
import type { FetchRequest__Output, FetchResponse, SamsaClientHandlers } from '@samsa/protocol';
import { alterConfigs, createTopics, deleteTopics, describeTopics, electLeaders, listTopics, metadata } from './admin.js';
import type { BrokerContext } from './context.js';
import { ERROR_CODE_METADATA_KEY, asSamsaError, callError, errorFields } from './errors.js';
import { fetch, fetchStream } from './fetch.js';
import { listOffsets } from './list-offsets.js';
import { produce } from './produce.js';

const MALFORMED = Symbol('malformed request');

interface Malformed {
  readonly [MALFORMED]: string;
}

export const isMalformed = (request: unknown): request is Malformed => typeof request === 'object' && request !== null && MALFORMED in request;

/** Why a marked request body did not decode. */
export const malformedReason = (request: Malformed): string => request[MALFORMED];

/** The client API's service definition, made tolerant of undecodable bodies. */
export function serviceDefinition(): grpc.ServiceDefinition {
  return tolerantDefinition(loadClientProto().samsa.v1.SamsaClient.service as unknown as grpc.ServiceDefinition);
}

/** A service definition with deserializers that mark undecodable bodies instead of throwing. */
export function tolerantDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, method] of Object.entries(definition)) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): object => {
        try {
          return method.requestDeserialize(bytes);
        } catch (err) {
          const marker: Malformed = { [MALFORMED]: (err as Error).message };
          return marker;
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

/** Checks every call makes before its handler runs. */
async function admit(ctx: BrokerContext, request: unknown, ready: Promise<void>): Promise<void> {
  if (isMalformed(request)) throw new SamsaError('INVALID_REQUEST', `the request body does not decode: ${request[MALFORMED]}`);
  await ready;
  if (ctx.stopSignal.aborted) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the broker is shutting down');
}

/**
 * A signal aborted when the broker stops or the client cancels the call, and its disposal.
 * (Not AbortSignal.any: its links to the long-lived stop signal outlive short calls on Node 20.)
 */
function callScope(ctx: BrokerContext, call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (ctx.stopSignal.aborted) controller.abort();
  ctx.stopSignal.addEventListener('abort', abort, { once: true });
  call.once('cancelled', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      ctx.stopSignal.removeEventListener('abort', abort);
      call.off('cancelled', abort);
    },
  };
}

/** The handlers. `ready` resolves when the broker has registered and reconciled; calls wait for it. */
export function createHandlers(ctx: BrokerContext, ready: Promise<void>): SamsaClientHandlers {
  const log = ctx.log.child({ component: 'client-service' });

  function unary<Req, Res>(method: string, handle: (request: Req, signal: AbortSignal) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      void (async () => {
        const scope = callScope(ctx, call as grpc.ServerUnaryCall<unknown, unknown>);
        try {
          await admit(ctx, call.request, ready);
          const response = await handle(call.request, scope.signal);
          return callback(null, response);
        } catch (err) {
          const status = callError(err, log);
          log.debug({ method, code: status.metadata?.get(ERROR_CODE_METADATA_KEY)[0], details: status.details }, 'call failed');
          return callback(status);
        } finally {
          scope.dispose();
        }
      })();
    };
  }

  const FetchStream: grpc.handleServerStreamingCall<FetchRequest__Output, FetchResponse> = (call) => {
    void (async () => {
      const scope = callScope(ctx, call as grpc.ServerWritableStream<unknown, unknown>);
      try {
        await admit(ctx, call.request, ready);
        await fetchStream(ctx, call, scope.signal);
      } catch (err) {
        const status = callError(err, log);
        log.debug({ method: 'FetchStream', details: status.details }, 'call failed');
        if (!call.cancelled) call.emit('error', status);
      } finally {
        scope.dispose();
      }
    })();
  };

  return {
    Metadata: unary('Metadata', (req) => metadata(ctx, req)),
    CreateTopics: unary('CreateTopics', (req) => createTopics(ctx, req)),
    DeleteTopics: unary('DeleteTopics', (req) => deleteTopics(ctx, req)),
    ListTopics: unary('ListTopics', (req) => listTopics(ctx, req)),
    DescribeTopics: unary('DescribeTopics', (req) => describeTopics(ctx, req)),
    AlterConfigs: unary('AlterConfigs', (req) => alterConfigs(ctx, req)),
    Produce: unary('Produce', (req, signal) => produce(ctx, req, signal)),
    Fetch: unary('Fetch', (req, signal) => fetch(ctx, req, signal)),
    FetchStream,
    ListOffsets: unary('ListOffsets', (req) => listOffsets(ctx, req)),
    InitProducerId: unary('InitProducerId', async () => {
      try {
        return { error_code: 'NONE' as const, error_message: '', producer_id: await ctx.producerIds.nextProducerId(), producer_epoch: 0 };
      } catch (err) {
        return { ...errorFields(asSamsaError(err, log)), producer_id: -1, producer_epoch: -1 };
      }
    }),
    ElectLeaders: unary('ElectLeaders', (req) => electLeaders(ctx, req)),
  };
}
