// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface AllocateProducerIdsResponse {
  'first_producer_id'?: (number | string | Long);
  'block_size'?: (number);
}

export interface AllocateProducerIdsResponse__Output {
  'first_producer_id': (string);
  'block_size': (number);
}
