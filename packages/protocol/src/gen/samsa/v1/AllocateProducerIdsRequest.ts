// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface AllocateProducerIdsRequest {
  'broker_id'?: (number);
  'broker_epoch'?: (number | string | Long);
}

export interface AllocateProducerIdsRequest__Output {
  'broker_id': (number);
  'broker_epoch': (string);
}
