// Original file: proto/samsa/v1/client.proto


export interface AlterConfigsRequest {
  'topic'?: (string);
  'set'?: ({[key: string]: string});
  'delete'?: (string)[];
  'validate_only'?: (boolean);
  'broker'?: (string);
}

export interface AlterConfigsRequest__Output {
  'topic': (string);
  'set': ({[key: string]: string});
  'delete': (string)[];
  'validate_only': (boolean);
  'broker': (string);
}
