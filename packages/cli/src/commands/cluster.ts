// `samsa cluster ...`: run a local cluster (cluster-start.ts) and look at the metadata quorum:
// `status` asks every bootstrap node for its view (DescribeQuorum) and prints the voters, the
// active controller, the term, commit and applied offsets, each node's applied offset and image
// hash, and each broker's state (alive, fenced) and partition leadership count.
import * as grpc from '@grpc/grpc-js';
import { Command, Option } from 'commander';
import { GRPC_CHANNEL_OPTIONS, int64ToNumber, loadControllerProto } from '@samsa/protocol';
import type { ControllerServiceClient, DescribeQuorumResponse__Output } from '@samsa/protocol';
import { CliError, EXIT_FAILURE } from '../errors.js';
import type { CliIo, RunContext } from '../io.js';
import { integerOption } from '../options.js';
import { addClientOptions, bootstrapFrom } from './common.js';
import type { ClientOptions } from './common.js';
import { parseClusterStartOptions, runClusterStart } from './cluster-start.js';

/** Deadline of one DescribeQuorum call. */
const STATUS_CALL_MS = 5_000;

export interface NodeView {
  readonly address: string;
  readonly view?: DescribeQuorumResponse__Output;
  readonly error?: string;
}

/** Every bootstrap node's view of the quorum (unreachable nodes carry their error). */
export async function describeQuorum(addresses: readonly string[]): Promise<NodeView[]> {
  if (addresses.length === 0) return [];
  const proto = loadControllerProto();
  return await Promise.all(
    addresses.map(async (address): Promise<NodeView> => {
      const client: ControllerServiceClient = new proto.samsa.v1.ControllerService(address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
      try {
        const view = await new Promise<DescribeQuorumResponse__Output>((resolve, reject) => {
          client.DescribeQuorum({}, { deadline: Date.now() + STATUS_CALL_MS }, (err, res) => (err || res === undefined ? reject(err ?? new Error('no answer')) : resolve(res)));
        });
        return { address, view };
      } catch (error) {
        return { address, error: (error as grpc.ServiceError).details || (error as Error).message };
      } finally {
        client.close();
      }
    }),
  );
}

export interface ClusterStatus {
  clusterId: string;
  activeControllerId: number;
  term: number;
  commitOffset: number;
  voters: { nodeId: number; address: string }[];
  nodes: { address: string; nodeId?: number; appliedOffset?: number; imageHash?: string; error?: string }[];
  brokers: { brokerId: number; address: string; alive: boolean | null; fenced: boolean; leaders: number; replicas: number; appliedOffset: number | null }[];
}

export function summarize(views: readonly NodeView[]): ClusterStatus {
  const answered = views.filter((v) => v.view !== undefined).map((v) => v.view!);
  if (answered.length === 0) throw new CliError(`no node answered: ${views.map((v) => `${v.address}: ${v.error}`).join('; ')}`, EXIT_FAILURE);
  // The active controller's view has the live broker states; any controller's has the quorum.
  const active = answered.find((v) => v.liveness_known) ?? answered.find((v) => v.voters.length > 0) ?? answered[0]!;
  const num = (v: unknown, f: string): number => int64ToNumber(v, f);
  return {
    clusterId: active.cluster_id,
    activeControllerId: active.active_controller_id,
    term: num(active.leader_epoch, 'leader_epoch'),
    commitOffset: num(active.commit_offset, 'commit_offset'),
    voters: active.voters.map((v) => ({ nodeId: v.node_id, address: v.address })),
    nodes: views.map((v) =>
      v.view === undefined
        ? { address: v.address, error: v.error ?? 'no answer' }
        : { address: v.address, nodeId: v.view.node_id, appliedOffset: num(v.view.applied_offset, 'applied_offset'), imageHash: v.view.image_hash },
    ),
    brokers: active.brokers.map((b) => ({
      brokerId: b.broker_id,
      address: b.endpoints[0] === undefined ? '' : `${b.endpoints[0].host}:${b.endpoints[0].port}`,
      alive: active.liveness_known ? b.alive : null,
      fenced: b.fenced,
      leaders: b.leader_count,
      replicas: b.replica_count,
      appliedOffset: active.liveness_known ? num(b.applied_offset, 'applied_offset') : null,
    })),
  };
}

export function formatClusterStatus(s: ClusterStatus): string {
  const lines = [
    `cluster ${s.clusterId}`,
    `active controller: ${s.activeControllerId < 0 ? 'none' : `node ${s.activeControllerId}`}   term ${s.term}   committed offset ${s.commitOffset}`,
    `voters: ${s.voters.map((v) => `${v.nodeId}@${v.address}`).join(', ') || '(unknown)'}`,
    '',
    'node  address                 applied  image hash',
    ...s.nodes.map((n) =>
      n.error !== undefined
        ? `${'-'.padEnd(5)} ${n.address.padEnd(23)} unreachable: ${n.error}`
        : `${String(n.nodeId).padEnd(5)} ${n.address.padEnd(23)} ${String(n.appliedOffset).padStart(7)}  ${n.imageHash?.slice(0, 16) ?? ''}`,
    ),
    '',
    'broker  address                 state           leaders  replicas',
    ...s.brokers.map((b) => {
      const state = `${b.alive === null ? '?' : b.alive ? 'alive' : 'dead'}, ${b.fenced ? 'fenced' : 'unfenced'}`;
      return `${String(b.brokerId).padEnd(7)} ${b.address.padEnd(23)} ${state.padEnd(15)} ${String(b.leaders).padStart(7)}  ${String(b.replicas).padStart(8)}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export function clusterCommand(io: CliIo, ctx: RunContext): Command {
  const cluster = new Command('cluster').description('run a local cluster; show and change the metadata quorum');

  cluster
    .command('start')
    .description('run a local combined-mode cluster of separate processes in the foreground (Ctrl-C stops it)')
    .option('--nodes <n>', 'number of nodes (each a broker and a controller voter)', '3')
    .option('--data-dir <dir>', 'directory holding every node\'s data and logs (default ~/.samsa/cluster)')
    .option('--base-port <port>', 'node i serves gRPC on base-port + i - 1', '9092')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--broker-arg <arg...>', 'extra `samsa broker` arguments for every node, e.g. --broker-arg=--log-flush-sync --broker-arg=false').default([]))
    .action(async (opts: { nodes?: string; dataDir?: string; basePort?: string; host?: string; brokerArg: string[] }) => {
      ctx.exitCode = await runClusterStart(parseClusterStartOptions(opts, opts.brokerArg), io);
    });

  addClientOptions(
    cluster
      .command('status')
      .description('the quorum (voters, active controller, term, committed and applied offsets) and the brokers (alive, fenced, leaderships)')
      .option('--format <format>', 'text or json', 'text'),
  ).action(async (opts: ClientOptions & { format: string }) => {
    if (opts.format !== 'text' && opts.format !== 'json') throw new CliError(`--format must be text or json, got "${opts.format}"`, 2);
    // Ask the bootstrap nodes, then every other voter and broker they name, so each node's view shows.
    const first = await describeQuorum(bootstrapFrom(opts, io));
    const asked = new Set(first.map((v) => v.address));
    const named = new Set<string>();
    for (const v of first) {
      for (const q of v.view?.voters ?? []) if (q.address !== '') named.add(q.address);
      for (const b of v.view?.brokers ?? []) if (b.endpoints[0] !== undefined) named.add(`${b.endpoints[0].host}:${b.endpoints[0].port}`);
    }
    const rest = await describeQuorum([...named].filter((a) => !asked.has(a)));
    const status = summarize([...first, ...rest]);
    io.stdout.write(opts.format === 'json' ? `${JSON.stringify(status)}\n` : formatClusterStatus(status));
  });

  addClientOptions(
    cluster
      .command('add-voter')
      .description('add a node to the metadata quorum (start it first with --controller-quorum-join); answers once the change is committed')
      .requiredOption('--node-id <id>', 'the node to add', integerOption(1, 2 ** 31 - 1))
      .requiredOption('--address <host:port>', 'where the node serves gRPC'),
  ).action(async (opts: ClientOptions & { nodeId: number; address: string }) => {
    const voters = await changeVoters(bootstrapFrom(opts, io), 'AddVoter', { node_id: opts.nodeId, address: opts.address });
    io.stdout.write(`node ${opts.nodeId} is a voter; voters: ${voters}\n`);
  });

  addClientOptions(
    cluster
      .command('remove-voter')
      .description('remove a node from the metadata quorum; answers once the change is committed')
      .requiredOption('--node-id <id>', 'the node to remove', integerOption(1, 2 ** 31 - 1)),
  ).action(async (opts: ClientOptions & { nodeId: number }) => {
    const voters = await changeVoters(bootstrapFrom(opts, io), 'RemoveVoter', { node_id: opts.nodeId });
    io.stdout.write(`node ${opts.nodeId} is no longer a voter; voters: ${voters}\n`);
  });

  return cluster;
}

/** Deadline of a membership change: it answers once committed (a new voter may first catch up). */
const MEMBERSHIP_CALL_MS = 30_000;

/** Sends AddVoter / RemoveVoter to the active controller (found through DescribeQuorum) and returns the new voter list. */
async function changeVoters(bootstrap: readonly string[], method: 'AddVoter' | 'RemoveVoter', request: { node_id: number; address?: string }): Promise<string> {
  const views = await describeQuorum(bootstrap);
  const status = summarize(views);
  if (status.activeControllerId < 0) throw new CliError('no active controller: the quorum has no leader right now; try again', EXIT_FAILURE);
  const active = status.voters.find((v) => v.nodeId === status.activeControllerId);
  if (active === undefined || active.address === '') throw new CliError(`the address of the active controller (node ${status.activeControllerId}) is unknown`, EXIT_FAILURE);
  const proto = loadControllerProto();
  const client: ControllerServiceClient = new proto.samsa.v1.ControllerService(active.address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
  try {
    const response = await new Promise<{ voters: { node_id: number; address: string }[] }>((resolve, reject) => {
      const callback = (err: grpc.ServiceError | null, res?: { voters: { node_id: number; address: string }[] }): void => (err || res === undefined ? reject(err ?? new Error('no answer')) : resolve(res));
      const options = { deadline: Date.now() + MEMBERSHIP_CALL_MS };
      if (method === 'AddVoter') client.AddVoter({ node_id: request.node_id, address: request.address ?? '' }, options, callback);
      else client.RemoveVoter({ node_id: request.node_id }, options, callback);
    });
    return response.voters.map((v) => `${v.node_id}@${v.address}`).join(', ');
  } catch (error) {
    const e = error as grpc.ServiceError;
    const code = e.metadata?.get('samsa-error-code')[0];
    throw new CliError(`${code !== undefined ? `${String(code)}: ` : ''}${e.details || e.message}`, EXIT_FAILURE);
  } finally {
    client.close();
  }
}
