// The cluster layer: discovers the cluster from any bootstrap broker, keeps one connection per
// broker address, knows each partition's leader, refreshes metadata when a response says the view
// is stale, and retries retriable failures with backoff. Producer, consumer and admin each own one.
import { SamsaError, topicIdToString } from '@samsa/protocol';
import type { ErrorCodeName, MetadataResponse__Output } from '@samsa/protocol';
import type { Clock, Random } from './clock.js';
import { needsMetadataRefresh } from './errors.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import { withRetry } from './retry.js';
import type { BrokerConnection, CallOptions, RpcName, RpcRequest, RpcResponse, Transport } from './transport.js';
import { CallAbortedError } from './transport.js';

export interface BrokerInfo {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly fenced: boolean;
}

export interface PartitionInfo {
  readonly partition: number;
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly errorCode: string;
}

export interface TopicInfo {
  readonly name: string;
  readonly topicId: string;
  readonly internal: boolean;
  /** Sorted by partition number; index i is partition i. */
  readonly partitions: readonly PartitionInfo[];
}

export interface MetadataSnapshot {
  readonly clusterId: string;
  readonly controllerId: number;
  readonly brokers: ReadonlyMap<number, BrokerInfo>;
  /** Topics that exist; unknown ones are absent. */
  readonly topics: ReadonlyMap<string, TopicInfo>;
  /** Per-topic errors of the last refresh (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE). */
  readonly topicErrors: ReadonlyMap<string, { code: string; message: string }>;
  readonly fetchedAtMs: number;
}

export interface ClusterOptions {
  bootstrap: readonly string[];
  clientId: string;
  requestTimeoutMs: number;
  metadataMaxAgeMs: number;
  retry: RetryPolicy;
  transport: Transport;
  clock: Clock;
  random: Random;
  logger: Logger;
}

/** Failures that mean the broker did not answer at all. */
const UNANSWERED: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>(['NETWORK_EXCEPTION', 'REQUEST_TIMED_OUT', 'BROKER_NOT_AVAILABLE']);

export const formatAddress = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Checks `host:port` strings; INVALID_CONFIG for anything else. */
export function parseBrokerAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535) throw new SamsaError('INVALID_CONFIG', `a broker address is host:port, got ${JSON.stringify(address)}`);
  return { host: (m[1] ?? m[2])!, port };
}

function snapshotFrom(response: MetadataResponse__Output, nowMs: number): MetadataSnapshot {
  const brokers = new Map<number, BrokerInfo>();
  for (const b of response.brokers) {
    brokers.set(b.node_id, { nodeId: b.node_id, host: b.host, port: b.port, address: formatAddress(b.host, b.port), fenced: b.fenced });
  }
  const topics = new Map<string, TopicInfo>();
  const topicErrors = new Map<string, { code: string; message: string }>();
  for (const t of response.topics) {
    if (t.error_code !== 'NONE') {
      topicErrors.set(t.name, { code: t.error_code, message: '' });
      continue;
    }
    const partitions = [...t.partitions]
      .sort((a, b) => a.partition - b.partition)
      .map((p): PartitionInfo => ({
        partition: p.partition,
        leader: p.error_code === 'NONE' || p.error_code === 'LEADER_NOT_AVAILABLE' ? p.leader_id : -1,
        leaderEpoch: p.leader_epoch,
        replicas: p.replicas,
        isr: p.isr,
        errorCode: p.error_code,
      }));
    const topicId = t.topic_id.length === 16 ? topicIdToString(t.topic_id) : '';
    topics.set(t.name, { name: t.name, topicId, internal: t.internal, partitions });
  }
  return { clusterId: response.cluster_id, controllerId: response.controller_id, brokers, topics, topicErrors, fetchedAtMs: nowMs };
}

/** Partition `partition` of a topic (partitions are numbered 0..n-1, so this is an index). */
export function partitionOf(topic: TopicInfo | undefined, partition: number): PartitionInfo | undefined {
  const p = topic?.partitions[partition];
  return p?.partition === partition ? p : topic?.partitions.find((q) => q.partition === partition);
}

export class Cluster {
  private readonly connections = new Map<string, BrokerConnection>();
  private readonly topicsInUse = new Set<string>();
  private snapshot: MetadataSnapshot | undefined;
  private refreshing: Promise<MetadataSnapshot> | undefined;
  private lastGoodAddress: string | undefined;
  /**
   * Brokers whose last call failed for want of an answer (no connection, deadline): a dead or
   * paused broker, likely fenced soon. Metadata is asked of them last, so a failover does not
   * wait on the broker that failed.
   */
  private readonly unreachable = new Set<string>();
  private closed = false;
  readonly logger: Logger;

