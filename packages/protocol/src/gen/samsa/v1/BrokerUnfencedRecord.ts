// Original file: proto/samsa/v1/controller.proto


export interface BrokerUnfencedRecord {
  'broker_id'?: (number);
  'incarnation_id'?: (string);
}

export interface BrokerUnfencedRecord__Output {
  'broker_id': (number);
  'incarnation_id': (string);
}
