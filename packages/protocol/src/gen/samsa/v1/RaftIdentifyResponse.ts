// Original file: proto/samsa/v1/quorum.proto


export interface RaftIdentifyResponse {
  'cluster_id'?: (string);
  'node_id'?: (number);
  'directory_id'?: (string);
  'replaces'?: (string);
}

export interface RaftIdentifyResponse__Output {
  'cluster_id': (string);
  'node_id': (number);
  'directory_id': (string);
  'replaces': (string);
}