  readonly options: ClusterOptions;

  constructor(options: ClusterOptions) {
    this.options = options;
    if (options.bootstrap.length === 0) throw new SamsaError('INVALID_CONFIG', 'brokers must list at least one bootstrap broker (host:port)');
    for (const b of options.bootstrap) parseBrokerAddress(b);
    this.logger = options.logger;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  get metadata(): MetadataSnapshot | undefined {
    return this.snapshot;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Discovers the cluster (retrying), so later calls know every broker. */
  async connect(signal?: AbortSignal): Promise<void> {
    this.assertOpen();
    await this.retry(() => this.refreshMetadata(), signal);
  }

  /** Closes every connection. Safe to call twice. */
  disconnect(): void {
    this.closed = true;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }

  /** Topics whose metadata every refresh fetches. */
  trackTopics(topics: Iterable<string>): void {
    for (const t of topics) this.topicsInUse.add(t);
  }

  /**
   * Fetches metadata from the first broker that answers: the last one that did, then every known
   * broker, then the bootstrap list. Concurrent callers share one request.
   */
  refreshMetadata(): Promise<MetadataSnapshot> {
    this.assertOpen();
    if (this.refreshing === undefined) {
      this.refreshing = this.fetchMetadata().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  /** True when the metadata is older than metadataMaxAgeMs (and no refresh is under way). */
  isStale(): boolean {
    const s = this.snapshot;
    if (this.closed || this.refreshing !== undefined || s === undefined) return false;
    return this.options.clock.now() - s.fetchedAtMs >= this.options.metadataMaxAgeMs;
  }

  /** Refreshes in the background when the metadata is stale (new partitions, moved leaders). */
  refreshIfStale(): void {
    if (!this.isStale()) return;
    this.refreshMetadata().catch((err: unknown) => this.logger.debug({ err }, 'background metadata refresh failed'));
  }

  private async fetchMetadata(): Promise<MetadataSnapshot> {
    const candidates: string[] = [];
    const add = (a: string | undefined): void => {
      if (a !== undefined && !candidates.includes(a)) candidates.push(a);
    };
    add(this.lastGoodAddress);
    for (const b of this.snapshot?.brokers.values() ?? []) if (!b.fenced) add(b.address);
    for (const b of this.options.bootstrap) add(b.trim());
    // Stable: the ones that answered lately keep their order, the unreachable ones go last.
    candidates.sort((a, b) => Number(this.unreachable.has(a)) - Number(this.unreachable.has(b)));
    const errors: SamsaError[] = [];
    for (const address of candidates) {
      try {
        const response = await this.call(this.connection(address), 'Metadata', { topics: [...this.topicsInUse] });
        const snapshot = snapshotFrom(response, this.options.clock.now());
        this.snapshot = snapshot;
        this.lastGoodAddress = address;
        this.logger.debug({ broker: address, brokers: snapshot.brokers.size, topics: snapshot.topics.size }, 'metadata refreshed');
        return snapshot;
      } catch (error) {
        const e = error instanceof SamsaError ? error : new SamsaError('UNKNOWN_SERVER_ERROR', String(error), { cause: error });
        this.logger.debug({ broker: address, err: e }, 'metadata request failed');
        errors.push(e);
        if (!e.retriable) throw e;
      }
    }
    const last = errors[errors.length - 1]!;
    if (errors.length === 1) throw last;
    throw new SamsaError(last.code, `no broker answered (tried ${candidates.join(', ')}): ${last.message}`, { cause: last });
  }

  /** The connection to an address, created on first use. */
  connection(address: string): BrokerConnection {
    this.assertOpen();
    let c = this.connections.get(address);
    if (c === undefined) {
      c = this.options.transport.connect(address);
      this.connections.set(address, c);
    }
    return c;
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.snapshot?.brokers.get(nodeId);
  }

  /** A connection to broker `nodeId`; BROKER_NOT_AVAILABLE when the metadata does not know it. */
  connectionTo(nodeId: number): BrokerConnection {
    const b = this.broker(nodeId);
    if (b === undefined) throw new SamsaError('BROKER_NOT_AVAILABLE', `broker ${nodeId} is not in the cluster metadata`);
    return this.connection(b.address);
  }

  /** Any broker that answered lately, else the first bootstrap broker. */
  anyConnection(): BrokerConnection {
    return this.connection(this.lastGoodAddress ?? this.options.bootstrap[0]!.trim());
  }

  /**
   * A connection to some broker, for calls any broker answers (InitProducerId): attempt n goes to
   * the n-th unfenced broker of the metadata among those whose last call got an answer (all of
   * them when none did), so that retries move on from a broker that does not answer.
   */
  someBrokerConnection(attempt: number): BrokerConnection {
    const brokers = [...(this.snapshot?.brokers.values() ?? [])].filter((b) => !b.fenced).sort((a, b) => a.nodeId - b.nodeId);
    const answering = brokers.filter((b) => !this.unreachable.has(b.address));
    const pool = answering.length > 0 ? answering : brokers;
    if (pool.length === 0) return this.anyConnection();
    return this.connection(pool[attempt % pool.length]!.address);
  }

  /** The active controller when the metadata names one, else any broker (which forwards). */
  controllerConnection(): BrokerConnection {
    const id = this.snapshot?.controllerId ?? -1;
    const b = id >= 0 ? this.broker(id) : undefined;
    return b !== undefined ? this.connection(b.address) : this.anyConnection();
  }

  topic(name: string): TopicInfo | undefined {
    return this.snapshot?.topics.get(name);
  }

  /** The leader of a partition, or undefined when it has none (or the metadata lacks it). */
  leaderFor(topic: string, partition: number): { broker: BrokerInfo; leaderEpoch: number } | undefined {
    const p = partitionOf(this.snapshot?.topics.get(topic), partition);
    if (p === undefined || p.leader < 0) return undefined;
    const broker = this.snapshot?.brokers.get(p.leader);
    return broker === undefined ? undefined : { broker, leaderEpoch: p.leaderEpoch };
  }

  /**
   * Makes sure the metadata knows `topics` (refreshing once if not); UNKNOWN_TOPIC_OR_PARTITION
   * (retriable) for a topic the cluster does not have.
   */
  async requireTopics(topics: readonly string[]): Promise<TopicInfo[]> {
    this.trackTopics(topics);
    if (topics.some((t) => this.topic(t) === undefined)) await this.refreshMetadata();
    return topics.map((t) => {
      const info = this.topic(t);
      if (info !== undefined) return info;
      const err = this.snapshot?.topicErrors.get(t);
      const code: ErrorCodeName = err?.code === 'LEADER_NOT_AVAILABLE' ? 'LEADER_NOT_AVAILABLE' : 'UNKNOWN_TOPIC_OR_PARTITION';
      throw new SamsaError(code, code === 'LEADER_NOT_AVAILABLE' ? `topic "${t}" has no leader yet` : `topic "${t}" does not exist`, { details: { topic: t } });
    });
  }

  /** One unary call with the client's request timeout; notes brokers that do not answer. */
  call<M extends RpcName>(connection: BrokerConnection, rpc: M, request: RpcRequest<M>, options?: Partial<CallOptions>): Promise<RpcResponse<M>> {
    const { address } = connection;
    return connection.call(rpc, request, { timeoutMs: options?.timeoutMs ?? this.options.requestTimeoutMs, ...(options?.signal ? { signal: options.signal } : {}) }).then(
      (response) => {
        this.unreachable.delete(address);
        return response;
      },
      (error: unknown) => {
        if (error instanceof SamsaError && UNANSWERED.has(error.code)) this.unreachable.add(address);
        throw error;
      },
    );
  }

  /** True when the last call to `address` got no answer (for tests and logs). */
  isUnreachable(address: string): boolean {
    return this.unreachable.has(address);
  }

  /**
   * Runs `fn` with the client's retry policy; before each retry of an error that means the
   * metadata is stale, refreshes it at once.
   */
  retry<T>(fn: (attempt: number) => Promise<T>, signal?: AbortSignal, policy: RetryPolicy = this.options.retry): Promise<T> {
    return withRetry(fn, {
      policy,
      clock: this.options.clock,
      random: this.options.random,
      ...(signal ? { signal } : {}),
      isRetriable: (e) => !(e instanceof CallAbortedError) && e instanceof SamsaError && e.retriable && !this.closed,
      onRetry: async (error, retry, delayMs) => {
        this.logger.debug({ code: error.code, retry, delayMs, err: error }, 'retrying');
        if (needsMetadataRefresh(error.code)) await this.refreshMetadata();
      },
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new SamsaError('NETWORK_EXCEPTION', 'the client is disconnected');
  }
}
