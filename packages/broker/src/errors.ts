// The broker's error edge: SamsaError codes become per-partition error codes in response bodies,
// or, for a failure of a whole call, a gRPC status (ERRORS[code].grpcStatus) with the code name in
// the `samsa-error-code` trailer so the SDK can rebuild the typed error. Anything that is not a
// SamsaError is a bug: logged, and answered as UNKNOWN_SERVER_ERROR / INTERNAL.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ERRORS, SamsaError, isSamsaError } from '@samsa/protocol';
import type { ErrorCodeName } from '@samsa/protocol';

/** Trailer that carries the error code name of a failed call. */
export const ERROR_CODE_METADATA_KEY = 'samsa-error-code';
/** Trailer of a NOT_CONTROLLER failure: the active controller's id as the answering node knows it (-1: unknown). */
export const CONTROLLER_ID_METADATA_KEY = 'samsa-controller-id';

/** The typed form of anything thrown; unexpected errors are logged once here. */
export function asSamsaError(err: unknown, log: Logger): SamsaError {
  if (isSamsaError(err)) return err;
  log.error({ err }, 'unexpected error');
  return new SamsaError('UNKNOWN_SERVER_ERROR', `internal error: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** A gRPC error status for a failed call. */
export function callError(err: unknown, log: Logger): Partial<grpc.StatusObject> & { code: grpc.status; details: string } {
  const e = asSamsaError(err, log);
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, e.code);
  const controllerId = e.details['controllerId'];
  if (typeof controllerId === 'number') metadata.set(CONTROLLER_ID_METADATA_KEY, String(controllerId));
  return { code: ERRORS[e.code].grpcStatus, details: e.message, metadata };
}

/** A malformed request: INVALID_ARGUMENT with INVALID_REQUEST (or a more precise code). */
export const invalidRequest = (message: string, code: ErrorCodeName = 'INVALID_REQUEST'): SamsaError => new SamsaError(code, message);

/** Per-partition error fields of a response. */
export function errorFields(err: SamsaError): { error_code: ErrorCodeName; error_message: string } {
  return { error_code: err.code, error_message: err.message };
}
