// Public types of the SDK, shaped after KafkaJS's but strict: no `any`, readonly results, offsets
// and timestamps of consumed messages as decimal strings (as KafkaJS gives them, so that int64
// values never lose precision in user code).
import type { ErrorCodeName } from '@samsa/protocol';
import type { Clock, Random } from './clock.js';
import type { Logger } from './logger.js';
import type { Transport } from './transport.js';

// ---------------------------------------------------------------------------------------------
// Client

export interface RetryOptions {
  /** Attempts after the first one. */
  retries?: number;
  initialRetryTimeMs?: number;
  maxRetryTimeMs?: number;
  multiplier?: number;
  /** Jitter factor in [0, 1): each wait is scaled by a random value in [1 - factor, 1 + factor]. */
  factor?: number;
}

export interface SamsaConfig {
  /** Bootstrap brokers, `host:port`; any one that answers is enough to discover the cluster. */
  brokers: readonly string[];
  clientId?: string;
  /** Deadline of one gRPC call (a long poll adds its wait to it). */
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  /** A pino logger (or anything with its shape). Silent by default. */
  logger?: Logger;
  metadataMaxAgeMs?: number;
}

/** What tests (and unusual deployments) may inject. Production code leaves them out. */
export interface SamsaInternals {
  transport?: Transport;
  clock?: Clock;
  random?: Random;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** A header value as a producer gives it. */
export type HeaderValue = Buffer | string | null;

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;
  /** Milliseconds since the epoch (string or number); defaults to the time of send(). */
  timestamp?: string | number;
  /** Send to this partition instead of asking the partitioner. */
  partition?: number;
}

/** Acknowledgement level: 0 none, 1 the leader, -1 ('all') every in-sync replica. */
export type Acks = 0 | 1 | -1 | 'all';

export interface ProducerRecord {
  topic: string;
  messages: readonly Message[];
  acks?: Acks;
}

export interface ProducerBatch {
  topicMessages: readonly { topic: string; messages: readonly Message[] }[];
  acks?: Acks;
}

/** One partition's part of an acknowledged send (KafkaJS's RecordMetadata). */
export interface RecordMetadata {
  readonly topicName: string;
  readonly partition: number;
  readonly errorCode: 'NONE';
  /** Offset of this send's first record in the partition, as a decimal string; '-1' with acks=0. */
  readonly baseOffset: string;
  /** '-1' unless the topic stamps LogAppendTime. */
  readonly logAppendTime: string;
  readonly logStartOffset: string;
}

/** Header values as a consumer sees them; a key that repeats gives an array, in order. */
export type ConsumedHeaders = Readonly<Record<string, Buffer | null | readonly (Buffer | null)[]>>;

export interface KafkaMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ConsumedHeaders;
  /** Milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
  /** Decimal string. */
  readonly offset: string;
  /** Record batch attributes (compression, timestamp type). */
  readonly attributes: number;
}

// ---------------------------------------------------------------------------------------------
// Partitioners

export interface PartitionerArgs {
  readonly topic: string;
  /** Every partition of the topic, 0..partitionCount-1. */
  readonly partitionCount: number;
  /** Partitions that currently have a leader. */
  readonly availablePartitions: readonly number[];
  /** The record's key as bytes (null when it has none). */
  readonly key: Buffer | null;
  readonly message: Message;
}

export interface Partitioner {
  partition(args: PartitionerArgs): number;
  /** Told when a batch of `partition` is sent, so a sticky partitioner can move on. */
  onBatchSent?(topic: string, partition: number): void;
}

export type PartitionerFactory = () => Partitioner;

// ---------------------------------------------------------------------------------------------
// Producer

