// @samsa/controller: the metadata state machine. Records (stable tags), the immutable
// MetadataImage and its pure apply(), the metadata log (single-voter LocalMetadataLog now, Raft
// next), the frontend that validates and proposes, replica placement and the topic config table.
export { RecordTag, Records, describeRecord, normalizeRecord, recordType } from './records.js';
export type {
  BrokerEndpoint,
  BrokerEndpoint__Output,
  BrokerFencedRecord__Output,
  BrokerUnfencedRecord__Output,
  ConfigChangedRecord__Output,
  MetadataRecord,
  MetadataRecord__Output,
  PartitionChangedRecord__Output,
  PartitionRecordFields,
  ProducerIdsAllocatedRecord__Output,
  RecordType,
  RegisterBrokerRecord__Output,
  TopicCreatedRecord__Output,
  TopicDeletedRecord__Output,
} from './records.js';
export { NO_LEADER, emptyImage, liveBrokerIds, partitionCount, replicationFactorOf, topicById } from './image.js';
export type { BrokerEndpointInfo, BrokerRegistration, MetadataImage, PartitionState, TopicImage } from './image.js';
export { ImageDelta, apply, applyAll } from './apply.js';
export type { MetadataLogEntry } from './apply.js';
export { LocalMetadataLog, METADATA_APPEND_RECORDS_MAX } from './metadata-log.js';
export type { LocalMetadataLogOptions, MetadataListener, MetadataLog, MetadataUpdate } from './metadata-log.js';
export {
  DataDirError,
  META_PROPERTIES_FILE,
  isValidClusterId,
  newClusterId,
  readMetaProperties,
} from './meta-properties.js';
export type { MetaProperties } from './meta-properties.js';
export { ControllerFrontend, placeReplicas, validateTopicName } from './frontend.js';
export type { BrokerRegistrationRequest, ControllerFrontendOptions, CreateTopicOutcome, CreateTopicSpec, DeleteTopicOutcome } from './frontend.js';
export {
  CLEANUP_POLICY_DELETE,
  TIMESTAMP_TYPE_CREATE_TIME,
  TIMESTAMP_TYPE_LOG_APPEND_TIME,
  TOPIC_CONFIGS,
  describeTopicConfigs,
  topicConfigDef,
  topicSettings,
  validateTopicConfigs,
} from './topic-config.js';
export type { ConfigValue, TimestampType, TopicConfigContext, TopicConfigDef, TopicSettings } from './topic-config.js';
export { DEFAULTS, TOPIC_NAME_LENGTH_MAX, TOPIC_PARTITIONS_MAX, validateConfig } from './config.js';
export type { ControllerConfig } from './config.js';
