// Original file: proto/samsa/v1/replication.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { DivergingEpoch as _samsa_v1_DivergingEpoch, DivergingEpoch__Output as _samsa_v1_DivergingEpoch__Output } from '../../samsa/v1/DivergingEpoch.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartitionResponse {
  'topic_id'?: (Buffer | Uint8Array | string);
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'high_watermark'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  'log_end_offset'?: (number | string | Long);
  'records'?: (Buffer | Uint8Array | string);
  'diverging_epoch'?: (_samsa_v1_DivergingEpoch | null);
  'leader_epoch'?: (number);
}

export interface ReplicaFetchPartitionResponse__Output {
  'topic_id': (Buffer);
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'high_watermark': (string);
  'log_start_offset': (string);
  'log_end_offset': (string);
  'records': (Buffer);
  'diverging_epoch': (_samsa_v1_DivergingEpoch__Output | null);
  'leader_epoch': (number);
}
