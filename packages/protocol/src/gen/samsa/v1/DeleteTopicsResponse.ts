// Original file: proto/samsa/v1/client.proto

import type { DeleteTopicResult as _samsa_v1_DeleteTopicResult, DeleteTopicResult__Output as _samsa_v1_DeleteTopicResult__Output } from '../../samsa/v1/DeleteTopicResult.js';

export interface DeleteTopicsResponse {
  'results'?: (_samsa_v1_DeleteTopicResult)[];
}

export interface DeleteTopicsResponse__Output {
  'results': (_samsa_v1_DeleteTopicResult__Output)[];
}
