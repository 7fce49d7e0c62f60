// `samsa consume TOPIC`: prints records as text (values, one per line) or JSON lines; stops after
// --max-messages, after --timeout-ms without a new record, or on Ctrl-C, and exits 0 then.
import { Command } from 'commander';
import type { Consumer, KafkaMessage } from '@samsa/client';
import { CliError, EXIT_OK, EXIT_USAGE } from '../errors.js';
import { formatJsonRecord, formatTextRecord } from '../format.js';
import type { CliIo, RunContext } from '../io.js';
import { write } from '../io.js';
import { choiceOption, integerOption } from '../options.js';
import type { ClientOptions } from './common.js';
import { addClientOptions, clientFrom } from './common.js';

interface ConsumeOptions extends ClientOptions {
  fromBeginning?: boolean;
  offset?: number;
  partition?: number;
  maxMessages?: number;
  timeoutMs?: number;
  format: 'text' | 'json';
  printKey?: boolean;
  keySeparator: string;
}

export function consumeCommand(io: CliIo, ctx: RunContext): Command {
  return addClientOptions(
    new Command('consume')
      .description('print records of a topic (all partitions, or one with --partition)')
      .argument('<topic>', 'topic to read')
      .option('--from-beginning', 'start at the earliest offset (default: only new records)')
      .option('--offset <n>', 'start at this offset (needs --partition)', integerOption(0))
      .option('--partition <n>', 'read only this partition', integerOption(0, 2_147_483_647))
      .option('--max-messages <n>', 'stop after this many records', integerOption(1))
      .option('--timeout-ms <ms>', 'stop after this long without a new record', integerOption(1))
      .option('--format <format>', 'text (values, one per line) or json (an object per line)', choiceOption(['text', 'json'] as const), 'text')
      .option('--print-key', 'text format: print the key, the key separator, then the value')
      .option('--key-separator <sep>', 'separator between key and value with --print-key', '\t'),
  ).action(async (topic: string, opts: ConsumeOptions) => {
    ctx.exitCode = await consume(topic, opts, io);
  });
}

async function consume(topic: string, opts: ConsumeOptions, io: CliIo): Promise<number> {
  if (opts.offset !== undefined && opts.partition === undefined) throw new CliError('--offset needs --partition', EXIT_USAGE);
  if (opts.offset !== undefined && opts.fromBeginning === true) throw new CliError('--offset and --from-beginning exclude each other', EXIT_USAGE);
  const samsa = clientFrom(opts, io);
  const admin = samsa.admin();
  let consumer: Consumer | undefined;
  try {
    const [description] = await admin.describeTopics([topic]);
    const partitions = description!.partitions.length;
    if (opts.partition !== undefined && opts.partition >= partitions) {
      throw new CliError(`UNKNOWN_TOPIC_OR_PARTITION: topic "${topic}" has ${partitions} partition${partitions === 1 ? '' : 's'}; partition ${opts.partition} does not exist`, EXIT_USAGE);
    }
    consumer = samsa.consumer();
    const fromBeginning = opts.fromBeginning === true;
    if (opts.partition !== undefined) {
      consumer.assign([{ topic, partition: opts.partition, fromBeginning, ...(opts.offset !== undefined ? { offset: opts.offset } : {}) }]);
    } else {
      await consumer.subscribe({ topic, fromBeginning });
    }
    return await consumeUntilDone(consumer, topic, opts, io);
  } finally {
    await consumer?.disconnect();
    await admin.disconnect();
  }
}

function consumeUntilDone(consumer: Consumer, topic: string, opts: ConsumeOptions, io: CliIo): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let count = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      io.signal?.removeEventListener('abort', onSignal);
      offCrash();
      void consumer.stop().then(() => (error === undefined ? resolve(EXIT_OK) : reject(error)), reject);
    };
    const armIdle = (): void => {
      if (opts.timeoutMs === undefined) return;
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish(), opts.timeoutMs);
    };
    const onSignal = (): void => finish();
    const offCrash = consumer.on('consumer.crash', (e) => finish(e.payload.error));
    io.signal?.addEventListener('abort', onSignal, { once: true });
    io.stdout.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? finish() : finish(err)));
    const print = (message: KafkaMessage, partition: number): Buffer | string =>
      opts.format === 'json' ? formatJsonRecord(topic, partition, message) : formatTextRecord(message, opts.printKey === true, opts.keySeparator);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          if (finished) return;
          count++;
          armIdle();
          await write(io.stdout, print(message, partition));
          if (opts.maxMessages !== undefined && count >= opts.maxMessages) finish();
        },
      })
      .then(
        () => {
          if (io.signal?.aborted === true) finish();
          else armIdle();
        },
        (error: unknown) => finish(error),
      );
  });
}
