// The admin client: topics, configs, offsets and the cluster's brokers. Whole-call failures that
// are retriable (no connection, not the controller) are retried; a per-topic error is the answer
// about that topic and rejects the call with that topic's code.
import { ListOffsetsTimestamp, SamsaError, errorFromCode, int64ToNumber, topicIdToString } from '@samsa/protocol';
import type { DescribeTopicsResponse__Output, ErrorCodeName, ListOffsetsResponse__Output } from '@samsa/protocol';
import type { Cluster, TopicInfo } from './cluster.js';
import type {
  AlterConfigsOptions,
  ClusterDescription,
  CreateTopicsOptions,
  CreatedTopic,
  DeleteTopicsOptions,
  PartitionOffset,
  PartitionOffsets,
  TopicDescription,
} from './types.js';
import { checkInteger, checkTopicName } from './validate.js';

/** How long a broker may take over a topic creation or deletion, unless the call says. */
const ADMIN_TIMEOUT_MS_DEFAULT = 30_000;

const topicIdString = (id: Buffer): string => (id.length === 16 ? topicIdToString(id) : '');

/** The first per-topic failure of a call, with every failure in its details. */
function rejectFailures(what: string, failures: { topic: string; error: SamsaError }[]): void {
  const first = failures[0];
  if (first === undefined) return;
  const message = failures.length === 1 ? first.error.message : `${what} failed for ${failures.length} topics: ${failures.map((f) => `${f.topic}: ${f.error.code}`).join(', ')}; first: ${first.error.message}`;
  throw new SamsaError(first.error.code, message, { cause: first.error, details: { topic: first.topic, failures: failures.map((f) => ({ topic: f.topic, code: f.error.code, message: f.error.message })) } });
}

export class Admin {
  private readonly cluster: Cluster;

