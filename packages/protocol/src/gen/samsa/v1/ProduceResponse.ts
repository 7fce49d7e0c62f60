// Original file: proto/samsa/v1/client.proto

import type { ProduceTopicResponse as _samsa_v1_ProduceTopicResponse, ProduceTopicResponse__Output as _samsa_v1_ProduceTopicResponse__Output } from '../../samsa/v1/ProduceTopicResponse.js';

export interface ProduceResponse {
  'topics'?: (_samsa_v1_ProduceTopicResponse)[];
}

export interface ProduceResponse__Output {
  'topics': (_samsa_v1_ProduceTopicResponse__Output)[];
}
