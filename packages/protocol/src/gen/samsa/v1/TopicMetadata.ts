// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { PartitionMetadata as _samsa_v1_PartitionMetadata, PartitionMetadata__Output as _samsa_v1_PartitionMetadata__Output } from '../../samsa/v1/PartitionMetadata.js';

export interface TopicMetadata {
  'name'?: (string);
  'topic_id'?: (Buffer | Uint8Array | string);
  'error_code'?: (_samsa_v1_ErrorCode);
  'partitions'?: (_samsa_v1_PartitionMetadata)[];
  'internal'?: (boolean);
}

export interface TopicMetadata__Output {
  'name': (string);
  'topic_id': (Buffer);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'partitions': (_samsa_v1_PartitionMetadata__Output)[];
  'internal': (boolean);
}
