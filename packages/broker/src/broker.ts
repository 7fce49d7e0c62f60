// The node's core: by its roles, a controller (the metadata log and the active controller's
// work: ControllerService), a broker (storage, the client API, and following the metadata), or
// both (combined mode, the default: a cluster of one when it is the only voter). Signals belong to
// the caller (the CLI calls stop() on SIGTERM / SIGINT).
//
// A broker registers with the active controller under a new incarnation id, follows the metadata
// (its own metadata log in combined mode; the active controller's watch stream otherwise) until
// its image has its registration, reconciles its partitions with that image, then heartbeats; it
// answers client calls once the controller has unfenced it. Combined mode takes the same path:
// registration and heartbeats go to the active controller over gRPC even when that is this very
// process, so a combined node behaves the same whoever leads the metadata log.
//
// A node started to join a running quorum (controller.quorum.join) opens its metadata log with no
// configuration of its own (it adopts the quorum's cluster id first, unless given one) and is not
// a voter until the active controller adds it, so its own log has nothing yet: its broker role
// follows the metadata through the watch stream, as a broker-only node does.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { DataDirError, QuorumController, followerThrottleBytesPerSec, RaftMetadataLog, SYSTEM_CLOCK, formatDataDir, newClusterId, readMetaProperties } from '@samsa/controller';
import type { MetadataLog } from '@samsa/controller';
import { LogManager } from '@samsa/storage';
import { GRPC_CHANNEL_OPTIONS, SamsaError } from '@samsa/protocol';
import { formatHostPort, isWildcardHost, parseHostPort } from './address.js';
import { CLIENT_ENDPOINT } from './admin.js';
import { MESSAGE_OVERHEAD_BYTES, validateConfig } from './config.js';
import type { BrokerConfig, ProcessRole } from './config.js';
import type { BrokerContext } from './context.js';
import { ControllerClient } from './controller-client.js';
import { ControllerGateway } from './controller-gateway.js';
import { controllerServiceDefinition, createControllerHandlers } from './controller-service.js';
import { BrokerLifecycle } from './lifecycle.js';
import { MetadataFollower } from './metadata-follower.js';
import { waitForIndex } from './metadata-view.js';
import type { MetadataView } from './metadata-view.js';
import { PartitionRegistry } from './partitions.js';
import { Reconciler } from './reconciler.js';
import { ProducerIdManager } from './producer-ids.js';
import { ReplicaManager } from './replica-manager.js';
import { createReplicaHandlers, replicaServiceDefinition } from './replica-service.js';
import { createHandlers, serviceDefinition } from './service.js';
import { discoverClusterId } from './quorum-join.js';
import { parseVoters } from './voters.js';
import type { Voter } from './voters.js';

/** How long a graceful stop waits for the controller to move this broker's leaderships away. */
export const CONTROLLED_SHUTDOWN_MS = 10_000;
/** How long stop() lets calls in progress finish before it cancels them. */
export const SHUTDOWN_GRACE_MS = 5000;
/**
 * How long a controller's broker role waits for its own metadata log to have its registration
 * before it follows the metadata by watch instead (a voter removed while it was down never hears
 * from the leader again, and its log never advances).
 */
export const OWN_LOG_CATCH_UP_MS = 5000;

export interface Broker {
  readonly nodeId: number;
  readonly roles: readonly ProcessRole[];
  /** The host:port actually bound. */
  readonly address: string;
  /** Graceful: stops accepting calls, ends fetches, closes storage and the metadata log. Safe twice. */
  stop(): Promise<void>;
  /** Resolves once the broker has fully stopped. */
  readonly closed: Promise<void>;
}

/** What the metadata log factory gets: enough to open a log, or a Raft log that serves on `server`. */
export interface OpenMetadataLogArgs {
  readonly dataDir: string;
  readonly nodeId: number;
  readonly clusterId?: string;
  /** The configured voters (this node alone, address unknown before binding, when none are configured). */
  readonly voters: readonly Voter[];
  /**
   * Join a running quorum (controller.quorum.join): no configuration of its own, learnt from the
   * quorum's log once added; `voters` are the running quorum's, and `clusterId` is the quorum's.
   */
  readonly join?: boolean;
  readonly logger: Logger;
  /** The node's gRPC server, not yet bound: a log may add its own service to it. */
  readonly server: grpc.Server;
}