export interface ProducerConfig {
  lingerMs?: number;
  /** Bytes of records per partition batch; a batch is sent when full or after lingerMs. */
  batchSize?: number;
  /** Produce requests in flight per broker; with idempotence also per partition (at most 5). */
  maxInFlightRequests?: number;
  /** acks=all by default; an idempotent producer needs it. */
  acks?: Acks;
  /**
   * Sequence numbers on every batch, so the broker drops retried duplicates and refuses gaps:
   * retries never duplicate or reorder a partition's records (Kafka's enable.idempotence).
   * Default true; left out, it turns off by itself when acks is not 'all' or maxInFlightRequests
   * is above 5; set to true with either, it is an INVALID_CONFIG error.
   */
  idempotent?: boolean;
  /** How long the broker may wait for acks=all, in ms. */
  timeoutMs?: number;
  maxRequestBytes?: number;
  bufferMemoryBytes?: number;
  partitioner?: PartitionerFactory;
  retry?: RetryOptions;
}

// ---------------------------------------------------------------------------------------------
// Consumer

export interface ConsumerConfig {
  minBytes?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
  maxBytesPerPartition?: number;
  /** Where to go when a position is out of range and no subscription says otherwise. */
  autoOffsetReset?: 'earliest' | 'latest';
  /** Messages the async iterator reads ahead. */
  iteratorBufferMessages?: number;
  retry?: RetryOptions;
}

export interface ConsumerSubscribeTopic {
  topic: string;
  /** Start at the earliest offset (true) or at the end (false, the default). */
  fromBeginning?: boolean;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** Start here; without it, at the end (or the start, with fromBeginning). */
  offset?: string | number;
  fromBeginning?: boolean;
}

export interface TopicPartitions {
  topic: string;
  /** All assigned partitions of the topic when left out. */
  partitions?: readonly number[];
}

export interface EachMessagePayload {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  /** Pauses this partition; call the returned function to resume it. */
  pause(): () => void;
}

export interface Batch {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string: the partition's high watermark when the batch was fetched. */
  readonly highWatermark: string;
  readonly messages: readonly KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  /** Messages between the last one here and the high watermark. */
  offsetLag(): string;
}

export interface EachBatchPayload {
  readonly batch: Batch;
  /** Marks messages up to `offset` as processed (the position moves past it). */
  resolveOffset(offset: string | number): void;
  /** No-op until consumer groups exist; kept for KafkaJS compatibility. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping: a long batch loop should return. */
  isRunning(): boolean;
  /** True when a seek has moved this partition since the batch was fetched. */
  isStale(): boolean;
  pause(): () => void;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /** eachBatch only: move the position past the whole batch when the handler returns (default true). */
  eachBatchAutoResolve?: boolean;
}

export interface ConsumerCrashEvent {
  readonly type: 'consumer.crash';
  readonly timestamp: number;
  readonly payload: { readonly error: Error };
}

export interface ConsumerStopEvent {
  readonly type: 'consumer.stop';
  readonly timestamp: number;
  readonly payload: Record<string, never>;
}

export interface ConsumerEventMap {
  'consumer.crash': ConsumerCrashEvent;
  'consumer.stop': ConsumerStopEvent;
}

// ---------------------------------------------------------------------------------------------
// Admin

export interface ConfigEntry {
  name: string;
  value: string;
}

export interface ITopicConfig {
  topic: string;
  numPartitions: number;
  /** The broker default when left out. */
  replicationFactor?: number;
  configEntries?: readonly ConfigEntry[];
  /** The same as configEntries, as an object; both may be given. */
  configs?: Readonly<Record<string, string>>;
}

export interface CreateTopicsOptions {
  topics: readonly ITopicConfig[];
  validateOnly?: boolean;
  /** How long the broker may take, in ms. */
  timeout?: number;
}

