// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';

export interface CreateTopicResult {
  'name'?: (string);
  'topic_id'?: (Buffer | Uint8Array | string);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'num_partitions'?: (number);
  'replication_factor'?: (number);
}

export interface CreateTopicResult__Output {
  'name': (string);
  'topic_id': (Buffer);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'num_partitions': (number);
  'replication_factor': (number);
}
