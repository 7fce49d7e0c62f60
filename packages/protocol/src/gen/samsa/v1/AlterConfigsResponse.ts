// Original file: proto/samsa/v1/client.proto

import type { ErrorCode as _samsa_v1_ErrorCode, ErrorCode__Output as _samsa_v1_ErrorCode__Output } from '../../samsa/v1/ErrorCode.js';

export interface AlterConfigsResponse {
  'topic'?: (string);
  'error_code'?: (_samsa_v1_ErrorCode);
  'error_message'?: (string);
  'broker'?: (string);
}

export interface AlterConfigsResponse__Output {
  'topic': (string);
  'error_code': (_samsa_v1_ErrorCode__Output);
  'error_message': (string);
  'broker': (string);
}
