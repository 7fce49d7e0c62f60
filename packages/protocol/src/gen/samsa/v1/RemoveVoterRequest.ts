// Original file: proto/samsa/v1/controller.proto


export interface RemoveVoterRequest {
  'node_id'?: (number);
}

export interface RemoveVoterRequest__Output {
  'node_id': (number);
}
