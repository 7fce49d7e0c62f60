// The admin client: topics, configs (of topics and brokers), leader elections, offsets and the
// cluster's brokers. Whole-call failures that are retriable (no connection, not the controller) are
// retried; a per-topic error is the answer about that topic and rejects the call with that topic's
// code, except in electLeaders, whose per-partition outcomes are the answer (as in Kafka's admin
// client, where "not needed" and "not available" are results, not failures of the call).
import { ListOffsetsTimestamp, SamsaError, errorFromCode, int64ToNumber, isErrorCodeName, topicIdToString } from '@samsa/protocol';
import type { DescribeTopicsResponse__Output, ElectLeadersResponse__Output, ErrorCodeName, ListOffsetsResponse__Output } from '@samsa/protocol';
import type { Cluster, TopicInfo } from './cluster.js';
import type {
  AlterConfigsOptions,
  AlteredConfigResource,
  ClusterDescription,
  ConfigResourceType,
  CreateTopicsOptions,
  CreatedTopic,
  DeleteTopicsOptions,
  ElectLeadersOptions,
  ElectLeadersPartitionResult,
  PartitionOffset,
  PartitionOffsets,
  TopicDescription,
} from './types.js';
import { checkInteger, checkPartition, checkTopicName } from './validate.js';

/** How long a broker may take over a topic creation or deletion, unless the call says. */
const ADMIN_TIMEOUT_MS_DEFAULT = 30_000;

const topicIdString = (id: Buffer): string => (id.length === 16 ? topicIdToString(id) : '');

/** A resource that failed: a topic, or (alterConfigs) a broker. */
type Failure = { topic: string; error: SamsaError } | { broker: string; error: SamsaError };

const whoFailed = (f: Failure): { topic: string } | { broker: string } => ('topic' in f ? { topic: f.topic } : { broker: f.broker });
const failureLabel = (f: Failure): string => ('topic' in f ? f.topic : `broker ${f.broker}`);

/** The first per-resource failure of a call, with every failure in its details. */
function rejectFailures(what: string, failures: Failure[]): void {
  const first = failures[0];
  if (first === undefined) return;
  const noun = failures.every((f) => 'topic' in f) ? 'topics' : 'resources';
  const message = failures.length === 1 ? first.error.message : `${what} failed for ${failures.length} ${noun}: ${failures.map((f) => `${failureLabel(f)}: ${f.error.code}`).join(', ')}; first: ${first.error.message}`;
  throw new SamsaError(first.error.code, message, { cause: first.error, details: { ...whoFailed(first), failures: failures.map((f) => ({ ...whoFailed(f), code: f.error.code, message: f.error.message })) } });
}

/** Broker ids are int32 (as on the wire). */
const BROKER_ID_MAX = 0x7fffffff;

/** A broker resource's name: a broker id as a decimal string, as KafkaJS takes it. */
function checkBrokerName(name: unknown): string {
  const ok = typeof name === 'string' && /^\d{1,10}$/.test(name) && Number(name) <= BROKER_ID_MAX;
  if (!ok) throw new SamsaError('INVALID_REQUEST', `a broker config resource is named by the broker id as a decimal string (e.g. '2'), got ${JSON.stringify(name)}`);
  return String(Number(name));
}

const ELECTION_TYPES = { preferred: 'PREFERRED', unclean: 'UNCLEAN' } as const;

