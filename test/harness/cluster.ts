// The cross-process test harness: starts real `samsa broker` processes (the built CLI) on
// 127.0.0.1 with temporary data directories, and owns their lifecycle: graceful stop (SIGTERM),
// SIGKILL, SIGSTOP/SIGCONT and restart on the same data directory. `waitUntil` polls a predicate
// and, when it gives up, throws with a dump of every node's state and its last log lines, so a
// failing test says what the cluster looked like. Test files hold workloads and assertions only.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { BROKER_NODE_FLAGS } from '@samsa/broker';
import { GRPC_CHANNEL_OPTIONS, loadClientProto, loadControllerProto } from '@samsa/protocol';
import type { ControllerServiceClient, DescribeQuorumResponse__Output, MetadataResponse__Output, SamsaClientClient } from '@samsa/protocol';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_MAIN = join(REPO_ROOT, 'packages/cli/dist/main.js');

/** Bounds for waits in tests: generous, several times what the operation should take. */
export const WAIT_MS_DEFAULT = 30_000;
const POLL_MS = 50;
const LOG_LINES_KEPT = 200;
/** Set SAMSA_TEST_LOG_DIR to keep every node's whole log in <dir>/node-<id>.log (for debugging a failed run). */
const LOG_DIR = process.env['SAMSA_TEST_LOG_DIR'];

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface NodeOptions {
  nodeId: number;
  /** Extra `samsa broker` flags, e.g. ['--log-flush-sync', 'false']. */
  args?: string[];
  env?: Record<string, string>;
}

/** One broker process. Its data directory outlives the process so it can be restarted. */
export class BrokerNode {
  readonly nodeId: number;
  readonly port: number;
  readonly dataDir: string;
  readonly address: string;
  private proc: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private readonly logTail: string[] = [];
  private client: SamsaClientClient | undefined;
  private controllerClient: ControllerServiceClient | undefined;
  private stopped = false;

  private readonly options: NodeOptions;