  constructor(cluster: Cluster) {
    this.cluster = cluster;
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  async disconnect(): Promise<void> {
    this.cluster.disconnect();
  }

  /** Creates topics; rejects with the code of a topic that could not be created. */
  async createTopics(options: CreateTopicsOptions): Promise<CreatedTopic[]> {
    const timeoutMs = checkInteger('timeout', options.timeout ?? ADMIN_TIMEOUT_MS_DEFAULT, 1, 2_147_483_647);
    const topics = options.topics.map((t) => {
      checkTopicName(t.topic);
      const configs: Record<string, string> = { ...(t.configs ?? {}) };
      for (const e of t.configEntries ?? []) configs[e.name] = e.value;
      if (!Number.isSafeInteger(t.numPartitions)) throw new SamsaError('INVALID_PARTITIONS', `numPartitions of topic "${t.topic}" must be an integer, got ${String(t.numPartitions)}`);
      const rf = t.replicationFactor ?? 0;
      if (!Number.isSafeInteger(rf)) throw new SamsaError('INVALID_REPLICATION_FACTOR', `replicationFactor of topic "${t.topic}" must be an integer, got ${String(rf)}`);
      return { name: t.topic, num_partitions: t.numPartitions, replication_factor: rf, configs };
    });
    const response = await this.cluster.retry(() =>
      this.cluster.call(this.cluster.controllerConnection(), 'CreateTopics', { topics, validate_only: options.validateOnly ?? false, timeout_ms: timeoutMs }, { timeoutMs: timeoutMs + this.cluster.options.requestTimeoutMs }),
    );
    const failures: { topic: string; error: SamsaError }[] = [];
    const created: CreatedTopic[] = [];
    for (const r of response.results) {
      const error = errorFromCode(r.error_code, r.error_message || defaultTopicMessage(r.error_code, r.name), { topic: r.name });
      if (error !== undefined) failures.push({ topic: r.name, error });
      else created.push({ topic: r.name, topicId: topicIdString(r.topic_id), numPartitions: r.num_partitions, replicationFactor: r.replication_factor });
    }
    rejectFailures('createTopics', failures);
    if (!(options.validateOnly ?? false)) this.cluster.refreshMetadata().catch(() => {});
    return created;
  }

  /** Deletes topics; rejects with the code of a topic that could not be deleted. */
  async deleteTopics(options: DeleteTopicsOptions): Promise<void> {
    const timeoutMs = checkInteger('timeout', options.timeout ?? ADMIN_TIMEOUT_MS_DEFAULT, 1, 2_147_483_647);
    for (const t of options.topics) checkTopicName(t);
    const response = await this.cluster.retry(() =>
      this.cluster.call(this.cluster.controllerConnection(), 'DeleteTopics', { names: [...options.topics], timeout_ms: timeoutMs }, { timeoutMs: timeoutMs + this.cluster.options.requestTimeoutMs }),
    );
    const failures: { topic: string; error: SamsaError }[] = [];
    for (const r of response.results) {
      const error = errorFromCode(r.error_code, r.error_message || defaultTopicMessage(r.error_code, r.name), { topic: r.name });
      if (error !== undefined) failures.push({ topic: r.name, error });
    }
    rejectFailures('deleteTopics', failures);
  }

  /** Names of the topics (internal ones left out), sorted. */
  async listTopics(): Promise<string[]> {
    const response = await this.cluster.retry(() => this.cluster.call(this.cluster.anyConnection(), 'ListTopics', { include_internal: false }));
    return response.topics.filter((t) => !t.internal).map((t) => t.name).sort();
  }

  /** Partitions (leaders, replicas, offsets, sizes) and configs of the named topics. */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    for (const t of names) checkTopicName(t);
    const response = await this.cluster.retry(() => this.cluster.call(this.cluster.anyConnection(), 'DescribeTopics', { names: [...names] }));
    // A broker knows the offsets and size of the partitions it hosts only: take each partition's
    // from its leader's answer (a leader that does not answer leaves them at -1).
    const fromLeader = new Map<string, DescribeTopicsResponse__Output['topics'][number]['partitions'][number]>();
    const leaders = new Set(response.topics.flatMap((t) => t.partitions.map((p) => p.leader_id)).filter((id) => id >= 0));
    if (leaders.size > 0) await this.cluster.refreshMetadata().catch(() => undefined);
    await Promise.all(
      [...leaders].map(async (leader) => {
        const answer: DescribeTopicsResponse__Output | undefined = await this.cluster.call(this.cluster.connectionTo(leader), 'DescribeTopics', { names: [...names] }).catch(() => undefined);
        for (const t of answer?.topics ?? []) for (const p of t.partitions) if (p.leader_id === leader) fromLeader.set(`${p.partition}\u0000${t.name}`, p);
      }),
    );
    const failures: { topic: string; error: SamsaError }[] = [];
    const out: TopicDescription[] = [];
    for (const t of response.topics) {
      const error = errorFromCode(t.error_code, t.error_message || defaultTopicMessage(t.error_code, t.name), { topic: t.name });
      if (error !== undefined) {
        failures.push({ topic: t.name, error });
        continue;
      }
      out.push({
        name: t.name,
        topicId: topicIdString(t.topic_id),
        internal: t.internal,
        partitions: [...t.partitions]
          .sort((a, b) => a.partition - b.partition)
          .map((described) => fromLeader.get(`${described.partition}\u0000${t.name}`) ?? described)
          .map((p) => ({
            partitionId: p.partition,
            errorCode: p.error_code,
            leader: p.leader_id,
            leaderEpoch: p.leader_epoch,
            replicas: [...p.replicas],
            isr: [...p.isr],
            logStartOffset: p.log_start_offset,
            highWatermark: p.high_watermark,
            logEndOffset: p.log_end_offset,
            sizeBytes: p.size_bytes,
          })),
        configs: t.configs.map((c) => ({ name: c.name, value: c.value, isDefault: c.is_default })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      });
    }
    const missing = names.filter((n) => !out.some((t) => t.name === n) && !failures.some((f) => f.topic === n));
    for (const n of missing) failures.push({ topic: n, error: new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${n}" does not exist`, { details: { topic: n } }) });
    rejectFailures('describeTopics', failures);
    return out;
  }

  /** KafkaJS's name for describeTopics: every topic when `topics` is left out. */
  async fetchTopicMetadata(options?: { topics?: readonly string[] }): Promise<{ topics: TopicDescription[] }> {
    const names = options?.topics ?? (await this.listTopics());
    return { topics: names.length === 0 ? [] : await this.describeTopics(names) };
  }

  /** Sets (and removes) topic configs; rejects with the code of a resource that failed. */
  async alterConfigs(options: AlterConfigsOptions): Promise<{ resources: { name: string; errorCode: 'NONE' }[] }> {
    const failures: { topic: string; error: SamsaError }[] = [];
    const done: { name: string; errorCode: 'NONE' }[] = [];
    for (const r of options.resources) {
      if (r.type !== undefined && r.type !== 'topic') throw new SamsaError('INVALID_REQUEST', `only topic configs can be altered, got type ${JSON.stringify(r.type)}`);
      checkTopicName(r.name);
      const set: Record<string, string> = {};
      for (const e of r.configEntries ?? []) set[e.name] = e.value;
      const response = await this.cluster.retry(() =>
        this.cluster.call(this.cluster.controllerConnection(), 'AlterConfigs', { topic: r.name, set, delete: [...(r.deleteConfigNames ?? [])], validate_only: options.validateOnly ?? false }),
      );
      const error = errorFromCode(response.error_code, response.error_message || defaultTopicMessage(response.error_code, r.name), { topic: r.name });
      if (error !== undefined) failures.push({ topic: r.name, error });
      else done.push({ name: r.name, errorCode: 'NONE' });
    }
    rejectFailures('alterConfigs', failures);
    return { resources: done };
  }

  /** Per partition: the earliest (low) and latest (high, also `offset`) offsets. */
  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    checkTopicName(topic);
    const [low, high] = [await this.listOffsets(topic, ListOffsetsTimestamp.EARLIEST), await this.listOffsets(topic, ListOffsetsTimestamp.LATEST)];
    return [...high.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, h]) => ({ partition, offset: String(h), high: String(h), low: String(low.get(partition) ?? 0) }));
  }

