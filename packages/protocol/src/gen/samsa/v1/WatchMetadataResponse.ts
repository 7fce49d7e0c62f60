// Original file: proto/samsa/v1/controller.proto

import type { MetadataRecordBatch as _samsa_v1_MetadataRecordBatch, MetadataRecordBatch__Output as _samsa_v1_MetadataRecordBatch__Output } from '../../samsa/v1/MetadataRecordBatch.js';
import type { MetadataSnapshotChunk as _samsa_v1_MetadataSnapshotChunk, MetadataSnapshotChunk__Output as _samsa_v1_MetadataSnapshotChunk__Output } from '../../samsa/v1/MetadataSnapshotChunk.js';

export interface WatchMetadataResponse {
  'records'?: (_samsa_v1_MetadataRecordBatch | null);
  'snapshot'?: (_samsa_v1_MetadataSnapshotChunk | null);
  'event'?: "records"|"snapshot";
}

export interface WatchMetadataResponse__Output {
  'records'?: (_samsa_v1_MetadataRecordBatch__Output | null);
  'snapshot'?: (_samsa_v1_MetadataSnapshotChunk__Output | null);
  'event'?: "records"|"snapshot";
}
