// Original file: proto/samsa/v1/controller.proto

import type { BrokerEndpoint as _samsa_v1_BrokerEndpoint, BrokerEndpoint__Output as _samsa_v1_BrokerEndpoint__Output } from '../../samsa/v1/BrokerEndpoint.js';

export interface RegisterBrokerRequest {
  'cluster_id'?: (string);
  'broker_id'?: (number);
  'incarnation_id'?: (string);
  'endpoints'?: (_samsa_v1_BrokerEndpoint)[];
  'rack'?: (string);
}

export interface RegisterBrokerRequest__Output {
  'cluster_id': (string);
  'broker_id': (number);
  'incarnation_id': (string);
  'endpoints': (_samsa_v1_BrokerEndpoint__Output)[];
  'rack': (string);
}
