// Original file: proto/samsa/v1/client.proto


export interface ConfigEntry {
  'name'?: (string);
  'value'?: (string);
  'is_default'?: (boolean);
}

export interface ConfigEntry__Output {
  'name': (string);
  'value': (string);
  'is_default': (boolean);
}
