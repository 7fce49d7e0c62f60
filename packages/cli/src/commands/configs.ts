// `samsa configs set|delete`: configs of a broker (its dynamic configs, such as
// follower.replication.throttled.rate) or of a topic, in the shape of Kafka's kafka-configs.sh
// (`--entity-type brokers --entity-name 2 --alter --add-config k=v`), shortened: the resource is
// --broker N or --topic T, the keys are positional. The broker checks keys and values and answers
// INVALID_CONFIG for a bad one; the CLI checks only the shape of the command line.
import { Command } from 'commander';
import type { AlterConfigResource } from '@samsa/client';
import { CliError, EXIT_USAGE } from '../errors.js';
import type { CliIo } from '../io.js';
import { write } from '../io.js';
import { integerOption } from '../options.js';
import type { ClientOptions } from './common.js';
import { addClientOptions, clientFrom } from './common.js';

/** Broker ids are int32 (as on the wire and in `samsa broker --node-id`). */
const BROKER_ID_MAX = 2 ** 31 - 1;

interface TargetOptions {
  broker?: number;
  topic?: string;
}

/** The one resource --broker or --topic names, for the SDK and for messages. */
function targetOf(opts: TargetOptions): { resource: Pick<AlterConfigResource, 'type' | 'name'>; label: string } {
  if ((opts.broker === undefined) === (opts.topic === undefined)) throw new CliError('name the resource with exactly one of --broker <id> or --topic <name>', EXIT_USAGE);
  if (opts.broker !== undefined) return { resource: { type: 'broker', name: String(opts.broker) }, label: `broker ${opts.broker}` };
  if (opts.topic === '') throw new CliError('--topic must not be empty', EXIT_USAGE);
  return { resource: { type: 'topic', name: opts.topic! }, label: `topic ${opts.topic}` };
}

/** key=value arguments; a missing `=`, an empty key or an empty value is a usage error. */
export function parseConfigPairs(pairs: readonly string[]): { name: string; value: string }[] {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at < 0 ? '' : pair.slice(0, at).trim();
    if (at <= 0 || name === '') throw new CliError(`"${pair}" is not key=value`, EXIT_USAGE);
    const value = pair.slice(at + 1);
    if (value === '') throw new CliError(`${name} has no value; to remove it use \`samsa configs delete ... ${name}\``, EXIT_USAGE);
    out.set(name, value);
  }
  return [...out].map(([name, value]) => ({ name, value }));
}

const addTargetOptions = (cmd: Command): Command =>
  cmd.option('--broker <id>', "a broker's dynamic configs (follower.replication.throttled.rate)", integerOption(0, BROKER_ID_MAX)).option('--topic <name>', "a topic's configs");

export function configsCommand(io: CliIo): Command {
  const configs = new Command('configs').description("set or delete configs of a broker (--broker N: follower.replication.throttled.rate) or of a topic (--topic T)");

  addClientOptions(
    addTargetOptions(
      configs
        .command('set')
        .description('set configs, e.g. `samsa configs set --broker 2 follower.replication.throttled.rate=1048576` (bytes/s a follower on broker 2 may fetch)')
        .argument('<key=value...>', 'the configs to set'),
    ),
  ).action(async (pairs: string[], opts: ClientOptions & TargetOptions) => {
    const { resource, label } = targetOf(opts);
    const entries = parseConfigPairs(pairs);
    const admin = clientFrom(opts, io).admin();
    try {
      await admin.alterConfigs({ resources: [{ ...resource, configEntries: entries }] });
    } finally {
      await admin.disconnect();
    }
    await write(io.stdout, `altered ${label}: set ${entries.map((e) => `${e.name}=${e.value}`).join(' ')}\n`);
  });

  addClientOptions(
    addTargetOptions(
      configs
        .command('delete')
        .description('remove configs, back to the default, e.g. `samsa configs delete --broker 2 follower.replication.throttled.rate` (lifts the throttle)')
        .argument('<key...>', 'the configs to remove'),
    ),
  ).action(async (keys: string[], opts: ClientOptions & TargetOptions) => {
    const { resource, label } = targetOf(opts);
    const names = [...new Set(keys.map((k) => k.trim()))];
    if (names.some((k) => k === '' || k.includes('='))) throw new CliError('delete takes config names only (no =value)', EXIT_USAGE);
    const admin = clientFrom(opts, io).admin();
    try {
      await admin.alterConfigs({ resources: [{ ...resource, deleteConfigNames: names }] });
    } finally {
      await admin.disconnect();
    }
    await write(io.stdout, `altered ${label}: deleted ${names.join(' ')}\n`);
  });

  return configs;
}
