// Original file: proto/samsa/v1/client.proto


export interface MetadataRequest {
  'topics'?: (string)[];
}

export interface MetadataRequest__Output {
  'topics': (string)[];
}
