// The topic config table: one row per key (name, default, validation, doc). The controller
// validates with it, the broker reads typed settings through it, and the docs and the CLI list it.
// A topic stores only the keys set on it; every other key takes its default at the time it is
// read, so changing a default (or a topic's replication factor) moves the topics that never set it.
import { SamsaError } from '@samsa/protocol';
import type { TopicImage } from './image.js';
import { replicationFactorOf } from './image.js';

/** What a value may depend on besides itself. */
export interface TopicConfigContext {
  /** The topic's replication factor. */
  readonly replicationFactor: number;
  /** The broker-wide max.message.bytes: the largest value a topic may set, and the default. */
  readonly maxMessageBytes: number;
}

export interface TopicConfigDef {
  readonly name: string;
  /** The default as the docs show it. */
  readonly default: string;
  /** The default in a given context. */
  readonly defaultFor: (ctx: TopicConfigContext) => string;
  /** Throws SamsaError INVALID_CONFIG with a message naming the key. */
  readonly validate: (value: string, ctx: TopicConfigContext) => void;
  readonly doc: string;
}

export const CLEANUP_POLICY_DELETE = 'delete';
export const TIMESTAMP_TYPE_CREATE_TIME = 'CreateTime';
export const TIMESTAMP_TYPE_LOG_APPEND_TIME = 'LogAppendTime';
export type TimestampType = typeof TIMESTAMP_TYPE_CREATE_TIME | typeof TIMESTAMP_TYPE_LOG_APPEND_TIME;

const invalid = (name: string, value: string, why: string): SamsaError =>
  new SamsaError('INVALID_CONFIG', `invalid value ${JSON.stringify(value)} for ${name}: ${why}`);

