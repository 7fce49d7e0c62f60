// Original file: proto/samsa/v1/client.proto

import type { ProduceTopicData as _samsa_v1_ProduceTopicData, ProduceTopicData__Output as _samsa_v1_ProduceTopicData__Output } from '../../samsa/v1/ProduceTopicData.js';

export interface ProduceRequest {
  'acks'?: (number);
  'timeout_ms'?: (number);
  'topics'?: (_samsa_v1_ProduceTopicData)[];
}

export interface ProduceRequest__Output {
  'acks': (number);
  'timeout_ms': (number);
  'topics': (_samsa_v1_ProduceTopicData__Output)[];
}
