// Original file: proto/samsa/v1/controller.proto


export interface BrokerFencedRecord {
  'broker_id'?: (number);
  'incarnation_id'?: (string);
}

export interface BrokerFencedRecord__Output {
  'broker_id': (number);
  'incarnation_id': (string);
}
