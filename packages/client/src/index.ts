// @samsa/client: the Samsa SDK, shaped like KafkaJS. `new Samsa({ brokers })`, then .admin(),
// .producer() and .consumer().
export { Samsa, resolveClientConfig } from './client.js';
export type { ResolvedClientConfig } from './client.js';
export { Admin } from './admin.js';
export { ConfigResourceTypes } from './types.js';
export { Producer, resolveAcks } from './producer.js';
export type { ResolvedProducerConfig } from './producer.js';
export type { ProducerIdentity } from './sequencer.js';
export { Consumer } from './consumer.js';
export type { ResolvedConsumerConfig } from './consumer.js';
export { DEFAULTS } from './defaults.js';
export { DefaultPartitioner, Partitioners } from './partitioner.js';
export { murmur2, partitionForKey, toPositive } from './murmur2.js';
export { ERROR_CODE_METADATA_KEY, errorFromGrpc } from './errors.js';
export { backoffMs } from './retry.js';
export type { RetryPolicy } from './retry.js';
export { NOOP_LOGGER } from './logger.js';
export type { LogFn, Logger } from './logger.js';
export { SYSTEM_CLOCK } from './clock.js';
export type { Clock, Random, TimerHandle } from './clock.js';
export { CallAbortedError, GRPC_TRANSPORT } from './transport.js';
export type { BrokerConnection, CallOptions, RpcName, RpcRequest, RpcResponse, RpcTypes, Transport } from './transport.js';
// Errors are @samsa/protocol's: re-exported so that SDK users need one import.
export { ERRORS, SamsaError, isSamsaError } from '@samsa/protocol';
export type { ErrorCodeName } from '@samsa/protocol';
export type {
  Acks,
  AlterConfigResource,
  AlterConfigsOptions,
  AlteredConfigResource,
  Batch,
  BrokerDescription,
  ClusterDescription,
  ConfigEntry,
  ConfigResourceType,
  ConsumedHeaders,
  ConsumerConfig,
  ConsumerCrashEvent,
  ConsumerEventMap,
  ConsumerRunConfig,
  ConsumerStopEvent,
  ConsumerSubscribeTopic,
  CreateTopicsOptions,
  CreatedTopic,
  DeleteTopicsOptions,
  ElectLeadersOptions,
  ElectLeadersPartitionResult,
  ElectionType,
  EachBatchPayload,
  EachMessagePayload,
  HeaderValue,
  ITopicConfig,
  KafkaMessage,
  Message,
  PartitionDescription,
  PartitionOffset,
  PartitionOffsets,
  Partitioner,
  PartitionerArgs,
  PartitionerFactory,
  ProducerBatch,
  ProducerConfig,
  ProducerRecord,
  RecordMetadata,
  ReplicaStateDescription,
  RetryOptions,
  SamsaConfig,
  SamsaInternals,
  TopicConfigEntry,
  TopicDescription,
  TopicPartitionOffset,
  TopicPartitions,
} from './types.js';
