// Original file: proto/samsa/v1/client.proto

import type { FetchPartitionResponse as _samsa_v1_FetchPartitionResponse, FetchPartitionResponse__Output as _samsa_v1_FetchPartitionResponse__Output } from '../../samsa/v1/FetchPartitionResponse.js';

export interface FetchTopicResponse {
  'name'?: (string);
  'partitions'?: (_samsa_v1_FetchPartitionResponse)[];
}

export interface FetchTopicResponse__Output {
  'name': (string);
  'partitions': (_samsa_v1_FetchPartitionResponse__Output)[];
}
