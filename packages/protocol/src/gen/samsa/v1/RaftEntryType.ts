// Original file: proto/samsa/v1/quorum.proto

export const RaftEntryType = {
  RAFT_ENTRY_TYPE_UNSPECIFIED: 'RAFT_ENTRY_TYPE_UNSPECIFIED',
  RAFT_ENTRY_NORMAL: 'RAFT_ENTRY_NORMAL',
  RAFT_ENTRY_CONF_CHANGE: 'RAFT_ENTRY_CONF_CHANGE',
  RAFT_ENTRY_EMPTY: 'RAFT_ENTRY_EMPTY',
} as const;

export type RaftEntryType =
  | 'RAFT_ENTRY_TYPE_UNSPECIFIED'
  | 0
  | 'RAFT_ENTRY_NORMAL'
  | 1
  | 'RAFT_ENTRY_CONF_CHANGE'
  | 2
  | 'RAFT_ENTRY_EMPTY'
  | 3

export type RaftEntryType__Output = typeof RaftEntryType[keyof typeof RaftEntryType]
