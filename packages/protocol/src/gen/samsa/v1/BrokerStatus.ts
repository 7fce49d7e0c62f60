// Original file: proto/samsa/v1/controller.proto

import type { BrokerEndpoint as _samsa_v1_BrokerEndpoint, BrokerEndpoint__Output as _samsa_v1_BrokerEndpoint__Output } from '../../samsa/v1/BrokerEndpoint.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerStatus {
  'broker_id'?: (number);
  'incarnation_id'?: (string);
  'broker_epoch'?: (number | string | Long);
  'endpoints'?: (_samsa_v1_BrokerEndpoint)[];
  'rack'?: (string);
  'fenced'?: (boolean);
  'alive'?: (boolean);
  'applied_offset'?: (number | string | Long);
  'last_heartbeat_age_ms'?: (number | string | Long);
  'leader_count'?: (number);
  'replica_count'?: (number);
}

export interface BrokerStatus__Output {
  'broker_id': (number);
  'incarnation_id': (string);
  'broker_epoch': (string);
  'endpoints': (_samsa_v1_BrokerEndpoint__Output)[];
  'rack': (string);
  'fenced': (boolean);
  'alive': (boolean);
  'applied_offset': (string);
  'last_heartbeat_age_ms': (string);
  'leader_count': (number);
  'replica_count': (number);
}
