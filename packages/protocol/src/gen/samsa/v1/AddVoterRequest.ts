// Original file: proto/samsa/v1/controller.proto


export interface AddVoterRequest {
  'node_id'?: (number);
  'address'?: (string);
}

export interface AddVoterRequest__Output {
  'node_id': (number);
  'address': (string);
}
