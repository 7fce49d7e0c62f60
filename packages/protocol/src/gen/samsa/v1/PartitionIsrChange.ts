// Original file: proto/samsa/v1/controller.proto


export interface PartitionIsrChange {
  'topic_id'?: (Buffer | Uint8Array | string);
  'partition'?: (number);
  'leader_epoch'?: (number);
  'partition_epoch'?: (number);
  'new_isr'?: (number)[];
}

export interface PartitionIsrChange__Output {
  'topic_id': (Buffer);
  'partition': (number);
  'leader_epoch': (number);
  'partition_epoch': (number);
  'new_isr': (number)[];
}
