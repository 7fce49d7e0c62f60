// Original file: proto/samsa/v1/client.proto

import type { TopicDescription as _samsa_v1_TopicDescription, TopicDescription__Output as _samsa_v1_TopicDescription__Output } from '../../samsa/v1/TopicDescription.js';

export interface DescribeTopicsResponse {
  'topics'?: (_samsa_v1_TopicDescription)[];
}

export interface DescribeTopicsResponse__Output {
  'topics': (_samsa_v1_TopicDescription__Output)[];
}
