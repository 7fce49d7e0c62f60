// Original file: proto/samsa/v1/controller.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddVoterRequest as _samsa_v1_AddVoterRequest, AddVoterRequest__Output as _samsa_v1_AddVoterRequest__Output } from '../../samsa/v1/AddVoterRequest.js';
import type { AddVoterResponse as _samsa_v1_AddVoterResponse, AddVoterResponse__Output as _samsa_v1_AddVoterResponse__Output } from '../../samsa/v1/AddVoterResponse.js';
import type { AllocateProducerIdsRequest as _samsa_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _samsa_v1_AllocateProducerIdsRequest__Output } from '../../samsa/v1/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponse as _samsa_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _samsa_v1_AllocateProducerIdsResponse__Output } from '../../samsa/v1/AllocateProducerIdsResponse.js';
import type { AlterConfigsRequest as _samsa_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _samsa_v1_AlterConfigsRequest__Output } from '../../samsa/v1/AlterConfigsRequest.js';
import type { AlterPartitionRequest as _samsa_v1_AlterPartitionRequest, AlterPartitionRequest__Output as _samsa_v1_AlterPartitionRequest__Output } from '../../samsa/v1/AlterPartitionRequest.js';
import type { AlterPartitionResponse as _samsa_v1_AlterPartitionResponse, AlterPartitionResponse__Output as _samsa_v1_AlterPartitionResponse__Output } from '../../samsa/v1/AlterPartitionResponse.js';
import type { BrokerHeartbeatRequest as _samsa_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _samsa_v1_BrokerHeartbeatRequest__Output } from '../../samsa/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse as _samsa_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _samsa_v1_BrokerHeartbeatResponse__Output } from '../../samsa/v1/BrokerHeartbeatResponse.js';
import type { CreateTopicsRequest as _samsa_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _samsa_v1_CreateTopicsRequest__Output } from '../../samsa/v1/CreateTopicsRequest.js';
import type { DeleteTopicsRequest as _samsa_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _samsa_v1_DeleteTopicsRequest__Output } from '../../samsa/v1/DeleteTopicsRequest.js';
import type { DescribeQuorumRequest as _samsa_v1_DescribeQuorumRequest, DescribeQuorumRequest__Output as _samsa_v1_DescribeQuorumRequest__Output } from '../../samsa/v1/DescribeQuorumRequest.js';
import type { DescribeQuorumResponse as _samsa_v1_DescribeQuorumResponse, DescribeQuorumResponse__Output as _samsa_v1_DescribeQuorumResponse__Output } from '../../samsa/v1/DescribeQuorumResponse.js';
import type { ElectLeadersRequest as _samsa_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _samsa_v1_ElectLeadersRequest__Output } from '../../samsa/v1/ElectLeadersRequest.js';
import type { ForwardedAlterConfigsResponse as _samsa_v1_ForwardedAlterConfigsResponse, ForwardedAlterConfigsResponse__Output as _samsa_v1_ForwardedAlterConfigsResponse__Output } from '../../samsa/v1/ForwardedAlterConfigsResponse.js';
import type { ForwardedCreateTopicsResponse as _samsa_v1_ForwardedCreateTopicsResponse, ForwardedCreateTopicsResponse__Output as _samsa_v1_ForwardedCreateTopicsResponse__Output } from '../../samsa/v1/ForwardedCreateTopicsResponse.js';
import type { ForwardedDeleteTopicsResponse as _samsa_v1_ForwardedDeleteTopicsResponse, ForwardedDeleteTopicsResponse__Output as _samsa_v1_ForwardedDeleteTopicsResponse__Output } from '../../samsa/v1/ForwardedDeleteTopicsResponse.js';
import type { ForwardedElectLeadersResponse as _samsa_v1_ForwardedElectLeadersResponse, ForwardedElectLeadersResponse__Output as _samsa_v1_ForwardedElectLeadersResponse__Output } from '../../samsa/v1/ForwardedElectLeadersResponse.js';
import type { RegisterBrokerRequest as _samsa_v1_RegisterBrokerRequest, RegisterBrokerRequest__Output as _samsa_v1_RegisterBrokerRequest__Output } from '../../samsa/v1/RegisterBrokerRequest.js';
import type { RegisterBrokerResponse as _samsa_v1_RegisterBrokerResponse, RegisterBrokerResponse__Output as _samsa_v1_RegisterBrokerResponse__Output } from '../../samsa/v1/RegisterBrokerResponse.js';
import type { RemoveVoterRequest as _samsa_v1_RemoveVoterRequest, RemoveVoterRequest__Output as _samsa_v1_RemoveVoterRequest__Output } from '../../samsa/v1/RemoveVoterRequest.js';
import type { RemoveVoterResponse as _samsa_v1_RemoveVoterResponse, RemoveVoterResponse__Output as _samsa_v1_RemoveVoterResponse__Output } from '../../samsa/v1/RemoveVoterResponse.js';
import type { WatchMetadataRequest as _samsa_v1_WatchMetadataRequest, WatchMetadataRequest__Output as _samsa_v1_WatchMetadataRequest__Output } from '../../samsa/v1/WatchMetadataRequest.js';
import type { WatchMetadataResponse as _samsa_v1_WatchMetadataResponse, WatchMetadataResponse__Output as _samsa_v1_WatchMetadataResponse__Output } from '../../samsa/v1/WatchMetadataResponse.js';

