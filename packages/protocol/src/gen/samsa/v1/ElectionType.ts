// Original file: proto/samsa/v1/client.proto

export const ElectionType = {
  PREFERRED: 'PREFERRED',
  UNCLEAN: 'UNCLEAN',
} as const;

export type ElectionType =
  | 'PREFERRED'
  | 0
  | 'UNCLEAN'
  | 1

export type ElectionType__Output = typeof ElectionType[keyof typeof ElectionType]
