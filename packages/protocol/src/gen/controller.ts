import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddVoterRequest as _samsa_v1_AddVoterRequest, AddVoterRequest__Output as _samsa_v1_AddVoterRequest__Output } from './samsa/v1/AddVoterRequest.js';
import type { AddVoterResponse as _samsa_v1_AddVoterResponse, AddVoterResponse__Output as _samsa_v1_AddVoterResponse__Output } from './samsa/v1/AddVoterResponse.js';
import type { AllocateProducerIdsRequest as _samsa_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _samsa_v1_AllocateProducerIdsRequest__Output } from './samsa/v1/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponse as _samsa_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _samsa_v1_AllocateProducerIdsResponse__Output } from './samsa/v1/AllocateProducerIdsResponse.js';
import type { AlterConfigsRequest as _samsa_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _samsa_v1_AlterConfigsRequest__Output } from './samsa/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _samsa_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _samsa_v1_AlterConfigsResponse__Output } from './samsa/v1/AlterConfigsResponse.js';
import type { AlterPartitionRequest as _samsa_v1_AlterPartitionRequest, AlterPartitionRequest__Output as _samsa_v1_AlterPartitionRequest__Output } from './samsa/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse as _samsa_v1_AlterPartitionResponse, AlterPartitionResponse__Output as _samsa_v1_AlterPartitionResponse__Output } from './samsa/v1/AlterPartitionResponse.js';
import type { BrokerEndpoint as _samsa_v1_BrokerEndpoint, BrokerEndpoint__Output as _samsa_v1_BrokerEndpoint__Output } from './samsa/v1/BrokerEndpoint.js';
import type { BrokerFencedRecord as _samsa_v1_BrokerFencedRecord, BrokerFencedRecord__Output as _samsa_v1_BrokerFencedRecord__Output } from './samsa/v1/BrokerFencedRecord.js';
import type { BrokerHeartbeatRequest as _samsa_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _samsa_v1_BrokerHeartbeatRequest__Output } from './samsa/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse as _samsa_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _samsa_v1_BrokerHeartbeatResponse__Output } from './samsa/v1/BrokerHeartbeatResponse.js';
import type { BrokerMetadata as _samsa_v1_BrokerMetadata, BrokerMetadata__Output as _samsa_v1_BrokerMetadata__Output } from './samsa/v1/BrokerMetadata.js';
import type { BrokerStatus as _samsa_v1_BrokerStatus, BrokerStatus__Output as _samsa_v1_BrokerStatus__Output } from './samsa/v1/BrokerStatus.js';
import type { BrokerUnfencedRecord as _samsa_v1_BrokerUnfencedRecord, BrokerUnfencedRecord__Output as _samsa_v1_BrokerUnfencedRecord__Output } from './samsa/v1/BrokerUnfencedRecord.js';
import type { ConfigChangedRecord as _samsa_v1_ConfigChangedRecord, ConfigChangedRecord__Output as _samsa_v1_ConfigChangedRecord__Output } from './samsa/v1/ConfigChangedRecord.js';
import type { ConfigEntry as _samsa_v1_ConfigEntry, ConfigEntry__Output as _samsa_v1_ConfigEntry__Output } from './samsa/v1/ConfigEntry.js';
import type { ControllerServiceClient as _samsa_v1_ControllerServiceClient, ControllerServiceDefinition as _samsa_v1_ControllerServiceDefinition } from './samsa/v1/ControllerService.js';
import type { CreatableTopic as _samsa_v1_CreatableTopic, CreatableTopic__Output as _samsa_v1_CreatableTopic__Output } from './samsa/v1/CreatableTopic.js';
import type { CreateTopicResult as _samsa_v1_CreateTopicResult, CreateTopicResult__Output as _samsa_v1_CreateTopicResult__Output } from './samsa/v1/CreateTopicResult.js';
import type { CreateTopicsRequest as _samsa_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _samsa_v1_CreateTopicsRequest__Output } from './samsa/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _samsa_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _samsa_v1_CreateTopicsResponse__Output } from './samsa/v1/CreateTopicsResponse.js';
import type { DeleteTopicResult as _samsa_v1_DeleteTopicResult, DeleteTopicResult__Output as _samsa_v1_DeleteTopicResult__Output } from './samsa/v1/DeleteTopicResult.js';
import type { DeleteTopicsRequest as _samsa_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _samsa_v1_DeleteTopicsRequest__Output } from './samsa/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _samsa_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _samsa_v1_DeleteTopicsResponse__Output } from './samsa/v1/DeleteTopicsResponse.js';
import type { DescribeQuorumRequest as _samsa_v1_DescribeQuorumRequest, DescribeQuorumRequest__Output as _samsa_v1_DescribeQuorumRequest__Output } from './samsa/v1/DescribeQuorumRequest.js';
import type { DescribeQuorumResponse as _samsa_v1_DescribeQuorumResponse, DescribeQuorumResponse__Output as _samsa_v1_DescribeQuorumResponse__Output } from './samsa/v1/DescribeQuorumResponse.js';
import type { DescribeTopicsRequest as _samsa_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _samsa_v1_DescribeTopicsRequest__Output } from './samsa/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _samsa_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _samsa_v1_DescribeTopicsResponse__Output } from './samsa/v1/DescribeTopicsResponse.js';
import type { ElectLeadersPartitionResult as _samsa_v1_ElectLeadersPartitionResult, ElectLeadersPartitionResult__Output as _samsa_v1_ElectLeadersPartitionResult__Output } from './samsa/v1/ElectLeadersPartitionResult.js';
import type { ElectLeadersPartitions as _samsa_v1_ElectLeadersPartitions, ElectLeadersPartitions__Output as _samsa_v1_ElectLeadersPartitions__Output } from './samsa/v1/ElectLeadersPartitions.js';
import type { ElectLeadersRequest as _samsa_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _samsa_v1_ElectLeadersRequest__Output } from './samsa/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _samsa_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _samsa_v1_ElectLeadersResponse__Output } from './samsa/v1/ElectLeadersResponse.js';
import type { FetchPartition as _samsa_v1_FetchPartition, FetchPartition__Output as _samsa_v1_FetchPartition__Output } from './samsa/v1/FetchPartition.js';
import type { FetchPartitionResponse as _samsa_v1_FetchPartitionResponse, FetchPartitionResponse__Output as _samsa_v1_FetchPartitionResponse__Output } from './samsa/v1/FetchPartitionResponse.js';
import type { FetchRequest as _samsa_v1_FetchRequest, FetchRequest__Output as _samsa_v1_FetchRequest__Output } from './samsa/v1/FetchRequest.js';
import type { FetchResponse as _samsa_v1_FetchResponse, FetchResponse__Output as _samsa_v1_FetchResponse__Output } from './samsa/v1/FetchResponse.js';
import type { FetchTopic as _samsa_v1_FetchTopic, FetchTopic__Output as _samsa_v1_FetchTopic__Output } from './samsa/v1/FetchTopic.js';
import type { FetchTopicResponse as _samsa_v1_FetchTopicResponse, FetchTopicResponse__Output as _samsa_v1_FetchTopicResponse__Output } from './samsa/v1/FetchTopicResponse.js';
import type { ForwardedAlterConfigsResponse as _samsa_v1_ForwardedAlterConfigsResponse, ForwardedAlterConfigsResponse__Output as _samsa_v1_ForwardedAlterConfigsResponse__Output } from './samsa/v1/ForwardedAlterConfigsResponse.js';
import type { ForwardedCreateTopicsResponse as _samsa_v1_ForwardedCreateTopicsResponse, ForwardedCreateTopicsResponse__Output as _samsa_v1_ForwardedCreateTopicsResponse__Output } from './samsa/v1/ForwardedCreateTopicsResponse.js';
import type { ForwardedDeleteTopicsResponse as _samsa_v1_ForwardedDeleteTopicsResponse, ForwardedDeleteTopicsResponse__Output as _samsa_v1_ForwardedDeleteTopicsResponse__Output } from './samsa/v1/ForwardedDeleteTopicsResponse.js';
import type { ForwardedElectLeadersResponse as _samsa_v1_ForwardedElectLeadersResponse, ForwardedElectLeadersResponse__Output as _samsa_v1_ForwardedElectLeadersResponse__Output } from './samsa/v1/ForwardedElectLeadersResponse.js';
import type { InitProducerIdRequest as _samsa_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _samsa_v1_InitProducerIdRequest__Output } from './samsa/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _samsa_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _samsa_v1_InitProducerIdResponse__Output } from './samsa/v1/InitProducerIdResponse.js';
import type { ListOffsetsPartition as _samsa_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _samsa_v1_ListOffsetsPartition__Output } from './samsa/v1/ListOffsetsPartition.js';
import type { ListOffsetsPartitionResponse as _samsa_v1_ListOffsetsPartitionResponse, ListOffsetsPartitionResponse__Output as _samsa_v1_ListOffsetsPartitionResponse__Output } from './samsa/v1/ListOffsetsPartitionResponse.js';
import type { ListOffsetsRequest as _samsa_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _samsa_v1_ListOffsetsRequest__Output } from './samsa/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _samsa_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _samsa_v1_ListOffsetsResponse__Output } from './samsa/v1/ListOffsetsResponse.js';
import type { ListOffsetsTopic as _samsa_v1_ListOffsetsTopic, ListOffsetsTopic__Output as _samsa_v1_ListOffsetsTopic__Output } from './samsa/v1/ListOffsetsTopic.js';
import type { ListOffsetsTopicResponse as _samsa_v1_ListOffsetsTopicResponse, ListOffsetsTopicResponse__Output as _samsa_v1_ListOffsetsTopicResponse__Output } from './samsa/v1/ListOffsetsTopicResponse.js';
import type { ListTopicsRequest as _samsa_v1_ListTopicsRequest, ListTopicsRequest__Output as _samsa_v1_ListTopicsRequest__Output } from './samsa/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _samsa_v1_ListTopicsResponse, ListTopicsResponse__Output as _samsa_v1_ListTopicsResponse__Output } from './samsa/v1/ListTopicsResponse.js';
import type { MetadataEntry as _samsa_v1_MetadataEntry, MetadataEntry__Output as _samsa_v1_MetadataEntry__Output } from './samsa/v1/MetadataEntry.js';
import type { MetadataRecord as _samsa_v1_MetadataRecord, MetadataRecord__Output as _samsa_v1_MetadataRecord__Output } from './samsa/v1/MetadataRecord.js';
import type { MetadataRecordBatch as _samsa_v1_MetadataRecordBatch, MetadataRecordBatch__Output as _samsa_v1_MetadataRecordBatch__Output } from './samsa/v1/MetadataRecordBatch.js';
import type { MetadataRequest as _samsa_v1_MetadataRequest, MetadataRequest__Output as _samsa_v1_MetadataRequest__Output } from './samsa/v1/MetadataRequest.js';
import type { MetadataResponse as _samsa_v1_MetadataResponse, MetadataResponse__Output as _samsa_v1_MetadataResponse__Output } from './samsa/v1/MetadataResponse.js';
import type { MetadataSnapshotChunk as _samsa_v1_MetadataSnapshotChunk, MetadataSnapshotChunk__Output as _samsa_v1_MetadataSnapshotChunk__Output } from './samsa/v1/MetadataSnapshotChunk.js';
import type { PartitionChangedRecord as _samsa_v1_PartitionChangedRecord, PartitionChangedRecord__Output as _samsa_v1_PartitionChangedRecord__Output } from './samsa/v1/PartitionChangedRecord.js';
import type { PartitionDescription as _samsa_v1_PartitionDescription, PartitionDescription__Output as _samsa_v1_PartitionDescription__Output } from './samsa/v1/PartitionDescription.js';
import type { PartitionIsrChange as _samsa_v1_PartitionIsrChange, PartitionIsrChange__Output as _samsa_v1_PartitionIsrChange__Output } from './samsa/v1/PartitionIsrChange.js';
import type { PartitionIsrResult as _samsa_v1_PartitionIsrResult, PartitionIsrResult__Output as _samsa_v1_PartitionIsrResult__Output } from './samsa/v1/PartitionIsrResult.js';
import type { PartitionMetadata as _samsa_v1_PartitionMetadata, PartitionMetadata__Output as _samsa_v1_PartitionMetadata__Output } from './samsa/v1/PartitionMetadata.js';
import type { ProducePartitionData as _samsa_v1_ProducePartitionData, ProducePartitionData__Output as _samsa_v1_ProducePartitionData__Output } from './samsa/v1/ProducePartitionData.js';
import type { ProducePartitionResponse as _samsa_v1_ProducePartitionResponse, ProducePartitionResponse__Output as _samsa_v1_ProducePartitionResponse__Output } from './samsa/v1/ProducePartitionResponse.js';
import type { ProduceRequest as _samsa_v1_ProduceRequest, ProduceRequest__Output as _samsa_v1_ProduceRequest__Output } from './samsa/v1/ProduceRequest.js';
import type { ProduceResponse as _samsa_v1_ProduceResponse, ProduceResponse__Output as _samsa_v1_ProduceResponse__Output } from './samsa/v1/ProduceResponse.js';
import type { ProduceTopicData as _samsa_v1_ProduceTopicData, ProduceTopicData__Output as _samsa_v1_ProduceTopicData__Output } from './samsa/v1/ProduceTopicData.js';
import type { ProduceTopicResponse as _samsa_v1_ProduceTopicResponse, ProduceTopicResponse__Output as _samsa_v1_ProduceTopicResponse__Output } from './samsa/v1/ProduceTopicResponse.js';
import type { ProducerIdsAllocatedRecord as _samsa_v1_ProducerIdsAllocatedRecord, ProducerIdsAllocatedRecord__Output as _samsa_v1_ProducerIdsAllocatedRecord__Output } from './samsa/v1/ProducerIdsAllocatedRecord.js';
import type { QuorumVoter as _samsa_v1_QuorumVoter, QuorumVoter__Output as _samsa_v1_QuorumVoter__Output } from './samsa/v1/QuorumVoter.js';
import type { RegisterBrokerRecord as _samsa_v1_RegisterBrokerRecord, RegisterBrokerRecord__Output as _samsa_v1_RegisterBrokerRecord__Output } from './samsa/v1/RegisterBrokerRecord.js';
import type { RegisterBrokerRequest as _samsa_v1_RegisterBrokerRequest, RegisterBrokerRequest__Output as _samsa_v1_RegisterBrokerRequest__Output } from './samsa/v1/RegisterBrokerRequest.js';
import type { RegisterBrokerResponse as _samsa_v1_RegisterBrokerResponse, RegisterBrokerResponse__Output as _samsa_v1_RegisterBrokerResponse__Output } from './samsa/v1/RegisterBrokerResponse.js';
import type { RemoveVoterRequest as _samsa_v1_RemoveVoterRequest, RemoveVoterRequest__Output as _samsa_v1_RemoveVoterRequest__Output } from './samsa/v1/RemoveVoterRequest.js';
import type { RemoveVoterResponse as _samsa_v1_RemoveVoterResponse, RemoveVoterResponse__Output as _samsa_v1_RemoveVoterResponse__Output } from './samsa/v1/RemoveVoterResponse.js';
import type { ReplicaState as _samsa_v1_ReplicaState, ReplicaState__Output as _samsa_v1_ReplicaState__Output } from './samsa/v1/ReplicaState.js';
import type { SamsaClientClient as _samsa_v1_SamsaClientClient, SamsaClientDefinition as _samsa_v1_SamsaClientDefinition } from './samsa/v1/SamsaClient.js';
import type { TopicCreatedRecord as _samsa_v1_TopicCreatedRecord, TopicCreatedRecord__Output as _samsa_v1_TopicCreatedRecord__Output } from './samsa/v1/TopicCreatedRecord.js';
import type { TopicDeletedRecord as _samsa_v1_TopicDeletedRecord, TopicDeletedRecord__Output as _samsa_v1_TopicDeletedRecord__Output } from './samsa/v1/TopicDeletedRecord.js';
import type { TopicDescription as _samsa_v1_TopicDescription, TopicDescription__Output as _samsa_v1_TopicDescription__Output } from './samsa/v1/TopicDescription.js';
import type { TopicListing as _samsa_v1_TopicListing, TopicListing__Output as _samsa_v1_TopicListing__Output } from './samsa/v1/TopicListing.js';
import type { TopicMetadata as _samsa_v1_TopicMetadata, TopicMetadata__Output as _samsa_v1_TopicMetadata__Output } from './samsa/v1/TopicMetadata.js';
import type { WatchMetadataRequest as _samsa_v1_WatchMetadataRequest, WatchMetadataRequest__Output as _samsa_v1_WatchMetadataRequest__Output } from './samsa/v1/WatchMetadataRequest.js';
import type { WatchMetadataResponse as _samsa_v1_WatchMetadataResponse, WatchMetadataResponse__Output as _samsa_v1_WatchMetadataResponse__Output } from './samsa/v1/WatchMetadataResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  samsa: {
    v1: {
      AddVoterRequest: MessageTypeDefinition<_samsa_v1_AddVoterRequest, _samsa_v1_AddVoterRequest__Output>
      AddVoterResponse: MessageTypeDefinition<_samsa_v1_AddVoterResponse, _samsa_v1_AddVoterResponse__Output>
      AllocateProducerIdsRequest: MessageTypeDefinition<_samsa_v1_AllocateProducerIdsRequest, _samsa_v1_AllocateProducerIdsRequest__Output>
      AllocateProducerIdsResponse: MessageTypeDefinition<_samsa_v1_AllocateProducerIdsResponse, _samsa_v1_AllocateProducerIdsResponse__Output>
      AlterConfigsRequest: MessageTypeDefinition<_samsa_v1_AlterConfigsRequest, _samsa_v1_AlterConfigsRequest__Output>
      AlterConfigsResponse: MessageTypeDefinition<_samsa_v1_AlterConfigsResponse, _samsa_v1_AlterConfigsResponse__Output>
      AlterPartitionRequest: MessageTypeDefinition<_samsa_v1_AlterPartitionRequest, _samsa_v1_AlterPartitionRequest__Output>
      AlterPartitionResponse: MessageTypeDefinition<_samsa_v1_AlterPartitionResponse, _samsa_v1_AlterPartitionResponse__Output>
      BrokerEndpoint: MessageTypeDefinition<_samsa_v1_BrokerEndpoint, _samsa_v1_BrokerEndpoint__Output>
      BrokerFencedRecord: MessageTypeDefinition<_samsa_v1_BrokerFencedRecord, _samsa_v1_BrokerFencedRecord__Output>
      BrokerHeartbeatRequest: MessageTypeDefinition<_samsa_v1_BrokerHeartbeatRequest, _samsa_v1_BrokerHeartbeatRequest__Output>
      BrokerHeartbeatResponse: MessageTypeDefinition<_samsa_v1_BrokerHeartbeatResponse, _samsa_v1_BrokerHeartbeatResponse__Output>
      BrokerMetadata: MessageTypeDefinition<_samsa_v1_BrokerMetadata, _samsa_v1_BrokerMetadata__Output>
      BrokerStatus: MessageTypeDefinition<_samsa_v1_BrokerStatus, _samsa_v1_BrokerStatus__Output>
      BrokerUnfencedRecord: MessageTypeDefinition<_samsa_v1_BrokerUnfencedRecord, _samsa_v1_BrokerUnfencedRecord__Output>
      ConfigChangedRecord: MessageTypeDefinition<_samsa_v1_ConfigChangedRecord, _samsa_v1_ConfigChangedRecord__Output>
      ConfigEntry: MessageTypeDefinition<_samsa_v1_ConfigEntry, _samsa_v1_ConfigEntry__Output>
      ControllerService: SubtypeConstructor<typeof grpc.Client, _samsa_v1_ControllerServiceClient> & { service: _samsa_v1_ControllerServiceDefinition }
      CreatableTopic: MessageTypeDefinition<_samsa_v1_CreatableTopic, _samsa_v1_CreatableTopic__Output>
      CreateTopicResult: MessageTypeDefinition<_samsa_v1_CreateTopicResult, _samsa_v1_CreateTopicResult__Output>
      CreateTopicsRequest: MessageTypeDefinition<_samsa_v1_CreateTopicsRequest, _samsa_v1_CreateTopicsRequest__Output>
      CreateTopicsResponse: MessageTypeDefinition<_samsa_v1_CreateTopicsResponse, _samsa_v1_CreateTopicsResponse__Output>
      DeleteTopicResult: MessageTypeDefinition<_samsa_v1_DeleteTopicResult, _samsa_v1_DeleteTopicResult__Output>
      DeleteTopicsRequest: MessageTypeDefinition<_samsa_v1_DeleteTopicsRequest, _samsa_v1_DeleteTopicsRequest__Output>
      DeleteTopicsResponse: MessageTypeDefinition<_samsa_v1_DeleteTopicsResponse, _samsa_v1_DeleteTopicsResponse__Output>
      DescribeQuorumRequest: MessageTypeDefinition<_samsa_v1_DescribeQuorumRequest, _samsa_v1_DescribeQuorumRequest__Output>
      DescribeQuorumResponse: MessageTypeDefinition<_samsa_v1_DescribeQuorumResponse, _samsa_v1_DescribeQuorumResponse__Output>
      DescribeTopicsRequest: MessageTypeDefinition<_samsa_v1_DescribeTopicsRequest, _samsa_v1_DescribeTopicsRequest__Output>
      DescribeTopicsResponse: MessageTypeDefinition<_samsa_v1_DescribeTopicsResponse, _samsa_v1_DescribeTopicsResponse__Output>
      ElectLeadersPartitionResult: MessageTypeDefinition<_samsa_v1_ElectLeadersPartitionResult, _samsa_v1_ElectLeadersPartitionResult__Output>
      ElectLeadersPartitions: MessageTypeDefinition<_samsa_v1_ElectLeadersPartitions, _samsa_v1_ElectLeadersPartitions__Output>
      ElectLeadersRequest: MessageTypeDefinition<_samsa_v1_ElectLeadersRequest, _samsa_v1_ElectLeadersRequest__Output>
      ElectLeadersResponse: MessageTypeDefinition<_samsa_v1_ElectLeadersResponse, _samsa_v1_ElectLeadersResponse__Output>
      ElectionType: EnumTypeDefinition
      ErrorCode: EnumTypeDefinition
      FetchPartition: MessageTypeDefinition<_samsa_v1_FetchPartition, _samsa_v1_FetchPartition__Output>
      FetchPartitionResponse: MessageTypeDefinition<_samsa_v1_FetchPartitionResponse, _samsa_v1_FetchPartitionResponse__Output>
      FetchRequest: MessageTypeDefinition<_samsa_v1_FetchRequest, _samsa_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_samsa_v1_FetchResponse, _samsa_v1_FetchResponse__Output>
      FetchTopic: MessageTypeDefinition<_samsa_v1_FetchTopic, _samsa_v1_FetchTopic__Output>
      FetchTopicResponse: MessageTypeDefinition<_samsa_v1_FetchTopicResponse, _samsa_v1_FetchTopicResponse__Output>
      ForwardedAlterConfigsResponse: MessageTypeDefinition<_samsa_v1_ForwardedAlterConfigsResponse, _samsa_v1_ForwardedAlterConfigsResponse__Output>
      ForwardedCreateTopicsResponse: MessageTypeDefinition<_samsa_v1_ForwardedCreateTopicsResponse, _samsa_v1_ForwardedCreateTopicsResponse__Output>
      ForwardedDeleteTopicsResponse: MessageTypeDefinition<_samsa_v1_ForwardedDeleteTopicsResponse, _samsa_v1_ForwardedDeleteTopicsResponse__Output>
      ForwardedElectLeadersResponse: MessageTypeDefinition<_samsa_v1_ForwardedElectLeadersResponse, _samsa_v1_ForwardedElectLeadersResponse__Output>
      InitProducerIdRequest: MessageTypeDefinition<_samsa_v1_InitProducerIdRequest, _samsa_v1_InitProducerIdRequest__Output>
      InitProducerIdResponse: MessageTypeDefinition<_samsa_v1_InitProducerIdResponse, _samsa_v1_InitProducerIdResponse__Output>
      ListOffsetsPartition: MessageTypeDefinition<_samsa_v1_ListOffsetsPartition, _samsa_v1_ListOffsetsPartition__Output>
      ListOffsetsPartitionResponse: MessageTypeDefinition<_samsa_v1_ListOffsetsPartitionResponse, _samsa_v1_ListOffsetsPartitionResponse__Output>
      ListOffsetsRequest: MessageTypeDefinition<_samsa_v1_ListOffsetsRequest, _samsa_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_samsa_v1_ListOffsetsResponse, _samsa_v1_ListOffsetsResponse__Output>
      ListOffsetsTopic: MessageTypeDefinition<_samsa_v1_ListOffsetsTopic, _samsa_v1_ListOffsetsTopic__Output>
      ListOffsetsTopicResponse: MessageTypeDefinition<_samsa_v1_ListOffsetsTopicResponse, _samsa_v1_ListOffsetsTopicResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_samsa_v1_ListTopicsRequest, _samsa_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_samsa_v1_ListTopicsResponse, _samsa_v1_ListTopicsResponse__Output>
      MetadataEntry: MessageTypeDefinition<_samsa_v1_MetadataEntry, _samsa_v1_MetadataEntry__Output>
      MetadataRecord: MessageTypeDefinition<_samsa_v1_MetadataRecord, _samsa_v1_MetadataRecord__Output>
      MetadataRecordBatch: MessageTypeDefinition<_samsa_v1_MetadataRecordBatch, _samsa_v1_MetadataRecordBatch__Output>
      MetadataRequest: MessageTypeDefinition<_samsa_v1_MetadataRequest, _samsa_v1_MetadataRequest__Output>
      MetadataResponse: MessageTypeDefinition<_samsa_v1_MetadataResponse, _samsa_v1_MetadataResponse__Output>
      MetadataSnapshotChunk: MessageTypeDefinition<_samsa_v1_MetadataSnapshotChunk, _samsa_v1_MetadataSnapshotChunk__Output>
      PartitionChangedRecord: MessageTypeDefinition<_samsa_v1_PartitionChangedRecord, _samsa_v1_PartitionChangedRecord__Output>
      PartitionDescription: MessageTypeDefinition<_samsa_v1_PartitionDescription, _samsa_v1_PartitionDescription__Output>
      PartitionIsrChange: MessageTypeDefinition<_samsa_v1_PartitionIsrChange, _samsa_v1_PartitionIsrChange__Output>
      PartitionIsrResult: MessageTypeDefinition<_samsa_v1_PartitionIsrResult, _samsa_v1_PartitionIsrResult__Output>
      PartitionMetadata: MessageTypeDefinition<_samsa_v1_PartitionMetadata, _samsa_v1_PartitionMetadata__Output>
      ProducePartitionData: MessageTypeDefinition<_samsa_v1_ProducePartitionData, _samsa_v1_ProducePartitionData__Output>
      ProducePartitionResponse: MessageTypeDefinition<_samsa_v1_ProducePartitionResponse, _samsa_v1_ProducePartitionResponse__Output>
      ProduceRequest: MessageTypeDefinition<_samsa_v1_ProduceRequest, _samsa_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_samsa_v1_ProduceResponse, _samsa_v1_ProduceResponse__Output>
      ProduceTopicData: MessageTypeDefinition<_samsa_v1_ProduceTopicData, _samsa_v1_ProduceTopicData__Output>
      ProduceTopicResponse: MessageTypeDefinition<_samsa_v1_ProduceTopicResponse, _samsa_v1_ProduceTopicResponse__Output>
      ProducerIdsAllocatedRecord: MessageTypeDefinition<_samsa_v1_ProducerIdsAllocatedRecord, _samsa_v1_ProducerIdsAllocatedRecord__Output>
      QuorumVoter: MessageTypeDefinition<_samsa_v1_QuorumVoter, _samsa_v1_QuorumVoter__Output>
      RegisterBrokerRecord: MessageTypeDefinition<_samsa_v1_RegisterBrokerRecord, _samsa_v1_RegisterBrokerRecord__Output>
      RegisterBrokerRequest: MessageTypeDefinition<_samsa_v1_RegisterBrokerRequest, _samsa_v1_RegisterBrokerRequest__Output>
      RegisterBrokerResponse: MessageTypeDefinition<_samsa_v1_RegisterBrokerResponse, _samsa_v1_RegisterBrokerResponse__Output>
      RemoveVoterRequest: MessageTypeDefinition<_samsa_v1_RemoveVoterRequest, _samsa_v1_RemoveVoterRequest__Output>
      RemoveVoterResponse: MessageTypeDefinition<_samsa_v1_RemoveVoterResponse, _samsa_v1_RemoveVoterResponse__Output>
      ReplicaState: MessageTypeDefinition<_samsa_v1_ReplicaState, _samsa_v1_ReplicaState__Output>
      SamsaClient: SubtypeConstructor<typeof grpc.Client, _samsa_v1_SamsaClientClient> & { service: _samsa_v1_SamsaClientDefinition }
      TopicCreatedRecord: MessageTypeDefinition<_samsa_v1_TopicCreatedRecord, _samsa_v1_TopicCreatedRecord__Output>
      TopicDeletedRecord: MessageTypeDefinition<_samsa_v1_TopicDeletedRecord, _samsa_v1_TopicDeletedRecord__Output>
      TopicDescription: MessageTypeDefinition<_samsa_v1_TopicDescription, _samsa_v1_TopicDescription__Output>
      TopicListing: MessageTypeDefinition<_samsa_v1_TopicListing, _samsa_v1_TopicListing__Output>
      TopicMetadata: MessageTypeDefinition<_samsa_v1_TopicMetadata, _samsa_v1_TopicMetadata__Output>
      WatchMetadataRequest: MessageTypeDefinition<_samsa_v1_WatchMetadataRequest, _samsa_v1_WatchMetadataRequest__Output>
      WatchMetadataResponse: MessageTypeDefinition<_samsa_v1_WatchMetadataResponse, _samsa_v1_WatchMetadataResponse__Output>
    }
  }
}