export interface StartBrokerOptions {
  /** Root logger; a pino JSON logger at config.logLevel is created when absent. */
  logger?: Logger;
  /** Opens the metadata log of a node with the controller role. Default: its member of the Raft metadata quorum (RaftMetadataLog). */
  openMetadataLog?: (args: OpenMetadataLogArgs) => Promise<MetadataLog>;
  /**
   * Abandons the start (a broker waits for its controllers to register and unfence it, which may
   * take long when they are down): startBroker then rejects with BROKER_NOT_AVAILABLE.
   */
  signal?: AbortSignal;
}

/** Test hooks of a running node (not part of the public API: see brokerInternals()). */
export interface BrokerInternals {
  readonly lifecycle: BrokerLifecycle | undefined;
  readonly controller: QuorumController | undefined;
  readonly metadata: MetadataView | undefined;
  /** The node's metadata log (a controller), undefined on a broker-only node. */
  readonly metadataLog: MetadataLog | undefined;
  /** Stops the node without its goodbyes, as a killed process: the server's connections are reset at once. */
  kill(): Promise<void>;
}

const internals = new WeakMap<Broker, BrokerInternals>();

/** The test hooks of a broker started in this process. */
export function brokerInternals(broker: Broker): BrokerInternals {
  const i = internals.get(broker);
  if (i === undefined) throw new Error('assertion failed: not a broker of this process');
  return i;
}

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

function shutdown(server: grpc.Server, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'calls still running after the grace period; cancelling them');
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The cluster id of a new quorum started without one: derived from its voter list, so that every
 * voter of a new multi-node cluster starts with the same id without being told (a cluster of one
 * takes a random id). An existing directory keeps the id it was formatted with.
 */
export function clusterIdForVoters(voters: readonly Voter[]): string {
  if (voters.length <= 1) return newClusterId();
  const list = [...voters].sort((a, b) => a.id - b.id).map((v) => `${v.id}@${v.address}`).join(',');
  return createHash('sha256').update(list).digest('base64url').slice(0, 22);
}

/** The default metadata log: this node's member of the Raft metadata quorum. */
async function openRaftMetadataLog(args: OpenMetadataLogArgs): Promise<MetadataLog> {
  let clusterId = args.clusterId;
  // A joining node is given the quorum's id (its voter list is not the one the quorum was formed with).
  if (clusterId === undefined && args.join !== true && (await readMetaProperties(args.dataDir)) === undefined) clusterId = clusterIdForVoters(args.voters);
  return await RaftMetadataLog.open({
    dataDir: args.dataDir,
    nodeId: args.nodeId,
    ...(clusterId !== undefined ? { clusterId } : {}),
    ...(args.join === true ? { join: true } : {}),
    voters: new Map(args.voters.map((v) => [v.id, v.address])),
    server: args.server,
    logger: args.logger,
  });
}

