// Original file: proto/samsa/v1/client.proto


export interface BrokerMetadata {
  'node_id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'fenced'?: (boolean);
}

export interface BrokerMetadata__Output {
  'node_id': (number);
  'host': (string);
  'port': (number);
  'fenced': (boolean);
}
