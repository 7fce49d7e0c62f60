// Original file: proto/samsa/v1/controller.proto


export interface BrokerEndpoint {
  'name'?: (string);
  'host'?: (string);
  'port'?: (number);
}

export interface BrokerEndpoint__Output {
  'name': (string);
  'host': (string);
  'port': (number);
}
