// What every client command shares: --bootstrap (or SAMSA_BOOTSTRAP), --retries, --verbose, and
// building the SDK client from them.
import type { Command } from 'commander';
import type { InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { Samsa } from '@samsa/client';
import type { CliIo } from '../io.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { DEFAULT_BOOTSTRAP, bootstrapOption, integerOption } from '../options.js';

/** Retries of the CLI's calls: about 2.5 s of backoff, enough for a leader failover. */
export const CLI_RETRIES_DEFAULT = 5;

export interface ClientOptions {
  bootstrap?: string[];
  retries?: number;
  verbose?: boolean;
}

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--bootstrap <host:port,...>', `bootstrap brokers (default: $SAMSA_BOOTSTRAP or ${DEFAULT_BOOTSTRAP})`, bootstrapOption)
    .option('--retries <n>', `retries of a failed call before giving up (default ${CLI_RETRIES_DEFAULT})`, integerOption(0, 1000))
    .option('--verbose', 'log the client library at debug level to stderr');
}

export function bootstrapFrom(opts: ClientOptions, io: CliIo): string[] {
  if (opts.bootstrap !== undefined) return opts.bootstrap;
  const env = io.env['SAMSA_BOOTSTRAP'];
  if (env === undefined || env.trim() === '') return [DEFAULT_BOOTSTRAP];
  try {
    return bootstrapOption(env);
  } catch (error) {
    throw new CliError(`SAMSA_BOOTSTRAP ${JSON.stringify(env)} is invalid: ${(error as InvalidArgumentError).message}`, EXIT_USAGE);
  }
}

export function clientFrom(opts: ClientOptions, io: CliIo): Samsa {
  const logger = opts.verbose === true ? pino({ level: 'debug' }, io.stderr) : undefined;
  return new Samsa({
    brokers: bootstrapFrom(opts, io),
    clientId: 'samsa-cli',
    retry: { retries: opts.retries ?? CLI_RETRIES_DEFAULT },
    ...(logger !== undefined ? { logger } : {}),
  });
}
