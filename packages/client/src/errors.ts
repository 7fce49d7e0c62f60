// Mapping of whole-call gRPC failures to typed SamsaErrors, done once, at the transport edge.
// A broker that fails a call on purpose names the code in the `samsa-error-code` metadata key
// (trailers or response headers); anything else (no connection, deadline, a proxy's error) is
// mapped from the gRPC status.
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { SamsaError, isErrorCodeName, isSamsaError } from '@samsa/protocol';
import type { ErrorCodeName } from '@samsa/protocol';

/** The metadata key in which a broker names the error code of a failed call. */
export const ERROR_CODE_METADATA_KEY = 'samsa-error-code';

/** Codes after which the client's view of the cluster is stale: refresh metadata at once. */
export const METADATA_REFRESH_CODES: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>([
  'NOT_LEADER_OR_FOLLOWER',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'NETWORK_EXCEPTION',
  'BROKER_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
  'NOT_CONTROLLER',
  'UNKNOWN_TOPIC_ID',
]);

export const needsMetadataRefresh = (code: ErrorCodeName): boolean => METADATA_REFRESH_CODES.has(code);

/** The shape of @grpc/grpc-js's ServiceError, loosely: what the mapping reads. */
export interface GrpcErrorLike {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

// Texts grpc-js puts in UNAVAILABLE when it never reached the server or lost the connection.
const CONNECTION_FAILURE = /No connection established|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|Connection dropped|Failed to connect|connection closed|socket|GOAWAY|Name resolution failed/i;

function codeFromStatus(status: number | undefined, details: string): ErrorCodeName {
  switch (status) {
    case GrpcStatus.UNAVAILABLE:
      return CONNECTION_FAILURE.test(details) ? 'NETWORK_EXCEPTION' : 'BROKER_NOT_AVAILABLE';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'REQUEST_TIMED_OUT';
    case GrpcStatus.CANCELLED:
      // Cancelled by the other side or by a connection that went away mid-call.
      return 'NETWORK_EXCEPTION';
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.UNIMPLEMENTED:
      return 'INVALID_REQUEST';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'RECORD_LIST_TOO_LARGE';
    case GrpcStatus.OUT_OF_RANGE:
      return 'OFFSET_OUT_OF_RANGE';
    case GrpcStatus.ALREADY_EXISTS:
      return 'TOPIC_ALREADY_EXISTS';
    case GrpcStatus.NOT_FOUND:
      return 'UNKNOWN_TOPIC_OR_PARTITION';
    case GrpcStatus.DATA_LOSS:
      return 'CORRUPT_MESSAGE';
    default:
      return 'UNKNOWN_SERVER_ERROR';
  }
}

const statusName = (status: number | undefined): string =>
  status === undefined ? 'UNKNOWN' : (Object.entries(GrpcStatus).find(([, v]) => v === status)?.[0] ?? String(status));

/**
 * Turns a failed call into a SamsaError with the cause attached. `address` names the broker in the
 * message, so that "connection refused" says where.
 */
export function errorFromGrpc(error: unknown, address: string, rpc: string): SamsaError {
  if (isSamsaError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as GrpcErrorLike;
  // grpc-js appends an empty "Resolution note:" to connection failures.
  const details = (e.details ?? e.message ?? String(error)).replace(/\s*Resolution note:\s*$/, '');
  const named = e.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  const namedCode = typeof named === 'string' ? named : Buffer.isBuffer(named) ? named.toString('utf8') : undefined;
  if (namedCode !== undefined && isErrorCodeName(namedCode)) {
    return new SamsaError(namedCode, details || undefined, { cause: error, details: { broker: address, rpc } });
  }
  const code = codeFromStatus(e.code, details);
  const where = code === 'NETWORK_EXCEPTION' ? `cannot reach broker ${address}` : `${rpc} to broker ${address} failed`;
  return new SamsaError(code, `${where}: ${statusName(e.code)}: ${details}`, { cause: error, details: { broker: address, rpc, grpcStatus: e.code } });
}

/** Anything a call rejected with, as a SamsaError (what is not one already is UNKNOWN_SERVER_ERROR). */
export const toSamsaError = (error: unknown): SamsaError => (isSamsaError(error) ? error : new SamsaError('UNKNOWN_SERVER_ERROR', String(error), { cause: error }));
