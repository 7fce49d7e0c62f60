// Metadata and topic administration. Reads answer from the metadata image (the broker's metadata
// cache); changes go through the controller frontend, which answers once its records are
// committed and applied, and then wait for this node's reconciler, so that a topic is ready to
// take writes (and a deleted one's logs are gone) when the call returns.
import { describeTopicConfigs, replicationFactorOf } from '@samsa/controller';
import type { CreateTopicSpec, MetadataImage, TopicImage } from '@samsa/controller';
import type {
  AlterConfigsRequest__Output,
  AlterConfigsResponse,
  CreateTopicsRequest__Output,
  CreateTopicsResponse,
  DeleteTopicsRequest__Output,
  DeleteTopicsResponse,
  DescribeTopicsRequest__Output,
  DescribeTopicsResponse,
  ListTopicsRequest__Output,
  ListTopicsResponse,
  MetadataRequest__Output,
  MetadataResponse,
  PartitionDescription,
  TopicDescription,
  TopicMetadata,
} from '@samsa/protocol';
import type { BrokerContext } from './context.js';
import { asSamsaError, errorFields } from './errors.js';

const EMPTY = Buffer.alloc(0);
/** The endpoint clients use, among a broker's registered endpoints. */
export const CLIENT_ENDPOINT = 'client';

/** The topics a request names (deduplicated, in order), or all of them when it names none. */
function selectTopics(image: MetadataImage, names: readonly string[], includeInternal = true): (TopicImage | string)[] {
  if (names.length === 0) return [...image.topicsByName.values()].filter((t) => includeInternal || !t.internal).sort((a, b) => a.name.localeCompare(b.name));
  return [...new Set(names)].map((n) => image.topicsByName.get(n) ?? n);
}

export function metadata(ctx: BrokerContext, req: MetadataRequest__Output): MetadataResponse {
  const image = ctx.metadataLog.image;
  const brokers = [...image.brokers.values()]
    .sort((a, b) => a.id - b.id)
    .map((b) => {
      const e = b.endpoints.find((x) => x.name === CLIENT_ENDPOINT) ?? b.endpoints[0];
      return { node_id: b.id, host: e?.host ?? '', port: e?.port ?? 0, fenced: b.fenced };
    });
  const topics = selectTopics(image, req.topics).map((t): TopicMetadata => {
    if (typeof t === 'string') return { name: t, topic_id: EMPTY, error_code: 'UNKNOWN_TOPIC_OR_PARTITION', partitions: [], internal: false };
    return {
      name: t.name,
      topic_id: t.id,
      error_code: 'NONE',
      internal: t.internal,
      partitions: t.partitions.map((p, partition) => ({
        partition,
        error_code: p.leaderId < 0 ? 'LEADER_NOT_AVAILABLE' : 'NONE',
        leader_id: p.leaderId,
        leader_epoch: p.leaderEpoch,
        replicas: [...p.replicas],
        isr: [...p.isr],
      })),
    };
  });
  // A cluster of one: this node is the active controller.
  return { cluster_id: image.clusterId, controller_id: ctx.nodeId, brokers, topics };
}

export function listTopics(ctx: BrokerContext, req: ListTopicsRequest__Output): ListTopicsResponse {
  const topics = selectTopics(ctx.metadataLog.image, [], req.include_internal) as TopicImage[];
  return {
    topics: topics.map((t) => ({ name: t.name, topic_id: t.id, num_partitions: t.partitions.length, replication_factor: replicationFactorOf(t), internal: t.internal })),
  };
}

export function describeTopics(ctx: BrokerContext, req: DescribeTopicsRequest__Output): DescribeTopicsResponse {
  const image = ctx.metadataLog.image;
  const topics = selectTopics(image, req.names).map((t): TopicDescription => {
    if (typeof t === 'string') {
      return { name: t, topic_id: EMPTY, error_code: 'UNKNOWN_TOPIC_OR_PARTITION', error_message: `topic ${JSON.stringify(t)} does not exist`, partitions: [], configs: [] };
    }
    const partitions = t.partitions.map((p, partition): PartitionDescription => {
      const d: PartitionDescription = {
        partition,
        error_code: 'NONE',
        leader_id: p.leaderId,
        leader_epoch: p.leaderEpoch,
        replicas: [...p.replicas],
        isr: [...p.isr],
        log_start_offset: -1,
        high_watermark: -1,
        log_end_offset: -1,
        size_bytes: -1,
      };
      // Offsets and size come from this node's replica; another broker's partition has none here.
      if (!p.replicas.includes(ctx.nodeId)) return d;
      const hosted = ctx.registry.get(t.idString, partition);
      const log = hosted?.current;
      if (hosted?.failure !== undefined || log?.offline === true) return { ...d, error_code: 'KAFKA_STORAGE_ERROR' };
      if (log === undefined) return { ...d, error_code: 'REPLICA_NOT_AVAILABLE' };
      return { ...d, log_start_offset: log.logStartOffset, high_watermark: log.highWatermark, log_end_offset: log.logEndOffset, size_bytes: log.sizeBytes };
    });
    return {
      name: t.name,
      topic_id: t.id,
      error_code: 'NONE',
      error_message: '',
      internal: t.internal,
      partitions,
      configs: describeTopicConfigs(t, ctx.config.maxMessageBytes).map((c) => ({ name: c.name, value: c.value, is_default: c.isDefault })),
    };
  });
  return { topics };
}

export async function createTopics(ctx: BrokerContext, req: CreateTopicsRequest__Output): Promise<CreateTopicsResponse> {
  const specs: CreateTopicSpec[] = req.topics.map((t) => ({ name: t.name, numPartitions: t.num_partitions, replicationFactor: t.replication_factor, configs: t.configs }));
  const outcomes = await ctx.frontend.createTopics(specs, { validateOnly: req.validate_only });
  await ctx.reconciler.waitFor(ctx.metadataLog.image.appliedIndex);
  return {
    results: outcomes.map((o) => ({
      name: o.name,
      topic_id: o.topicId ?? EMPTY,
      ...(o.error === undefined ? { error_code: 'NONE' as const, error_message: '' } : errorFields(o.error)),
      num_partitions: o.numPartitions,
      replication_factor: o.replicationFactor,
    })),
  };
}

export async function deleteTopics(ctx: BrokerContext, req: DeleteTopicsRequest__Output): Promise<DeleteTopicsResponse> {
  const outcomes = await ctx.frontend.deleteTopics(req.names);
  await ctx.reconciler.waitFor(ctx.metadataLog.image.appliedIndex);
  return { results: outcomes.map((o) => ({ name: o.name, ...(o.error === undefined ? { error_code: 'NONE' as const, error_message: '' } : errorFields(o.error)) })) };
}

export async function alterConfigs(ctx: BrokerContext, req: AlterConfigsRequest__Output): Promise<AlterConfigsResponse> {
  try {
    await ctx.frontend.alterConfigs(req.topic, { set: req.set, delete: req.delete }, { validateOnly: req.validate_only });
    await ctx.reconciler.waitFor(ctx.metadataLog.image.appliedIndex);
    return { topic: req.topic, error_code: 'NONE', error_message: '' };
  } catch (err) {
    return { topic: req.topic, ...errorFields(asSamsaError(err, ctx.log)) };
  }
}
