// Original file: proto/samsa/v1/client.proto

import type { TopicListing as _samsa_v1_TopicListing, TopicListing__Output as _samsa_v1_TopicListing__Output } from '../../samsa/v1/TopicListing.js';

export interface ListTopicsResponse {
  'topics'?: (_samsa_v1_TopicListing)[];
}

export interface ListTopicsResponse__Output {
  'topics': (_samsa_v1_TopicListing__Output)[];
}
