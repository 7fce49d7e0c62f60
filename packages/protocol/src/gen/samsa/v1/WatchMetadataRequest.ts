// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchMetadataRequest {
  'from_offset'?: (number | string | Long);
  'broker_id'?: (number);
}

export interface WatchMetadataRequest__Output {
  'from_offset': (string);
  'broker_id': (number);
}
