// Original file: proto/samsa/v1/replication.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { ReplicaFetchPartitionResponse as _samsa_v1_ReplicaFetchPartitionResponse, ReplicaFetchPartitionResponse__Output as _samsa_v1_ReplicaFetchPartitionResponse__Output } from '../../samsa/v1/ReplicaFetchPartitionResponse.js';

export interface ReplicaFetchResponse {
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'partitions'?: (_samsa_v1_ReplicaFetchPartitionResponse)[];
}

export interface ReplicaFetchResponse__Output {
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'partitions': (_samsa_v1_ReplicaFetchPartitionResponse__Output)[];
}
