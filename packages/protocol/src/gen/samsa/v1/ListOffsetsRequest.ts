// Original file: proto/samsa/v1/client.proto

import type { ListOffsetsTopic as _samsa_v1_ListOffsetsTopic, ListOffsetsTopic__Output as _samsa_v1_ListOffsetsTopic__Output } from '../../samsa/v1/ListOffsetsTopic.js';

export interface ListOffsetsRequest {
  'topics'?: (_samsa_v1_ListOffsetsTopic)[];
}

export interface ListOffsetsRequest__Output {
  'topics': (_samsa_v1_ListOffsetsTopic__Output)[];
}
