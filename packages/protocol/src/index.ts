// @samsa/protocol: the wire contract. Loads proto/, re-exports the generated message types, the
// typed error codes, offset conversions, topic ids and the record batch codec.
export type * from './gen/index.js';
export type { ProtoGrpcType as ClientProtoGrpcType } from './gen/client.js';
export type { SamsaClientClient, SamsaClientHandlers } from './gen/samsa/v1/SamsaClient.js';
export type { ProtoGrpcType as ControllerProtoGrpcType } from './gen/controller.js';
export type { ControllerServiceClient, ControllerServiceHandlers } from './gen/samsa/v1/ControllerService.js';
export { ErrorCode, ERRORS, SamsaError, assert, errorFromCode, isErrorCodeName, isSamsaError } from './errors.js';
export type { ErrorCodeName, ErrorInfo } from './errors.js';
export type { Clock, TimerHandle } from './clock.js';
export { int64ToNumber, numberToInt64, ListOffsetsTimestamp } from './offsets.js';
export type { Offset } from './offsets.js';
export { TOPIC_ID_BYTES, newTopicId, topicIdFromString, topicIdToString } from './topic-id.js';
export { GRPC_CHANNEL_OPTIONS, GRPC_MESSAGE_BYTES_MAX, PROTO_LOADER_OPTIONS, loadClientProto, loadControllerProto, loadReplicationProto, protoDir } from './grpc.js';
export { decodeMetadataRecord, encodeMetadataRecord } from './metadata-records.js';
export {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  BATCH_MAGIC,
  BatchAttributes,
  BatchField,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  batchCrcMatches,
  batchLastOffset,
  batchSize,
  decodeRecords,
  encodeBatch,
  iterateBatches,
  readBatchHeader,
  stampBatch,
  validateBatches,
  varintSize,
} from './batch.js';
export type { BatchHeader, DecodedRecord, EncodeBatchOptions, RecordHeader, RecordInput, ValidateLimits, ValidatedBatch } from './batch.js';
