// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { ReplicaState as _samsa_v1_ReplicaState, ReplicaState__Output as _samsa_v1_ReplicaState__Output } from '../../samsa/v1/ReplicaState.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionDescription {
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'leader_id'?: (number);
  'leader_epoch'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
  'log_start_offset'?: (number | string | Long);
  'high_watermark'?: (number | string | Long);
  'log_end_offset'?: (number | string | Long);
  'size_bytes'?: (number | string | Long);
  'replica_states'?: (_samsa_v1_ReplicaState)[];
}

export interface PartitionDescription__Output {
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'leader_id': (number);
  'leader_epoch': (number);
  'replicas': (number)[];
  'isr': (number)[];
  'log_start_offset': (string);
  'high_watermark': (string);
  'log_end_offset': (string);
  'size_bytes': (string);
  'replica_states': (_samsa_v1_ReplicaState__Output)[];
}
