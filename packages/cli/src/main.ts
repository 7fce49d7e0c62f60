#!/usr/bin/env node
// The `samsa` executable: real streams and signals around run(). The first SIGINT / SIGTERM asks
// the running command to stop cleanly (a broker stops gracefully, a consumer stops and exits 0);
// a second one exits at once.
import { run } from './program.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  signals++;
  if (signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// A closed pipe (`samsa consume t | head`) ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') controller.abort();
});

const code = await run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
process.exitCode = code;
// gRPC channels and timers may linger after a command is done; the exit code is final once
// stdout has taken everything written to it.
process.stdout.write('', () => process.exit(code));