/** Whether `view` applies `index` within `timeoutMs`; rejects (BROKER_NOT_AVAILABLE) when `signal` aborts. */
async function reachesIndex(view: MetadataView, index: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), timeoutMs);
  const stop = (): void => limit.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await waitForIndex(view, index, limit.signal);
    return true;
  } catch (err) {
    if (signal.aborted) throw err;
    return false;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

export async function startBroker(config: BrokerConfig, options: StartBrokerOptions = {}): Promise<Broker> {
  const cfg = validateConfig(config);
  const isBroker = cfg.roles.includes('broker');
  const isController = cfg.roles.includes('controller');
  const root = options.logger ?? pino({ level: cfg.logLevel });
  const log = root.child({ nodeId: cfg.nodeId });
  const stopController = new AbortController();
  const abandon = (): void => stopController.abort();
  options.signal?.addEventListener('abort', abandon, { once: true });
  const inflight = new Set<Promise<unknown>>();
  const cleanups: (() => Promise<void>)[] = [];
  const unwind = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log.error({ err }, 'cleanup after a failed start failed');
      }
    }
  };

  try {
    if (options.signal?.aborted === true) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the start was abandoned');
    const configuredVoters = cfg.controllerVoters !== undefined ? parseVoters(cfg.controllerVoters) : undefined;
    const server = new grpc.Server({ ...GRPC_CHANNEL_OPTIONS, 'grpc.max_receive_message_length': cfg.maxRequestBytes + MESSAGE_OVERHEAD_BYTES });
    cleanups.push(async () => server.forceShutdown());

    let metadataLog: MetadataLog | undefined;
    let dirClusterId = cfg.clusterId ?? '';
    if (isController) {
      const join = cfg.controllerQuorumJoin;
      let clusterId = cfg.clusterId;
      if (join && clusterId === undefined && (await readMetaProperties(cfg.dataDir)) === undefined) {
        // validateConfig made sure the voters list some other node to ask.
        clusterId = await discoverClusterId(configuredVoters!.filter((v) => v.id !== cfg.nodeId), { logger: log, signal: stopController.signal });
      }
      metadataLog = await (options.openMetadataLog ?? openRaftMetadataLog)({
        dataDir: cfg.dataDir,
        nodeId: cfg.nodeId,
        ...(clusterId !== undefined ? { clusterId } : {}),
        ...(join ? { join: true } : {}),
        voters: configuredVoters ?? [{ id: cfg.nodeId, address: '' }],
        logger: log,
        server,
      });
      const opened = metadataLog;
      cleanups.push(() => opened.close());
      dirClusterId = opened.clusterId;
    } else {
      // A broker-only directory has no metadata log, only its identity (written once registered).
      const props = await readMetaProperties(cfg.dataDir);
      if (props !== undefined) {
        if (props.nodeId !== cfg.nodeId) throw new DataDirError(`${cfg.dataDir}: this data directory belongs to node ${props.nodeId}, not to node ${cfg.nodeId}`);
        if (cfg.clusterId !== undefined && props.clusterId !== cfg.clusterId) throw new DataDirError(`${cfg.dataDir}: this data directory belongs to cluster ${props.clusterId}, not to cluster ${cfg.clusterId}`);
        dirClusterId = props.clusterId;
      }
    }

    let logManager: LogManager | undefined;
    if (isBroker) {
      const opened = await LogManager.open(
        { dataDir: cfg.dataDir, logFlushSync: cfg.logFlushSync, retentionCheckIntervalMs: cfg.retentionCheckIntervalMs, tailCacheBytes: cfg.tailCacheBytes },
        { logger: log.child({ component: 'storage' }) },
      );
      logManager = opened;
      cleanups.push(() => opened.close());
    }

    let quorumController: QuorumController | undefined;
    if (metadataLog !== undefined) {
      quorumController = new QuorumController(metadataLog, {
        logger: log,
        config: {
          defaultPartitions: cfg.defaultPartitions,
          defaultReplicationFactor: cfg.defaultReplicationFactor,
          maxMessageBytes: cfg.maxMessageBytes,
          brokerSessionTimeoutMs: cfg.brokerSessionTimeoutMs,
          brokerHeartbeatIntervalMs: cfg.brokerHeartbeatIntervalMs,
        },
      });
      const started = quorumController;
      cleanups.push(async () => started.stop());
    }

    // Serve first (port 0 is only known once bound); client calls wait until the broker is ready.
    let markReady!: () => void;
    let failReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined);
    cleanups.push(async () => failReady(new SamsaError('BROKER_NOT_AVAILABLE', 'the broker failed to start')));

    let lifecycle: BrokerLifecycle | undefined;
    let channel: ControllerClient | undefined;
    const knownControllerId = (): number => {
      const fromLog = metadataLog?.leaderId() ?? -1;
      if (fromLog >= 0) return fromLog;
      return lifecycle?.controllerId ?? channel?.activeControllerId ?? -1;
    };
    const listen = parseHostPort(cfg.listen);
    // The voters, once this node's own address is known (a cluster of one names no voters).
    let voters: readonly Voter[] = configuredVoters ?? [];
    server.addService(
      controllerServiceDefinition(),
      createControllerHandlers({
        nodeId: cfg.nodeId,
        log,
        ...(quorumController !== undefined ? { controller: quorumController } : {}),
        ...(metadataLog !== undefined ? { metadataLog } : {}),
        get voters() {
          return voters;
        },
        get metadata() {
          return metadataLog === undefined ? metadata : undefined;
        },
        knownControllerId,
        stopSignal: stopController.signal,
      }),
    );

    const registry = new PartitionRegistry();
    let reconciler: Reconciler | undefined;
    let follower: MetadataFollower | undefined;
    let metadata: MetadataView | undefined = metadataLog;
    let gateway: ControllerGateway | undefined;
    // The client API's handlers read these once the broker is ready.
    const ctx = {
      config: cfg,
      nodeId: cfg.nodeId,
      log,
      get metadata(): MetadataView {
        return metadata!;
      },
      get controller(): ControllerGateway {
        return gateway!;
      },
      lease: { canAcceptWrites: () => lifecycle?.canAcceptWrites() ?? false },
      get reconciler(): Reconciler {
        return reconciler!;
      },
      registry,
      get producerIds(): ProducerIdManager {
        return producerIds!;
      },
      stopSignal: stopController.signal,
      track(work: Promise<unknown>) {
        inflight.add(work);
        void work.finally(() => inflight.delete(work));
      },
    } satisfies BrokerContext;
    let replicaManager: ReplicaManager | undefined;
    let producerIds: ProducerIdManager | undefined;
    if (isBroker) {
      server.addService(serviceDefinition(), createHandlers(ctx, ready));
      server.addService(
        replicaServiceDefinition(),
        createReplicaHandlers({
          ctx,
          ready,
          onFollowerFetch: (hosted, replicaId, fetchOffset, logStartOffset) => replicaManager?.onFollowerFetch(hosted, replicaId, fetchOffset, logStartOffset),
        }),
      );
    }

    let port: number;
    try {
      port = await bind(server, cfg.listen);
    } catch (err) {
      throw new Error(`cannot listen on ${cfg.listen}: ${(err as Error).message}`, { cause: err });
    }
    const address = formatHostPort(listen.host, port);
    const advertised = cfg.advertisedAddress !== undefined ? parseHostPort(cfg.advertisedAddress) : { host: isWildcardHost(listen.host) ? hostname() : listen.host, port };
    const selfAddress = formatHostPort(isWildcardHost(listen.host) ? '127.0.0.1' : listen.host, port);
    if (configuredVoters === undefined) voters = [{ id: cfg.nodeId, address: selfAddress }];
    // A joining controller need not list itself, but once added it may become the active
    // controller: its own broker must be able to reach it.
    else if (isController && !configuredVoters.some((v) => v.id === cfg.nodeId)) voters = [...configuredVoters, { id: cfg.nodeId, address: selfAddress }];
    quorumController?.start();

    if (isBroker) {
      const client = new ControllerClient({ voters, logger: log });
      channel = client;
      cleanups.push(async () => client.close());
      gateway = new ControllerGateway({ ...(quorumController !== undefined ? { local: quorumController } : {}), channel: client, signal: stopController.signal });
      const lc = new BrokerLifecycle({
        nodeId: cfg.nodeId,
        endpoints: [{ name: CLIENT_ENDPOINT, host: advertised.host, port: advertised.port }],
        channel: client,
        heartbeatIntervalMs: cfg.brokerHeartbeatIntervalMs,
        sessionTimeoutMs: cfg.brokerSessionTimeoutMs,
        clock: SYSTEM_CLOCK,
        logger: log,
      });
      lifecycle = lc;
      cleanups.push(async () => lc.stop());
      producerIds = new ProducerIdManager({ nodeId: cfg.nodeId, brokerEpoch: () => lc.brokerEpoch, channel: client, logger: log.child({ component: 'producer-ids' }), signal: stopController.signal });
      const registration = await lc.register(dirClusterId, stopController.signal);
      // A controller that is not (yet) a voter of its own log, such as a node joining the quorum,
      // gets no entries from it until the active controller adds it: its broker role follows the
      // active controller's watch, as a broker-only node does. So does one whose log does not
      // reach its registration in time (a voter removed while it was away still believes it votes).
      let ownLogFollows = metadataLog !== undefined && metadataLog.status().voters.some((v) => v.id === cfg.nodeId);
      if (ownLogFollows && !(await reachesIndex(metadataLog!, registration.brokerEpoch, OWN_LOG_CATCH_UP_MS, stopController.signal))) {
        log.warn({ brokerEpoch: registration.brokerEpoch, appliedIndex: metadataLog!.appliedIndex, waitedMs: OWN_LOG_CATCH_UP_MS }, 'the metadata log of this node does not follow the quorum (was it removed?)');
        ownLogFollows = false;
      }
      if (!ownLogFollows) {
        if (metadataLog === undefined) await formatDataDir(cfg.dataDir, { nodeId: cfg.nodeId, clusterId: registration.clusterId });
        else log.info({ configuration: metadataLog.status().voters.map((v) => v.id) }, 'not a voter of the metadata quorum: the broker follows the metadata by watch');
        const f = new MetadataFollower({ brokerId: cfg.nodeId, clusterId: registration.clusterId, channel: client, clock: SYSTEM_CLOCK, logger: log });
        follower = f;
        cleanups.push(async () => f.stop());
        lc.onControllerChange(() => f.retarget());
        f.start();
        metadata = f;
      }
      const view = metadata!;
      // The image must have this registration before the reconciler trusts it with the disk.
      await waitForIndex(view, registration.brokerEpoch, stopController.signal);
      const rm = new ReplicaManager({
        nodeId: cfg.nodeId,
        logger: log,
        registry,
        image: () => view.image,
        brokerEpoch: () => lc.brokerEpoch,
        channel: client,
        replicaLagTimeMaxMs: cfg.replicaLagTimeMaxMs,
        throttleBytesPerSec: () => followerThrottleBytesPerSec(view.image, cfg.nodeId),
      });
      replicaManager = rm;
      cleanups.push(() => rm.stop());
      rm.start();
      const r = new Reconciler({ nodeId: cfg.nodeId, metadata: view, logManager: logManager!, registry, maxMessageBytes: cfg.maxMessageBytes, logger: log, replicas: rm });
      reconciler = r;
      cleanups.push(() => r.stop());
      await r.start();
      lc.startHeartbeats(view);
      await lc.waitUntilWritable(stopController.signal);
      await r.waitFor(view.image.appliedIndex);
    }
    options.signal?.removeEventListener('abort', abandon);
    if (stopController.signal.aborted) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the start was abandoned');
    markReady();
    log.info(
      { address, advertised: formatHostPort(advertised.host, advertised.port), roles: cfg.roles, clusterId: metadata?.image.clusterId ?? metadataLog?.clusterId, incarnationId: lifecycle?.incarnationId, brokerEpoch: lifecycle?.brokerEpoch, dataDir: cfg.dataDir },
      'node started',
    );

    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    let stopping: Promise<void> | undefined;
    const halt = (graceful: boolean): Promise<void> => {
      stopping ??= (async () => {
        log.info({ graceful }, 'node stopping');
        let failure: unknown;
        const step = async (what: string, fn: () => Promise<void> | void): Promise<void> => {
          try {
            await fn();
          } catch (err) {
            failure ??= err;
            log.error({ err, step: what }, 'stop step failed');
          }
        };
        // Controlled shutdown first, while everything still serves: leaderships move to other
        // in-sync replicas (producers follow them) before this broker stops answering.
        if (graceful) await step('controlled shutdown', async () => void (await lifecycle?.controlledShutdown(CONTROLLED_SHUTDOWN_MS)));
        stopController.abort(); // long polls answer, streams end
        // This node stops deciding first, so that it does not fence its own broker while it stops.
        await step('controller', () => quorumController?.stop());
        // The heartbeat stream closes: the active controller (if another node) fences this broker after its grace.
        await step('lifecycle', () => lifecycle?.stop());
        await step('follower', () => follower?.stop());
        // The quorum member leaves before the server stops: it hands its leadership over while it
        // can still talk, and its transport ends the peers' streams, which would otherwise hold the
        // server's graceful shutdown open until its grace runs out.
        await step('metadata log', () => (graceful ? metadataLog?.close() : undefined));
        await step('server', () => (graceful ? shutdown(server, log) : server.forceShutdown()));
        await step('in-flight appends', async () => void (await Promise.allSettled([...inflight])));
        await step('reconciler', () => reconciler?.stop());
        await step('replication', () => replicaManager?.stop());
        await step('controller client', () => channel?.close());
        await step('storage', () => logManager?.close());
        await step('metadata log', () => metadataLog?.close());
        log.info({}, 'node stopped');
        resolveClosed();
        if (failure !== undefined) throw failure;
      })();
      return stopping;
    };
    const broker: Broker = Object.freeze({ nodeId: cfg.nodeId, roles: cfg.roles, address, stop: () => halt(true), closed });
    internals.set(broker, { lifecycle, controller: quorumController, metadata, metadataLog, kill: () => halt(false) });
    return broker;
  } catch (err) {
    options.signal?.removeEventListener('abort', abandon);
    stopController.abort();
    await unwind();
    log.error({ err }, 'node failed to start');
    throw err;
  }
}
