// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface ProducerIdsAllocatedRecord {
  'broker_id'?: (number);
  'first_producer_id'?: (number | string | Long);
  'block_size'?: (number);
}

export interface ProducerIdsAllocatedRecord__Output {
  'broker_id': (number);
  'first_producer_id': (string);
  'block_size': (number);
}
