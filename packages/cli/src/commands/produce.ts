// `samsa produce TOPIC`: one record per input line (stdin or --file), streamed: a line is read
// only when fewer than MAX_UNACKED_RECORDS records (and MAX_UNACKED_BYTES bytes) await their
// acknowledgement, so a file of any size runs in bounded memory. Every line is its own send(), so
// a failure (a record too large, say) is counted against exactly the records it hit.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { isSamsaError } from '@samsa/client';
import type { Acks } from '@samsa/client';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../errors.js';
import type { CliIo, RunContext } from '../io.js';
import { write } from '../io.js';
import { readLines, splitKeyValue } from '../lines.js';
import { acksOption, integerOption, nonEmptyOption } from '../options.js';
import type { ClientOptions } from './common.js';
import { addClientOptions, clientFrom } from './common.js';

/** Records sent and not yet acknowledged, at most. */
export const MAX_UNACKED_RECORDS = 10_000;
/** Bytes of lines sent and not yet acknowledged, at most (one longer line still goes). */
export const MAX_UNACKED_BYTES = 64 * 1024 * 1024;

interface ProduceOptions extends ClientOptions {
  file?: string;
  keySeparator?: string;
  acks: Acks;
  partition?: number;
  lingerMs?: number;
  batchSize?: number;
  progress: boolean;
}

/** Counts outcomes and lets the reader wait while too much is unacknowledged. */
class Window {
  records = 0;
  bytes = 0;
  acknowledged = 0;
  readonly failures = new Map<string, { count: number; message: string }>();
  private waiter: (() => void) | undefined;

  get failed(): number {
    let n = 0;
    for (const f of this.failures.values()) n += f.count;
    return n;
  }

  add(bytes: number): void {
    this.records++;
    this.bytes += bytes;
  }

  done(bytes: number, error?: unknown): void {
    this.records--;
    this.bytes -= bytes;
    if (error === undefined) this.acknowledged++;
    else {
      const code = isSamsaError(error) ? error.code : 'ERROR';
      const f = this.failures.get(code) ?? { count: 0, message: error instanceof Error ? error.message : String(error) };
      f.count++;
      this.failures.set(code, f);
    }
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves once there is room for one more record. */
  async room(): Promise<void> {
    // Bounded: each pass waits for one acknowledgement, and there are at most `records` of them.
    while (this.records >= MAX_UNACKED_RECORDS || (this.records > 0 && this.bytes >= MAX_UNACKED_BYTES)) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async drain(): Promise<void> {
    while (this.records > 0) await new Promise<void>((resolve) => (this.waiter = resolve));
  }
}

async function openInput(file: string | undefined, io: CliIo): Promise<{ input: Readable; size: number | undefined }> {
  if (file === undefined || file === '-') return { input: io.stdin, size: undefined };
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT_USAGE);
  }
  return { input: createReadStream(file, { highWaterMark: 256 * 1024 }), size };
}

export function produceCommand(io: CliIo, ctx: RunContext): Command {
  return addClientOptions(
    new Command('produce')
      .description('produce each input line as a record (stdin unless --file)')
      .argument('<topic>', 'topic to write to')
      .option('--file <path>', 'read lines from this file instead of stdin')
      .option('--key-separator <sep>', 'split each line into key and value at the first <sep> (lines without it get a null key)', nonEmptyOption)
      .option('--acks <acks>', 'acknowledgement: 0 (none), 1 (leader) or all', acksOption, -1 as Acks)
      .option('--partition <n>', 'write every record to this partition (default: by key, sticky for null keys)', integerOption(0, 2_147_483_647))
      .option('--linger-ms <ms>', 'how long a batch may wait for more records', integerOption(0, 60_000))
      .option('--batch-size <bytes>', 'bytes of records per partition batch', integerOption(1, 256 * 1024 * 1024))
      .option('--no-progress', 'no progress bar (it shows only for --file on a terminal)'),
  ).action(async (topic: string, opts: ProduceOptions) => {
    ctx.exitCode = await produce(topic, opts, io);
  });
}

async function produce(topic: string, opts: ProduceOptions, io: CliIo): Promise<number> {
  const samsa = clientFrom(opts, io);
  const admin = samsa.admin();
  const producer = samsa.producer({
    acks: opts.acks,
    ...(opts.lingerMs !== undefined ? { lingerMs: opts.lingerMs } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
  });
  const window = new Window();
  let bar: cliProgress.SingleBar | undefined;
  try {
    // Fail fast, with a clear message, on a topic or partition that does not exist.
    const [description] = await admin.describeTopics([topic]);
    const partitions = description!.partitions.length;
    if (opts.partition !== undefined && opts.partition >= partitions) {
      throw new CliError(`UNKNOWN_TOPIC_OR_PARTITION: topic "${topic}" has ${partitions} partition${partitions === 1 ? '' : 's'}; partition ${opts.partition} does not exist`, EXIT_USAGE);
    }
    const { input, size } = await openInput(opts.file, io);
    if (size !== undefined && opts.progress && io.stderr.isTTY === true) {
      bar = new cliProgress.SingleBar({ stream: io.stderr, format: 'producing {bar} {percentage}% | {value}/{total} bytes | {acked} acknowledged', hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(size, 0, { acked: 0 });
    }
    let read = 0;
    const separator = opts.keySeparator === undefined ? undefined : Buffer.from(opts.keySeparator, 'utf8');
    const stopped = (): boolean => io.signal?.aborted === true;
    for await (const line of readLines(input, (n) => {
      read += n;
      bar?.update(read, { acked: window.acknowledged });
    })) {
      if (stopped()) break;
      await window.room();
      const { key, value } = splitKeyValue(line, separator);
      const bytes = line.length;
      window.add(bytes);
      producer.send({ topic, messages: [{ key, value, ...(opts.partition !== undefined ? { partition: opts.partition } : {}) }] }).then(
        () => window.done(bytes),
        (error: unknown) => window.done(bytes, error),
      );
    }
    await producer.flush();
    await window.drain();
  } finally {
    bar?.stop();
    await producer.disconnect().catch(() => {});
    await admin.disconnect();
  }
  await write(io.stdout, `acknowledged ${window.acknowledged} records\n`);
  if (window.failed === 0) return EXIT_OK;
  const reasons = [...window.failures.entries()].map(([code, f]) => `${code} (${f.count}): ${f.message}`).join('; ');
  await write(io.stderr, `error: ${window.failed} record${window.failed === 1 ? '' : 's'} failed: ${reasons}\n`);
  return EXIT_FAILURE;
}
