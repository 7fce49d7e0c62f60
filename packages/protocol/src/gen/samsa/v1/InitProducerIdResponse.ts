// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';
import type { Long } from '@grpc/proto-loader';

export interface InitProducerIdResponse {
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'producer_id'?: (number | string | Long);
  'producer_epoch'?: (number);
}

export interface InitProducerIdResponse__Output {
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'producer_id': (string);
  'producer_epoch': (number);
}
