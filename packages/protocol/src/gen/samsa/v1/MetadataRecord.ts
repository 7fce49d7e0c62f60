// Original file: proto/samsa/v1/controller.proto

import type { RegisterBrokerRecord as _samsa_v1_RegisterBrokerRecord, RegisterBrokerRecord__Output as _samsa_v1_RegisterBrokerRecord__Output } from '../../samsa/v1/RegisterBrokerRecord.js';
import type { BrokerFencedRecord as _samsa_v1_BrokerFencedRecord, BrokerFencedRecord__Output as _samsa_v1_BrokerFencedRecord__Output } from '../../samsa/v1/BrokerFencedRecord.js';
import type { BrokerUnfencedRecord as _samsa_v1_BrokerUnfencedRecord, BrokerUnfencedRecord__Output as _samsa_v1_BrokerUnfencedRecord__Output } from '../../samsa/v1/BrokerUnfencedRecord.js';
import type { TopicCreatedRecord as _samsa_v1_TopicCreatedRecord, TopicCreatedRecord__Output as _samsa_v1_TopicCreatedRecord__Output } from '../../samsa/v1/TopicCreatedRecord.js';
import type { TopicDeletedRecord as _samsa_v1_TopicDeletedRecord, TopicDeletedRecord__Output as _samsa_v1_TopicDeletedRecord__Output } from '../../samsa/v1/TopicDeletedRecord.js';
import type { PartitionChangedRecord as _samsa_v1_PartitionChangedRecord, PartitionChangedRecord__Output as _samsa_v1_PartitionChangedRecord__Output } from '../../samsa/v1/PartitionChangedRecord.js';
import type { ConfigChangedRecord as _samsa_v1_ConfigChangedRecord, ConfigChangedRecord__Output as _samsa_v1_ConfigChangedRecord__Output } from '../../samsa/v1/ConfigChangedRecord.js';
import type { ProducerIdsAllocatedRecord as _samsa_v1_ProducerIdsAllocatedRecord, ProducerIdsAllocatedRecord__Output as _samsa_v1_ProducerIdsAllocatedRecord__Output } from '../../samsa/v1/ProducerIdsAllocatedRecord.js';

export interface MetadataRecord {
  'register_broker'?: (_samsa_v1_RegisterBrokerRecord | null);
  'broker_fenced'?: (_samsa_v1_BrokerFencedRecord | null);
  'broker_unfenced'?: (_samsa_v1_BrokerUnfencedRecord | null);
  'topic_created'?: (_samsa_v1_TopicCreatedRecord | null);
  'topic_deleted'?: (_samsa_v1_TopicDeletedRecord | null);
  'partition_changed'?: (_samsa_v1_PartitionChangedRecord | null);
  'config_changed'?: (_samsa_v1_ConfigChangedRecord | null);
  'producer_ids_allocated'?: (_samsa_v1_ProducerIdsAllocatedRecord | null);
  'record'?: "register_broker"|"broker_fenced"|"broker_unfenced"|"topic_created"|"topic_deleted"|"partition_changed"|"config_changed"|"producer_ids_allocated";
}

export interface MetadataRecord__Output {
  'register_broker'?: (_samsa_v1_RegisterBrokerRecord__Output | null);
  'broker_fenced'?: (_samsa_v1_BrokerFencedRecord__Output | null);
  'broker_unfenced'?: (_samsa_v1_BrokerUnfencedRecord__Output | null);
  'topic_created'?: (_samsa_v1_TopicCreatedRecord__Output | null);
  'topic_deleted'?: (_samsa_v1_TopicDeletedRecord__Output | null);
  'partition_changed'?: (_samsa_v1_PartitionChangedRecord__Output | null);
  'config_changed'?: (_samsa_v1_ConfigChangedRecord__Output | null);
  'producer_ids_allocated'?: (_samsa_v1_ProducerIdsAllocatedRecord__Output | null);
  'record'?: "register_broker"|"broker_fenced"|"broker_unfenced"|"topic_created"|"topic_deleted"|"partition_changed"|"config_changed"|"producer_ids_allocated";
}
