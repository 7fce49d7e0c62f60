// Original file: proto/samsa/v1/quorum.proto

import type { RaftMessage as _samsa_v1_RaftMessage, RaftMessage__Output as _samsa_v1_RaftMessage__Output } from '../../samsa/v1/RaftMessage.js';

export interface RaftBatch {
  'cluster_id'?: (string);
  'from_directory_id'?: (string);
  'to_directory_id'?: (string);
  'messages'?: (_samsa_v1_RaftMessage)[];
  'from_replaces'?: (string);
}

export interface RaftBatch__Output {
  'cluster_id': (string);
  'from_directory_id': (string);
  'to_directory_id': (string);
  'messages': (_samsa_v1_RaftMessage__Output)[];
  'from_replaces': (string);
}
