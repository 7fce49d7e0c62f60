// Original file: proto/samsa/v1/client.proto

import type { CreatableTopic as _samsa_v1_CreatableTopic, CreatableTopic__Output as _samsa_v1_CreatableTopic__Output } from '../../samsa/v1/CreatableTopic.js';

export interface CreateTopicsRequest {
  'topics'?: (_samsa_v1_CreatableTopic)[];
  'validate_only'?: (boolean);
  'timeout_ms'?: (number);
}

export interface CreateTopicsRequest__Output {
  'topics': (_samsa_v1_CreatableTopic__Output)[];
  'validate_only': (boolean);
  'timeout_ms': (number);
}
