// Original file: proto/samsa/v1/controller.proto


export interface QuorumVoter {
  'node_id'?: (number);
  'address'?: (string);
}

export interface QuorumVoter__Output {
  'node_id': (number);
  'address': (string);
}
