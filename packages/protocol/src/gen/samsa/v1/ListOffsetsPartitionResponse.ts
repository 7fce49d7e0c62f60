// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartitionResponse {
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'offset'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'leader_id'?: (number);
  'leader_epoch'?: (number);
}

export interface ListOffsetsPartitionResponse__Output {
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'offset': (string);
  'timestamp': (string);
  'leader_id': (number);
  'leader_epoch': (number);
}
