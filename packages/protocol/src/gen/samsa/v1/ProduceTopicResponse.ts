// Original file: proto/samsa/v1/client.proto

import type { ProducePartitionResponse as _samsa_v1_ProducePartitionResponse, ProducePartitionResponse__Output as _samsa_v1_ProducePartitionResponse__Output } from '../../samsa/v1/ProducePartitionResponse.js';

export interface ProduceTopicResponse {
  'name'?: (string);
  'partitions'?: (_samsa_v1_ProducePartitionResponse)[];
}

export interface ProduceTopicResponse__Output {
  'name': (string);
  'partitions': (_samsa_v1_ProducePartitionResponse__Output)[];
}
