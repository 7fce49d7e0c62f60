// Metadata and topic administration. Reads answer from the metadata image this node follows (its
// metadata cache); changes go to the active controller (ControllerGateway: locally, or forwarded),
// which answers once its records are committed, and then wait until this node's image and its
// reconciler have them, so that a topic is ready to take writes (and a deleted one's logs are
// gone) here when the call returns.
import { describeTopicConfigs, replicationFactorOf } from '@samsa/controller';
import type { MetadataImage, TopicImage } from '@samsa/controller';
import type {
  AlterConfigsRequest__Output,
  AlterConfigsResponse,
  CreateTopicsRequest__Output,
  CreateTopicsResponse,
  DeleteTopicsRequest__Output,
  DeleteTopicsResponse,
  DescribeTopicsRequest__Output,
  DescribeTopicsResponse,
  ElectLeadersRequest__Output,
  ElectLeadersResponse,
  ListTopicsRequest__Output,
  ListTopicsResponse,
  MetadataRequest__Output,
  MetadataResponse,
  PartitionDescription,
  TopicDescription,
  TopicMetadata,
} from '@samsa/protocol';
import type { BrokerContext } from './context.js';
import { waitForIndex } from './metadata-view.js';

const EMPTY = Buffer.alloc(0);
/** The endpoint clients use, among a broker's registered endpoints. */
export const CLIENT_ENDPOINT = 'client';

/** The topics a request names (deduplicated, in order), or all of them when it names none. */
function selectTopics(image: MetadataImage, names: readonly string[], includeInternal = true): (TopicImage | string)[] {
  if (names.length === 0) return [...image.topicsByName.values()].filter((t) => includeInternal || !t.internal).sort((a, b) => a.name.localeCompare(b.name));
  return [...new Set(names)].map((n) => image.topicsByName.get(n) ?? n);
}

export function metadata(ctx: BrokerContext, req: MetadataRequest__Output): MetadataResponse {
  const image = ctx.metadata.image;
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
  return { cluster_id: image.clusterId, controller_id: ctx.controller.activeControllerId(), brokers, topics };
}

export function listTopics(ctx: BrokerContext, req: ListTopicsRequest__Output): ListTopicsResponse {
  const topics = selectTopics(ctx.metadata.image, [], req.include_internal) as TopicImage[];
  return {
    topics: topics.map((t) => ({ name: t.name, topic_id: t.id, num_partitions: t.partitions.length, replication_factor: replicationFactorOf(t), internal: t.internal })),
  };
}

export function describeTopics(ctx: BrokerContext, req: DescribeTopicsRequest__Output): DescribeTopicsResponse {
  const image = ctx.metadata.image;
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
        replica_states: [],
      };
      // Offsets and size come from this node's replica; another broker's partition has none here.
      if (!p.replicas.includes(ctx.nodeId)) return d;
      const hosted = ctx.registry.get(t.idString, partition);
      const log = hosted?.current;
      if (hosted?.failure !== undefined || log?.offline === true) return { ...d, error_code: 'KAFKA_STORAGE_ERROR' };
      if (log === undefined) return { ...d, error_code: 'REPLICA_NOT_AVAILABLE' };
      // The leader also knows where each follower is (as of its last fetch).
      const leader = hosted?.leader;
      const replicaStates =
        leader === undefined
          ? []
          : p.replicas.map((id) => ({
              broker_id: id,
              log_end_offset: id === ctx.nodeId ? log.logEndOffset : (leader.follower(id)?.logEndOffset ?? -1),
              in_sync: leader.isr.includes(id),
            }));
      return { ...d, log_start_offset: log.logStartOffset, high_watermark: log.highWatermark, log_end_offset: log.logEndOffset, size_bytes: log.sizeBytes, replica_states: replicaStates };
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

/**
 * How long an admin answer waits for the committed change to reach this node. Past it the change
 * is still committed (the answer is true); this node is just behind the quorum's log.
 */
export const SETTLE_WAIT_MS_MAX = 10_000;

/** Waits (bounded) until this node's image and reconciler have `offset`, so the change is in effect here. */
async function settle(ctx: BrokerContext, offset: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SETTLE_WAIT_MS_MAX)));
  try {
    const settled = (async (): Promise<'settled'> => {
      await waitForIndex(ctx.metadata, offset, ctx.stopSignal);
      await ctx.reconciler.waitFor(offset);
      return 'settled';
    })();
    if ((await Promise.race([settled, timedOut])) === 'timeout') {
      settled.catch(() => {});
      ctx.log.warn({ offset, appliedIndex: ctx.metadata.image.appliedIndex, waitedMs: SETTLE_WAIT_MS_MAX }, 'a committed admin change has not reached this node; answering without it');
    }
  } finally {
    clearTimeout(timer);
  }
}

export async function createTopics(ctx: BrokerContext, req: CreateTopicsRequest__Output): Promise<CreateTopicsResponse> {
  const { response, offset } = await ctx.controller.createTopics(req);
  await settle(ctx, offset);
  return response;
}

export async function deleteTopics(ctx: BrokerContext, req: DeleteTopicsRequest__Output): Promise<DeleteTopicsResponse> {
  const { response, offset } = await ctx.controller.deleteTopics(req);
  await settle(ctx, offset);
  return response;
}

/** ElectLeaders: to the active controller; answered once this node's image has the outcome. */
export async function electLeaders(ctx: BrokerContext, req: ElectLeadersRequest__Output): Promise<ElectLeadersResponse> {
  const { response, offset } = await ctx.controller.electLeaders(req);
  await settle(ctx, offset);
  return response;
}

export async function alterConfigs(ctx: BrokerContext, req: AlterConfigsRequest__Output): Promise<AlterConfigsResponse> {
  const { response, offset } = await ctx.controller.alterConfigs(req);
  await settle(ctx, offset);
  return response;
}
