// Original file: proto/samsa/v1/controller.proto


export interface TopicDeletedRecord {
  'topic_id'?: (Buffer | Uint8Array | string);
  'name'?: (string);
}

export interface TopicDeletedRecord__Output {
  'topic_id': (Buffer);
  'name': (string);
}
