// The consumer (no groups yet): subscribe to whole topics or assign partitions, then run() a
// handler or iterate with `for await`. One fetch loop per leader broker long-polls that broker for
// all the partitions it leads (unary Fetch, one request in flight per broker), decodes the batches
// and hands the records to the handler, one partition batch at a time across all loops, in offset
// order per partition. Positions live here: seek, pause and resume take effect at once (an
// in-flight long poll is cancelled) and a response fetched before a seek is dropped.
//
// Why long-poll Fetch rather than FetchStream: the client owns every position, so seek, pause and
// resume are local changes (a stream's positions live on the broker and would need a new stream),
// and a slow handler slows the fetching (the next request goes out only after the handler is
// done), so memory stays bounded without extra flow control. The cost, a request per response, is
// small next to the records each response carries.
import { AsyncLocalStorage } from 'node:async_hooks';
import { BatchAttributes, ListOffsetsTimestamp, SamsaError, decodeRecords, errorFromCode, int64ToNumber, isSamsaError, iterateBatches } from '@samsa/protocol';
import type { DecodedRecord, FetchRequest, FetchResponse__Output } from '@samsa/protocol';
import type { Clock, Random, TimerHandle } from './clock.js';
import type { Cluster } from './cluster.js';
import { partitionOf } from './cluster.js';
import { DEFAULTS } from './defaults.js';
import { needsMetadataRefresh } from './errors.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import { backoffMs, resolveRetryPolicy } from './retry.js';
import { CallAbortedError } from './transport.js';
import type {
  Batch,
  ConsumedHeaders,
  ConsumerConfig,
  ConsumerEventMap,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  EachBatchPayload,
  EachMessagePayload,
  KafkaMessage,
  TopicPartitionOffset,
  TopicPartitions,
} from './types.js';
import { checkInteger, checkPartition, checkTopicName, parseOffset } from './validate.js';

export interface ResolvedConsumerConfig {
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly maxWaitTimeInMs: number;
  readonly maxBytesPerPartition: number;
  readonly autoOffsetReset: 'earliest' | 'latest';
  readonly iteratorBufferMessages: number;
  readonly retry: RetryPolicy;
}

const INT32_MAX = 2_147_483_647;

export function resolveConsumerConfig(config: ConsumerConfig | undefined, clientRetry: RetryPolicy): ResolvedConsumerConfig {
  const c = config ?? {};
  const d = DEFAULTS.consumer;
  const reset = c.autoOffsetReset ?? d.autoOffsetReset;
  if (reset !== 'earliest' && reset !== 'latest') throw new SamsaError('INVALID_CONFIG', `autoOffsetReset must be 'earliest' or 'latest', got ${JSON.stringify(reset)}`);
  return Object.freeze({
    minBytes: checkInteger('minBytes', c.minBytes ?? d.minBytes, 0, INT32_MAX),
    maxBytes: checkInteger('maxBytes', c.maxBytes ?? d.maxBytes, 1, INT32_MAX),
    maxWaitTimeInMs: checkInteger('maxWaitTimeInMs', c.maxWaitTimeInMs ?? d.maxWaitTimeInMs, 0, INT32_MAX),
    maxBytesPerPartition: checkInteger('maxBytesPerPartition', c.maxBytesPerPartition ?? d.maxBytesPerPartition, 1, INT32_MAX),
    autoOffsetReset: reset,
    iteratorBufferMessages: checkInteger('iteratorBufferMessages', c.iteratorBufferMessages ?? d.iteratorBufferMessages, 1, 1_000_000),
    retry: resolveRetryPolicy(c.retry, clientRetry),
  });
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** The next offset to fetch; undefined until resolved from resetTo. */
  position: number | undefined;
  resetTo: 'earliest' | 'latest';
  paused: boolean;
  /** Bumped by every seek: data fetched under an older generation is dropped. */
  generation: number;
  highWatermark: number;
  /** Consecutive retriable errors, and when the partition may be fetched again. */
  errors: number;
  retryAtMs: number;
}

interface FetchLoop {
  readonly nodeId: number;
  /** Cancels the long poll in flight (a wake-up, not a stop). */
  inFlight: AbortController | undefined;
  /** Ends an idle wait early. */
  wake: (() => void) | undefined;
  done: Promise<void>;
}

