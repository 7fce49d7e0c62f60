// Original file: proto/samsa/v1/replication.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReplicaFetchRequest as _samsa_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _samsa_v1_ReplicaFetchRequest__Output } from '../../samsa/v1/ReplicaFetchRequest.js';
import type { ReplicaFetchResponse as _samsa_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _samsa_v1_ReplicaFetchResponse__Output } from '../../samsa/v1/ReplicaFetchResponse.js';

export interface ReplicaServiceClient extends grpc.Client {
  Fetch(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_ReplicaFetchRequest, _samsa_v1_ReplicaFetchResponse__Output>;
  Fetch(options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_ReplicaFetchRequest, _samsa_v1_ReplicaFetchResponse__Output>;
  fetch(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_ReplicaFetchRequest, _samsa_v1_ReplicaFetchResponse__Output>;
  fetch(options?: grpc.CallOptions): grpc.ClientDuplexStream<_samsa_v1_ReplicaFetchRequest, _samsa_v1_ReplicaFetchResponse__Output>;
  
}

export interface ReplicaServiceHandlers extends grpc.UntypedServiceImplementation {
  Fetch: grpc.handleBidiStreamingCall<_samsa_v1_ReplicaFetchRequest__Output, _samsa_v1_ReplicaFetchResponse>;
  
}

export interface ReplicaServiceDefinition extends grpc.ServiceDefinition {
  Fetch: MethodDefinition<_samsa_v1_ReplicaFetchRequest, _samsa_v1_ReplicaFetchResponse, _samsa_v1_ReplicaFetchRequest__Output, _samsa_v1_ReplicaFetchResponse__Output>
}
