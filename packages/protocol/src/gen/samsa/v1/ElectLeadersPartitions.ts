// Original file: proto/samsa/v1/client.proto


export interface ElectLeadersPartitions {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface ElectLeadersPartitions__Output {
  'topic': (string);
  'partitions': (number)[];
}
