#!/usr/bin/env node
// Summarises V8 CPU profiles (the .cpuprofile files `node --cpu-prof` writes, e.g. from
// `node bench/replication.mjs --profile <dir>`): for each file, or all of them together, the
// share of wall time that was idle, the busy time by component (a Samsa package, grpc-js,
// protobufjs, LevelDB bindings, Node internals, GC) and the functions with the most self time.
//
//   node bench/profile-summary.mjs <dir or files...> [--top 25] [--merge] [--match flush-true]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, merge: { type: 'boolean', default: false }, match: { type: 'string' } },
});
const TOP = Number(args.top);

const files = positionals.flatMap((p) =>
  statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(p, f)) : [p],
);
const selected = args.match === undefined ? files : files.filter((f) => basename(f).includes(args.match));
if (selected.length === 0) {
  console.error('usage: node bench/profile-summary.mjs <dir or .cpuprofile files...> [--top 25] [--merge] [--match text]');
  process.exit(2);
}

/** Where a frame's code lives, coarsely. */
function component(frame) {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(program)') return 'program (native, unattributed)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const pkg = /\/packages\/([^/]+)\/dist\//.exec(url);
  if (pkg) return `samsa ${pkg[1]}`;
  const mod = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (mod) return mod[1];
  if (url.startsWith('node:internal/')) return `node ${url.slice('node:internal/'.length).split('/')[0].replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  return url;
}

function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map(); // node id -> microseconds
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the gap to the next one
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  return [...self.entries()].map(([id, us]) => ({ frame: byId.get(id).callFrame, us }));
}

function summarise(label, entries) {
  const total = entries.reduce((s, e) => s + e.us, 0);
  const idle = entries.filter((e) => component(e.frame) === 'idle').reduce((s, e) => s + e.us, 0);
  const busy = total - idle;
  const pct = (us, of) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
  console.log(`\n== ${label}: ${(total / 1e6).toFixed(1)} s sampled, busy ${pct(busy, total)} (${(busy / 1e6).toFixed(1)} s)`);
  const byComponent = new Map();
  const byFunction = new Map();
  for (const e of entries) {
    const c = component(e.frame);
    if (c === 'idle') continue;
    byComponent.set(c, (byComponent.get(c) ?? 0) + e.us);
    const url = e.frame.url.replace(/^.*\/(packages\/|node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?)/, '');
    const key = `${e.frame.functionName || '(anonymous)'}  ${url}${url ? `:${e.frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + e.us);
  }
  console.log('  busy time by component:');
  for (const [c, us] of [...byComponent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${pct(us, busy)}  ${c}`);
  console.log(`  top ${TOP} functions by self time (share of busy time):`);
  for (const [f, us] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`    ${pct(us, busy)}  ${f}`);
}

const all = [];
for (const f of selected) {
  const entries = selfTimes(JSON.parse(readFileSync(f, 'utf8')));
  if (args.merge) all.push(...entries);
  else summarise(basename(f), entries);
}
if (args.merge) summarise(`${selected.length} profiles merged`, all);