  /**
   * Per partition: the first offset whose timestamp is at or after `timestamp` (ms), or the latest
   * offset when no record is that recent (as KafkaJS does).
   */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<PartitionOffset[]> {
    checkTopicName(topic);
    checkInteger('timestamp', timestamp, 0);
    const byTime = await this.listOffsets(topic, timestamp);
    const latest = [...byTime.values()].some((o) => o < 0) ? await this.listOffsets(topic, ListOffsetsTimestamp.LATEST) : undefined;
    return [...byTime.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, o]) => ({ partition, offset: String(o >= 0 ? o : (latest?.get(partition) ?? -1)) }));
  }

  /** The brokers, the active controller and the cluster id. */
  async describeCluster(): Promise<ClusterDescription> {
    const m = await this.cluster.retry(() => this.cluster.refreshMetadata());
    return {
      clusterId: m.clusterId,
      controller: m.controllerId,
      brokers: [...m.brokers.values()].sort((a, b) => a.nodeId - b.nodeId).map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, fenced: b.fenced })),
    };
  }

  /** ListOffsets for every partition of `topic`, each asked of its leader. */
  private async listOffsets(topic: string, timestamp: number): Promise<Map<number, number>> {
    return this.cluster.retry(async () => {
      const [info] = await this.cluster.requireTopics([topic]);
      const byLeader = leadersOf(this.cluster, info!);
      const out = new Map<number, number>();
      await Promise.all(
        [...byLeader.entries()].map(async ([nodeId, partitions]) => {
          const response: ListOffsetsResponse__Output = await this.cluster.call(this.cluster.connectionTo(nodeId), 'ListOffsets', {
            topics: [{ name: topic, partitions: partitions.map((partition) => ({ partition, timestamp: String(timestamp) })) }],
          });
          for (const t of response.topics) {
            for (const p of t.partitions) {
              const error = errorFromCode(p.error_code, p.error_message || undefined, { topic, partition: p.partition });
              if (error !== undefined) throw error;
              out.set(p.partition, int64ToNumber(p.offset, 'offset'));
            }
          }
        }),
      );
      return out;
    });
  }
}

/** Partitions of a topic grouped by leader; LEADER_NOT_AVAILABLE (retriable) when one has none. */
export function leadersOf(cluster: Cluster, info: TopicInfo): Map<number, number[]> {
  const byLeader = new Map<number, number[]>();
  for (const p of info.partitions) {
    const leader = cluster.leaderFor(info.name, p.partition);
    if (leader === undefined) throw new SamsaError('LEADER_NOT_AVAILABLE', `${info.name}[${p.partition}] has no leader`, { details: { topic: info.name, partition: p.partition } });
    const list = byLeader.get(leader.broker.nodeId) ?? [];
    list.push(p.partition);
    byLeader.set(leader.broker.nodeId, list);
  }
  return byLeader;
}

function defaultTopicMessage(code: string, topic: string): string | undefined {
  const known: Partial<Record<ErrorCodeName, string>> = {
    UNKNOWN_TOPIC_OR_PARTITION: `topic "${topic}" does not exist`,
    TOPIC_ALREADY_EXISTS: `topic "${topic}" already exists`,
  };
  return known[code as ErrorCodeName];
}
