// Original file: proto/samsa/v1/client.proto

import type { FetchTopic as _samsa_v1_FetchTopic, FetchTopic__Output as _samsa_v1_FetchTopic__Output } from '../../samsa/v1/FetchTopic.js';

export interface FetchRequest {
  'max_wait_ms'?: (number);
  'min_bytes'?: (number);
  'max_bytes'?: (number);
  'topics'?: (_samsa_v1_FetchTopic)[];
}

export interface FetchRequest__Output {
  'max_wait_ms': (number);
  'min_bytes': (number);
  'max_bytes': (number);
  'topics': (_samsa_v1_FetchTopic__Output)[];
}
