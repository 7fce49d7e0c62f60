// The metadata records: the entries of the metadata log (proto/samsa/v1/controller.proto). The
// types are the generated ones; this module adds their stable tags, constructors that fill every
// field, and the encode-decode normalisation the log applies, so that a record is applied in
// exactly the shape it will have when the log is replayed after a restart.
import { assert, decodeMetadataRecord, encodeMetadataRecord, topicIdToString } from '@samsa/protocol';
import type {
  BrokerEndpoint,
  MetadataRecord,
  MetadataRecord__Output,
  PartitionChangedRecord__Output,
} from '@samsa/protocol';

export type {
  BrokerEndpoint,
  BrokerEndpoint__Output,
  BrokerFencedRecord__Output,
  BrokerUnfencedRecord__Output,
  ConfigChangedRecord__Output,
  MetadataRecord,
  MetadataRecord__Output,
  PartitionChangedRecord__Output,
  ProducerIdsAllocatedRecord__Output,
  RegisterBrokerRecord__Output,
  TopicCreatedRecord__Output,
  TopicDeletedRecord__Output,
} from '@samsa/protocol';

/**
 * The stable tags of the record types: the field numbers of MetadataRecord's oneof. They are on
 * disk in every metadata log, so they are never renumbered or reused.
 */
export const RecordTag = Object.freeze({
  register_broker: 1,
  broker_fenced: 2,
  broker_unfenced: 3,
  topic_created: 4,
  topic_deleted: 5,
  partition_changed: 6,
  config_changed: 7,
  producer_ids_allocated: 8,
} as const);

export type RecordType = keyof typeof RecordTag;

const RECORD_TYPES = Object.keys(RecordTag) as RecordType[];

/** The one record type a MetadataRecord holds. A record with none or several set is a bug. */
export function recordType(record: MetadataRecord | MetadataRecord__Output): RecordType {
  let found: RecordType | undefined;
  for (const type of RECORD_TYPES) {
    if (record[type] !== undefined && record[type] !== null) {
      assert(found === undefined, `metadata record sets both ${found} and ${type}`);
      found = type;
    }
  }
  assert(found !== undefined, 'metadata record sets no record type');
  return found;
}

/** A partition's full state, as PartitionChanged carries it. */
export interface PartitionRecordFields {
  topicId: Buffer;
  partition: number;
  replicas: readonly number[];
  leaderId: number;
  leaderEpoch: number;
  isr: readonly number[];
  partitionEpoch: number;
}

/** Constructors that fill every field, so records are written in one canonical shape. */
export const Records = Object.freeze({
  registerBroker(f: { brokerId: number; incarnationId: string; endpoints: readonly BrokerEndpoint[]; rack?: string; fenced?: boolean }): MetadataRecord {
    return {
      register_broker: {
        broker_id: f.brokerId,
        incarnation_id: f.incarnationId,
        endpoints: f.endpoints.map((e) => ({ name: e.name ?? '', host: e.host ?? '', port: e.port ?? 0 })),
        rack: f.rack ?? '',
        fenced: f.fenced ?? true,
      },
    };
  },
  brokerFenced(brokerId: number, incarnationId: string): MetadataRecord {
    return { broker_fenced: { broker_id: brokerId, incarnation_id: incarnationId } };
  },
  brokerUnfenced(brokerId: number, incarnationId: string): MetadataRecord {
    return { broker_unfenced: { broker_id: brokerId, incarnation_id: incarnationId } };
  },
  topicCreated(f: { name: string; topicId: Buffer; configs?: Readonly<Record<string, string>>; internal?: boolean }): MetadataRecord {
    return { topic_created: { name: f.name, topic_id: f.topicId, configs: { ...(f.configs ?? {}) }, internal: f.internal ?? false } };
  },
  topicDeleted(topicId: Buffer, name: string): MetadataRecord {
    return { topic_deleted: { topic_id: topicId, name } };
  },
  partitionChanged(f: PartitionRecordFields): MetadataRecord {
    return {
      partition_changed: {
        topic_id: f.topicId,
        partition: f.partition,
        replicas: [...f.replicas],
        leader_id: f.leaderId,
        leader_epoch: f.leaderEpoch,
        isr: [...f.isr],
        partition_epoch: f.partitionEpoch,
      },
    };
  },
  configChanged(topicId: Buffer, set: Readonly<Record<string, string>>, deleted: readonly string[]): MetadataRecord {
    return { config_changed: { topic_id: topicId, set: { ...set }, deleted: [...deleted] } };
  },
  brokerConfigChanged(brokerId: number, set: Readonly<Record<string, string>>, deleted: readonly string[]): MetadataRecord {
    return { config_changed: { topic_id: Buffer.alloc(0), broker_id: brokerId, set: { ...set }, deleted: [...deleted] } };
  },
  producerIdsAllocated(brokerId: number, firstProducerId: number, blockSize: number): MetadataRecord {
    // A number, not the int64 string: the protobufjs verifier of encodeMetadataRecord rejects strings.
    return { producer_ids_allocated: { broker_id: brokerId, first_producer_id: firstProducerId, block_size: blockSize } };
  },
});

/**
 * The record as the log will hand it back after a restart: encoded then decoded. Applying this
 * form, never the caller's object, is what makes a live apply and a replay see the same input.
 */
export function normalizeRecord(record: MetadataRecord): { bytes: Buffer; record: MetadataRecord__Output } {
  const bytes = encodeMetadataRecord(record);
  return { bytes, record: decodeMetadataRecord(bytes) };
}

/** A compact, loggable summary of a record (topic ids as UUIDs, no buffers). */
export function describeRecord(record: MetadataRecord__Output): Record<string, unknown> {
  const type = recordType(record);
  switch (type) {
    case 'register_broker': {
      const r = record.register_broker!;
      return { type, brokerId: r.broker_id, incarnationId: r.incarnation_id, fenced: r.fenced };
    }
    case 'broker_fenced':
    case 'broker_unfenced': {
      const r = record[type]!;
      return { type, brokerId: r.broker_id, incarnationId: r.incarnation_id };
    }
    case 'topic_created': {
      const r = record.topic_created!;
      return { type, topic: r.name, topicId: safeTopicId(r.topic_id) };
    }
    case 'topic_deleted': {
      const r = record.topic_deleted!;
      return { type, topic: r.name, topicId: safeTopicId(r.topic_id) };
    }
    case 'partition_changed': {
      const r: PartitionChangedRecord__Output = record.partition_changed!;
      return { type, topicId: safeTopicId(r.topic_id), partition: r.partition, leaderId: r.leader_id, leaderEpoch: r.leader_epoch, partitionEpoch: r.partition_epoch };
    }
    case 'config_changed': {
      const r = record.config_changed!;
      return { type, topicId: safeTopicId(r.topic_id), set: Object.keys(r.set), deleted: r.deleted };
    }
    case 'producer_ids_allocated': {
      const r = record.producer_ids_allocated!;
      return { type, brokerId: r.broker_id, firstProducerId: r.first_producer_id, blockSize: r.block_size };
    }
  }
}

function safeTopicId(id: Buffer): string {
  return id.length === 16 ? topicIdToString(id) : `<${id.length} bytes>`;
}
