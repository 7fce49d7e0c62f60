// Original file: proto/samsa/v1/controller.proto


export interface ConfigChangedRecord {
  'topic_id'?: (Buffer | Uint8Array | string);
  'set'?: ({[key: string]: string});
  'deleted'?: (string)[];
  'broker_id'?: (number);
}

export interface ConfigChangedRecord__Output {
  'topic_id': (Buffer);
  'set': ({[key: string]: string});
  'deleted': (string)[];
  'broker_id': (number);
}
