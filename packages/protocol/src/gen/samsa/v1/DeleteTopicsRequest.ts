// Original file: proto/samsa/v1/client.proto


export interface DeleteTopicsRequest {
  'names'?: (string)[];
  'timeout_ms'?: (number);
}

export interface DeleteTopicsRequest__Output {
  'names': (string)[];
  'timeout_ms': (number);
}
