// @samsa/controller: the metadata state machine. Records (stable tags), the immutable
// MetadataImage and its pure apply(), its deterministic encoding (snapshots, hashes), the metadata
// log interface (single-voter LocalMetadataLog; Raft behind the same interface), the frontend that
// validates and proposes, the active controller (broker liveness, fencing, leader election, ISR
// changes), replica placement and the topic config table.
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
export { IMAGE_CODEC_VERSION, decodeImage, encodeImage, imageHash } from './image-codec.js';
export { LOCAL_LEADER_EPOCH, LocalMetadataLog, METADATA_APPEND_RECORDS_MAX } from './metadata-log.js';
export type {
  LeaderChange,
  LeaderChangeListener,
  LocalMetadataLogOptions,
  MetadataImageSnapshot,
  MetadataListener,
  MetadataLog,
  MetadataLogStatus,
  MetadataLogVoter,
  MetadataUpdate,
} from './metadata-log.js';
export {
  DataDirError,
  META_PROPERTIES_FILE,
  formatDataDir,
  isValidClusterId,
  newClusterId,
  readMetaProperties,
} from './meta-properties.js';
export type { MetaProperties } from './meta-properties.js';
export { ControllerFrontend, placeReplicas, validateTopicName } from './frontend.js';
export type {
  BrokerRegistrationRequest,
  ControllerFrontendOptions,
  CreateTopicOutcome,
  CreateTopicSpec,
  DeleteTopicOutcome,
  ElectionOutcome,
  IsrChangeOutcome,
  IsrChangeRequest,
} from './frontend.js';
export { NO_UNCLEAN_LEADER_ELECTION, electPartition, leadershipCounts, partitionChangesOnFence, partitionChangesOnUnfence, preferredLeaderChange, uncleanLeaderChange } from './election.js';
export type { UncleanLeaderElection } from './election.js';
export { BrokerHeartbeatManager, HEARTBEAT_STALL_TOLERANCE_MS_DEFAULT } from './heartbeat-manager.js';
export type { BrokerHeartbeatManagerOptions, BrokerLiveness, ExpiryReason } from './heartbeat-manager.js';
export { FENCE_RETRY_DELAY_MS, QuorumController } from './quorum-controller.js';
export type { BrokerHeartbeat, BrokerStatusInfo, ClusterStatus, HeartbeatAnswer, QuorumControllerOptions } from './quorum-controller.js';
export { SYSTEM_CLOCK } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export {
  CLEANUP_POLICY_DELETE,
  TIMESTAMP_TYPE_CREATE_TIME,
  TIMESTAMP_TYPE_LOG_APPEND_TIME,
  TOPIC_CONFIGS,
  describeTopicConfigs,
  topicConfigDef,
  topicSettings,
  uncleanLeaderElectionEnabled,
  validateTopicConfigs,
} from './topic-config.js';
export type { ConfigValue, TimestampType, TopicConfigContext, TopicConfigDef, TopicSettings } from './topic-config.js';
export { BROKER_SESSION_TIMEOUT_MS_MAX, BROKER_SESSION_TIMEOUT_MS_MIN, DEFAULTS, TOPIC_NAME_LENGTH_MAX, TOPIC_PARTITIONS_MAX, validateConfig } from './config.js';
export type { ControllerConfig } from './config.js';
export { RaftMetadataLog } from './raft-metadata-log.js';
export type { RaftMetadataLogOptions } from './raft-metadata-log.js';
export { BROKER_DYNAMIC_CONFIGS, FOLLOWER_THROTTLE_KEY, brokerConfigDef, followerThrottleBytesPerSec } from './broker-dynamic-config.js';
export type { BrokerConfigDef } from './broker-dynamic-config.js';
