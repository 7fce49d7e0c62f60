// Original file: proto/samsa/v1/client.proto

import type { FetchPartition as _samsa_v1_FetchPartition, FetchPartition__Output as _samsa_v1_FetchPartition__Output } from '../../samsa/v1/FetchPartition.js';

export interface FetchTopic {
  'name'?: (string);
  'partitions'?: (_samsa_v1_FetchPartition)[];
}

export interface FetchTopic__Output {
  'name': (string);
  'partitions': (_samsa_v1_FetchPartition__Output)[];
}
