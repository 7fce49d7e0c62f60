// Original file: proto/samsa/v1/controller.proto

import type { CreateTopicsResponse as _samsa_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _samsa_v1_CreateTopicsResponse__Output } from '../../samsa/v1/CreateTopicsResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface ForwardedCreateTopicsResponse {
  'response'?: (_samsa_v1_CreateTopicsResponse | null);
  'metadata_offset'?: (number | string | Long);
}

export interface ForwardedCreateTopicsResponse__Output {
  'response': (_samsa_v1_CreateTopicsResponse__Output | null);
  'metadata_offset': (string);
}
