// Original file: proto/samsa/v1/client.proto


export interface ProducePartitionData {
  'partition'?: (number);
  'records'?: (Buffer | Uint8Array | string);
  'current_leader_epoch'?: (number);
}

export interface ProducePartitionData__Output {
  'partition': (number);
  'records': (Buffer);
  'current_leader_epoch': (number);
}
