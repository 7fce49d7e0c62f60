// Original file: proto/samsa/v1/client.proto

import type { FetchTopicResponse as _samsa_v1_FetchTopicResponse, FetchTopicResponse__Output as _samsa_v1_FetchTopicResponse__Output } from '../../samsa/v1/FetchTopicResponse.js';

export interface FetchResponse {
  'topics'?: (_samsa_v1_FetchTopicResponse)[];
}

export interface FetchResponse__Output {
  'topics': (_samsa_v1_FetchTopicResponse__Output)[];
}
