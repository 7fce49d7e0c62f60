// The controller's configuration: one frozen DEFAULTS and validateConfig(), which rejects
// impossible values at start-up with a message naming the setting.
import { SamsaError } from '@samsa/protocol';

/** Limits of topic creation, as Kafka has them. */
export const TOPIC_NAME_LENGTH_MAX = 249;
export const TOPIC_PARTITIONS_MAX = 10_000;

export interface ControllerConfig {
  /** Partitions of a topic created without a count (num_partitions -1). */
  readonly defaultPartitions: number;
  /** Replication factor of a topic created without one (replication_factor 0 or -1). */
  readonly defaultReplicationFactor: number;
  /** The broker-wide max.message.bytes: the default and the upper bound of a topic's value. */
  readonly maxMessageBytes: number;
  /** Producer ids handed to a broker per ProducerIdsAllocated record. */
  readonly producerIdBlockSize: number;
  /** broker.session.timeout.ms: a broker whose heartbeat stream stays open but silent this long is fenced. */
  readonly brokerSessionTimeoutMs: number;
  /** broker.heartbeat.interval.ms: how often brokers heartbeat (must be well below the session timeout). */
  readonly brokerHeartbeatIntervalMs: number;
  /** How long after its heartbeat stream closes a broker is fenced, unless it comes back with the same incarnation. */
  readonly brokerStreamCloseGraceMs: number;
}

export const DEFAULTS: Readonly<ControllerConfig> = Object.freeze({
  defaultPartitions: 1,
  defaultReplicationFactor: 1,
  maxMessageBytes: 1_048_576,
  producerIdBlockSize: 1000,
  brokerSessionTimeoutMs: 3000,
  brokerHeartbeatIntervalMs: 500,
  brokerStreamCloseGraceMs: 500,
});

/** Liveness settings are bounded so that a typo cannot make fencing instant or never happen. */
export const BROKER_SESSION_TIMEOUT_MS_MIN = 10;
export const BROKER_SESSION_TIMEOUT_MS_MAX = 10 * 60_000;

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SamsaError('INVALID_CONFIG', `controller config ${name} must be an integer between ${min} and ${max}, got ${String(value)}`);
  }
  return value;
}

function liveness(c: ControllerConfig): Pick<ControllerConfig, 'brokerSessionTimeoutMs' | 'brokerHeartbeatIntervalMs' | 'brokerStreamCloseGraceMs'> {
  const brokerSessionTimeoutMs = integer('brokerSessionTimeoutMs', c.brokerSessionTimeoutMs, BROKER_SESSION_TIMEOUT_MS_MIN, BROKER_SESSION_TIMEOUT_MS_MAX);
  const brokerHeartbeatIntervalMs = integer('brokerHeartbeatIntervalMs', c.brokerHeartbeatIntervalMs, 1, BROKER_SESSION_TIMEOUT_MS_MAX);
  const brokerStreamCloseGraceMs = integer('brokerStreamCloseGraceMs', c.brokerStreamCloseGraceMs, 0, BROKER_SESSION_TIMEOUT_MS_MAX);
  // At least two heartbeats per session, or one late heartbeat fences a healthy broker.
  if (brokerHeartbeatIntervalMs * 2 > brokerSessionTimeoutMs) {
    throw new SamsaError('INVALID_CONFIG', `controller config brokerHeartbeatIntervalMs (${brokerHeartbeatIntervalMs}) must be at most half of brokerSessionTimeoutMs (${brokerSessionTimeoutMs})`);
  }
  return { brokerSessionTimeoutMs, brokerHeartbeatIntervalMs, brokerStreamCloseGraceMs };
}

/** The full config from a partial one; throws SamsaError INVALID_CONFIG naming the bad setting. */
export function validateConfig(partial: Partial<ControllerConfig> = {}): ControllerConfig {
  const c = { ...DEFAULTS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
  return Object.freeze({
    defaultPartitions: integer('defaultPartitions', c.defaultPartitions, 1, TOPIC_PARTITIONS_MAX),
    defaultReplicationFactor: integer('defaultReplicationFactor', c.defaultReplicationFactor, 1, 32),
    maxMessageBytes: integer('maxMessageBytes', c.maxMessageBytes, 1, 2 ** 30),
    producerIdBlockSize: integer('producerIdBlockSize', c.producerIdBlockSize, 1, 1_000_000),
    ...liveness(c),
  });
}
