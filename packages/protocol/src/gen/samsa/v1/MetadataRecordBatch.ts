// Original file: proto/samsa/v1/controller.proto

import type { MetadataEntry as _samsa_v1_MetadataEntry, MetadataEntry__Output as _samsa_v1_MetadataEntry__Output } from '../../samsa/v1/MetadataEntry.js';

export interface MetadataRecordBatch {
  'entries'?: (_samsa_v1_MetadataEntry)[];
}

export interface MetadataRecordBatch__Output {
  'entries': (_samsa_v1_MetadataEntry__Output)[];
}
