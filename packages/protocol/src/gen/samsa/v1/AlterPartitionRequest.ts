// Original file: proto/samsa/v1/controller.proto

import type { PartitionIsrChange as _samsa_v1_PartitionIsrChange, PartitionIsrChange__Output as _samsa_v1_PartitionIsrChange__Output } from '../../samsa/v1/PartitionIsrChange.js';
import type { Long } from '@grpc/proto-loader';

export interface AlterPartitionRequest {
  'broker_id'?: (number);
  'broker_epoch'?: (number | string | Long);
  'partitions'?: (_samsa_v1_PartitionIsrChange)[];
}

export interface AlterPartitionRequest__Output {
  'broker_id': (number);
  'broker_epoch': (string);
  'partitions': (_samsa_v1_PartitionIsrChange__Output)[];
}
