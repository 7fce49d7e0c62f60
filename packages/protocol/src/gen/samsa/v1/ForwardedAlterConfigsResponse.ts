// Original file: proto/samsa/v1/controller.proto

import type { AlterConfigsResponse as _samsa_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _samsa_v1_AlterConfigsResponse__Output } from '../../samsa/v1/AlterConfigsResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface ForwardedAlterConfigsResponse {
  'response'?: (_samsa_v1_AlterConfigsResponse | null);
  'metadata_offset'?: (number | string | Long);
}

export interface ForwardedAlterConfigsResponse__Output {
  'response': (_samsa_v1_AlterConfigsResponse__Output | null);
  'metadata_offset': (string);
}