const tpKey = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

function toHeaders(headers: DecodedRecord['headers']): ConsumedHeaders {
  const out: Record<string, Buffer | null | (Buffer | null)[]> = {};
  for (const h of headers) {
    const prev = out[h.key];
    if (prev === undefined) out[h.key] = h.value;
    else if (Array.isArray(prev)) prev.push(h.value);
    else out[h.key] = [prev as Buffer | null, h.value];
  }
  return out;
}

const toKafkaMessage = (r: DecodedRecord, attributes: number): KafkaMessage => ({
  key: r.key,
  value: r.value,
  headers: toHeaders(r.headers),
  timestamp: String(r.timestamp),
  offset: String(r.offset),
  attributes,
});

export interface ConsumerDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
}

type Listener<E extends keyof ConsumerEventMap> = (event: ConsumerEventMap[E]) => void;

export class Consumer {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly subscriptions = new Map<string, ConsumerSubscribeTopic>();
  private readonly partitions = new Map<string, PartitionState>();
  private readonly pendingSeeks = new Map<string, number>();
  private readonly loops = new Map<number, FetchLoop>();
  private readonly listeners: { [E in keyof ConsumerEventMap]: Set<Listener<E>> } = { 'consumer.crash': new Set(), 'consumer.stop': new Set() };
  /** Marks the async context of handler calls, so stop() called from a handler does not wait on itself. */
  private readonly handlerContext = new AsyncLocalStorage<Consumer>();
  private runConfig: ConsumerRunConfig | undefined;
  private running = false;
  private runAbort = new AbortController();
  /** Handlers run one at a time across all fetch loops. */
  private serial: Promise<void> = Promise.resolve();
  private leaderRefreshTimer: TimerHandle | undefined;
  private refreshing: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  private readonly cluster: Cluster;
  readonly config: ResolvedConsumerConfig;