export interface CreatedTopic {
  readonly topic: string;
  readonly topicId: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

export interface DeleteTopicsOptions {
  topics: readonly string[];
  timeout?: number;
}

export interface TopicConfigEntry {
  readonly name: string;
  readonly value: string;
  /** True when the value is the broker default rather than set on the topic. */
  readonly isDefault: boolean;
}

/** One replica of a partition as its leader last saw it (Kafka's DescribeTopicPartitions replica states). */
export interface ReplicaStateDescription {
  readonly brokerId: number;
  /** The replica's log end offset as of its last fetch from this leader, as a decimal string; '-1' when unknown (it has not fetched since this leader took over). */
  readonly logEndOffset: string;
  /** True when the replica is in the ISR (the committed ISR, or a pending change the leader asked for). */
  readonly inSync: boolean;
}

export interface PartitionDescription {
  readonly partitionId: number;
  /** 'NONE' or the partition's error code. */
  readonly errorCode: string;
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly logStartOffset: string;
  readonly highWatermark: string;
  readonly logEndOffset: string;
  readonly sizeBytes: string;
  /**
   * Every replica's state, in the order of `replicas`, as the partition's leader reported it;
   * empty when the leader did not answer (or the partition has none).
   */
  readonly replicaStates: readonly ReplicaStateDescription[];
}

export interface TopicDescription {
  readonly name: string;
  readonly topicId: string;
  readonly internal: boolean;
  readonly partitions: readonly PartitionDescription[];
  readonly configs: readonly TopicConfigEntry[];
}

/**
 * What a config resource is (KafkaJS's ConfigResourceTypes, as strings): a topic, or a broker
 * (its dynamic configs, such as `follower.replication.throttled.rate`).
 */
export const ConfigResourceTypes = Object.freeze({ TOPIC: 'topic', BROKER: 'broker' } as const);
export type ConfigResourceType = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes];

export interface AlterConfigResource {
  /** 'topic' (the default) or 'broker'. */
  type?: ConfigResourceType;
  /** The topic name, or for a broker its id as a decimal string ('2'), as in KafkaJS. */
  name: string;
  /** Keys to set. */
  configEntries?: readonly ConfigEntry[];
  /** Keys to remove (back to the broker default). */
  deleteConfigNames?: readonly string[];
}

export interface AlterConfigsOptions {
  resources: readonly AlterConfigResource[];
  validateOnly?: boolean;
}

export interface AlteredConfigResource {
  readonly type: ConfigResourceType;
  readonly name: string;
  readonly errorCode: 'NONE';
}

/** 'preferred': back to each partition's first replica; 'unclean': any live replica of a leaderless partition. */
export type ElectionType = 'preferred' | 'unclean';

export interface ElectLeadersOptions {
  /** 'preferred' by default. */
  type?: ElectionType;
  /** The partitions to elect for; every partition of every topic when left out. */
  topicPartitions?: readonly TopicPartitions[];
}

/** One partition's outcome of an election: errors are data here, one code per partition. */
export interface ElectLeadersPartitionResult {
  readonly topic: string;
  /** -1 when the whole topic failed (UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist). */
  readonly partition: number;
  /**
   * NONE: leadership moved to `leader`. ELECTION_NOT_NEEDED: the partition already has the leader
   * the election would pick. PREFERRED_LEADER_NOT_AVAILABLE: the first replica is fenced or out of
   * sync. ELIGIBLE_LEADERS_NOT_AVAILABLE: no live replica can lead (unclean).
   * UNKNOWN_TOPIC_OR_PARTITION. Anything else: the controller could not commit the change.
   */
  readonly errorCode: 'NONE' | ErrorCodeName;
  readonly errorMessage: string;
  /** The partition's leader after the election (-1: none or unknown). */
  readonly leader: number;
  readonly leaderEpoch: number;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** The latest offset (the high watermark), as KafkaJS names it. */
  readonly offset: string;
  readonly high: string;
  readonly low: string;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

export interface BrokerDescription {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly fenced: boolean;
}

export interface ClusterDescription {
  readonly clusterId: string;
  readonly controller: number;
  readonly brokers: readonly BrokerDescription[];
}
