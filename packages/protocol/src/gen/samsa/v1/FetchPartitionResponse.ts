// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { Long } from '@grpc/proto-loader';

export interface FetchPartitionResponse {
  'partition'?: (number);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'high_watermark'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  'records'?: (Buffer | Uint8Array | string);
  'leader_id'?: (number);
  'leader_epoch'?: (number);
  'next_fetch_offset'?: (number | string | Long);
}

export interface FetchPartitionResponse__Output {
  'partition': (number);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'high_watermark': (string);
  'log_start_offset': (string);
  'records': (Buffer);
  'leader_id': (number);
  'leader_epoch': (number);
  'next_fetch_offset': (string);
}
