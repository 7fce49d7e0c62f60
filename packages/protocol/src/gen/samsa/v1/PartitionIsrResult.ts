// Original file: proto/samsa/v1/controller.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';

export interface PartitionIsrResult {
  'topic_id'?: (Buffer | Uint8Array | string);
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'leader_id'?: (number);
  'leader_epoch'?: (number);
  'isr'?: (number)[];
  'partition_epoch'?: (number);
}

export interface PartitionIsrResult__Output {
  'topic_id': (Buffer);
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'leader_id': (number);
  'leader_epoch': (number);
  'isr': (number)[];
  'partition_epoch': (number);
}