export interface ControllerServiceClient extends grpc.Client {
  AddVoter(argument: _samsa_v1_AddVoterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  AddVoter(argument: _samsa_v1_AddVoterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  AddVoter(argument: _samsa_v1_AddVoterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  AddVoter(argument: _samsa_v1_AddVoterRequest, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _samsa_v1_AddVoterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _samsa_v1_AddVoterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _samsa_v1_AddVoterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  addVoter(argument: _samsa_v1_AddVoterRequest, callback: grpc.requestCallback<_samsa_v1_AddVoterResponse__Output>): grpc.ClientUnaryCall;
  
  AllocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _samsa_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_samsa_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedAlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterPartition(argument: _samsa_v1_AlterPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _samsa_v1_AlterPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _samsa_v1_AlterPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _samsa_v1_AlterPartitionRequest, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _samsa_v1_AlterPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _samsa_v1_AlterPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _samsa_v1_AlterPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _samsa_v1_AlterPartitionRequest, callback: grpc.requestCallback<_samsa_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedCreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedDeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeQuorum(argument: _samsa_v1_DescribeQuorumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  DescribeQuorum(argument: _samsa_v1_DescribeQuorumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  DescribeQuorum(argument: _samsa_v1_DescribeQuorumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  DescribeQuorum(argument: _samsa_v1_DescribeQuorumRequest, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _samsa_v1_DescribeQuorumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _samsa_v1_DescribeQuorumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _samsa_v1_DescribeQuorumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _samsa_v1_DescribeQuorumRequest, callback: grpc.requestCallback<_samsa_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, callback: grpc.requestCallback<_samsa_v1_ForwardedElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_BrokerHeartbeatRequest, _samsa_v1_BrokerHeartbeatResponse__Output>;
  Heartbeat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_BrokerHeartbeatRequest, _samsa_v1_BrokerHeartbeatResponse__Output>;
  heartbeat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_BrokerHeartbeatRequest, _samsa_v1_BrokerHeartbeatResponse__Output>;
  heartbeat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_BrokerHeartbeatRequest, _samsa_v1_BrokerHeartbeatResponse__Output>;
  
  RegisterBroker(argument: _samsa_v1_RegisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  RegisterBroker(argument: _samsa_v1_RegisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  RegisterBroker(argument: _samsa_v1_RegisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  RegisterBroker(argument: _samsa_v1_RegisterBrokerRequest, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _samsa_v1_RegisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _samsa_v1_RegisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _samsa_v1_RegisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _samsa_v1_RegisterBrokerRequest, callback: grpc.requestCallback<_samsa_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveVoter(argument: _samsa_v1_RemoveVoterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  RemoveVoter(argument: _samsa_v1_RemoveVoterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  RemoveVoter(argument: _samsa_v1_RemoveVoterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  RemoveVoter(argument: _samsa_v1_RemoveVoterRequest, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  removeVoter(argument: _samsa_v1_RemoveVoterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  removeVoter(argument: _samsa_v1_RemoveVoterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  removeVoter(argument: _samsa_v1_RemoveVoterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  removeVoter(argument: _samsa_v1_RemoveVoterRequest, callback: grpc.requestCallback<_samsa_v1_RemoveVoterResponse__Output>): grpc.ClientUnaryCall;
  
  WatchMetadata(argument: _samsa_v1_WatchMetadataRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_WatchMetadataResponse__Output>;
  WatchMetadata(argument: _samsa_v1_WatchMetadataRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_WatchMetadataResponse__Output>;
  watchMetadata(argument: _samsa_v1_WatchMetadataRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_WatchMetadataResponse__Output>;
  watchMetadata(argument: _samsa_v1_WatchMetadataRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_WatchMetadataResponse__Output>;
  
}

export interface ControllerServiceHandlers extends grpc.UntypedServiceImplementation {
  AddVoter: grpc.handleUnaryCall<_samsa_v1_AddVoterRequest__Output, _samsa_v1_AddVoterResponse>;
  
  AllocateProducerIds: grpc.handleUnaryCall<_samsa_v1_AllocateProducerIdsRequest__Output, _samsa_v1_AllocateProducerIdsResponse>;
  
  AlterConfigs: grpc.handleUnaryCall<_samsa_v1_AlterConfigsRequest__Output, _samsa_v1_ForwardedAlterConfigsResponse>;
  
  AlterPartition: grpc.handleUnaryCall<_samsa_v1_AlterPartitionRequest__Output, _samsa_v1_AlterPartitionResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_samsa_v1_CreateTopicsRequest__Output, _samsa_v1_ForwardedCreateTopicsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_samsa_v1_DeleteTopicsRequest__Output, _samsa_v1_ForwardedDeleteTopicsResponse>;
  
  DescribeQuorum: grpc.handleUnaryCall<_samsa_v1_DescribeQuorumRequest__Output, _samsa_v1_DescribeQuorumResponse>;
  
  ElectLeaders: grpc.handleUnaryCall<_samsa_v1_ElectLeadersRequest__Output, _samsa_v1_ForwardedElectLeadersResponse>;
  
  Heartbeat: grpc.handleBidiStreamingCall<_samsa_v1_BrokerHeartbeatRequest__Output, _samsa_v1_BrokerHeartbeatResponse>;
  
  RegisterBroker: grpc.handleUnaryCall<_samsa_v1_RegisterBrokerRequest__Output, _samsa_v1_RegisterBrokerResponse>;
  
  RemoveVoter: grpc.handleUnaryCall<_samsa_v1_RemoveVoterRequest__Output, _samsa_v1_RemoveVoterResponse>;
  
  WatchMetadata: grpc.handleServerStreamingCall<_samsa_v1_WatchMetadataRequest__Output, _samsa_v1_WatchMetadataResponse>;
  
}

export interface ControllerServiceDefinition extends grpc.ServiceDefinition {
  AddVoter: MethodDefinition<_samsa_v1_AddVoterRequest, _samsa_v1_AddVoterResponse, _samsa_v1_AddVoterRequest__Output, _samsa_v1_AddVoterResponse__Output>
  AllocateProducerIds: MethodDefinition<_samsa_v1_AllocateProducerIdsRequest, _samsa_v1_AllocateProducerIdsResponse, _samsa_v1_AllocateProducerIdsRequest__Output, _samsa_v1_AllocateProducerIdsResponse__Output>
  AlterConfigs: MethodDefinition<_samsa_v1_AlterConfigsRequest, _samsa_v1_ForwardedAlterConfigsResponse, _samsa_v1_AlterConfigsRequest__Output, _samsa_v1_ForwardedAlterConfigsResponse__Output>
  AlterPartition: MethodDefinition<_samsa_v1_AlterPartitionRequest, _samsa_v1_AlterPartitionResponse, _samsa_v1_AlterPartitionRequest__Output, _samsa_v1_AlterPartitionResponse__Output>
  CreateTopics: MethodDefinition<_samsa_v1_CreateTopicsRequest, _samsa_v1_ForwardedCreateTopicsResponse, _samsa_v1_CreateTopicsRequest__Output, _samsa_v1_ForwardedCreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_samsa_v1_DeleteTopicsRequest, _samsa_v1_ForwardedDeleteTopicsResponse, _samsa_v1_DeleteTopicsRequest__Output, _samsa_v1_ForwardedDeleteTopicsResponse__Output>
  DescribeQuorum: MethodDefinition<_samsa_v1_DescribeQuorumRequest, _samsa_v1_DescribeQuorumResponse, _samsa_v1_DescribeQuorumRequest__Output, _samsa_v1_DescribeQuorumResponse__Output>
  ElectLeaders: MethodDefinition<_samsa_v1_ElectLeadersRequest, _samsa_v1_ForwardedElectLeadersResponse, _samsa_v1_ElectLeadersRequest__Output, _samsa_v1_ForwardedElectLeadersResponse__Output>
  Heartbeat: MethodDefinition<_samsa_v1_BrokerHeartbeatRequest, _samsa_v1_BrokerHeartbeatResponse, _samsa_v1_BrokerHeartbeatRequest__Output, _samsa_v1_BrokerHeartbeatResponse__Output>
  RegisterBroker: MethodDefinition<_samsa_v1_RegisterBrokerRequest, _samsa_v1_RegisterBrokerResponse, _samsa_v1_RegisterBrokerRequest__Output, _samsa_v1_RegisterBrokerResponse__Output>
  RemoveVoter: MethodDefinition<_samsa_v1_RemoveVoterRequest, _samsa_v1_RemoveVoterResponse, _samsa_v1_RemoveVoterRequest__Output, _samsa_v1_RemoveVoterResponse__Output>
  WatchMetadata: MethodDefinition<_samsa_v1_WatchMetadataRequest, _samsa_v1_WatchMetadataResponse, _samsa_v1_WatchMetadataRequest__Output, _samsa_v1_WatchMetadataResponse__Output>
}
