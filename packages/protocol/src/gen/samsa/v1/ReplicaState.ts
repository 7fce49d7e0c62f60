// Original file: proto/samsa/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaState {
  'broker_id'?: (number);
  'log_end_offset'?: (number | string | Long);
  'in_sync'?: (boolean);
}

export interface ReplicaState__Output {
  'broker_id': (number);
  'log_end_offset': (string);
  'in_sync': (boolean);
}