/** A per-partition code as the SDK's typed union; a code this SDK does not know is UNKNOWN_SERVER_ERROR. */
const partitionCode = (code: string): 'NONE' | ErrorCodeName => (code === 'NONE' || isErrorCodeName(code) ? code : 'UNKNOWN_SERVER_ERROR');

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
    // A broker knows the offsets and size of the partitions it hosts only, and only the leader
    // knows where each replica is: take each partition's from its leader's answer (a leader that
    // does not answer leaves the offsets at -1 and the replica states empty).
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
            replicaStates: p.replica_states.map((r) => ({ brokerId: r.broker_id, logEndOffset: r.log_end_offset, inSync: r.in_sync })),
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

  /**
   * Sets (and removes) configs of topics (`type: 'topic'`, the default) and brokers (`type:
   * 'broker'`, named by the broker id as a decimal string: its dynamic configs, such as
   * `follower.replication.throttled.rate`). Changes are incremental: keys not named keep their
   * values. Every resource is checked before any is sent; rejects with the code of a resource
   * that failed (the others are altered).
   */
  async alterConfigs(options: AlterConfigsOptions): Promise<{ resources: AlteredConfigResource[] }> {
    const requests = options.resources.map((r) => {
      const type: ConfigResourceType = r.type ?? 'topic';
      if (type !== 'topic' && type !== 'broker') throw new SamsaError('INVALID_REQUEST', `a config resource's type is 'topic' or 'broker', got ${JSON.stringify(r.type)}`);
      const name = type === 'topic' ? checkTopicName(r.name) : checkBrokerName(r.name);
      const set: Record<string, string> = {};
      for (const e of r.configEntries ?? []) set[e.name] = e.value;
      return { type, name, request: { topic: type === 'topic' ? name : '', broker: type === 'broker' ? name : '', set, delete: [...(r.deleteConfigNames ?? [])], validate_only: options.validateOnly ?? false } };
    });
    const failures: Failure[] = [];
    const done: AlteredConfigResource[] = [];
    for (const { type, name, request } of requests) {
      const response = await this.cluster.retry(() => this.cluster.call(this.cluster.controllerConnection(), 'AlterConfigs', request));
      const who = type === 'topic' ? { topic: name } : { broker: name };
      const error = errorFromCode(response.error_code, response.error_message || (type === 'topic' ? defaultTopicMessage(response.error_code, name) : defaultBrokerMessage(response.error_code, name)), who);
      if (error !== undefined) failures.push({ ...who, error });
      else done.push({ type, name, errorCode: 'NONE' });
    }
    rejectFailures('alterConfigs', failures);
    return { resources: done };
  }

  /**
   * Leader election on demand (Kafka's Admin.electLeaders). 'preferred' (the default) moves each
   * partition's leadership back to its first replica when that one is live and in sync;
   * 'unclean' gives a partition that has no leader any live replica, even an out-of-sync one:
   * records acknowledged by the lost ISR that it lacks are gone for good. Resolves with one
   * result per partition (sorted by topic, then partition), errors included as codes; rejects
   * only when the call as a whole fails. A retried call (its first answer lost) may report
   * ELECTION_NOT_NEEDED for a partition its first attempt moved.
   */
  async electLeaders(options: ElectLeadersOptions = {}): Promise<ElectLeadersPartitionResult[]> {
    const type = options.type ?? 'preferred';
    if (!Object.hasOwn(ELECTION_TYPES, type)) throw new SamsaError('INVALID_REQUEST', `an election type is 'preferred' or 'unclean', got ${JSON.stringify(type)}`);
    const wanted = options.topicPartitions;
    if (wanted !== undefined && wanted.length === 0) throw new SamsaError('INVALID_REQUEST', 'topicPartitions lists no topic: leave it out to elect for every partition');
    const topics = (wanted ?? []).map((t) => {
      checkTopicName(t.topic);
      if (t.partitions !== undefined && t.partitions.length === 0) throw new SamsaError('INVALID_REQUEST', `topicPartitions of "${t.topic}" lists no partition: leave partitions out for all of them`);
      return { topic: t.topic, partitions: (t.partitions ?? []).map((p) => checkPartition('partition', p)) };
    });
    const response: ElectLeadersResponse__Output = await this.cluster.retry(() =>
      this.cluster.call(this.cluster.controllerConnection(), 'ElectLeaders', { election_type: ELECTION_TYPES[type], topics }),
    );
    if (response.results.some((r) => r.error_code === 'NONE')) this.cluster.refreshMetadata().catch(() => {});
    return response.results
      .map(
        (r): ElectLeadersPartitionResult => ({
          topic: r.topic,
          partition: r.partition,
          errorCode: partitionCode(r.error_code),
          errorMessage: r.error_message,
          leader: r.leader_id,
          leaderEpoch: r.leader_epoch,
        }),
      )
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
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

function defaultBrokerMessage(code: string, broker: string): string | undefined {
  return code === 'BROKER_ID_NOT_REGISTERED' ? `broker ${broker} is not registered with the controller` : undefined;
}

function defaultTopicMessage(code: string, topic: string): string | undefined {
  const known: Partial<Record<ErrorCodeName, string>> = {
    UNKNOWN_TOPIC_OR_PARTITION: `topic "${topic}" does not exist`,
    TOPIC_ALREADY_EXISTS: `topic "${topic}" already exists`,
  };
  return known[code as ErrorCodeName];
}
