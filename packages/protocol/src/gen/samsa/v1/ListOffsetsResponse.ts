// Original file: proto/samsa/v1/client.proto

import type { ListOffsetsTopicResponse as _samsa_v1_ListOffsetsTopicResponse, ListOffsetsTopicResponse__Output as _samsa_v1_ListOffsetsTopicResponse__Output } from '../../samsa/v1/ListOffsetsTopicResponse.js';

export interface ListOffsetsResponse {
  'topics'?: (_samsa_v1_ListOffsetsTopicResponse)[];
}

export interface ListOffsetsResponse__Output {
  'topics': (_samsa_v1_ListOffsetsTopicResponse__Output)[];
}
