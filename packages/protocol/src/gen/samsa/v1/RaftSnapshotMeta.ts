// Original file: proto/samsa/v1/quorum.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftSnapshotMeta {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'voters'?: (number)[];
}

export interface RaftSnapshotMeta__Output {
  'index': (string);
  'term': (string);
  'voters': (number)[];
}
