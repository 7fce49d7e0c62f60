// Original file: proto/samsa/v1/replication.proto

import type { ReplicaFetchPartition as _samsa_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _samsa_v1_ReplicaFetchPartition__Output } from '../../samsa/v1/ReplicaFetchPartition.js';
import type { ReplicaPartitionRef as _samsa_v1_ReplicaPartitionRef, ReplicaPartitionRef__Output as _samsa_v1_ReplicaPartitionRef__Output } from '../../samsa/v1/ReplicaPartitionRef.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchRequest {
  'replica_id'?: (number);
  'broker_epoch'?: (number | string | Long);
  'cluster_id'?: (string);
  'max_wait_ms'?: (number);
  'min_bytes'?: (number);
  'max_bytes'?: (number);
  'partitions'?: (_samsa_v1_ReplicaFetchPartition)[];
  'forgotten'?: (_samsa_v1_ReplicaPartitionRef)[];
}

export interface ReplicaFetchRequest__Output {
  'replica_id': (number);
  'broker_epoch': (string);
  'cluster_id': (string);
  'max_wait_ms': (number);
  'min_bytes': (number);
  'max_bytes': (number);
  'partitions': (_samsa_v1_ReplicaFetchPartition__Output)[];
  'forgotten': (_samsa_v1_ReplicaPartitionRef__Output)[];
}
