// Original file: proto/samsa/v1/client.proto


export interface ListTopicsRequest {
  'include_internal'?: (boolean);
}

export interface ListTopicsRequest__Output {
  'include_internal': (boolean);
}
