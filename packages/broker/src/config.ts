// The broker's configuration: one frozen DEFAULTS, the table of keys (Kafka-style property names
// and environment variables, for the CLI and the docs) and validateConfig(), which rejects
// impossible values and combinations at start-up with a message naming the setting.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { GRPC_MESSAGE_BYTES_MAX } from '@samsa/protocol';
import { BROKER_SESSION_TIMEOUT_MS_MAX, BROKER_SESSION_TIMEOUT_MS_MIN, DEFAULTS as CONTROLLER_DEFAULTS, TOPIC_PARTITIONS_MAX, isValidClusterId } from '@samsa/controller';
import { DEFAULTS as STORAGE_DEFAULTS, TAIL_CACHE_BYTES_MAX } from '@samsa/storage';
import { formatHostPort, parseHostPort } from './address.js';
import { formatVoters, parseVoters } from './voters.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** What a node runs: the client API and partitions (broker), the metadata quorum (controller), or both. */
export type ProcessRole = 'broker' | 'controller';
export const PROCESS_ROLES: readonly ProcessRole[] = Object.freeze(['broker', 'controller']);

export interface BrokerConfig {
  nodeId: number;
  /** process.roles: 'broker', 'controller' or both (combined mode, the default). A string 'broker,controller' is accepted. */
  roles: readonly ProcessRole[];
  /**
   * controller.quorum.voters: the controllers as `id@host:port,...`. Default: this node alone (a
   * cluster of one), which needs the controller role.
   */
  controllerVoters?: string;
  /**
   * controller.quorum.join: this node joins a running quorum instead of bootstrapping one. It starts
   * with no configuration of its own and learns it from the quorum's log once the active controller
   * adds it (`samsa cluster add-voter`); controllerVoters then lists the running quorum's voters (to
   * reach them) and may include this node. Needs the controller role.
   */
  controllerQuorumJoin: boolean;
  /** broker.session.timeout.ms: a broker silent this long is fenced, and stops taking writes itself. */
  brokerSessionTimeoutMs: number;
  /** broker.heartbeat.interval.ms: how often a broker heartbeats to the active controller. */
  brokerHeartbeatIntervalMs: number;
  /** 'host:port' to listen on; port 0 picks a free port. */
  listen: string;
  /** 'host:port' clients should use; default: the bound listen address. */
  advertisedAddress?: string;
  /** Holds meta.properties, metadata/, log/ and index/. */
  dataDir: string;
  /** log.flush.sync: acknowledged = fsynced. */
  logFlushSync: boolean;
  /** Broker-wide max.message.bytes: the largest record batch; topics may set lower. */
  maxMessageBytes: number;
  /** The largest produce request accepted (the sum of its record batches). */
  maxRequestBytes: number;
  /** Upper bound of one fetch response (at least one whole batch is always returned). */
  fetchMaxBytes: number;
  /** Cap on a fetch's max_wait_ms. */
  fetchWaitMsMax: number;
  defaultPartitions: number;
  defaultReplicationFactor: number;
  retentionCheckIntervalMs: number;
  /** replica.lag.time.max.ms: a follower not caught up this long leaves the ISR. */
  replicaLagTimeMaxMs: number;
  /** log.tail.cache.bytes: memory for recent batches, node-wide, served to followers and consumers without LevelDB (0: off). */
  tailCacheBytes: number;
  logLevel: string;
  /** The cluster this node belongs to: formats a fresh data directory, refuses another cluster's. Default: a new id for a fresh directory. */
  clusterId?: string;
}

export const DEFAULTS: Readonly<BrokerConfig> = Object.freeze({
  nodeId: 1,
  roles: Object.freeze(['broker', 'controller'] as ProcessRole[]),
  controllerQuorumJoin: false,
  brokerSessionTimeoutMs: CONTROLLER_DEFAULTS.brokerSessionTimeoutMs,
  brokerHeartbeatIntervalMs: CONTROLLER_DEFAULTS.brokerHeartbeatIntervalMs,
  listen: '127.0.0.1:9092',
  dataDir: '',
  logFlushSync: true,
  maxMessageBytes: 1_048_576,
  maxRequestBytes: 104_857_600,
  fetchMaxBytes: 52_428_800,
  fetchWaitMsMax: 30_000,
  defaultPartitions: 1,
  defaultReplicationFactor: 1,
  retentionCheckIntervalMs: 30_000,
  replicaLagTimeMaxMs: 10_000,
  tailCacheBytes: STORAGE_DEFAULTS.tailCacheBytes,
  logLevel: 'info',
});

export interface BrokerConfigKey {
  key: keyof BrokerConfig;
  /** Dotted Kafka-style property name (server.properties). */
  property: string;
  /** Environment variable: SAMSA_ and the property in upper case with underscores. */
  env: string;
  description: string;
}

