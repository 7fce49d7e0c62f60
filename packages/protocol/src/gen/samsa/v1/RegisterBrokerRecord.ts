// Original file: proto/samsa/v1/controller.proto

import type { BrokerEndpoint as _samsa_v1_BrokerEndpoint, BrokerEndpoint__Output as _samsa_v1_BrokerEndpoint__Output } from '../../samsa/v1/BrokerEndpoint.js';

export interface RegisterBrokerRecord {
  'broker_id'?: (number);
  'incarnation_id'?: (string);
  'endpoints'?: (_samsa_v1_BrokerEndpoint)[];
  'rack'?: (string);
  'fenced'?: (boolean);
}

export interface RegisterBrokerRecord__Output {
  'broker_id': (number);
  'incarnation_id': (string);
  'endpoints': (_samsa_v1_BrokerEndpoint__Output)[];
  'rack': (string);
  'fenced': (boolean);
}
