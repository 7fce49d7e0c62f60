// How failures reach the user: one line on stderr, `error: CODE: message` for typed errors, and a
// non-zero exit code (2 for usage errors, 1 for everything else).
import { isSamsaError } from '@samsa/client';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error meant for the user, with the exit code to end with. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The one line printed for an error (without the trailing newline). */
export function formatError(error: unknown): string {
  if (isSamsaError(error)) return `error: ${error.code}: ${error.message}`;
  if (error instanceof CliError) return `error: ${error.message}`;
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}

export const exitCodeOf = (error: unknown): number => (error instanceof CliError ? error.exitCode : EXIT_FAILURE);
