// Original file: proto/samsa/v1/client.proto

import type { ProducePartitionData as _samsa_v1_ProducePartitionData, ProducePartitionData__Output as _samsa_v1_ProducePartitionData__Output } from '../../samsa/v1/ProducePartitionData.js';

export interface ProduceTopicData {
  'name'?: (string);
  'partitions'?: (_samsa_v1_ProducePartitionData)[];
}

export interface ProduceTopicData__Output {
  'name': (string);
  'partitions': (_samsa_v1_ProducePartitionData__Output)[];
}
