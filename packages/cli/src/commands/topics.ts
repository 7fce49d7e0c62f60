// `samsa topics create|list|describe|delete|alter|rebalance-leaders|elect-leaders`.
import { Command } from 'commander';
import type { Admin, ElectLeadersPartitionResult, ElectionType, TopicPartitions } from '@samsa/client';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../errors.js';
import type { CliIo, RunContext } from '../io.js';
import { write } from '../io.js';
import { electionOutcome, formatElectionResults, formatTopicDescription } from '../format.js';
import { choiceOption, collectIntegerOption, collectOption, integerOption, keyValueOption } from '../options.js';
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

/** Partition numbers are int32 on the wire. */
const PARTITION_MAX = 2 ** 31 - 1;

/** Printed to stderr before an unclean election is asked for. */
export const UNCLEAN_ELECTION_WARNING =
  'WARNING: UNCLEAN leader election. A partition with no in-sync replica left gets an OUT-OF-SYNC replica as its leader:\n' +
  'WARNING: records acknowledged to producers that this replica lacks are LOST for good, and their offsets will be reused\n' +
  'WARNING: by new records. Prefer waiting for an in-sync replica to come back.\n';

/** --topic / --partition of an election: the SDK's topicPartitions (undefined: every partition of every topic). */
function electionTargets(topics: readonly string[], partitions: readonly number[]): TopicPartitions[] | undefined {
  if (partitions.length > 0 && topics.length !== 1) throw new CliError('--partition needs exactly one --topic', EXIT_USAGE);
  if (topics.length === 0) return undefined;
  return topics.map((topic) => ({ topic, ...(partitions.length > 0 ? { partitions: [...new Set(partitions)] } : {}) }));
}

/**
 * Prints an election's results and sets the exit code: 0 when every partition moved, needed
 * nothing or had no eligible leader (outcomes, not failures); 1 when a named topic or partition
 * does not exist or the controller could not commit a change (the error is also on stderr).
 */
async function reportElection(io: CliIo, ctx: RunContext, results: readonly ElectLeadersPartitionResult[], type: ElectionType, format: Format): Promise<void> {
  await write(io.stdout, format === 'json' ? `${JSON.stringify(results)}\n` : formatElectionResults(results, type));
  const failed = results.filter((r) => electionOutcome(r, type) === 'failed');
  if (failed.length === 0) return;
  const first = failed[0]!;
  const where = first.partition < 0 ? first.topic : `${first.topic} partition ${first.partition}`;
  await write(io.stderr, `error: ${first.errorCode}: ${failed.length === 1 ? '' : `${failed.length} partitions failed; first: `}${where}: ${first.errorMessage || first.errorCode}\n`);
  ctx.exitCode = EXIT_FAILURE;
}

export function topicsCommand(io: CliIo, ctx: RunContext): Command {
  const topics = new Command('topics').description('create, list, describe, alter and delete topics; elect partition leaders');

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
      .description(
        "show a topic's partitions (leader, leader epoch, replicas, ISR, offsets, each replica's log end offset as the leader sees it, size) and configs; " +
          'ReplicaLogEndOffsets reads broker:offset, * marking in-sync replicas, ? an offset the leader does not know yet',
      )
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

  addClientOptions(
    topics
      .command('rebalance-leaders')
      .description(
        "preferred leader election: move each partition's leadership back to its first replica where that one is live and in sync " +
          '(every partition of every topic unless --topic says); prints per partition: moved, not needed, or not available and why',
      )
      .option('--topic <name>', 'only this topic (repeatable)', collectOption)
      .option('--partition <n>', 'only this partition of the one --topic (repeatable)', collectIntegerOption(0, PARTITION_MAX))
      .option('--format <format>', 'text or json (the SDK results)', formatOption, 'text'),
  ).action(async (opts: ClientOptions & { topic?: string[]; partition?: number[]; format: Format }) => {
    const topicPartitions = electionTargets(opts.topic ?? [], opts.partition ?? []);
    const results = await withAdmin(opts, io, (admin) => admin.electLeaders({ type: 'preferred', ...(topicPartitions !== undefined ? { topicPartitions } : {}) }));
    await reportElection(io, ctx, results, 'preferred', opts.format);
  });

  addClientOptions(
    topics
      .command('elect-leaders')
      .description(
        'UNCLEAN leader election for partitions of --topic that have no leader: an out-of-sync replica leads, and records it lacks are LOST. ' +
          'Needs --unclean to say so. (For preferred leaders, use rebalance-leaders.)',
      )
      .option('--unclean', 'required: accept that acknowledged records may be lost')
      .option('--topic <name>', 'the topic (required)')
      .option('--partition <n>', 'only this partition (repeatable; default: all of the topic)', collectIntegerOption(0, PARTITION_MAX))
      .option('--format <format>', 'text or json (the SDK results)', formatOption, 'text'),
  ).action(async (opts: ClientOptions & { unclean?: boolean; topic?: string; partition?: number[]; format: Format }) => {
    if (opts.unclean !== true) {
      throw new CliError('elect-leaders runs unclean elections only, which may lose acknowledged records: add --unclean to confirm (for preferred leaders, use rebalance-leaders)', EXIT_USAGE);
    }
    if (opts.topic === undefined || opts.topic === '') throw new CliError('elect-leaders --unclean needs --topic: an unclean election is never run on every topic at once', EXIT_USAGE);
    const topicPartitions = electionTargets([opts.topic], opts.partition ?? [])!;
    await write(io.stderr, UNCLEAN_ELECTION_WARNING);
    const results = await withAdmin(opts, io, (admin) => admin.electLeaders({ type: 'unclean', topicPartitions }));
    await reportElection(io, ctx, results, 'unclean', opts.format);
    const elected = results.filter((r) => r.errorCode === 'NONE');
    if (elected.length > 0) {
      await write(io.stderr, `WARNING: ${elected.length} partition(s) now led by a replica that was out of sync: ${elected.map((r) => `${r.topic}-${r.partition} (leader ${r.leader})`).join(', ')}\n`);
    }
  });

  return topics;
}
