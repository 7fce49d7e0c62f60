// `samsa cluster start`: a local combined-mode cluster of separate broker processes, in the
// foreground. Node i serves gRPC (client API, controller and quorum services) on base-port + i - 1
// and is a voter of the metadata quorum. Each node's logs go to <data-dir>/node-<i>.log. The
// command says it is ready only once every broker is registered and unfenced, reports a node that
// exits on its own, and on Ctrl-C / SIGTERM stops every node gracefully (SIGTERM, bounded wait,
// then SIGKILL) and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROKER_NODE_FLAGS } from '@samsa/broker';
import { Samsa } from '@samsa/client';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../errors.js';
import type { CliIo } from '../io.js';

/** Bounds of the local cluster. */
export const CLUSTER_NODES_MAX = 9;
const READY_WAIT_MS_MAX = 60_000;
const READY_POLL_MS = 200;
const STOP_WAIT_MS_MAX = 15_000;

export interface ClusterStartOptions {
  nodes: number;
  dataDir: string;
  basePort: number;
  host: string;
  /** Extra `samsa broker` flags for every node. */
  brokerArgs: readonly string[];
}

export interface LocalNode {
  readonly nodeId: number;
  readonly address: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function parseClusterStartOptions(raw: { nodes?: string; dataDir?: string; basePort?: string; host?: string }, extra: readonly string[]): ClusterStartOptions {
  const nodes = Number(raw.nodes ?? '3');
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > CLUSTER_NODES_MAX) throw new CliError(`--nodes must be an integer from 1 to ${CLUSTER_NODES_MAX}, got "${raw.nodes}"`, EXIT_USAGE);
  const basePort = Number(raw.basePort ?? '9092');
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + nodes - 1 > 65535) throw new CliError(`--base-port must leave room for ${nodes} ports below 65536, got "${raw.basePort}"`, EXIT_USAGE);
  return {
    nodes,
    basePort,
    host: raw.host ?? '127.0.0.1',
    dataDir: resolve(raw.dataDir ?? join(homedir(), '.samsa', 'cluster')),
    brokerArgs: extra,
  };
}

/** The `--controller-voters` value of a local cluster: `1@host:port,2@host:port,...`. */
export const controllerVoters = (o: ClusterStartOptions): string =>
  Array.from({ length: o.nodes }, (_, i) => `${i + 1}@${o.host}:${o.basePort + i}`).join(',');

/** Starts the node processes (does not wait for readiness). */
export function spawnNodes(o: ClusterStartOptions): LocalNode[] {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  mkdirSync(o.dataDir, { recursive: true });
  const voters = controllerVoters(o);
  return Array.from({ length: o.nodes }, (_, i) => {
    const nodeId = i + 1;
    const address = `${o.host}:${o.basePort + i}`;
    const dataDir = join(o.dataDir, `node-${nodeId}`);
    const logFile = join(o.dataDir, `node-${nodeId}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const args = [main, 'broker', '--no-pretty', '--node-id', String(nodeId), '--listen', address, '--data-dir', dataDir, '--roles', 'broker,controller', '--controller-voters', voters, ...o.brokerArgs];
    const child = spawn(process.execPath, [...BROKER_NODE_FLAGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<number | null>((done) => child.once('exit', (code, signal) => {
      log.end();
      done(code ?? (signal === null ? null : 128));
    }));
    return { nodeId, address, dataDir, logFile, process: child, exited };
  });
}

const running = (n: LocalNode): boolean => n.process.exitCode === null && n.process.signalCode === null;

/** Waits until every node is registered and unfenced, or throws (a node exited, or the bound passed). */
export async function waitReady(nodes: readonly LocalNode[], signal?: AbortSignal): Promise<void> {
  const samsa = new Samsa({ brokers: nodes.map((n) => n.address), clientId: 'samsa-cluster-start', retry: { retries: 0 } });
  const admin = samsa.admin();
  const deadline = Date.now() + READY_WAIT_MS_MAX;
  let last: string | undefined;
  try {
    for (;;) {
      if (signal?.aborted === true) return;
      const dead = nodes.find((n) => !running(n));
      if (dead !== undefined) throw new CliError(`node ${dead.nodeId} exited during start; see ${dead.logFile}`, EXIT_FAILURE);
      try {
        const cluster = await admin.describeCluster();
        const unfenced = cluster.brokers.filter((b) => !b.fenced).map((b) => b.nodeId);
        last = `${unfenced.length} of ${nodes.length} brokers unfenced, active controller ${cluster.controller}`;
        if (nodes.every((n) => unfenced.includes(n.nodeId)) && cluster.controller > 0) return;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw new CliError(`the cluster was not ready within ${READY_WAIT_MS_MAX} ms (${last ?? 'no answer'}); see the logs in ${nodes[0]?.logFile ?? ''}`, EXIT_FAILURE);
      await sleep(READY_POLL_MS);
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** SIGTERM every running node, wait (bounded), then SIGKILL what is left. */
export async function stopNodes(nodes: readonly LocalNode[]): Promise<void> {
  for (const n of nodes) if (running(n)) n.process.kill('SIGTERM');
  const all = Promise.all(nodes.map((n) => n.exited));
  const timedOut = await Promise.race([all.then(() => false), sleep(STOP_WAIT_MS_MAX).then(() => true)]);
  if (timedOut) {
    for (const n of nodes) if (running(n)) n.process.kill('SIGKILL');
    await all;
  }
}

export async function runClusterStart(o: ClusterStartOptions, io: CliIo): Promise<number> {
  const nodes = spawnNodes(o);
  const say = (s: string): void => void io.stdout.write(`${s}\n`);
  for (const n of nodes) say(`node ${n.nodeId}: pid ${n.process.pid ?? '?'}, ${n.address}, data ${n.dataDir}, logs ${n.logFile}`);
  let stopping = false;
  // On a terminal, Ctrl-C reaches the nodes too (one process group): they stop by themselves, and
  // their exits are then expected, not news.
  const stopped = new Promise<void>((done) => {
    io.signal?.addEventListener(
      'abort',
      () => {
        stopping = true;
        done();
      },
      { once: true },
    );
  });
  for (const n of nodes) {
    void n.exited.then((code) => {
      if (!stopping) io.stderr.write(`node ${n.nodeId} exited (code ${code}); see ${n.logFile}\n`);
    });
  }
  try {
    await waitReady(nodes, io.signal);
  } catch (error) {
    stopping = true;
    await stopNodes(nodes);
    throw error;
  }
  if (io.signal?.aborted !== true) {
    say(`cluster ready: ${nodes.length} brokers unfenced; bootstrap ${nodes.map((n) => n.address).join(',')}`);
    say('press Ctrl-C to stop');
    await stopped;
  }
  stopping = true;
  say('stopping...');
  await stopNodes(nodes);
  say('stopped');
  return EXIT_OK;
}
