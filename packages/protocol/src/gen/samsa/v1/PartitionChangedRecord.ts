// Original file: proto/samsa/v1/controller.proto


export interface PartitionChangedRecord {
  'topic_id'?: (Buffer | Uint8Array | string);
  'partition'?: (number);
  'replicas'?: (number)[];
  'leader_id'?: (number);
  'leader_epoch'?: (number);
  'isr'?: (number)[];
  'partition_epoch'?: (number);
}

export interface PartitionChangedRecord__Output {
  'topic_id': (Buffer);
  'partition': (number);
  'replicas': (number)[];
  'leader_id': (number);
  'leader_epoch': (number);
  'isr': (number)[];
  'partition_epoch': (number);
}