const key = (k: keyof BrokerConfig, property: string, description: string): BrokerConfigKey =>
  Object.freeze({ key: k, property, env: `SAMSA_${property.toUpperCase().replaceAll('.', '_')}`, description });

export const BROKER_CONFIG_KEYS: ReadonlyArray<BrokerConfigKey> = Object.freeze([
  key('nodeId', 'node.id', 'Id of this node in the cluster (default 1).'),
  key('roles', 'process.roles', 'What this node runs: broker, controller, or broker,controller (combined mode, the default).'),
  key('controllerVoters', 'controller.quorum.voters', 'The controller quorum as id@host:port,... (default: this node alone, a cluster of one).'),
  key(
    'controllerQuorumJoin',
    'controller.quorum.join',
    'Join a running controller quorum instead of forming one: start with no voters of its own, learn them once the active controller adds this node (samsa cluster add-voter); controller.quorum.voters lists the running voters (default false).',
  ),
  key('brokerSessionTimeoutMs', 'broker.session.timeout.ms', 'A broker not heard from this long is fenced, and stops taking writes itself (default 3000).'),
  key('brokerHeartbeatIntervalMs', 'broker.heartbeat.interval.ms', 'How often a broker heartbeats to the active controller, in ms (default 500).'),
  key('listen', 'listeners', "host:port the gRPC server listens on (default 127.0.0.1:9092; port 0 picks a free port)."),
  key('advertisedAddress', 'advertised.listeners', 'host:port clients are told to use (default: the bound listen address; the host name when listening on a wildcard address).'),
  key('dataDir', 'log.dirs', 'Data directory: meta.properties, metadata/, log/ and index/ (default ~/.samsa/data-<node.id>).'),
  key('logFlushSync', 'log.flush.sync', 'fsync every group commit before acknowledging it (default true).'),
  key('maxMessageBytes', 'message.max.bytes', 'Largest record batch, in bytes; topics may set a lower max.message.bytes (default 1048576).'),
  key('maxRequestBytes', 'socket.request.max.bytes', 'Largest produce request, in bytes (default 104857600).'),
  key('fetchMaxBytes', 'fetch.max.bytes', 'Upper bound of one fetch response, in bytes; one whole batch is always returned (default 52428800).'),
  key('fetchWaitMsMax', 'fetch.max.wait.ms', "Cap on a fetch's max_wait_ms (default 30000)."),
  key('defaultPartitions', 'num.partitions', 'Partitions of a topic created without a count (default 1).'),
  key('defaultReplicationFactor', 'default.replication.factor', 'Replication factor of a topic created without one (default 1).'),
  key('retentionCheckIntervalMs', 'log.retention.check.interval.ms', 'Period of the retention pass, in ms; 0 disables it (default 30000).'),
  key('tailCacheBytes', 'log.tail.cache.bytes', 'Memory for the most recent batches of all partitions, served to followers and consumers without reading LevelDB, in bytes; 0 turns it off (default 67108864).'),
  key('replicaLagTimeMaxMs', 'replica.lag.time.max.ms', 'A follower not caught up with its leader this long leaves the ISR, in ms (default 10000).'),
  key('logLevel', 'log.level', 'pino log level: fatal, error, warn, info, debug, trace or silent (default info).'),
  key('clusterId', 'cluster.id', 'Cluster id a fresh data directory is formatted with; a directory of another cluster is refused (default: a new id).'),
]);

/** A configuration that cannot work; the message names the setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The BrokerConfig key at fault, when there is one. */
  readonly key: string | undefined;

  constructor(message: string, key?: string) {
    super(message);
    this.key = key;
  }
}

export const LOG_LEVELS: readonly string[] = Object.freeze(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
/** A gRPC message carries more than the records: room for the framing of a request or a response. */
export const MESSAGE_OVERHEAD_BYTES = 1 * MiB;
export const FETCH_WAIT_MS_MAX_MAX = 10 * 60_000;
export const RETENTION_CHECK_INTERVAL_MS_MIN = 10;
/** replica.lag.time.max.ms bounds: tests use short lags; an hour is past any sensible setting. */
export const REPLICA_LAG_TIME_MS_MIN = 100;
export const REPLICA_LAG_TIME_MS_MAX = 3_600_000;
export const RETENTION_CHECK_INTERVAL_MS_MAX = 24 * 60 * 60_000;
/** The smallest useful batch limit: a batch header (61 bytes) and one small record. */
export const MAX_MESSAGE_BYTES_MIN = 64;

const KEYS = new Set(BROKER_CONFIG_KEYS.map((k) => k.key as string));
const propertyOf = (k: keyof BrokerConfig): string => BROKER_CONFIG_KEYS.find((e) => e.key === k)?.property ?? k;

/** Numbers and booleans may come as strings (from the environment or a properties file). */
function integer(k: keyof BrokerConfig, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${k} (${propertyOf(k)}) must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, k);
  }
  return n;
}

