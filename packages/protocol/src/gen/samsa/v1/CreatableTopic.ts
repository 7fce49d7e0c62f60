// Original file: proto/samsa/v1/client.proto


export interface CreatableTopic {
  'name'?: (string);
  'num_partitions'?: (number);
  'replication_factor'?: (number);
  'configs'?: ({[key: string]: string});
}

export interface CreatableTopic__Output {
  'name': (string);
  'num_partitions': (number);
  'replication_factor': (number);
  'configs': ({[key: string]: string});
}
