// The workload checker for cross-process and chaos tests: the pure checker and its summary, the
// SDK workload driver and the reader. See README.md.
export { VALUE_PREFIX, checkWorkload, encodeValue, formatReport, parseValue } from './checker.js';
export type {
  ChangedOffset,
  CheckCounts,
  CheckInput,
  CheckReport,
  DuplicateRecord,
  FormatOptions,
  IncompleteRead,
  MisplacedRecord,
  MissingRecord,
  OffsetChangeKind,
  OffsetGap,
  PartitionRead,
  PartitionReport,
  Position,
  ReadBack,
  ReadRecord,
  RecordId,
  Reordering,
  SendOutcome,
  SendRecord,
  SendRef,
  UnexpectedRecord,
} from './checker.js';
export { NOT_SETTLED, READ_DEFAULTS, UNKNOWN_OUTCOME_CODES, WORKLOAD_DEFAULTS, readBack, runWorkload, startWorkload, workloadKey } from './workload.js';
export type { ReadOptions, Workload, WorkloadOptions, WorkloadProgress, WorkloadResult } from './workload.js';
