// Original file: proto/samsa/v1/client.proto

import type { BrokerMetadata as _samsa_v1_BrokerMetadata, BrokerMetadata__Output as _samsa_v1_BrokerMetadata__Output } from '../../samsa/v1/BrokerMetadata.js';
import type { TopicMetadata as _samsa_v1_TopicMetadata, TopicMetadata__Output as _samsa_v1_TopicMetadata__Output } from '../../samsa/v1/TopicMetadata.js';

export interface MetadataResponse {
  'cluster_id'?: (string);
  'controller_id'?: (number);
  'brokers'?: (_samsa_v1_BrokerMetadata)[];
  'topics'?: (_samsa_v1_TopicMetadata)[];
}

export interface MetadataResponse__Output {
  'cluster_id': (string);
  'controller_id': (number);
  'brokers': (_samsa_v1_BrokerMetadata__Output)[];
  'topics': (_samsa_v1_TopicMetadata__Output)[];
}
