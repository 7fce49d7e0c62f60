// The quorum's failover figures, on a local 3-node combined-mode cluster of real processes (the
// same command line `samsa cluster start` gives each node), all sharing this machine:
//
//   controller  SIGKILL the active controller -> another node answers an admin call (CreateTopics
//               through the surviving nodes only). Goal: <= 2 s.
//   broker      SIGKILL a broker that is not the active controller -> it is fenced and every
//               partition it led has a new leader (polled through DescribeQuorum and Metadata
//               every 10 ms). Goal: <= 1.5 s.
//
// Each is the median [min..max] of --runs kills (default 10); after each, the killed node is
// restarted and the cluster waits until every broker is unfenced again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { GRPC_CHANNEL_OPTIONS, loadClientProto, loadControllerProto } from '@samsa/protocol';
import { BROKER_NODE_FLAGS, freePort, sleep } from './common.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/main.js');
const POLL_MS = 10;
const WAIT_MS_MAX = 30_000;


function unary(client, method, req, timeoutMs = 1000) {
  return new Promise((resolve, reject) => client[method](req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res))));
}

async function until(what, predicate) {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

class Node {
  constructor(id, port, dir, voters) {
    Object.assign(this, { id, port, dir, voters, address: `127.0.0.1:${port}` });
    const cp = loadControllerProto();
    const kp = loadClientProto();
    this.controller = new cp.samsa.v1.ControllerService(this.address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
    this.client = new kp.samsa.v1.SamsaClient(this.address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
  }
  start() {
    this.proc = spawn(process.execPath, [...BROKER_NODE_FLAGS, CLI, 'broker', '--no-pretty', '--node-id', String(this.id), '--listen', this.address, '--data-dir', join(this.dir, `node-${this.id}`), '--roles', 'broker,controller', '--controller-voters', this.voters], { stdio: ['ignore', process.env.SAMSA_BENCH_LOGS ? 'inherit' : 'ignore', process.env.SAMSA_BENCH_LOGS ? 'inherit' : 'ignore'] });
    this.exited = new Promise((r) => this.proc.once('exit', r));
  }
  async kill() {
    this.proc.kill('SIGKILL');
    await this.exited;
  }
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    await this.exited;
  }
  quorum() {
    return unary(this.controller, 'DescribeQuorum', {});
  }
}

/** The active controller's view, once every node answers and agrees on who it is. */
async function activeView(nodes) {
  const views = await Promise.all(nodes.map((n) => n.quorum().catch(() => undefined)));
  if (views.some((v) => v === undefined)) return undefined;
  const active = views.find((v) => v.liveness_known);
  if (active === undefined || views.some((v) => v.active_controller_id !== active.node_id)) return undefined;
  return active;
}

async function allUnfenced(nodes) {
  const v = await activeView(nodes);
  return v !== undefined && nodes.every((n) => v.brokers.some((b) => b.broker_id === n.id && !b.fenced));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `${median(xs).toFixed(0)} ms [${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}]`;

export async function benchFailover(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-failover-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const voters = ports.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',');
  const nodes = ports.map((p, i) => new Node(i + 1, p, dir, voters));
  try {
    for (const n of nodes) n.start();
    await until('a 3-node cluster with every broker unfenced', () => allUnfenced(nodes));
    const controllerMs = [];
    const brokerMs = [];
    for (let run = 0; run < runs; run++) {
      // The active controller, agreed by every node.
      let active;
      await until('every node to agree on the active controller', async () => (active = await activeView(nodes)) !== undefined);
      const victim = nodes.find((n) => n.id === active.node_id);
      const survivors = nodes.filter((n) => n !== victim);
      const t0 = performance.now();
      await victim.kill();
      let topic = 0;
      await until('an admin call answered by a new active controller', async () => {
        for (const s of survivors) {
          const res = await unary(s.client, 'CreateTopics', { topics: [{ name: `c-${run}-${topic++}`, num_partitions: 1, replication_factor: 1, configs: {} }] }, 500).catch(() => undefined);
          if (res?.results[0]?.error_code === 'NONE') return true;
        }
        return false;
      });
      controllerMs.push(performance.now() - t0);
      victim.start();
      await until('every broker unfenced again', () => allUnfenced(nodes));

      // A broker that leads partitions and is not the active controller. A new topic each run: its
      // ISRs are full (ISRs grow back only with replication, issue 5).
      let view;
      await until('every node to agree on the active controller', async () => (view = await activeView(nodes)) !== undefined);
      const fresh = `b-${run}`;
      await unary(nodes.find((n) => n.id === view.node_id).client, 'CreateTopics', { topics: [{ name: fresh, num_partitions: 12, replication_factor: 3, configs: {} }] }, 10_000);
      const meta = await unary(nodes.find((n) => n.id === view.node_id).client, 'Metadata', { topics: [fresh] });
      const leaders = new Set(meta.topics[0].partitions.map((p) => p.leader_id));
      const broker = nodes.find((n) => n.id !== view.node_id && leaders.has(n.id));
      const controllerNode = nodes.find((n) => n.id === view.node_id);
      const t1 = performance.now();
      await broker.kill();
      await until('the broker fenced and its partitions led by others', async () => {
        const v = await controllerNode.quorum();
        if (!v.brokers.some((b) => b.broker_id === broker.id && b.fenced)) return false;
        const m = await unary(controllerNode.client, 'Metadata', { topics: [fresh] });
        return m.topics[0].partitions.every((p) => p.leader_id !== broker.id && p.leader_id > 0);
      });
      brokerMs.push(performance.now() - t1);
      broker.start();
      await until('every broker unfenced again', () => allUnfenced(nodes));
    }
    console.log(`failover  controller SIGKILL -> admin call answered by a new active controller (${runs} runs): ${fmt(controllerMs)}  (goal <= 2000 ms)`);
    console.log(`failover  broker SIGKILL -> fenced, its partitions re-led (${runs} runs): ${fmt(brokerMs)}  (goal <= 1500 ms)`);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) {
      n.controller.close();
      n.client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchFailover(Number(process.argv[2] ?? '10'));
}
