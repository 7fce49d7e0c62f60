// Original file: proto/samsa/v1/controller.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerHeartbeatResponse {
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'fenced'?: (boolean);
  'controller_id'?: (number);
  'metadata_offset'?: (number | string | Long);
  'should_shut_down'?: (boolean);
}

export interface BrokerHeartbeatResponse__Output {
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'fenced': (boolean);
  'controller_id': (number);
  'metadata_offset': (string);
  'should_shut_down': (boolean);
}
