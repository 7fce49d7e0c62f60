// Original file: proto/samsa/v1/quorum.proto

import type { RaftMessageType as _samsa_v1_RaftMessageType, RaftMessageType__Output as _samsa_v1_RaftMessageType__Output } from '../../samsa/v1/RaftMessageType.js';
import type { RaftEntry as _samsa_v1_RaftEntry, RaftEntry__Output as _samsa_v1_RaftEntry__Output } from '../../samsa/v1/RaftEntry.js';
import type { RaftSnapshotMeta as _samsa_v1_RaftSnapshotMeta, RaftSnapshotMeta__Output as _samsa_v1_RaftSnapshotMeta__Output } from '../../samsa/v1/RaftSnapshotMeta.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  'type'?: (_samsa_v1_RaftMessageType);
  'from'?: (number);
  'to'?: (number);
  'term'?: (number | string | Long);
  'index'?: (number | string | Long);
  'log_term'?: (number | string | Long);
  'entries'?: (_samsa_v1_RaftEntry)[];
  'commit'?: (number | string | Long);
  'reject'?: (boolean);
  'reject_hint'?: (number | string | Long);
  'reject_hint_term'?: (number | string | Long);
  'snapshot_meta'?: (_samsa_v1_RaftSnapshotMeta | null);
  'snapshot_offset'?: (number | string | Long);
  'snapshot_chunk'?: (Buffer | Uint8Array | string);
  'snapshot_done'?: (boolean);
  'transfer'?: (boolean);
}

export interface RaftMessage__Output {
  'type': (_samsa_v1_RaftMessageType__Output);
  'from': (number);
  'to': (number);
  'term': (string);
  'index': (string);
  'log_term': (string);
  'entries': (_samsa_v1_RaftEntry__Output)[];
  'commit': (string);
  'reject': (boolean);
  'reject_hint': (string);
  'reject_hint_term': (string);
  'snapshot_meta': (_samsa_v1_RaftSnapshotMeta__Output | null);
  'snapshot_offset': (string);
  'snapshot_chunk': (Buffer);
  'snapshot_done': (boolean);
  'transfer': (boolean);
}
