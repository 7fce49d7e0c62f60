// The broker process's core: opens the metadata log and storage, serves the client API, registers
// itself with the controller, reconciles its partitions with the metadata image, and stops
// gracefully. Signals belong to the caller (the CLI calls stop() on SIGTERM / SIGINT).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { ControllerFrontend, LocalMetadataLog } from '@samsa/controller';
import { LogManager } from '@samsa/storage';
import { GRPC_CHANNEL_OPTIONS, SamsaError } from '@samsa/protocol';
import { formatHostPort, isWildcardHost, parseHostPort } from './address.js';
import { CLIENT_ENDPOINT } from './admin.js';
import { MESSAGE_OVERHEAD_BYTES, validateConfig } from './config.js';
import type { BrokerConfig } from './config.js';
import type { BrokerContext } from './context.js';
import { PartitionRegistry } from './partitions.js';
import { Reconciler } from './reconciler.js';
import { createHandlers, serviceDefinition } from './service.js';

/** How long stop() lets calls in progress finish before it cancels them. */
export const SHUTDOWN_GRACE_MS = 5000;

export interface Broker {
  readonly nodeId: number;
  /** The host:port actually bound. */
  readonly address: string;
  /** Graceful: stops accepting calls, ends fetches, closes storage and the metadata log. Safe twice. */
  stop(): Promise<void>;
  /** Resolves once the broker has fully stopped. */
  readonly closed: Promise<void>;
}

export interface StartBrokerOptions {
  /** Root logger; a pino JSON logger at config.logLevel is created when absent. */
  logger?: Logger;
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

export async function startBroker(config: BrokerConfig, options: StartBrokerOptions = {}): Promise<Broker> {
  const cfg = validateConfig(config);
  const root = options.logger ?? pino({ level: cfg.logLevel });
  const log = root.child({ nodeId: cfg.nodeId });
  const stopController = new AbortController();
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
    const metadataLog = await LocalMetadataLog.open({ dataDir: cfg.dataDir, nodeId: cfg.nodeId, clusterId: cfg.clusterId, logger: log });
    cleanups.push(() => metadataLog.close());
    const logManager = await LogManager.open(
      { dataDir: cfg.dataDir, logFlushSync: cfg.logFlushSync, retentionCheckIntervalMs: cfg.retentionCheckIntervalMs },
      { logger: log.child({ component: 'storage' }) },
    );
    cleanups.push(() => logManager.close());
    const frontend = new ControllerFrontend(metadataLog, {
      logger: log,
      config: { defaultPartitions: cfg.defaultPartitions, defaultReplicationFactor: cfg.defaultReplicationFactor, maxMessageBytes: cfg.maxMessageBytes },
    });
    const registry = new PartitionRegistry();
    const reconciler = new Reconciler({ nodeId: cfg.nodeId, metadataLog, logManager, registry, maxMessageBytes: cfg.maxMessageBytes, logger: log });
    cleanups.push(() => reconciler.stop());
    const ctx: BrokerContext = {
      config: cfg,
      nodeId: cfg.nodeId,
      log,
      metadataLog,
      frontend,
      reconciler,
      registry,
      stopSignal: stopController.signal,
      track(work) {
        inflight.add(work);
        void work.finally(() => inflight.delete(work));
      },
    };

    // Serve first (port 0 is only known once bound), but hold every call until the broker is
    // registered and its partitions are reconciled.
    let markReady!: () => void;
    let failReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined);
    const server = new grpc.Server({ ...GRPC_CHANNEL_OPTIONS, 'grpc.max_receive_message_length': cfg.maxRequestBytes + MESSAGE_OVERHEAD_BYTES });
    server.addService(serviceDefinition(), createHandlers(ctx, ready));
    const listen = parseHostPort(cfg.listen);
    let port: number;
    try {
      port = await bind(server, cfg.listen);
    } catch (err) {
      throw new Error(`cannot listen on ${cfg.listen}: ${(err as Error).message}`, { cause: err });
    }
    cleanups.push(async () => {
      failReady(new SamsaError('BROKER_NOT_AVAILABLE', 'the broker failed to start'));
      server.forceShutdown();
    });
    const address = formatHostPort(listen.host, port);
    const advertised = cfg.advertisedAddress !== undefined ? parseHostPort(cfg.advertisedAddress) : { host: isWildcardHost(listen.host) ? hostname() : listen.host, port };

    const incarnationId = randomUUID();
    await frontend.registerBroker({ brokerId: cfg.nodeId, incarnationId, endpoints: [{ name: CLIENT_ENDPOINT, host: advertised.host, port: advertised.port }] });
    await reconciler.start();
    markReady();
    log.info({ address, advertised: formatHostPort(advertised.host, advertised.port), clusterId: metadataLog.clusterId, incarnationId, dataDir: cfg.dataDir }, 'broker started');

    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        log.info({}, 'broker stopping');
        let failure: unknown;
        const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
          try {
            await fn();
          } catch (err) {
            failure ??= err;
            log.error({ err, step: what }, 'broker stop step failed');
          }
        };
        stopController.abort(); // long polls answer, streams end
        await step('server', () => shutdown(server, log));
        await step('in-flight appends', async () => void (await Promise.allSettled([...inflight])));
        await step('reconciler', () => reconciler.stop());
        await step('storage', () => logManager.close());
        await step('metadata log', () => metadataLog.close());
        log.info({}, 'broker stopped');
        resolveClosed();
        if (failure !== undefined) throw failure;
      })();
      return stopping;
    };
    return Object.freeze({ nodeId: cfg.nodeId, address, stop, closed });
  } catch (err) {
    stopController.abort();
    await unwind();
    log.error({ err }, 'broker failed to start');
    throw err;
  }
}
