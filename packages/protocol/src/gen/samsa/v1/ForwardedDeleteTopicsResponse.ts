// Original file: proto/samsa/v1/controller.proto

import type { DeleteTopicsResponse as _samsa_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _samsa_v1_DeleteTopicsResponse__Output } from '../../samsa/v1/DeleteTopicsResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface ForwardedDeleteTopicsResponse {
  'response'?: (_samsa_v1_DeleteTopicsResponse | null);
  'metadata_offset'?: (number | string | Long);
}

export interface ForwardedDeleteTopicsResponse__Output {
  'response': (_samsa_v1_DeleteTopicsResponse__Output | null);
  'metadata_offset': (string);
}
