// `samsa topics create|list|describe|delete|alter`.
import { Command } from 'commander';
import type { Admin } from '@samsa/client';
import { CliError, EXIT_USAGE } from '../errors.js';
import type { CliIo } from '../io.js';
import { write } from '../io.js';
import { formatTopicDescription } from '../format.js';
import { choiceOption, collectOption, integerOption, keyValueOption } from '../options.js';
import type { ClientOptions } from './common.js';
import { addClientOptions, clientFrom } from './common.js';

type Format = 'text' | 'json';
const formatOption = choiceOption<Format>(['text', 'json']);

async function withAdmin<T>(opts: ClientOptions, io: CliIo, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = clientFrom(opts, io).admin();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export function topicsCommand(io: CliIo): Command {
  const topics = new Command('topics').description('create, list, describe, alter and delete topics');

  addClientOptions(
    topics
      .command('create')
      .description('create a topic')
      .argument('<name>', 'topic name')
      .requiredOption('--partitions <n>', 'number of partitions', integerOption(1, 1_000_000))
      .option('--replication-factor <n>', 'replicas per partition (default: the broker default)', integerOption(1, 32))
      .option('--config <key=value>', 'a topic config (repeatable), e.g. retention.ms=86400000', keyValueOption, {}),
  ).action(async (name: string, opts: ClientOptions & { partitions: number; replicationFactor?: number; config: Record<string, string> }) => {
    const [created] = await withAdmin(opts, io, (admin) =>
      admin.createTopics({
        topics: [{ topic: name, numPartitions: opts.partitions, ...(opts.replicationFactor !== undefined ? { replicationFactor: opts.replicationFactor } : {}), configs: opts.config }],
      }),
    );
    await write(io.stdout, `created topic ${name} (partitions ${created?.numPartitions ?? opts.partitions}, replication factor ${created?.replicationFactor ?? opts.replicationFactor ?? 'default'}, id ${created?.topicId ?? '?'})\n`);
  });

  addClientOptions(
    topics
      .command('list')
      .description('list topic names')
      .option('--format <format>', 'text (one name per line) or json (an array of names)', formatOption, 'text'),
  ).action(async (opts: ClientOptions & { format: Format }) => {
    const names = await withAdmin(opts, io, (admin) => admin.listTopics());
    await write(io.stdout, opts.format === 'json' ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(''));
  });

  addClientOptions(
    topics
      .command('describe')
      .description("show a topic's partitions (leader, replicas, ISR, offsets, size) and configs")
      .argument('<name>', 'topic name')
      .option('--format <format>', 'text or json', formatOption, 'text'),
  ).action(async (name: string, opts: ClientOptions & { format: Format }) => {
    const [description] = await withAdmin(opts, io, (admin) => admin.describeTopics([name]));
    await write(io.stdout, opts.format === 'json' ? `${JSON.stringify(description)}\n` : formatTopicDescription(description!));
  });

  addClientOptions(topics.command('delete').description('delete a topic and its records').argument('<name>', 'topic name')).action(async (name: string, opts: ClientOptions) => {
    await withAdmin(opts, io, (admin) => admin.deleteTopics({ topics: [name] }));
    await write(io.stdout, `deleted topic ${name}\n`);
  });

  addClientOptions(
    topics
      .command('alter')
      .description("set or remove a topic's configs")
      .argument('<name>', 'topic name')
      .option('--config <key=value>', 'a config to set (repeatable)', keyValueOption, {})
      .option('--delete-config <key>', 'a config to remove, back to the default (repeatable)', collectOption, []),
  ).action(async (name: string, opts: ClientOptions & { config: Record<string, string>; deleteConfig: string[] }) => {
    const entries = Object.entries(opts.config).map(([n, value]) => ({ name: n, value }));
    if (entries.length === 0 && opts.deleteConfig.length === 0) throw new CliError('nothing to alter: give --config key=value or --delete-config key', EXIT_USAGE);
    await withAdmin(opts, io, (admin) => admin.alterConfigs({ resources: [{ type: 'topic', name, configEntries: entries, deleteConfigNames: opts.deleteConfig }] }));
    await write(io.stdout, `altered topic ${name}\n`);
  });

  return topics;
}
