// Typed error codes, one row per code, mapped once at each boundary (broker edge, SDK edge).
// The codes themselves are the proto enum `samsa.v1.ErrorCode` (generated: ./gen/samsa/v1/ErrorCode.ts).
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorCode } from './gen/samsa/v1/ErrorCode.js';

export { ErrorCode };
export type ErrorCodeName = Exclude<keyof typeof ErrorCode, 'NONE'>;

export interface ErrorInfo {
  readonly code: ErrorCodeName;
  /** A client may retry the same request (perhaps after refreshing metadata). */
  readonly retriable: boolean;
  /** The gRPC status used when this error fails a whole call. */
  readonly grpcStatus: GrpcStatus;
  readonly message: string;
}

const row = (code: ErrorCodeName, retriable: boolean, grpcStatus: GrpcStatus, message: string): ErrorInfo =>
  Object.freeze({ code, retriable, grpcStatus, message });

/** The error table. Clients switch on `err.code`; `retriable` drives the SDK's retry loop. */
export const ERRORS: Readonly<Record<ErrorCodeName, ErrorInfo>> = Object.freeze({
  OFFSET_OUT_OF_RANGE: row('OFFSET_OUT_OF_RANGE', false, GrpcStatus.OUT_OF_RANGE, 'the requested offset is outside the range of offsets the partition holds'),
  CORRUPT_MESSAGE: row('CORRUPT_MESSAGE', false, GrpcStatus.DATA_LOSS, 'a record batch failed its CRC check'),
  UNKNOWN_TOPIC_OR_PARTITION: row('UNKNOWN_TOPIC_OR_PARTITION', true, GrpcStatus.NOT_FOUND, 'this server does not host this topic-partition'),
  INVALID_FETCH_SIZE: row('INVALID_FETCH_SIZE', false, GrpcStatus.INVALID_ARGUMENT, 'the requested fetch size is invalid'),
  LEADER_NOT_AVAILABLE: row('LEADER_NOT_AVAILABLE', true, GrpcStatus.UNAVAILABLE, 'the partition has no leader at the moment'),
  NOT_LEADER_OR_FOLLOWER: row('NOT_LEADER_OR_FOLLOWER', true, GrpcStatus.FAILED_PRECONDITION, 'this broker is not the leader of the partition'),
  REQUEST_TIMED_OUT: row('REQUEST_TIMED_OUT', true, GrpcStatus.DEADLINE_EXCEEDED, 'the request timed out; its outcome is unknown'),
  BROKER_NOT_AVAILABLE: row('BROKER_NOT_AVAILABLE', true, GrpcStatus.UNAVAILABLE, 'the broker is not available'),
  REPLICA_NOT_AVAILABLE: row('REPLICA_NOT_AVAILABLE', true, GrpcStatus.UNAVAILABLE, 'the replica is not available'),
  RECORD_TOO_LARGE: row('RECORD_TOO_LARGE', false, GrpcStatus.INVALID_ARGUMENT, 'a record batch is larger than max.message.bytes'),
  NETWORK_EXCEPTION: row('NETWORK_EXCEPTION', true, GrpcStatus.UNAVAILABLE, 'the connection to the broker failed'),
  INVALID_TOPIC: row('INVALID_TOPIC', false, GrpcStatus.INVALID_ARGUMENT, 'the topic name is not valid'),
  RECORD_LIST_TOO_LARGE: row('RECORD_LIST_TOO_LARGE', false, GrpcStatus.INVALID_ARGUMENT, 'the request is larger than the broker accepts'),
  NOT_ENOUGH_REPLICAS: row('NOT_ENOUGH_REPLICAS', true, GrpcStatus.UNAVAILABLE, 'fewer in-sync replicas than min.insync.replicas; nothing was written'),
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: row('NOT_ENOUGH_REPLICAS_AFTER_APPEND', true, GrpcStatus.UNAVAILABLE, 'written, but fewer in-sync replicas than required acknowledged it'),
  INVALID_REQUIRED_ACKS: row('INVALID_REQUIRED_ACKS', false, GrpcStatus.INVALID_ARGUMENT, 'acks must be 0, 1 or -1 (all)'),
  INVALID_TIMESTAMP: row('INVALID_TIMESTAMP', false, GrpcStatus.INVALID_ARGUMENT, 'a record timestamp is out of the accepted range'),
  TOPIC_ALREADY_EXISTS: row('TOPIC_ALREADY_EXISTS', false, GrpcStatus.ALREADY_EXISTS, 'a topic with this name already exists'),
  INVALID_PARTITIONS: row('INVALID_PARTITIONS', false, GrpcStatus.INVALID_ARGUMENT, 'the number of partitions is not valid'),
  INVALID_REPLICATION_FACTOR: row('INVALID_REPLICATION_FACTOR', false, GrpcStatus.INVALID_ARGUMENT, 'the replication factor is not valid'),
  INVALID_REPLICA_ASSIGNMENT: row('INVALID_REPLICA_ASSIGNMENT', false, GrpcStatus.INVALID_ARGUMENT, 'the replica assignment is not valid'),
  INVALID_CONFIG: row('INVALID_CONFIG', false, GrpcStatus.INVALID_ARGUMENT, 'a configuration value is not valid'),
  NOT_CONTROLLER: row('NOT_CONTROLLER', true, GrpcStatus.FAILED_PRECONDITION, 'this node is not the active controller'),
  INVALID_REQUEST: row('INVALID_REQUEST', false, GrpcStatus.INVALID_ARGUMENT, 'the request is malformed'),
  OUT_OF_ORDER_SEQUENCE_NUMBER: row('OUT_OF_ORDER_SEQUENCE_NUMBER', false, GrpcStatus.FAILED_PRECONDITION, 'the broker received an out of order sequence number'),
  DUPLICATE_SEQUENCE_NUMBER: row('DUPLICATE_SEQUENCE_NUMBER', false, GrpcStatus.ALREADY_EXISTS, 'the broker received a duplicate sequence number'),
  INVALID_PRODUCER_EPOCH: row('INVALID_PRODUCER_EPOCH', false, GrpcStatus.FAILED_PRECONDITION, 'the producer epoch is stale'),
  UNKNOWN_PRODUCER_ID: row('UNKNOWN_PRODUCER_ID', false, GrpcStatus.FAILED_PRECONDITION, 'the broker has no state for this producer id (it expired or was never seen) and the sequence does not start at 0'),
  KAFKA_STORAGE_ERROR: row('KAFKA_STORAGE_ERROR', true, GrpcStatus.INTERNAL, 'the partition is offline because of a storage error'),
  FENCED_LEADER_EPOCH: row('FENCED_LEADER_EPOCH', true, GrpcStatus.FAILED_PRECONDITION, 'the leader epoch in the request is older than the broker\'s'),
  UNKNOWN_LEADER_EPOCH: row('UNKNOWN_LEADER_EPOCH', true, GrpcStatus.FAILED_PRECONDITION, 'the leader epoch in the request is newer than the broker\'s'),
  STALE_BROKER_EPOCH: row('STALE_BROKER_EPOCH', false, GrpcStatus.FAILED_PRECONDITION, 'the broker epoch (registration) is not the current one: a newer incarnation of this broker has registered'),
  OFFSET_NOT_AVAILABLE: row('OFFSET_NOT_AVAILABLE', true, GrpcStatus.UNAVAILABLE, 'the offset is not available yet (the leader is catching up)'),
  PREFERRED_LEADER_NOT_AVAILABLE: row('PREFERRED_LEADER_NOT_AVAILABLE', true, GrpcStatus.UNAVAILABLE, 'the preferred leader is fenced or not in sync'),
  ELIGIBLE_LEADERS_NOT_AVAILABLE: row('ELIGIBLE_LEADERS_NOT_AVAILABLE', true, GrpcStatus.UNAVAILABLE, 'no replica of the partition can lead now'),
  ELECTION_NOT_NEEDED: row('ELECTION_NOT_NEEDED', false, GrpcStatus.FAILED_PRECONDITION, 'the partition already has the leader the election would pick'),
  INVALID_RECORD: row('INVALID_RECORD', false, GrpcStatus.INVALID_ARGUMENT, 'a record batch is malformed'),
  INVALID_UPDATE_VERSION: row('INVALID_UPDATE_VERSION', false, GrpcStatus.FAILED_PRECONDITION, 'the partition epoch in the request is not the current one'),
  UNKNOWN_TOPIC_ID: row('UNKNOWN_TOPIC_ID', true, GrpcStatus.NOT_FOUND, 'this server does not host a topic with this id'),
  BROKER_ID_NOT_REGISTERED: row('BROKER_ID_NOT_REGISTERED', false, GrpcStatus.FAILED_PRECONDITION, 'the broker id is not registered with the controller'),
  INCONSISTENT_CLUSTER_ID: row('INCONSISTENT_CLUSTER_ID', false, GrpcStatus.FAILED_PRECONDITION, 'the cluster id in the request is not this cluster\'s'),
  INELIGIBLE_REPLICA: row('INELIGIBLE_REPLICA', false, GrpcStatus.FAILED_PRECONDITION, 'the new ISR adds a replica that is fenced or not a replica'),
  UNKNOWN_SERVER_ERROR: row('UNKNOWN_SERVER_ERROR', false, GrpcStatus.INTERNAL, 'an unexpected server error'),
});

