// `samsa broker`: runs one node (broker, controller or both) in this process until SIGTERM / SIGINT, then stops it gracefully
// and exits 0. Settings: flags > environment > --config file > defaults (broker-config.ts).
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';
import { startBroker } from '@samsa/broker';
import type { BrokerConfig } from '@samsa/broker';
import { BROKER_FLAGS, resolveBrokerConfig } from '../broker-config.js';
import { CliError, EXIT_OK, EXIT_USAGE } from '../errors.js';
import type { CliIo, RunContext } from '../io.js';

/** Broker settings that are booleans. */
const BOOLEAN_KEYS: ReadonlySet<keyof BrokerConfig> = new Set<keyof BrokerConfig>(['logFlushSync', 'controllerQuorumJoin']);

type BrokerFlags = Partial<Record<keyof BrokerConfig, string>> & { config?: string; pretty?: boolean };

export function brokerCommand(io: CliIo, ctx: RunContext): Command {
  const cmd = new Command('broker')
    .description('run a node (a broker, a controller voter, or both) until SIGTERM or Ctrl-C; alone it is a cluster of one')
    .option('--config <file>', 'server.properties-style file of key=value settings (dotted property names)')
    .option('--pretty', 'human-readable logs (default when stdout is a terminal)')
    .option('--no-pretty', 'JSON logs even on a terminal');
  for (const f of BROKER_FLAGS) {
    const description = `${f.description} [${f.property}, $${f.env}]`;
    if (BOOLEAN_KEYS.has(f.key)) {
      // A bare boolean flag means true: `--controller-quorum-join`, `--log-flush-sync false`.
      cmd.addOption(new Option(`${f.flag} [true|false]`, description).preset('true'));
      continue;
    }
    const value = f.key === 'listen' || f.key === 'advertisedAddress' ? 'host:port' : f.key === 'dataDir' ? 'dir' : 'value';
    cmd.addOption(new Option(`${f.flag} <${value}>`, description));
  }
  return cmd.action(async (opts: BrokerFlags) => {
    ctx.exitCode = await runBroker(opts, io);
  });
}

function makeLogger(level: string, prettyLogs: boolean, io: CliIo): Logger {
  if (!prettyLogs) return pino({ level }, io.stdout);
  return pino({ level }, pretty({ destination: io.stdout, colorize: io.stdout.isTTY === true, sync: true }));
}

async function runBroker(opts: BrokerFlags, io: CliIo): Promise<number> {
  let file: { path: string; text: string } | undefined;
  if (opts.config !== undefined) {
    try {
      file = { path: opts.config, text: await readFile(opts.config, 'utf8') };
    } catch (error) {
      throw new CliError(`cannot read config file ${opts.config}: ${(error as Error).message}`, EXIT_USAGE);
    }
  }
  const flags: Partial<Record<keyof BrokerConfig, string>> = {};
  for (const f of BROKER_FLAGS) {
    const v = opts[f.key];
    if (v !== undefined) flags[f.key] = v;
  }
  const { config } = resolveBrokerConfig({ ...(file !== undefined ? { file } : {}), env: io.env, flags });
  const logger = makeLogger(config.logLevel, opts.pretty ?? io.stdout.isTTY === true, io);
  if (io.signal?.aborted === true) return EXIT_OK;
  const broker = await startBroker(config, { logger });
  logger.info({ nodeId: broker.nodeId, address: broker.address, dataDir: config.dataDir }, 'samsa broker listening');
  await new Promise<void>((resolve) => {
    const onSignal = (): void => resolve();
    io.signal?.addEventListener('abort', onSignal, { once: true });
    void broker.closed.then(() => {
      io.signal?.removeEventListener('abort', onSignal);
      resolve();
    });
  });
  logger.info({ nodeId: broker.nodeId }, 'stopping broker');
  await broker.stop();
  return EXIT_OK;
}