  constructor(nodeId: number, port: number, dataDir: string, options: NodeOptions) {
    this.options = options;
    this.nodeId = nodeId;
    this.port = port;
    this.dataDir = dataDir;
    this.address = `127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the process and waits until it answers a Metadata call. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`node ${this.nodeId} is already running`);
    const args = [...BROKER_NODE_FLAGS, CLI_MAIN, 'broker', '--node-id', String(this.nodeId), '--listen', this.address, '--data-dir', this.dataDir, ...(this.options.args ?? [])];
    const proc = spawn(process.execPath, args, { env: { ...process.env, ...this.options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    const logFile = LOG_DIR === undefined ? undefined : join(LOG_DIR, `node-${this.nodeId}.log`);
    if (LOG_DIR !== undefined) mkdirSync(LOG_DIR, { recursive: true });
    const keep = (chunk: Buffer): void => {
      if (logFile !== undefined) appendFileSync(logFile, chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        this.logTail.push(line);
        if (this.logTail.length > LOG_LINES_KEPT) this.logTail.shift();
      }
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    await waitUntil(async () => (await this.metadata().catch(() => undefined)) !== undefined, {
      timeoutMs: WAIT_MS_DEFAULT,
      what: `node ${this.nodeId} to answer on ${this.address}`,
      dump: () => this.describe(),
      abortIf: () => (this.running ? undefined : `node ${this.nodeId} exited during start`),
    });
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  async stop(): Promise<number | null> {
    return await this.signalAndWait('SIGTERM');
  }

  /** SIGKILL: the process dies at once, nothing flushed beyond what was already written. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** SIGSTOP: the process keeps its sockets open but answers nothing. */
  pause(): void {
    this.proc?.kill('SIGSTOP');
    this.stopped = true;
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
    this.stopped = false;
  }

  get paused(): boolean {
    return this.stopped && this.running;
  }

  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.start();
  }

  /** A raw gRPC client of this node's client API. */
  rpc(): SamsaClientClient {
    if (this.client === undefined) {
      const proto = loadClientProto();
      this.client = new proto.samsa.v1.SamsaClient(this.address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
    }
    return this.client;
  }

  /** This node's view of the metadata quorum (DescribeQuorum). */
  async quorum(): Promise<DescribeQuorumResponse__Output> {
    if (this.controllerClient === undefined) {
      const proto = loadControllerProto();
      this.controllerClient = new proto.samsa.v1.ControllerService(this.address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
    }
    const client = this.controllerClient;
    return await new Promise((resolve, reject) => {
      client.DescribeQuorum({}, { deadline: Date.now() + 2_000 }, (err, res) => (err || !res ? reject(err ?? new Error('empty')) : resolve(res)));
    });
  }

  async metadata(): Promise<MetadataResponse__Output> {
    return await new Promise((resolve, reject) => {
      this.rpc().Metadata({}, { deadline: Date.now() + 2_000 }, (err, res) => (err || !res ? reject(err ?? new Error('empty')) : resolve(res)));
    });
  }

  logs(): string[] {
    return [...this.logTail];
  }

  describe(): string {
    return `node ${this.nodeId} pid=${this.pid ?? '-'} running=${this.running} ${this.address} dir=${this.dataDir}\n  ${this.logTail.slice(-20).join('\n  ')}`;
  }

  closeClient(): void {
    this.client?.close();
    this.client = undefined;
    this.controllerClient?.close();
    this.controllerClient = undefined;
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<number | null> {
    if (!this.running || this.exited === undefined) return this.proc?.exitCode ?? null;
    this.closeClient();
    if (this.stopped && signal !== 'SIGKILL') this.resume();
    this.proc!.kill(signal);
    const code = await Promise.race([this.exited, sleep(WAIT_MS_DEFAULT).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      this.proc!.kill('SIGKILL');
      throw new Error(`node ${this.nodeId} did not exit within ${WAIT_MS_DEFAULT} ms of ${signal}\n${this.describe()}`);
    }
    return code;
  }
}

/** A set of broker processes sharing one temporary root directory. */
export class Cluster {
  readonly nodes: BrokerNode[] = [];
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * Starts `count` nodes. With `quorum: true` every node runs combined mode (broker and controller)
   * and is a voter of one metadata quorum (`--controller-voters` lists them all); otherwise each
   * node is a cluster of one.
   */
  static async start(count: number, options: Omit<NodeOptions, 'nodeId'> & { quorum?: boolean } = {}): Promise<Cluster> {
    const cluster = new Cluster(mkdtempSync(join(tmpdir(), 'samsa-test-')));
    const ports: number[] = [];
    for (let i = 1; i <= count; i++) ports.push(await freePort());
    const voters = ports.map((port, i) => `${i + 1}@127.0.0.1:${port}`).join(',');
    const quorumArgs = options.quorum === true ? ['--roles', 'broker,controller', '--controller-voters', voters] : [];
    for (let i = 1; i <= count; i++) {
      const args = [...quorumArgs, ...(options.args ?? [])];
      const node = new BrokerNode(i, ports[i - 1]!, join(cluster.root, `node-${i}`), { ...options, args, nodeId: i });
      cluster.nodes.push(node);
    }
    try {
      await Promise.all(cluster.nodes.map((n) => n.start()));
    } catch (e) {
      await cluster.destroy();
      throw e;
    }
    return cluster;
  }

  node(id: number): BrokerNode {
    const n = this.nodes.find((x) => x.nodeId === id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  get bootstrap(): string {
    return this.nodes.map((n) => n.address).join(',');
  }

  describe(): string {
    return this.nodes.map((n) => n.describe()).join('\n');
  }

  running(): BrokerNode[] {
    return this.nodes.filter((n) => n.running);
  }

  /** Every running node's quorum view (unreachable ones left out). */
  async quorumViews(): Promise<DescribeQuorumResponse__Output[]> {
    const views = await Promise.all(this.running().map((n) => n.quorum().catch(() => undefined)));
    return views.filter((v): v is DescribeQuorumResponse__Output => v !== undefined);
  }

  /** The active controller as the running nodes agree on it, or undefined. */
  async activeController(): Promise<BrokerNode | undefined> {
    const views = await this.quorumViews();
    const active = views.find((v) => v.liveness_known);
    if (active === undefined) return undefined;
    return this.nodes.find((n) => n.nodeId === active.node_id && n.running);
  }

  /** Waits until the running nodes are all registered and unfenced, as the active controller sees it. */
  async waitAllUnfenced(expected: readonly number[] = this.running().map((n) => n.nodeId), timeoutMs = WAIT_MS_DEFAULT): Promise<void> {
    await waitUntil(
      async () => {
        const active = (await this.quorumViews()).find((v) => v.liveness_known);
        if (active === undefined) return false;
        const unfenced = active.brokers.filter((b) => !b.fenced).map((b) => b.broker_id);
        return expected.every((id) => unfenced.includes(id));
      },
      { timeoutMs, what: `brokers ${expected.join(', ')} unfenced`, dump: () => this.describe() },
    );
  }

  /** Kills whatever still runs (SIGKILL) and removes the data directories. Safe twice. */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((n) => (n.running ? n.kill() : Promise.resolve())));
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  what: string;
  /** Extra state to print when the wait gives up. */
  dump?: () => string;
  /** Returns a reason to stop waiting at once (a process died). */
  abortIf?: () => string | undefined;
}

/** Polls `predicate` until it returns true; on timeout throws with `what` and the dump. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? WAIT_MS_DEFAULT);
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (e) {
      lastError = e;
    }
    const abort = options.abortIf?.();
    if (abort !== undefined || Date.now() > deadline) {
      throw new Error(
        `gave up waiting for ${options.what}${abort !== undefined ? `: ${abort}` : ` after ${options.timeoutMs ?? WAIT_MS_DEFAULT} ms`}` +
          `${lastError === undefined ? '' : `\nlast error: ${String(lastError)}`}${options.dump ? `\n${options.dump()}` : ''}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** Runs the built CLI to completion and returns its exit code and output. */
export async function runCli(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return await new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on('data', (c: Buffer) => out.push(c));
    proc.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`samsa ${args.join(' ')} did not finish within ${options.timeoutMs ?? WAIT_MS_DEFAULT} ms\n${Buffer.concat(err).toString()}`));
    }, options.timeoutMs ?? WAIT_MS_DEFAULT);
    proc.once('error', reject);
    proc.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    proc.stdin.end(options.input ?? '');
  });
}
