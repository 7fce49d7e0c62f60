// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterBrokerResponse {
  'broker_epoch'?: (number | string | Long);
  'cluster_id'?: (string);
}

export interface RegisterBrokerResponse__Output {
  'broker_epoch': (string);
  'cluster_id': (string);
}
