// Original file: proto/samsa/v1/controller.proto


export interface TopicCreatedRecord {
  'name'?: (string);
  'topic_id'?: (Buffer | Uint8Array | string);
  'configs'?: ({[key: string]: string});
  'internal'?: (boolean);
}

export interface TopicCreatedRecord__Output {
  'name': (string);
  'topic_id': (Buffer);
  'configs': ({[key: string]: string});
  'internal': (boolean);
}
