// Original file: proto/samsa/v1/client.proto


export interface TopicListing {
  'name'?: (string);
  'topic_id'?: (Buffer | Uint8Array | string);
  'num_partitions'?: (number);
  'replication_factor'?: (number);
  'internal'?: (boolean);
}

export interface TopicListing__Output {
  'name': (string);
  'topic_id': (Buffer);
  'num_partitions': (number);
  'replication_factor': (number);
  'internal': (boolean);
}
