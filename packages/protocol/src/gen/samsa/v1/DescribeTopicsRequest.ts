// Original file: proto/samsa/v1/client.proto


export interface DescribeTopicsRequest {
  'names'?: (string)[];
}

export interface DescribeTopicsRequest__Output {
  'names': (string)[];
}
