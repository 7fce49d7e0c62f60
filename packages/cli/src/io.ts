// What a command reads and writes, passed in so that commands run in-process in tests exactly as
// they run from a terminal.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C / SIGTERM: long-running commands stop cleanly and exit 0. */
  signal?: AbortSignal;
}

/** Shared by the commands of one run: the exit code a command wants to end with. */
export interface RunContext {
  exitCode: number;
}

/** Writes and waits for 'drain' when the stream's buffer is full, so output applies backpressure. */
export function write(stream: Writable, chunk: string | Buffer): Promise<void> | undefined {
  if (stream.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onDrain);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('close', onDrain);
    stream.once('error', onError);
  });
}
