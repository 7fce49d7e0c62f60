// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { Long } from '@grpc/proto-loader';

export interface ProducePartitionResponse {
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'base_offset'?: (number | string | Long);
  'log_append_time_ms'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  'leader_id'?: (number);
  'leader_epoch'?: (number);
}

export interface ProducePartitionResponse__Output {
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'base_offset': (string);
  'log_append_time_ms': (string);
  'log_start_offset': (string);
  'leader_id': (number);
  'leader_epoch': (number);
}
