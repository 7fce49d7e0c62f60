// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface BrokerHeartbeatRequest {
  'broker_id'?: (number);
  'incarnation_id'?: (string);
  'broker_epoch'?: (number | string | Long);
  'applied_offset'?: (number | string | Long);
  'want_shut_down'?: (boolean);
}

export interface BrokerHeartbeatRequest__Output {
  'broker_id': (number);
  'incarnation_id': (string);
  'broker_epoch': (string);
  'applied_offset': (string);
  'want_shut_down': (boolean);
}
