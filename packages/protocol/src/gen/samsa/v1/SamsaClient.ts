// Original file: proto/samsa/v1/client.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterConfigsRequest as _samsa_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _samsa_v1_AlterConfigsRequest__Output } from '../../samsa/v1/AlterConfigsRequest.js';
import type { AlterConfigsResponse as _samsa_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _samsa_v1_AlterConfigsResponse__Output } from '../../samsa/v1/AlterConfigsResponse.js';
import type { CreateTopicsRequest as _samsa_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _samsa_v1_CreateTopicsRequest__Output } from '../../samsa/v1/CreateTopicsRequest.js';
import type { CreateTopicsResponse as _samsa_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _samsa_v1_CreateTopicsResponse__Output } from '../../samsa/v1/CreateTopicsResponse.js';
import type { DeleteTopicsRequest as _samsa_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _samsa_v1_DeleteTopicsRequest__Output } from '../../samsa/v1/DeleteTopicsRequest.js';
import type { DeleteTopicsResponse as _samsa_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _samsa_v1_DeleteTopicsResponse__Output } from '../../samsa/v1/DeleteTopicsResponse.js';
import type { DescribeTopicsRequest as _samsa_v1_DescribeTopicsRequest, DescribeTopicsRequest__Output as _samsa_v1_DescribeTopicsRequest__Output } from '../../samsa/v1/DescribeTopicsRequest.js';
import type { DescribeTopicsResponse as _samsa_v1_DescribeTopicsResponse, DescribeTopicsResponse__Output as _samsa_v1_DescribeTopicsResponse__Output } from '../../samsa/v1/DescribeTopicsResponse.js';
import type { ElectLeadersRequest as _samsa_v1_ElectLeadersRequest, ElectLeadersRequest__Output as _samsa_v1_ElectLeadersRequest__Output } from '../../samsa/v1/ElectLeadersRequest.js';
import type { ElectLeadersResponse as _samsa_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _samsa_v1_ElectLeadersResponse__Output } from '../../samsa/v1/ElectLeadersResponse.js';
import type { FetchRequest as _samsa_v1_FetchRequest, FetchRequest__Output as _samsa_v1_FetchRequest__Output } from '../../samsa/v1/FetchRequest.js';
import type { FetchResponse as _samsa_v1_FetchResponse, FetchResponse__Output as _samsa_v1_FetchResponse__Output } from '../../samsa/v1/FetchResponse.js';
import type { InitProducerIdRequest as _samsa_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _samsa_v1_InitProducerIdRequest__Output } from '../../samsa/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _samsa_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _samsa_v1_InitProducerIdResponse__Output } from '../../samsa/v1/InitProducerIdResponse.js';
import type { ListOffsetsRequest as _samsa_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _samsa_v1_ListOffsetsRequest__Output } from '../../samsa/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _samsa_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _samsa_v1_ListOffsetsResponse__Output } from '../../samsa/v1/ListOffsetsResponse.js';
import type { ListTopicsRequest as _samsa_v1_ListTopicsRequest, ListTopicsRequest__Output as _samsa_v1_ListTopicsRequest__Output } from '../../samsa/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _samsa_v1_ListTopicsResponse, ListTopicsResponse__Output as _samsa_v1_ListTopicsResponse__Output } from '../../samsa/v1/ListTopicsResponse.js';
import type { MetadataRequest as _samsa_v1_MetadataRequest, MetadataRequest__Output as _samsa_v1_MetadataRequest__Output } from '../../samsa/v1/MetadataRequest.js';
import type { MetadataResponse as _samsa_v1_MetadataResponse, MetadataResponse__Output as _samsa_v1_MetadataResponse__Output } from '../../samsa/v1/MetadataResponse.js';
import type { ProduceRequest as _samsa_v1_ProduceRequest, ProduceRequest__Output as _samsa_v1_ProduceRequest__Output } from '../../samsa/v1/ProduceRequest.js';
import type { ProduceResponse as _samsa_v1_ProduceResponse, ProduceResponse__Output as _samsa_v1_ProduceResponse__Output } from '../../samsa/v1/ProduceResponse.js';

