// The `samsa` program: commander wired to injected streams, so run() works the same from a
// terminal (main.ts) and from a test.
import { Command, CommanderError } from 'commander';
import { brokerCommand } from './commands/broker.js';
import { clusterCommand } from './commands/cluster.js';
import { configsCommand } from './commands/configs.js';
import { consumeCommand } from './commands/consume.js';
import { produceCommand } from './commands/produce.js';
import { topicsCommand } from './commands/topics.js';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, formatError } from './errors.js';
import type { CliIo, RunContext } from './io.js';

export const VERSION = '0.1.0';

export function buildProgram(io: CliIo, ctx: RunContext): Command {
  const program = new Command('samsa')
    .description('Samsa: a distributed commit log. Run a broker, manage topics, produce and consume records.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(brokerCommand(io, ctx))
    .addCommand(clusterCommand(io, ctx))
    .addCommand(topicsCommand(io, ctx))
    .addCommand(configsCommand(io))
    .addCommand(produceCommand(io, ctx))
    .addCommand(consumeCommand(io, ctx));
  const configure = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });
    for (const sub of cmd.commands) configure(sub);
  };
  configure(program);
  return program;
}

/** Runs `samsa` with `argv` (the arguments after the program name) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: RunContext = { exitCode: EXIT_OK };
  const program = buildProgram(io, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; parse errors were printed by commander already.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    io.stderr.write(`${formatError(error)}\n`);
    return exitCodeOf(error);
  }
}
