// In-memory stdin, stdout and stderr for running `samsa` in-process in tests.
import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIo } from '../io.js';

export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  stdoutBytes(): Buffer;
}

export function captureIo(options: { stdin?: string | Buffer | readonly Buffer[]; env?: Record<string, string>; signal?: AbortSignal } = {}): CapturedIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        callback();
      },
    });
  const input = options.stdin;
  const stdin =
    input === undefined
      ? new PassThrough().end()
      : Readable.from(typeof input === 'string' ? [Buffer.from(input)] : Buffer.isBuffer(input) ? [input] : [...input]);
  return {
    io: { stdin, stdout: sink(out), stderr: sink(err), env: options.env ?? {}, ...(options.signal ? { signal: options.signal } : {}) },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    stdoutBytes: () => Buffer.concat(out),
  };
}
