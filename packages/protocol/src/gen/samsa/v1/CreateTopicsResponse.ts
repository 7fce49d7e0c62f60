// Original file: proto/samsa/v1/client.proto

import type { CreateTopicResult as _samsa_v1_CreateTopicResult, CreateTopicResult__Output as _samsa_v1_CreateTopicResult__Output } from '../../samsa/v1/CreateTopicResult.js';

export interface CreateTopicsResponse {
  'results'?: (_samsa_v1_CreateTopicResult)[];
}

export interface CreateTopicsResponse__Output {
  'results': (_samsa_v1_CreateTopicResult__Output)[];
}
