// Proves the mapping of whole-call gRPC failures to typed errors: a `samsa-error-code` in the
// metadata wins; otherwise the gRPC status decides, connection failures name the broker address;
// `retriable` follows the error table; the original error stays as `cause`.
import { describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY, errorFromGrpc, needsMetadataRefresh } from './errors.js';

const grpcError = (code: number, details: string, metadata = new Metadata()): Error & { code: number; details: string; metadata: Metadata } =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata });

describe('errorFromGrpc', () => {
  it('uses the code the broker names in samsa-error-code', () => {
    const md = new Metadata();
    md.set(ERROR_CODE_METADATA_KEY, 'NOT_CONTROLLER');
    const cause = grpcError(status.FAILED_PRECONDITION, 'forward to node 2', md);
    const e = errorFromGrpc(cause, '10.0.0.1:9092', 'CreateTopics');
    expect(e.code).toBe('NOT_CONTROLLER');
    expect(e.retriable).toBe(true);
    expect(e.message).toBe('forward to node 2');
    expect(e.cause).toBe(cause);
  });

  it('ignores a code it does not know and falls back to the status', () => {
    const md = new Metadata();
    md.set(ERROR_CODE_METADATA_KEY, 'SOMETHING_NEW');
    expect(errorFromGrpc(grpcError(status.INVALID_ARGUMENT, 'bad', md), 'b:1', 'Fetch').code).toBe('INVALID_REQUEST');
  });

  it('maps a refused connection to NETWORK_EXCEPTION naming the address', () => {
    const e = errorFromGrpc(grpcError(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'), '127.0.0.1:1', 'Metadata');
    expect(e.code).toBe('NETWORK_EXCEPTION');
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('cannot reach broker 127.0.0.1:1');
    expect(e.message).toContain('ECONNREFUSED');
    expect(needsMetadataRefresh(e.code)).toBe(true);
  });

  it.each([
    [status.UNAVAILABLE, 'shutting down', 'BROKER_NOT_AVAILABLE', true],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded', 'REQUEST_TIMED_OUT', true],
    [status.INVALID_ARGUMENT, 'bad request', 'INVALID_REQUEST', false],
    [status.UNIMPLEMENTED, 'no such method', 'INVALID_REQUEST', false],
    [status.RESOURCE_EXHAUSTED, 'message larger than max', 'RECORD_LIST_TOO_LARGE', false],
    [status.CANCELLED, 'cancelled', 'NETWORK_EXCEPTION', true],
    [status.INTERNAL, 'boom', 'UNKNOWN_SERVER_ERROR', false],
    [status.DATA_LOSS, 'crc', 'CORRUPT_MESSAGE', false],
  ] as const)('maps status %i (%s) to %s', (code, details, want, retriable) => {
    const e = errorFromGrpc(grpcError(code, details), 'b:1', 'Produce');
    expect(e.code).toBe(want);
    expect(e.retriable).toBe(retriable);
    expect(e.details).toMatchObject({ broker: 'b:1', rpc: 'Produce' });
  });

  it('maps something that is not a gRPC error to UNKNOWN_SERVER_ERROR', () => {
    expect(errorFromGrpc('weird', 'b:1', 'Fetch').code).toBe('UNKNOWN_SERVER_ERROR');
  });
});