export interface SamsaClientClient extends grpc.Client {
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _samsa_v1_AlterConfigsRequest, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _samsa_v1_AlterConfigsRequest, callback: grpc.requestCallback<_samsa_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _samsa_v1_CreateTopicsRequest, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _samsa_v1_CreateTopicsRequest, callback: grpc.requestCallback<_samsa_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _samsa_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _samsa_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_samsa_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTopics(argument: _samsa_v1_DescribeTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _samsa_v1_DescribeTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _samsa_v1_DescribeTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopics(argument: _samsa_v1_DescribeTopicsRequest, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _samsa_v1_DescribeTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _samsa_v1_DescribeTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _samsa_v1_DescribeTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  describeTopics(argument: _samsa_v1_DescribeTopicsRequest, callback: grpc.requestCallback<_samsa_v1_DescribeTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  ElectLeaders(argument: _samsa_v1_ElectLeadersRequest, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  electLeaders(argument: _samsa_v1_ElectLeadersRequest, callback: grpc.requestCallback<_samsa_v1_ElectLeadersResponse__Output>): grpc.ClientUnaryCall;
  
  Fetch(argument: _samsa_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _samsa_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _samsa_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _samsa_v1_FetchRequest, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _samsa_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _samsa_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _samsa_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _samsa_v1_FetchRequest, callback: grpc.requestCallback<_samsa_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  FetchStream(argument: _samsa_v1_FetchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_FetchResponse__Output>;
  FetchStream(argument: _samsa_v1_FetchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_FetchResponse__Output>;
  fetchStream(argument: _samsa_v1_FetchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_FetchResponse__Output>;
  fetchStream(argument: _samsa_v1_FetchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_samsa_v1_FetchResponse__Output>;
  
  InitProducerId(argument: _samsa_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _samsa_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _samsa_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _samsa_v1_InitProducerIdRequest, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _samsa_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _samsa_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _samsa_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _samsa_v1_InitProducerIdRequest, callback: grpc.requestCallback<_samsa_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  
  ListOffsets(argument: _samsa_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _samsa_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _samsa_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _samsa_v1_ListOffsetsRequest, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _samsa_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _samsa_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _samsa_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _samsa_v1_ListOffsetsRequest, callback: grpc.requestCallback<_samsa_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _samsa_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _samsa_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _samsa_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _samsa_v1_ListTopicsRequest, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _samsa_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _samsa_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _samsa_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _samsa_v1_ListTopicsRequest, callback: grpc.requestCallback<_samsa_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  Metadata(argument: _samsa_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _samsa_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _samsa_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _samsa_v1_MetadataRequest, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _samsa_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _samsa_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _samsa_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _samsa_v1_MetadataRequest, callback: grpc.requestCallback<_samsa_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  
  Produce(argument: _samsa_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _samsa_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _samsa_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _samsa_v1_ProduceRequest, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _samsa_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _samsa_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _samsa_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _samsa_v1_ProduceRequest, callback: grpc.requestCallback<_samsa_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface SamsaClientHandlers extends grpc.UntypedServiceImplementation {
  AlterConfigs: grpc.handleUnaryCall<_samsa_v1_AlterConfigsRequest__Output, _samsa_v1_AlterConfigsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_samsa_v1_CreateTopicsRequest__Output, _samsa_v1_CreateTopicsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_samsa_v1_DeleteTopicsRequest__Output, _samsa_v1_DeleteTopicsResponse>;
  
  DescribeTopics: grpc.handleUnaryCall<_samsa_v1_DescribeTopicsRequest__Output, _samsa_v1_DescribeTopicsResponse>;
  
  ElectLeaders: grpc.handleUnaryCall<_samsa_v1_ElectLeadersRequest__Output, _samsa_v1_ElectLeadersResponse>;
  
  Fetch: grpc.handleUnaryCall<_samsa_v1_FetchRequest__Output, _samsa_v1_FetchResponse>;
  
  FetchStream: grpc.handleServerStreamingCall<_samsa_v1_FetchRequest__Output, _samsa_v1_FetchResponse>;
  
  InitProducerId: grpc.handleUnaryCall<_samsa_v1_InitProducerIdRequest__Output, _samsa_v1_InitProducerIdResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_samsa_v1_ListOffsetsRequest__Output, _samsa_v1_ListOffsetsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_samsa_v1_ListTopicsRequest__Output, _samsa_v1_ListTopicsResponse>;
  
  Metadata: grpc.handleUnaryCall<_samsa_v1_MetadataRequest__Output, _samsa_v1_MetadataResponse>;
  
  Produce: grpc.handleUnaryCall<_samsa_v1_ProduceRequest__Output, _samsa_v1_ProduceResponse>;
  
}

export interface SamsaClientDefinition extends grpc.ServiceDefinition {
  AlterConfigs: MethodDefinition<_samsa_v1_AlterConfigsRequest, _samsa_v1_AlterConfigsResponse, _samsa_v1_AlterConfigsRequest__Output, _samsa_v1_AlterConfigsResponse__Output>
  CreateTopics: MethodDefinition<_samsa_v1_CreateTopicsRequest, _samsa_v1_CreateTopicsResponse, _samsa_v1_CreateTopicsRequest__Output, _samsa_v1_CreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_samsa_v1_DeleteTopicsRequest, _samsa_v1_DeleteTopicsResponse, _samsa_v1_DeleteTopicsRequest__Output, _samsa_v1_DeleteTopicsResponse__Output>
  DescribeTopics: MethodDefinition<_samsa_v1_DescribeTopicsRequest, _samsa_v1_DescribeTopicsResponse, _samsa_v1_DescribeTopicsRequest__Output, _samsa_v1_DescribeTopicsResponse__Output>
  ElectLeaders: MethodDefinition<_samsa_v1_ElectLeadersRequest, _samsa_v1_ElectLeadersResponse, _samsa_v1_ElectLeadersRequest__Output, _samsa_v1_ElectLeadersResponse__Output>
  Fetch: MethodDefinition<_samsa_v1_FetchRequest, _samsa_v1_FetchResponse, _samsa_v1_FetchRequest__Output, _samsa_v1_FetchResponse__Output>
  FetchStream: MethodDefinition<_samsa_v1_FetchRequest, _samsa_v1_FetchResponse, _samsa_v1_FetchRequest__Output, _samsa_v1_FetchResponse__Output>
  InitProducerId: MethodDefinition<_samsa_v1_InitProducerIdRequest, _samsa_v1_InitProducerIdResponse, _samsa_v1_InitProducerIdRequest__Output, _samsa_v1_InitProducerIdResponse__Output>
  ListOffsets: MethodDefinition<_samsa_v1_ListOffsetsRequest, _samsa_v1_ListOffsetsResponse, _samsa_v1_ListOffsetsRequest__Output, _samsa_v1_ListOffsetsResponse__Output>
  ListTopics: MethodDefinition<_samsa_v1_ListTopicsRequest, _samsa_v1_ListTopicsResponse, _samsa_v1_ListTopicsRequest__Output, _samsa_v1_ListTopicsResponse__Output>
  Metadata: MethodDefinition<_samsa_v1_MetadataRequest, _samsa_v1_MetadataResponse, _samsa_v1_MetadataRequest__Output, _samsa_v1_MetadataResponse__Output>
  Produce: MethodDefinition<_samsa_v1_ProduceRequest, _samsa_v1_ProduceResponse, _samsa_v1_ProduceRequest__Output, _samsa_v1_ProduceResponse__Output>
}
