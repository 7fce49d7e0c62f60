// Original file: proto/samsa/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface MetadataSnapshotChunk {
  'offset'?: (number | string | Long);
  'total_bytes'?: (number | string | Long);
  'position'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
  'last'?: (boolean);
}

export interface MetadataSnapshotChunk__Output {
  'offset': (string);
  'total_bytes': (string);
  'position': (string);
  'data': (Buffer);
  'last': (boolean);
}