  constructor(cluster: Cluster, config: ResolvedConsumerConfig, deps: ConsumerDeps) {
    this.cluster = cluster;
    this.config = config;
    this.logger = deps.logger.child({ component: 'consumer' });
    this.clock = deps.clock;
    this.random = deps.random;
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  /** Consumes every partition of a topic (or of several), from the start or from the end. */
  async subscribe(subscription: ConsumerSubscribeTopic | { topics: readonly string[]; fromBeginning?: boolean }): Promise<void> {
    const topics = 'topics' in subscription ? subscription.topics : [subscription.topic];
    for (const topic of topics) {
      checkTopicName(topic);
      this.subscriptions.set(topic, { topic, fromBeginning: subscription.fromBeginning ?? false });
    }
    if (this.running) {
      await this.addSubscribedPartitions();
      // The fetch loops resolve the new partitions' starting positions before fetching them.
      this.ensureLoops();
      this.wakeLoops();
    }
  }

  /** Consumes exactly these partitions, from an offset, the start, or the end. */
  assign(partitions: readonly TopicPartitionOffset[]): void {
    for (const p of partitions) {
      checkTopicName(p.topic);
      checkPartition('partition', p.partition);
      const offset = p.offset === undefined ? undefined : parseOffset('offset', p.offset);
      const resetTo = (p.fromBeginning ?? this.config.autoOffsetReset === 'earliest') ? 'earliest' : 'latest';
      const state = this.ensurePartition(p.topic, p.partition, resetTo);
      if (offset !== undefined) this.moveTo(state, offset);
    }
    this.cluster.trackTopics(partitions.map((p) => p.topic));
    if (this.running) this.ensureLoops();
  }

  /** Moves a partition's position; the next message handed out is the one at `offset`. */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string | number }): void {
    checkTopicName(topic);
    checkPartition('partition', partition);
    const o = parseOffset('offset', offset);
    const state = this.partitions.get(tpKey(topic, partition));
    if (state === undefined) {
      if (!this.subscriptions.has(topic)) throw new SamsaError('INVALID_REQUEST', `cannot seek ${topic}[${partition}]: it is neither subscribed nor assigned`);
      this.pendingSeeks.set(tpKey(topic, partition), o);
      return;
    }
    this.moveTo(state, o);
    this.wakeLoops();
  }

  pause(topics: readonly TopicPartitions[]): void {
    this.setPaused(topics, true);
  }

  resume(topics: readonly TopicPartitions[]): void {
    this.setPaused(topics, false);
  }

  /** The paused partitions. */
  paused(): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const s of this.partitions.values()) if (s.paused) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s.partition]);
    return [...byTopic.entries()].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }

  /** The partitions this consumer reads, with their positions (undefined until resolved). */
  assignment(): { topic: string; partition: number; position: number | undefined; highWatermark: number }[] {
    return [...this.partitions.values()].map((s) => ({ topic: s.topic, partition: s.partition, position: s.position, highWatermark: s.highWatermark }));
  }

  on<E extends keyof ConsumerEventMap>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Starts consuming. Resolves once the partitions and their starting positions are known and the
   * fetchers run; errors after that stop the consumer and emit 'consumer.crash'.
   */
  async run(config: ConsumerRunConfig): Promise<void> {
    if (this.running) throw new SamsaError('INVALID_REQUEST', 'the consumer is already running');
    if (config.eachMessage === undefined && config.eachBatch === undefined) throw new SamsaError('INVALID_REQUEST', 'run() needs eachMessage or eachBatch');
    if (this.subscriptions.size === 0 && this.partitions.size === 0) throw new SamsaError('INVALID_REQUEST', 'subscribe to a topic or assign partitions before run()');
    this.runConfig = config;
    this.runAbort = new AbortController();
    this.stopping = undefined;
    this.running = true;
    try {
      await this.cluster.connect(this.runAbort.signal);
      await this.addSubscribedPartitions();
      const unresolved = [...this.partitions.values()].filter((s) => s.position === undefined);
      await this.cluster.retry(() => this.resolvePositions(unresolved), this.runAbort.signal, this.config.retry);
    } catch (error) {
      this.running = false;
      throw error;
    }
    if (!this.running) return;
    this.logger.info({ partitions: this.partitions.size }, 'consumer running');
    this.ensureLoops();
  }

  /**
   * Stops fetching; resolves when the handler in progress (if any) has returned. Safe twice. Called
   * from inside a handler, it resolves at once (waiting would wait for that very handler).
   */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      const wasRunning = this.running;
      this.running = false;
      this.runAbort.abort();
      if (this.leaderRefreshTimer !== undefined) this.clock.clearTimeout(this.leaderRefreshTimer);
      this.leaderRefreshTimer = undefined;
      this.wakeLoops();
      this.stopping = Promise.all([...this.loops.values()].map((l) => l.done)).then(() => {
        if (wasRunning) this.emit('consumer.stop', { type: 'consumer.stop', timestamp: this.clock.now(), payload: {} });
      });
    }
    return this.handlerContext.getStore() === this ? Promise.resolve() : this.stopping;
  }

  /** Stops and closes the connections. */
  async disconnect(): Promise<void> {
    await this.stop();
    this.cluster.disconnect();
  }

  /**
   * The records as an async iterator (it calls run()). Reads up to iteratorBufferMessages ahead;
   * leaving the loop (break, return, throw) stops the consumer. A crash rejects the next call.
   */
  messages(): AsyncIterableIterator<EachMessagePayload> {
    const queue: EachMessagePayload[] = [];
    let readerWake: (() => void) | undefined;
    let writerWake: (() => void) | undefined;
    let failure: Error | undefined;
    let ended = false;
    const notifyReader = (): void => {
      const w = readerWake;
      readerWake = undefined;
      w?.();
    };
    const notifyWriter = (): void => {
      const w = writerWake;
      writerWake = undefined;
      w?.();
    };
    const offCrash = this.on('consumer.crash', (e) => {
      failure = e.payload.error;
      notifyReader();
      notifyWriter();
    });
    const offStop = this.on('consumer.stop', () => {
      ended = true;
      notifyReader();
    });
    const started = this.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale, pause }) => {
        const onStop = (): void => notifyWriter();
        this.runAbort.signal.addEventListener('abort', onStop, { once: true });
        try {
          for (const message of batch.messages) {
            while (queue.length >= this.config.iteratorBufferMessages && isRunning() && !isStale()) await new Promise<void>((r) => (writerWake = r));
            if (!isRunning() || isStale()) return;
            queue.push({ topic: batch.topic, partition: batch.partition, message, pause });
            resolveOffset(message.offset);
            notifyReader();
          }
        } finally {
          this.runAbort.signal.removeEventListener('abort', onStop);
        }
      },
    });
    started.catch((error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
      notifyReader();
    });
    const finish = (): void => {
      offCrash();
      offStop();
    };
    const iterator: AsyncIterableIterator<EachMessagePayload> = {
      next: async (): Promise<IteratorResult<EachMessagePayload>> => {
        // Bounded by the consumer's lifetime: each pass either returns or waits for a notification.
        for (;;) {
          const value = queue.shift();
          if (value !== undefined) {
            notifyWriter();
            return { value, done: false };
          }
          if (failure !== undefined) {
            finish();
            throw failure;
          }
          if (ended) {
            finish();
            return { value: undefined, done: true };
          }
          await new Promise<void>((r) => (readerWake = r));
        }
      },
      return: async (): Promise<IteratorResult<EachMessagePayload>> => {
        finish();
        queue.length = 0;
        await started.catch(() => {});
        await this.stop();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EachMessagePayload> {
    return this.messages();
  }

  // -------------------------------------------------------------------------------------------

  private emit<E extends keyof ConsumerEventMap>(event: E, payload: ConsumerEventMap[E]): void {
    for (const l of [...(this.listeners[event] as Set<Listener<E>>)]) {
      try {
        l(payload);
      } catch (err) {
        this.logger.error({ err, event }, 'consumer event listener threw');
      }
    }
  }

  private crash(error: Error): void {
    if (!this.running) return;
    this.logger.error({ err: error }, 'consumer crashed');
    void this.stop();
    this.emit('consumer.crash', { type: 'consumer.crash', timestamp: this.clock.now(), payload: { error } });
  }

  private ensurePartition(topic: string, partition: number, resetTo: 'earliest' | 'latest'): PartitionState {
    const key = tpKey(topic, partition);
    let s = this.partitions.get(key);
    if (s === undefined) {
      s = { topic, partition, key, position: undefined, resetTo, paused: false, generation: 0, highWatermark: -1, errors: 0, retryAtMs: 0 };
      this.partitions.set(key, s);
      const seek = this.pendingSeeks.get(key);
      if (seek !== undefined) {
        this.pendingSeeks.delete(key);
        this.moveTo(s, seek);
      }
    }
    return s;
  }

  private moveTo(state: PartitionState, offset: number): void {
    state.position = offset;
    state.generation++;
    state.errors = 0;
    state.retryAtMs = 0;
  }

  private setPaused(topics: readonly TopicPartitions[], paused: boolean): void {
    for (const { topic, partitions } of topics) {
      for (const s of this.partitions.values()) {
        if (s.topic === topic && (partitions === undefined || partitions.includes(s.partition))) s.paused = paused;
      }
    }
    this.wakeLoops();
  }

  private async addSubscribedPartitions(): Promise<void> {
    if (this.subscriptions.size === 0) return;
    const topics = [...this.subscriptions.keys()];
    const infos = await this.cluster.retry(() => this.cluster.requireTopics(topics), this.runAbort.signal, this.config.retry);
    for (const info of infos) {
      const sub = this.subscriptions.get(info.name)!;
      for (const p of info.partitions) this.ensurePartition(info.name, p.partition, sub.fromBeginning === true ? 'earliest' : 'latest');
    }
  }

  /** Sets each state's position to its partition's earliest or latest offset (ListOffsets). */
  private async resolvePositions(states: readonly PartitionState[]): Promise<void> {
    const byLeader = new Map<number, PartitionState[]>();
    for (const s of states) {
      if (s.position !== undefined) continue;
      const leader = this.cluster.leaderFor(s.topic, s.partition);
      if (leader === undefined) {
        if (this.cluster.topic(s.topic) === undefined) await this.cluster.requireTopics([s.topic]);
        throw new SamsaError('LEADER_NOT_AVAILABLE', `${s.topic}[${s.partition}] has no leader`);
      }
      byLeader.set(leader.broker.nodeId, [...(byLeader.get(leader.broker.nodeId) ?? []), s]);
    }
    await Promise.all([...byLeader.entries()].map(([nodeId, list]) => this.listOffsets(nodeId, list)));
  }

  private async listOffsets(nodeId: number, states: readonly PartitionState[]): Promise<void> {
    const byTopic = new Map<string, PartitionState[]>();
    for (const s of states) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
    const generations = new Map(states.map((s) => [s.key, s.generation]));
    const response = await this.cluster.call(this.cluster.connectionTo(nodeId), 'ListOffsets', {
      topics: [...byTopic.entries()].map(([name, list]) => ({
        name,
        partitions: list.map((s) => ({ partition: s.partition, timestamp: String(s.resetTo === 'earliest' ? ListOffsetsTimestamp.EARLIEST : ListOffsetsTimestamp.LATEST) })),
      })),
    });
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const error = errorFromCode(p.error_code, p.error_message || undefined, { topic: t.name, partition: p.partition });
        if (error !== undefined) throw error;
        const s = this.partitions.get(tpKey(t.name, p.partition));
        // A seek since the request was sent wins over the answer.
        if (s === undefined || s.generation !== generations.get(s.key)) continue;
        const offset = Math.max(0, int64ToNumber(p.offset, 'offset'));
        s.position = offset;
        this.logger.debug({ topic: s.topic, partition: s.partition, offset, resetTo: s.resetTo }, 'position resolved');
      }
    }
  }

  /** Starts a fetch loop for each broker that leads an assigned partition. */
  private ensureLoops(): void {
    if (!this.running) return;
    let leaderless = false;
    const nodes = new Set<number>();
    for (const s of this.partitions.values()) {
      const leader = this.cluster.leaderFor(s.topic, s.partition);
      if (leader === undefined) leaderless = true;
      else nodes.add(leader.broker.nodeId);
    }
    for (const nodeId of nodes) {
      if (this.loops.has(nodeId)) continue;
      const loop: FetchLoop = { nodeId, inFlight: undefined, wake: undefined, done: Promise.resolve() };
      this.loops.set(nodeId, loop);
      // Outside any handler's context, even when assign() is called from a handler.
      loop.done = this.handlerContext.exit(() => this.fetchLoop(loop)).catch((error: unknown) => this.crash(error instanceof Error ? error : new Error(String(error))));
    }
    if (leaderless) this.scheduleLeaderRefresh();
  }

  /** Partitions without a leader: look again after a backoff, until they have one. */
  private scheduleLeaderRefresh(): void {
    if (this.leaderRefreshTimer !== undefined || !this.running) return;
    const delayMs = backoffMs(this.config.retry, this.config.retry.retries, this.random);
    this.leaderRefreshTimer = this.clock.setTimeout(() => {
      this.leaderRefreshTimer = undefined;
      void this.refreshMetadata();
    }, delayMs);
  }

  private refreshMetadata(): Promise<void> {
    if (this.refreshing === undefined) {
      this.refreshing = this.cluster
        .refreshMetadata()
        .then(
          () => {},
          (err: unknown) => this.logger.warn({ err }, 'metadata refresh failed'),
        )
        .finally(() => {
          this.refreshing = undefined;
          this.ensureLoops();
        });
    }
    return this.refreshing;
  }

  private wakeLoops(): void {
    for (const l of this.loops.values()) {
      l.inFlight?.abort();
      l.wake?.();
    }
  }

  private ledBy(nodeId: number): PartitionState[] {
    return [...this.partitions.values()].filter((s) => this.cluster.leaderFor(s.topic, s.partition)?.broker.nodeId === nodeId);
  }

  private async fetchLoop(loop: FetchLoop): Promise<void> {
    let failures = 0;
    try {
      // Bounded by the consumer's life: every pass fetches, waits, or exits when nothing is led here.
      while (this.running) {
        if (this.cluster.isStale()) void this.refreshMetadata();
        const led = this.ledBy(loop.nodeId);
        if (led.length === 0) break;
        const unresolved = led.filter((s) => s.position === undefined);
        if (unresolved.length > 0) {
          try {
            await this.listOffsets(loop.nodeId, unresolved);
          } catch (error) {
            if (!this.handleRetriable(error, ++failures, undefined)) throw error;
            await this.idle(loop, backoffMs(this.config.retry, Math.min(failures, this.config.retry.retries), this.random));
            continue;
          }
        }
        const now = this.clock.now();
        const fetchable = led.filter((s) => !s.paused && s.position !== undefined && s.retryAtMs <= now);
        if (fetchable.length === 0) {
          const next = Math.min(...led.filter((s) => !s.paused && s.retryAtMs > now).map((s) => s.retryAtMs));
          await this.idle(loop, Number.isFinite(next) ? next - now : undefined);
          continue;
        }
        const generations = new Map(fetchable.map((s) => [s.key, s.generation] as const));
        const request = this.fetchRequest(fetchable);
        const abort = new AbortController();
        loop.inFlight = abort;
        let response: FetchResponse__Output;
        try {
          response = await this.cluster.call(this.cluster.connectionTo(loop.nodeId), 'Fetch', request, {
            timeoutMs: this.config.maxWaitTimeInMs + this.cluster.options.requestTimeoutMs,
            signal: abort.signal,
          });
          failures = 0;
        } catch (error) {
          if (error instanceof CallAbortedError) continue;
          if (!this.running) break;
          if (!this.handleRetriable(error, ++failures, undefined)) throw error;
          await this.idle(loop, backoffMs(this.config.retry, Math.min(failures - 1, this.config.retry.retries), this.random));
          continue;
        } finally {
          loop.inFlight = undefined;
        }
        await this.processResponse(response, generations);
      }
    } finally {
      this.loops.delete(loop.nodeId);
      loop.wake = undefined;
    }
    // Partitions may have moved to another broker meanwhile.
    if (this.running) this.ensureLoops();
  }

  /**
   * For an error of a whole fetch (or list offsets): true when it is worth another try (logged,
   * metadata refresh started); false when the consumer should crash. Availability errors are
   * retried for as long as the consumer runs, as Kafka's consumer does; after `retries` failures
   * in a row they are logged as warnings.
   */
  private handleRetriable(error: unknown, failures: number, partition: PartitionState | undefined): boolean {
    if (!isSamsaError(error) || !error.retriable) return false;
    if (error.code === 'UNKNOWN_TOPIC_OR_PARTITION' && failures > this.config.retry.retries) return false;
    const fields = { code: error.code, failures, ...(partition ? { topic: partition.topic, partition: partition.partition } : {}), err: error };
    if (failures > this.config.retry.retries) this.logger.warn(fields, 'fetch keeps failing; retrying');
    else this.logger.debug(fields, 'fetch failed; retrying');
    if (needsMetadataRefresh(error.code)) void this.refreshMetadata();
    return true;
  }

  private fetchRequest(states: readonly PartitionState[]): FetchRequest {
    const byTopic = new Map<string, PartitionState[]>();
    for (const s of states) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
    return {
      max_wait_ms: this.config.maxWaitTimeInMs,
      min_bytes: this.config.minBytes,
      max_bytes: this.config.maxBytes,
      topics: [...byTopic.entries()].map(([name, list]) => ({
        name,
        partitions: list.map((s) => ({
          partition: s.partition,
          fetch_offset: String(s.position),
          partition_max_bytes: this.config.maxBytesPerPartition,
          current_leader_epoch: partitionOf(this.cluster.topic(s.topic), s.partition)?.leaderEpoch ?? -1,
        })),
      })),
    };
  }

  private idle(loop: FetchLoop, delayMs: number | undefined): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: TimerHandle | undefined;
      loop.wake = () => {
        loop.wake = undefined;
        if (timer !== undefined) this.clock.clearTimeout(timer);
        resolve();
      };
      if (delayMs !== undefined) timer = this.clock.setTimeout(() => loop.wake?.(), Math.max(0, delayMs));
    });
  }

  private async processResponse(response: FetchResponse__Output, generations: ReadonlyMap<string, number>): Promise<void> {
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const state = this.partitions.get(tpKey(t.name, p.partition));
        // Dropped: not ours any more, moved by a seek, or paused since the request went out.
        if (state === undefined || state.generation !== generations.get(state.key) || state.paused || !this.running) continue;
        const error = errorFromCode(p.error_code, p.error_message || undefined, { topic: t.name, partition: p.partition, leaderId: p.leader_id });
        if (error !== undefined) {
          await this.handlePartitionError(state, error);
          continue;
        }
        state.errors = 0;
        state.highWatermark = int64ToNumber(p.high_watermark, 'high_watermark');
        if (p.records.length === 0) continue;
        await this.deliver(state, p.records);
      }
    }
  }

  private async handlePartitionError(state: PartitionState, error: SamsaError): Promise<void> {
    if (error.code === 'OFFSET_OUT_OF_RANGE') {
      const from = state.position;
      state.position = undefined;
      // The fetch loop resolves it from resetTo before the next fetch.
      this.logger.warn({ topic: state.topic, partition: state.partition, offset: from, resetTo: state.resetTo }, 'offset out of range; resetting');
      return;
    }
    state.errors++;
    if (!this.handleRetriable(error, state.errors, state)) throw error;
    state.retryAtMs = this.clock.now() + backoffMs(this.config.retry, Math.min(state.errors - 1, this.config.retry.retries), this.random);
  }

  /** Decodes a partition's batches, skips what lies before the position, runs the handler. */
  private async deliver(state: PartitionState, records: Buffer): Promise<void> {
    const start = state.position!;
    const generation = state.generation;
    const messages: KafkaMessage[] = [];
    let next = start;
    for (const { header, bytes } of iterateBatches(records)) {
      const last = header.baseOffset + header.lastOffsetDelta;
      if (last < start) continue;
      next = Math.max(next, last + 1);
      // Control batches (transaction markers, later) carry no user records.
      if ((header.attributes & BatchAttributes.CONTROL) !== 0) continue;
      for (const r of decodeRecords(bytes)) if (r.offset >= start) messages.push(toKafkaMessage(r, header.attributes));
    }
    const stale = (): boolean => state.generation !== generation || !this.partitions.has(state.key);
    const pause = (): (() => void) => {
      this.pause([{ topic: state.topic, partitions: [state.partition] }]);
      return () => this.resume([{ topic: state.topic, partitions: [state.partition] }]);
    };
    const config = this.runConfig!;
    if (messages.length === 0) {
      if (!stale()) state.position = next;
      return;
    }
    await this.runSerially(async () => {
      if (!this.running || stale()) return;
      if (config.eachBatch !== undefined) {
        let resolved: number | undefined;
        const hw = state.highWatermark;
        const batch: Batch = {
          topic: state.topic,
          partition: state.partition,
          highWatermark: String(hw),
          messages,
          isEmpty: () => messages.length === 0,
          firstOffset: () => messages[0]?.offset ?? null,
          lastOffset: () => messages[messages.length - 1]?.offset ?? String(next - 1),
          offsetLag: () => String(Math.max(0, hw - 1 - Number(messages[messages.length - 1]?.offset ?? next - 1))),
        };
        const payload: EachBatchPayload = {
          batch,
          resolveOffset: (offset) => {
            resolved = parseOffset('offset', offset);
            if (!stale()) state.position = resolved + 1;
          },
          heartbeat: async () => {},
          isRunning: () => this.running,
          isStale: stale,
          pause,
        };
        await config.eachBatch(payload);
        if ((config.eachBatchAutoResolve ?? true) && !stale()) state.position = next;
        return;
      }
      const eachMessage = config.eachMessage!;
      for (const message of messages) {
        if (!this.running || stale() || state.paused) return;
        await eachMessage({ topic: state.topic, partition: state.partition, message, pause });
        if (!stale()) state.position = Number(message.offset) + 1;
      }
      if (!stale()) state.position = next;
    });
  }

  /** Runs handler work one piece at a time across fetch loops, in the handler's async context. */
  private runSerially(work: () => Promise<void>): Promise<void> {
    const run = this.serial.then(() => this.handlerContext.run(this, work));
    this.serial = run.catch(() => {});
    return run;
  }
}