/** An error with a typed code. `message` says what happened in this instance; `info` is the table row. */
export class SamsaError extends Error {
  override readonly name = 'SamsaError';
  readonly code: ErrorCodeName;
  readonly retriable: boolean;
  /** Extra fields a handler may use (the new leader, for NOT_LEADER_OR_FOLLOWER). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCodeName, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = ERRORS[code].retriable;
    this.details = Object.freeze({ ...(options?.details ?? {}) });
  }

  get info(): ErrorInfo {
    return ERRORS[this.code];
  }
}

export const isSamsaError = (e: unknown): e is SamsaError => e instanceof SamsaError;

/** True when `code` names a known error (anything but NONE). */
export const isErrorCodeName = (code: string): code is ErrorCodeName => code !== 'NONE' && Object.hasOwn(ERRORS, code);

/**
 * Turns a per-partition error code of a response into a SamsaError (or undefined for NONE).
 * Unknown codes (a newer broker) become UNKNOWN_SERVER_ERROR rather than crashing the client.
 */
export function errorFromCode(code: string | undefined, message?: string, details?: Record<string, unknown>): SamsaError | undefined {
  if (code === undefined || code === '' || code === 'NONE') return undefined;
  if (!isErrorCodeName(code)) return new SamsaError('UNKNOWN_SERVER_ERROR', `unknown error code ${code}${message ? `: ${message}` : ''}`);
  return new SamsaError(code, message || undefined, details === undefined ? undefined : { details });
}

/** Programmer errors only: a failed assertion is a bug and crashes the process. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
