// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { PartitionDescription as _samsa_v1_PartitionDescription, PartitionDescription__Output as _samsa_v1_PartitionDescription__Output } from '../../samsa/v1/PartitionDescription.js';
import type { ConfigEntry as _samsa_v1_ConfigEntry, ConfigEntry__Output as _samsa_v1_ConfigEntry__Output } from '../../samsa/v1/ConfigEntry.js';

export interface TopicDescription {
  'name'?: (string);
  'topic_id'?: (Buffer | Uint8Array | string);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'internal'?: (boolean);
  'partitions'?: (_samsa_v1_PartitionDescription)[];
  'configs'?: (_samsa_v1_ConfigEntry)[];
}

export interface TopicDescription__Output {
  'name': (string);
  'topic_id': (Buffer);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'internal': (boolean);
  'partitions': (_samsa_v1_PartitionDescription__Output)[];
  'configs': (_samsa_v1_ConfigEntry__Output)[];
}
