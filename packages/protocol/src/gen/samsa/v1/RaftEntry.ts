// Original file: proto/samsa/v1/quorum.proto

import type { RaftEntryType as _samsa_v1_RaftEntryType, RaftEntryType__Output as _samsa_v1_RaftEntryType__Output } from '../../samsa/v1/RaftEntryType.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftEntry {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'type'?: (_samsa_v1_RaftEntryType);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftEntry__Output {
  'index': (string);
  'term': (string);
  'type': (_samsa_v1_RaftEntryType__Output);
  'data': (Buffer);
}
