// What a new user does with one broker, across real processes through the built CLI: create a
// topic of 3 partitions, produce a 100,000-line file, consume exactly those lines back (each
// partition in file order, offsets gapless from 0); SIGKILL the broker right after the produce
// returns, restart it and find every record at the same partition and offset; delete the index/
// database and find the broker rebuilds it from log/ with the same records at the same offsets.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, runCli } from './harness/cluster.js';

const LINES = 100_000;
const TOPIC = 'lines';

interface Consumed {
  topic: string;
  partition: number;
  offset: string;
  value: string;
}

const lineNumber = (r: Consumed): number => Number(r.value.split(' ')[1]);

let cluster: Cluster;
let workDir: string;

beforeAll(async () => {
  cluster = await Cluster.start(1);
  workDir = mkdtempSync(join(tmpdir(), 'samsa-lines-'));
});

afterAll(async () => {
  await cluster?.destroy();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function consumeAll(bootstrap: string): Promise<Map<string, string>> {
  const res = await runCli(['consume', TOPIC, '--bootstrap', bootstrap, '--from-beginning', '--format', 'json', '--max-messages', String(LINES), '--timeout-ms', '20000'], { timeoutMs: 120_000 });
  expect(res.stderr).not.toMatch(/error/i);
  expect(res.code).toBe(0);
  const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Consumed);
  expect(records).toHaveLength(LINES);
  const byPartition = new Map<number, Consumed[]>();
  for (const r of records) {
    const list = byPartition.get(r.partition) ?? [];
    list.push(r);
    byPartition.set(r.partition, list);
  }
  expect([...byPartition.keys()].sort()).toEqual([0, 1, 2]);
  // Each partition: offsets gapless from 0, and lines in the order the file had them. Violations
  // are collected and asserted once (100,000 expect() calls would dominate the test's time).
  const violations: string[] = [];
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => Number(a.offset) - Number(b.offset));
    list.forEach((r, i) => {
      if (r.topic !== TOPIC) violations.push(`topic ${r.topic}`);
      if (Number(r.offset) !== i) violations.push(`partition ${partition}: offset ${r.offset} at position ${i}`);
      if (i > 0 && lineNumber(r) <= lineNumber(list[i - 1]!)) violations.push(`partition ${partition}: "${r.value}" after "${list[i - 1]!.value}"`);
    });
  }
  expect(violations.slice(0, 10)).toEqual([]);
  const placement = new Map<string, string>();
  for (const r of records) placement.set(`${r.partition}/${r.offset}`, r.value);
  return placement;
}

describe('a single broker, end to end through the CLI', () => {
  let placement: Map<string, string>;

  it('produces a 100,000-line file and consumes exactly those lines back', async () => {
    const create = await runCli(['topics', 'create', TOPIC, '--partitions', '3', '--bootstrap', cluster.bootstrap]);
    expect(create.code, create.stderr).toBe(0);
    const file = join(workDir, 'lines.txt');
    writeFileSync(file, Array.from({ length: LINES }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n') + '\n');
    const produced = await runCli(['produce', TOPIC, '--file', file, '--bootstrap', cluster.bootstrap], { timeoutMs: 120_000 });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stdout + produced.stderr).toMatch(/100000|100,000/);

    // SIGKILL right after the produce returned: acknowledged means on disk.
    await cluster.node(1).kill();
    await cluster.node(1).start();

    placement = await consumeAll(cluster.bootstrap);
    const values = new Set(placement.values());
    expect(values.size).toBe(LINES);
    for (let i = 0; i < LINES; i += 997) expect(values.has(`line ${i} ${'x'.repeat(i % 50)}`)).toBe(true);
    const described = await runCli(['topics', 'describe', TOPIC, '--format', 'json', '--bootstrap', cluster.bootstrap]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toContain(TOPIC);
  });

  it('rebuilds a deleted index/ database from log/ with the same records at the same offsets', async () => {
    const node = cluster.node(1);
    await node.kill();
    const indexDir = join(node.dataDir, 'index');
    expect(existsSync(indexDir)).toBe(true);
    rmSync(indexDir, { recursive: true, force: true });
    await node.start();
    expect(existsSync(indexDir)).toBe(true);
    const again = await consumeAll(cluster.bootstrap);
    expect(again).toEqual(placement);
  });
});
