// Original file: proto/samsa/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchPartition {
  'partition'?: (number);
  'fetch_offset'?: (number | string | Long);
  'partition_max_bytes'?: (number);
  'current_leader_epoch'?: (number);
}

export interface FetchPartition__Output {
  'partition': (number);
  'fetch_offset': (string);
  'partition_max_bytes': (number);
  'current_leader_epoch': (number);
}
