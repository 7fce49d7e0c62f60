// Original file: proto/samsa/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartition {
  'topic_id'?: (Buffer | Uint8Array | string);
  'partition'?: (number);
  'current_leader_epoch'?: (number);
  'fetch_offset'?: (number | string | Long);
  'last_fetched_epoch'?: (number);
  'log_start_offset'?: (number | string | Long);
}

export interface ReplicaFetchPartition__Output {
  'topic_id': (Buffer);
  'partition': (number);
  'current_leader_epoch': (number);
  'fetch_offset': (string);
  'last_fetched_epoch': (number);
  'log_start_offset': (string);
}