function boolean(k: keyof BrokerConfig, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${k} (${propertyOf(k)}) must be true or false, got ${JSON.stringify(value)}`, k);
}

function address(k: keyof BrokerConfig, value: unknown, portMin: number): string {
  if (typeof value !== 'string') throw new ConfigError(`${k} (${propertyOf(k)}) must be a host:port string, got ${JSON.stringify(value)}`, k);
  try {
    const { host, port } = parseHostPort(value);
    if (port < portMin) throw new Error(`port ${port} is not allowed here`);
    return formatHostPort(host, port);
  } catch (err) {
    throw new ConfigError(`${k} (${propertyOf(k)}): ${(err as Error).message}`, k);
  }
}

/** Roles from an array or a comma-separated string; each at most once, at least one. */
function processRoles(value: unknown): readonly ProcessRole[] {
  const list = typeof value === 'string' ? value.split(',').map((r) => r.trim()).filter((r) => r !== '') : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((r) => !PROCESS_ROLES.includes(r as ProcessRole)) || new Set(list).size !== list.length) {
    throw new ConfigError(`roles (process.roles) must be broker, controller or broker,controller, got ${JSON.stringify(value)}`, 'roles');
  }
  // A canonical order, so that 'controller,broker' and 'broker,controller' are the same config.
  return Object.freeze(PROCESS_ROLES.filter((r) => list.includes(r)));
}

/** The full, frozen config from a partial one; throws ConfigError naming the bad setting. */
export function validateConfig(partial: Partial<BrokerConfig>): BrokerConfig {
  if (partial === null || typeof partial !== 'object') throw new ConfigError('broker config must be an object');
  for (const k of Object.keys(partial)) {
    if (!KEYS.has(k)) throw new ConfigError(`unknown broker setting ${JSON.stringify(k)} (known: ${[...KEYS].join(', ')})`, k);
  }
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<BrokerConfig>;
  const c = { ...DEFAULTS, ...given };

  const nodeId = integer('nodeId', c.nodeId, 0, 2 ** 31 - 1);
  const roles = processRoles(c.roles);
  let controllerVoters: string | undefined;
  if (c.controllerVoters !== undefined && c.controllerVoters !== '') {
    try {
      controllerVoters = formatVoters(parseVoters(c.controllerVoters));
    } catch (err) {
      throw new ConfigError(`controllerVoters (controller.quorum.voters): ${(err as Error).message}`, 'controllerVoters');
    }
  }
  const controllerQuorumJoin = boolean('controllerQuorumJoin', c.controllerQuorumJoin);
  if (controllerQuorumJoin) {
    if (!roles.includes('controller')) throw new ConfigError('controllerQuorumJoin (controller.quorum.join) needs the controller role: only a controller joins the quorum', 'controllerQuorumJoin');
    if (controllerVoters === undefined || !parseVoters(controllerVoters).some((v) => v.id !== nodeId)) {
      throw new ConfigError('controllerVoters (controller.quorum.voters) must list the running quorum\'s voters when joining it (controller.quorum.join)', 'controllerVoters');
    }
  } else if (controllerVoters !== undefined) {
    if (roles.includes('controller') && !parseVoters(controllerVoters).some((v) => v.id === nodeId)) {
      throw new ConfigError(`controllerVoters (controller.quorum.voters) must list this node (${nodeId}) when it has the controller role (or set controller.quorum.join to join a running quorum)`, 'controllerVoters');
    }
  } else if (!roles.includes('controller')) {
    throw new ConfigError('controllerVoters (controller.quorum.voters) is required when the node has no controller role: a broker must know its controllers', 'controllerVoters');
  }
  const brokerSessionTimeoutMs = integer('brokerSessionTimeoutMs', c.brokerSessionTimeoutMs, BROKER_SESSION_TIMEOUT_MS_MIN, BROKER_SESSION_TIMEOUT_MS_MAX);
  const brokerHeartbeatIntervalMs = integer('brokerHeartbeatIntervalMs', c.brokerHeartbeatIntervalMs, 1, BROKER_SESSION_TIMEOUT_MS_MAX);
  if (brokerHeartbeatIntervalMs * 2 > brokerSessionTimeoutMs) {
    throw new ConfigError(`brokerHeartbeatIntervalMs (broker.heartbeat.interval.ms, ${brokerHeartbeatIntervalMs}) must be at most half of brokerSessionTimeoutMs (broker.session.timeout.ms, ${brokerSessionTimeoutMs})`, 'brokerHeartbeatIntervalMs');
  }
  const listen = address('listen', c.listen, 0);
  const advertisedAddress = c.advertisedAddress === undefined || c.advertisedAddress === '' ? undefined : address('advertisedAddress', c.advertisedAddress, 1);
  if (typeof c.dataDir !== 'string') throw new ConfigError(`dataDir (log.dirs) must be a path, got ${JSON.stringify(c.dataDir)}`, 'dataDir');
  const dataDir = resolve(c.dataDir.trim() === '' ? `${homedir()}/.samsa/data-${nodeId}` : c.dataDir);
  const maxMessageBytes = integer('maxMessageBytes', c.maxMessageBytes, MAX_MESSAGE_BYTES_MIN, GRPC_MESSAGE_BYTES_MAX / 2);
  const maxRequestBytes = integer('maxRequestBytes', c.maxRequestBytes, 1, GRPC_MESSAGE_BYTES_MAX - MESSAGE_OVERHEAD_BYTES);
  const fetchMaxBytes = integer('fetchMaxBytes', c.fetchMaxBytes, 1, GRPC_MESSAGE_BYTES_MAX);
  if (maxRequestBytes < maxMessageBytes) {
    throw new ConfigError(`maxRequestBytes (socket.request.max.bytes, ${maxRequestBytes}) must be at least maxMessageBytes (message.max.bytes, ${maxMessageBytes}): a largest batch must fit in a request`, 'maxRequestBytes');
  }
  // A fetch may exceed fetchMaxBytes by one batch; the response must still fit a client's receive limit.
  if (fetchMaxBytes + maxMessageBytes + MESSAGE_OVERHEAD_BYTES > GRPC_MESSAGE_BYTES_MAX) {
    throw new ConfigError(`fetchMaxBytes + maxMessageBytes (${fetchMaxBytes} + ${maxMessageBytes}) must leave a fetch response under the gRPC message limit of ${GRPC_MESSAGE_BYTES_MAX} bytes`, 'fetchMaxBytes');
  }
  const retentionCheckIntervalMs = integer('retentionCheckIntervalMs', c.retentionCheckIntervalMs, 0, RETENTION_CHECK_INTERVAL_MS_MAX);
  if (retentionCheckIntervalMs !== 0 && retentionCheckIntervalMs < RETENTION_CHECK_INTERVAL_MS_MIN) {
    throw new ConfigError(`retentionCheckIntervalMs (log.retention.check.interval.ms) must be 0 (off) or at least ${RETENTION_CHECK_INTERVAL_MS_MIN}, got ${retentionCheckIntervalMs}`, 'retentionCheckIntervalMs');
  }
  if (typeof c.logLevel !== 'string' || !LOG_LEVELS.includes(c.logLevel)) {
    throw new ConfigError(`logLevel (log.level) must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(c.logLevel)}`, 'logLevel');
  }
  if (c.clusterId !== undefined && (typeof c.clusterId !== 'string' || !isValidClusterId(c.clusterId))) {
    throw new ConfigError(`clusterId (cluster.id) must be 1 to 64 characters of [A-Za-z0-9_-], got ${JSON.stringify(c.clusterId)}`, 'clusterId');
  }
  const config: BrokerConfig = {
    nodeId,
    roles,
    controllerQuorumJoin,
    brokerSessionTimeoutMs,
    brokerHeartbeatIntervalMs,
    listen,
    dataDir,
    logFlushSync: boolean('logFlushSync', c.logFlushSync),
    maxMessageBytes,
    maxRequestBytes,
    fetchMaxBytes,
    fetchWaitMsMax: integer('fetchWaitMsMax', c.fetchWaitMsMax, 0, FETCH_WAIT_MS_MAX_MAX),
    defaultPartitions: integer('defaultPartitions', c.defaultPartitions, 1, TOPIC_PARTITIONS_MAX),
    defaultReplicationFactor: integer('defaultReplicationFactor', c.defaultReplicationFactor, 1, 32),
    retentionCheckIntervalMs,
    replicaLagTimeMaxMs: integer('replicaLagTimeMaxMs', c.replicaLagTimeMaxMs, REPLICA_LAG_TIME_MS_MIN, REPLICA_LAG_TIME_MS_MAX),
    tailCacheBytes: integer('tailCacheBytes', c.tailCacheBytes, 0, TAIL_CACHE_BYTES_MAX),
    logLevel: c.logLevel,
  };
  if (advertisedAddress !== undefined) config.advertisedAddress = advertisedAddress;
  if (c.clusterId !== undefined) config.clusterId = c.clusterId;
  if (controllerVoters !== undefined) config.controllerVoters = controllerVoters;
  return Object.freeze(config);
}
