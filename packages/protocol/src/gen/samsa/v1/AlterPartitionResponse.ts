// Original file: proto/samsa/v1/controller.proto

import type { PartitionIsrResult as _samsa_v1_PartitionIsrResult, PartitionIsrResult__Output as _samsa_v1_PartitionIsrResult__Output } from '../../samsa/v1/PartitionIsrResult.js';
import type { Long } from '@grpc/proto-loader';

export interface AlterPartitionResponse {
  'partitions'?: (_samsa_v1_PartitionIsrResult)[];
  'metadata_offset'?: (number | string | Long);
}

export interface AlterPartitionResponse__Output {
  'partitions': (_samsa_v1_PartitionIsrResult__Output)[];
  'metadata_offset': (string);
}
