// Original file: proto/samsa/v1/quorum.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RaftBatch as _samsa_v1_RaftBatch, RaftBatch__Output as _samsa_v1_RaftBatch__Output } from '../../samsa/v1/RaftBatch.js';
import type { RaftIdentifyRequest as _samsa_v1_RaftIdentifyRequest, RaftIdentifyRequest__Output as _samsa_v1_RaftIdentifyRequest__Output } from '../../samsa/v1/RaftIdentifyRequest.js';
import type { RaftIdentifyResponse as _samsa_v1_RaftIdentifyResponse, RaftIdentifyResponse__Output as _samsa_v1_RaftIdentifyResponse__Output } from '../../samsa/v1/RaftIdentifyResponse.js';
import type { RaftSendResponse as _samsa_v1_RaftSendResponse, RaftSendResponse__Output as _samsa_v1_RaftSendResponse__Output } from '../../samsa/v1/RaftSendResponse.js';

export interface RaftQuorumClient extends grpc.Client {
  Identify(argument: _samsa_v1_RaftIdentifyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  Identify(argument: _samsa_v1_RaftIdentifyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  Identify(argument: _samsa_v1_RaftIdentifyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  Identify(argument: _samsa_v1_RaftIdentifyRequest, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  identify(argument: _samsa_v1_RaftIdentifyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  identify(argument: _samsa_v1_RaftIdentifyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  identify(argument: _samsa_v1_RaftIdentifyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  identify(argument: _samsa_v1_RaftIdentifyRequest, callback: grpc.requestCallback<_samsa_v1_RaftIdentifyResponse__Output>): grpc.ClientUnaryCall;
  
  Send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  Send(metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  Send(options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  Send(callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  send(metadata: grpc.Metadata, callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  send(options: grpc.CallOptions, callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  send(callback: grpc.requestCallback<_samsa_v1_RaftSendResponse__Output>): grpc.ClientWritableStream<_samsa_v1_RaftBatch>;
  
}

export interface RaftQuorumHandlers extends grpc.UntypedServiceImplementation {
  Identify: grpc.handleUnaryCall<_samsa_v1_RaftIdentifyRequest__Output, _samsa_v1_RaftIdentifyResponse>;
  
  Send: grpc.handleClientStreamingCall<_samsa_v1_RaftBatch__Output, _samsa_v1_RaftSendResponse>;
  
}

export interface RaftQuorumDefinition extends grpc.ServiceDefinition {
  Identify: MethodDefinition<_samsa_v1_RaftIdentifyRequest, _samsa_v1_RaftIdentifyResponse, _samsa_v1_RaftIdentifyRequest__Output, _samsa_v1_RaftIdentifyResponse__Output>
  Send: MethodDefinition<_samsa_v1_RaftBatch, _samsa_v1_RaftSendResponse, _samsa_v1_RaftBatch__Output, _samsa_v1_RaftSendResponse__Output>
}
