// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';

export interface PartitionMetadata {
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'leader_id'?: (number);
  'leader_epoch'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
}

export interface PartitionMetadata__Output {
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'leader_id': (number);
  'leader_epoch': (number);
  'replicas': (number)[];
  'isr': (number)[];
}
