// Original file: proto/samsa/v1/replication.proto


export interface ReplicaPartitionRef {
  'topic_id'?: (Buffer | Uint8Array | string);
  'partition'?: (number);
}

export interface ReplicaPartitionRef__Output {
  'topic_id': (Buffer);
  'partition': (number);
}
