// Original file: proto/samsa/v1/client.proto

import type { ListOffsetsPartition as _samsa_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _samsa_v1_ListOffsetsPartition__Output } from '../../samsa/v1/ListOffsetsPartition.js';

export interface ListOffsetsTopic {
  'name'?: (string);
  'partitions'?: (_samsa_v1_ListOffsetsPartition)[];
}

export interface ListOffsetsTopic__Output {
  'name': (string);
  'partitions': (_samsa_v1_ListOffsetsPartition__Output)[];
}
