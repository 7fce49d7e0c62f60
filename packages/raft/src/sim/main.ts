// The simulator's command line: `pnpm sim --seeds N [--start S] [--profile default|adversarial]`
// runs seeds S..S+N-1 and prints coverage; SAMSA_SEED=N replays one seed with its whole trace.
// Exit code 1 when any seed fails.
import { parseArgs } from 'node:util';
import { runSimulation, type SimProfile } from './simulation.js';
import { formatCoverage, formatFailure, runSeeds } from './run.js';

function main(): number {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '500' },
      start: { type: 'string', default: '1' },
      profile: { type: 'string', default: 'default' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: pnpm sim [--seeds N] [--start S] [--profile default|adversarial]\n       SAMSA_SEED=N pnpm sim   replays seed N with its full trace\n');
    return 0;
  }
  const profile = values.profile as SimProfile;
  if (profile !== 'default' && profile !== 'adversarial') throw new Error(`unknown profile ${profile}`);
  const replay = process.env['SAMSA_SEED'];
  if (replay !== undefined && replay !== '') {
    const seed = Number(replay);
    const r = runSimulation({ seed, profile, traceAll: true });
    process.stdout.write(`${r.trace.join('\n')}\n`);
    process.stdout.write(r.ok ? `seed=${seed} ok (${r.events} events, ${r.virtualMs} virtual ms)\n` : `${formatFailure(r, 0)}\n`);
    return r.ok ? 0 : 1;
  }
  const count = Number(values.seeds);
  const start = Number(values.start);
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(start)) throw new Error('--seeds and --start take integers');
  let done = 0;
  const summary = runSeeds({
    start,
    count,
    profile,
    onResult: (r) => {
      done++;
      if (!r.ok) process.stdout.write(`\n${formatFailure(r, 40)}\n`);
      else if (done % 100 === 0) process.stdout.write(`${done} seeds...\n`);
    },
  });
  process.stdout.write(
    `\n${summary.seeds} seeds (${start}..${start + summary.seeds - 1}, profile ${profile}) in ${(summary.wallMs / 1000).toFixed(1)} s: ` +
      `${summary.failures.length} failed; ${summary.events} events, ${(summary.virtualMs / 1000).toFixed(0)} virtual s\ncoverage:\n${formatCoverage(summary.coverage)}\n`,
  );
  if (summary.failures.length > 0) process.stdout.write(`failing seeds: ${summary.failures.map((f) => f.seed).join(' ')}\n`);
  return summary.failures.length === 0 ? 0 : 1;
}

process.exitCode = main();
