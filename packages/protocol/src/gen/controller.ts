import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerEndpoint as _samsa_v1_BrokerEndpoint, BrokerEndpoint__Output as _samsa_v1_BrokerEndpoint__Output } from './samsa/v1/BrokerEndpoint.js';
import type { BrokerFencedRecord as _samsa_v1_BrokerFencedRecord, BrokerFencedRecord__Output as _samsa_v1_BrokerFencedRecord__Output } from './samsa/v1/BrokerFencedRecord.js';
import type { BrokerUnfencedRecord as _samsa_v1_BrokerUnfencedRecord, BrokerUnfencedRecord__Output as _samsa_v1_BrokerUnfencedRecord__Output } from './samsa/v1/BrokerUnfencedRecord.js';
import type { ConfigChangedRecord as _samsa_v1_ConfigChangedRecord, ConfigChangedRecord__Output as _samsa_v1_ConfigChangedRecord__Output } from './samsa/v1/ConfigChangedRecord.js';
import type { MetadataRecord as _samsa_v1_MetadataRecord, MetadataRecord__Output as _samsa_v1_MetadataRecord__Output } from './samsa/v1/MetadataRecord.js';
import type { PartitionChangedRecord as _samsa_v1_PartitionChangedRecord, PartitionChangedRecord__Output as _samsa_v1_PartitionChangedRecord__Output } from './samsa/v1/PartitionChangedRecord.js';
import type { ProducerIdsAllocatedRecord as _samsa_v1_ProducerIdsAllocatedRecord, ProducerIdsAllocatedRecord__Output as _samsa_v1_ProducerIdsAllocatedRecord__Output } from './samsa/v1/ProducerIdsAllocatedRecord.js';
import type { RegisterBrokerRecord as _samsa_v1_RegisterBrokerRecord, RegisterBrokerRecord__Output as _samsa_v1_RegisterBrokerRecord__Output } from './samsa/v1/RegisterBrokerRecord.js';
import type { TopicCreatedRecord as _samsa_v1_TopicCreatedRecord, TopicCreatedRecord__Output as _samsa_v1_TopicCreatedRecord__Output } from './samsa/v1/TopicCreatedRecord.js';
import type { TopicDeletedRecord as _samsa_v1_TopicDeletedRecord, TopicDeletedRecord__Output as _samsa_v1_TopicDeletedRecord__Output } from './samsa/v1/TopicDeletedRecord.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  samsa: {
    v1: {
      BrokerEndpoint: MessageTypeDefinition<_samsa_v1_BrokerEndpoint, _samsa_v1_BrokerEndpoint__Output>
      BrokerFencedRecord: MessageTypeDefinition<_samsa_v1_BrokerFencedRecord, _samsa_v1_BrokerFencedRecord__Output>
      BrokerUnfencedRecord: MessageTypeDefinition<_samsa_v1_BrokerUnfencedRecord, _samsa_v1_BrokerUnfencedRecord__Output>
      ConfigChangedRecord: MessageTypeDefinition<_samsa_v1_ConfigChangedRecord, _samsa_v1_ConfigChangedRecord__Output>
      MetadataRecord: MessageTypeDefinition<_samsa_v1_MetadataRecord, _samsa_v1_MetadataRecord__Output>
      PartitionChangedRecord: MessageTypeDefinition<_samsa_v1_PartitionChangedRecord, _samsa_v1_PartitionChangedRecord__Output>
      ProducerIdsAllocatedRecord: MessageTypeDefinition<_samsa_v1_ProducerIdsAllocatedRecord, _samsa_v1_ProducerIdsAllocatedRecord__Output>
      RegisterBrokerRecord: MessageTypeDefinition<_samsa_v1_RegisterBrokerRecord, _samsa_v1_RegisterBrokerRecord__Output>
      TopicCreatedRecord: MessageTypeDefinition<_samsa_v1_TopicCreatedRecord, _samsa_v1_TopicCreatedRecord__Output>
      TopicDeletedRecord: MessageTypeDefinition<_samsa_v1_TopicDeletedRecord, _samsa_v1_TopicDeletedRecord__Output>
    }
  }
}