/** A decimal integer within [min, max], nothing else (no spaces, no exponent, no fraction). */
function integerIn(name: string, value: string, min: number, max: number): number {
  if (!/^-?\d{1,16}$/.test(value)) throw invalid(name, value, 'not an integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(name, value, `must be between ${min} and ${max}`);
  return n;
}

const row = (def: TopicConfigDef): TopicConfigDef => Object.freeze(def);

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = Object.freeze([
  row({
    name: 'retention.ms',
    default: '604800000',
    defaultFor: () => '604800000',
    validate: (v) => void integerIn('retention.ms', v, -1, Number.MAX_SAFE_INTEGER),
    doc: 'How long a record is kept, in milliseconds (-1: forever). Whole batches are deleted once all their records are older.',
  }),
  row({
    name: 'retention.bytes',
    default: '-1',
    defaultFor: () => '-1',
    validate: (v) => void integerIn('retention.bytes', v, -1, Number.MAX_SAFE_INTEGER),
    doc: 'The most bytes a partition keeps (-1: no limit); the oldest batches go first.',
  }),
  row({
    name: 'max.message.bytes',
    default: '1048576',
    defaultFor: (ctx) => String(ctx.maxMessageBytes),
    validate: (v, ctx) => void integerIn('max.message.bytes', v, 1, ctx.maxMessageBytes),
    doc: "The largest record batch a producer may send to the topic, in bytes; at most the broker's max.message.bytes (the default).",
  }),
  row({
    name: 'cleanup.policy',
    default: CLEANUP_POLICY_DELETE,
    defaultFor: () => CLEANUP_POLICY_DELETE,
    validate: (v) => {
      if (v === CLEANUP_POLICY_DELETE) return;
      if (v.split(',').map((s) => s.trim()).includes('compact')) throw invalid('cleanup.policy', v, 'compaction is not supported yet');
      throw invalid('cleanup.policy', v, 'must be delete');
    },
    doc: 'delete: old batches are removed by retention. (compact is not supported yet.)',
  }),
  row({
    name: 'message.timestamp.type',
    default: TIMESTAMP_TYPE_CREATE_TIME,
    defaultFor: () => TIMESTAMP_TYPE_CREATE_TIME,
    validate: (v) => {
      if (v !== TIMESTAMP_TYPE_CREATE_TIME && v !== TIMESTAMP_TYPE_LOG_APPEND_TIME) throw invalid('message.timestamp.type', v, 'must be CreateTime or LogAppendTime');
    },
    doc: 'CreateTime: the producer\'s timestamps. LogAppendTime: the broker reports its append time to producers (records keep their create time inside the batch, whose CRC covers it).',
  }),
  row({
    name: 'min.insync.replicas',
    default: '1, or 2 when the replication factor is 3 or more',
    defaultFor: (ctx) => (ctx.replicationFactor >= 3 ? '2' : '1'),
    validate: (v, ctx) => void integerIn('min.insync.replicas', v, 1, Math.max(1, ctx.replicationFactor)),
    doc: 'The fewest in-sync replicas for an acks=all produce to be accepted (at most the replication factor).',
  }),
  row({
    name: 'unclean.leader.election.enable',
    default: 'false',
    defaultFor: () => 'false',
    validate: (v) => {
      if (v !== 'true' && v !== 'false') throw invalid('unclean.leader.election.enable', v, 'must be true or false');
    },
    doc: 'true: when no in-sync replica is left, an out-of-sync live replica may lead (acknowledged records may be lost). false: the partition stays offline until an in-sync replica returns.',
  }),
]);

const BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

export const topicConfigDef = (name: string): TopicConfigDef | undefined => BY_NAME.get(name);

/** Validates keys and values; throws INVALID_CONFIG naming the first bad key. */
export function validateTopicConfigs(configs: Readonly<Record<string, string>>, ctx: TopicConfigContext): void {
  for (const [key, value] of Object.entries(configs)) {
    const def = BY_NAME.get(key);
    if (def === undefined) throw new SamsaError('INVALID_CONFIG', `unknown topic config ${JSON.stringify(key)}`);
    if (typeof value !== 'string') throw invalid(key, String(value), 'not a string');
    def.validate(value, ctx);
  }
}

export interface ConfigValue {
  readonly name: string;
  readonly value: string;
  /** True when the topic does not set the key. */
  readonly isDefault: boolean;
}

/** Every key of the table with its effective value for a topic, in table order. */
export function describeTopicConfigs(topic: TopicImage, maxMessageBytes: number): ConfigValue[] {
  const ctx: TopicConfigContext = { replicationFactor: replicationFactorOf(topic), maxMessageBytes };
  return TOPIC_CONFIGS.map((def) => {
    const set = topic.configs.get(def.name);
    return set === undefined ? { name: def.name, value: def.defaultFor(ctx), isDefault: true } : { name: def.name, value: set, isDefault: false };
  });
}

/** The typed settings the broker's hot paths read. */
export interface TopicSettings {
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly maxMessageBytes: number;
  readonly cleanupPolicy: string;
  readonly timestampType: TimestampType;
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElection: boolean;
}

// Images are immutable, so settings parsed once per topic image stay right for that image.
const settingsCache = new WeakMap<TopicImage, { maxMessageBytes: number; settings: TopicSettings }>();

/** Parses a topic's effective configs (values were validated when they were set). */
export function topicSettings(topic: TopicImage, maxMessageBytes: number): TopicSettings {
  const cached = settingsCache.get(topic);
  if (cached !== undefined && cached.maxMessageBytes === maxMessageBytes) return cached.settings;
  const values = new Map(describeTopicConfigs(topic, maxMessageBytes).map((c) => [c.name, c.value]));
  const num = (name: string): number => Number(values.get(name));
  const settings: TopicSettings = Object.freeze({
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    // A topic value above a since-lowered broker limit is capped by the broker limit.
    maxMessageBytes: Math.min(num('max.message.bytes'), maxMessageBytes),
    cleanupPolicy: values.get('cleanup.policy') ?? CLEANUP_POLICY_DELETE,
    timestampType: values.get('message.timestamp.type') === TIMESTAMP_TYPE_LOG_APPEND_TIME ? TIMESTAMP_TYPE_LOG_APPEND_TIME : TIMESTAMP_TYPE_CREATE_TIME,
    minInsyncReplicas: num('min.insync.replicas'),
    uncleanLeaderElection: values.get('unclean.leader.election.enable') === 'true',
  });
  settingsCache.set(topic, { maxMessageBytes, settings });
  return settings;
}

/** The topic config `unclean.leader.election.enable`, as the controller's elections read it. */
export const uncleanLeaderElectionEnabled = (topic: TopicImage): boolean => topic.configs.get('unclean.leader.election.enable') === 'true';
