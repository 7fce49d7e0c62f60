// The producer. send() admits records in call order (metadata lookup, buffer space, partitioning)
// into the accumulator; the sender turns ready partitions into Produce requests, one per leader
// broker, with up to maxInFlightRequests in flight per broker. Failed batches are retried with
// backoff after a metadata refresh (so they follow a new leader); a send's promise settles once
// every one of its records is acknowledged or has failed.
//
// Two senders share that frame:
// - idempotent (the default): the producer gets a producer id (InitProducerId) before its first
//   send; each batch carries it with its partition's next sequence number (sequencer.ts) and keeps
//   both through every retry, so the broker drops duplicates (answering with the original offset)
//   and refuses gaps (OUT_OF_ORDER_SEQUENCE_NUMBER). A request carries one batch per partition
//   (the broker's rule), and up to maxInFlightRequests batches of a partition are unanswered at a
//   time, acknowledged to the caller in sequence order. Requests may overtake each other on
//   HTTP/2: a batch refused as out of order while an earlier one is unanswered is retried after it.
// - plain (idempotent: false): one request in flight per partition, carrying every complete batch
//   that waited, concatenated, so that a partition's records are appended in send order without
//   sequence numbers (accumulator.ts says why).
import { SamsaError, encodeBatch, errorFromCode, int64ToNumber, isSamsaError } from '@samsa/protocol';
import type { ErrorCodeName, ProduceRequest, ProduceResponse__Output, RecordHeader } from '@samsa/protocol';
import type { BatchOutcome, PartitionQueue, PendingRecord } from './accumulator.js';
import { ProducerBatch, RecordAccumulator, estimateRecordBytes, queueKey } from './accumulator.js';
import type { Clock, Random, TimerHandle } from './clock.js';
import type { Cluster } from './cluster.js';
import { partitionOf } from './cluster.js';
import { DEFAULTS, LIMITS } from './defaults.js';
import { needsMetadataRefresh, toSamsaError } from './errors.js';
import type { Logger } from './logger.js';
import { DefaultPartitioner } from './partitioner.js';
import type { RetryPolicy } from './retry.js';
import { backoffMs, resolveRetryPolicy } from './retry.js';
import type { ProducerIdentity } from './sequencer.js';
import { PartitionSequences, sameIdentity } from './sequencer.js';
import type { HeaderValue, Message, Partitioner, ProducerBatch as ProducerBatchInput, ProducerConfig, ProducerRecord, RecordMetadata } from './types.js';
import { checkInteger, checkPartition, checkTopicName } from './validate.js';

export interface ResolvedProducerConfig {
  readonly lingerMs: number;
  readonly batchSize: number;
  readonly maxInFlightRequests: number;
  readonly acks: 0 | 1 | -1;
  /** Sequence numbers on every batch (then acks is -1 and maxInFlightRequests at most 5). */
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly maxRequestBytes: number;
  readonly bufferMemoryBytes: number;
  readonly retry: RetryPolicy;
}

/** 0, 1, -1 or 'all' (= -1); INVALID_REQUIRED_ACKS otherwise. */
export function resolveAcks(acks: unknown): 0 | 1 | -1 {
  if (acks === 'all' || acks === -1 || acks === '-1') return -1;
  if (acks === 0 || acks === '0') return 0;
  if (acks === 1 || acks === '1') return 1;
  throw new SamsaError('INVALID_REQUIRED_ACKS', `acks must be 0, 1, -1 or 'all', got ${JSON.stringify(acks)}`);
}

/**
 * Why idempotence cannot go with these settings (Kafka's rules), or undefined when it can: the
 * broker must acknowledge only replicated batches (acks=all), and it remembers the last 5 batches
 * of a producer per partition, so no more may be unanswered.
 */
export function idempotenceConflict(acks: 0 | 1 | -1, maxInFlightRequests: number): string | undefined {
  if (acks !== -1) return `idempotence needs acks 'all' (-1), got ${acks}`;
  if (maxInFlightRequests > LIMITS.maxInFlightRequestsIdempotentMax) {
    return `idempotence needs maxInFlightRequests of at most ${LIMITS.maxInFlightRequestsIdempotentMax}, got ${maxInFlightRequests}`;
  }
  return undefined;
}

/**
 * Fills in defaults and validates; INVALID_CONFIG with a clear message otherwise. Idempotence is
 * on unless turned off; left unset, it turns off by itself when acks or maxInFlightRequests rule it
 * out (as in Kafka 3.x, where only an explicit enable.idempotence=true makes that an error).
 */
export function resolveProducerConfig(config: ProducerConfig | undefined, clientRetry: RetryPolicy): ResolvedProducerConfig {
  const c = config ?? {};
  const d = DEFAULTS.producer;
  const acks = resolveAcks(c.acks ?? d.acks);
  const maxInFlightRequests = checkInteger('maxInFlightRequests', c.maxInFlightRequests ?? d.maxInFlightRequests, 1, LIMITS.maxInFlightRequestsMax);
  if (c.idempotent !== undefined && typeof c.idempotent !== 'boolean') {
    throw new SamsaError('INVALID_CONFIG', `idempotent must be true or false, got ${JSON.stringify(c.idempotent)}`);
  }
  const conflict = idempotenceConflict(acks, maxInFlightRequests);
  if (c.idempotent === true && conflict !== undefined) throw new SamsaError('INVALID_CONFIG', `${conflict} (or set idempotent: false)`);
  return Object.freeze({
    lingerMs: checkInteger('lingerMs', c.lingerMs ?? d.lingerMs, 0, LIMITS.lingerMsMax),
    batchSize: checkInteger('batchSize', c.batchSize ?? d.batchSize, 1, LIMITS.batchSizeMax),
    maxInFlightRequests,
    acks,
    idempotent: c.idempotent ?? (d.idempotent && conflict === undefined),
    timeoutMs: checkInteger('timeoutMs', c.timeoutMs ?? d.timeoutMs, 1, LIMITS.timeoutMsMax),
    maxRequestBytes: checkInteger('maxRequestBytes', c.maxRequestBytes ?? d.maxRequestBytes, 1, LIMITS.batchSizeMax),
    bufferMemoryBytes: checkInteger('bufferMemoryBytes', c.bufferMemoryBytes ?? d.bufferMemoryBytes, 1, Number.MAX_SAFE_INTEGER),
    retry: resolveRetryPolicy(c.retry, clientRetry),
  });
}

/** Who waits for a record: one send() call. */
interface SendTracker {
  remaining: number;
  settled: boolean;
  readonly results: Map<string, { topic: string; partition: number; baseOffset: number; logAppendTime: number; logStartOffset: number }>;
  resolve(value: RecordMetadata[]): void;
  reject(error: Error): void;
  /** Resolves when no record of the send is pending any more (whatever the outcome). */
  readonly done: Promise<void>;
  markDone(): void;
}

type Pending = PendingRecord<SendTracker>;

function toBuffer(v: Buffer | string | null | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  if ((v as unknown) instanceof Uint8Array) return Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength);
  throw new SamsaError('INVALID_RECORD', `${what} must be a Buffer, a string or null`);
}

function normalizeHeaders(headers: Message['headers']): RecordHeader[] {
  if (headers === undefined) return [];
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers)) {
    const values: readonly HeaderValue[] = Array.isArray(value) ? (value as readonly HeaderValue[]) : [value as HeaderValue];
    for (const v of values) out.push({ key, value: toBuffer(v, `header ${key}`) });
  }
  return out;
}

function normalizeTimestamp(ts: Message['timestamp'], nowMs: number): number {
  if (ts === undefined) return nowMs;
  const n = typeof ts === 'string' ? Number(ts) : ts;
  if (!Number.isSafeInteger(n) || n < 0) throw new SamsaError('INVALID_TIMESTAMP', `a message timestamp is milliseconds since the epoch, got ${JSON.stringify(ts)}`);
  return n;
}

/** Answers after which the broker certainly did not append the batch (it refused it first). */
const NOT_APPENDED_CODES: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>([
  'NOT_LEADER_OR_FOLLOWER',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'LEADER_NOT_AVAILABLE',
  'NOT_ENOUGH_REPLICAS',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
  'INVALID_TOPIC',
  'RECORD_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'INVALID_REQUIRED_ACKS',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/**
 * Answers that say a batch is not next in sequence. While an earlier batch of the partition is
 * unanswered, that is a reordering (HTTP/2 streams interleave; an earlier batch is being retried):
 * retry it after the earlier ones. The first such answer of a batch with nothing unanswered
 * before it is retried once too (the broker judged it before an earlier batch whose answer came
 * back first); after that it is fatal. UNKNOWN_PRODUCER_ID
 * is one of them: it is what a batch gets that overtakes its new producer id's sequence 0.
 */
const OUT_OF_SEQUENCE_CODES: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID']);

/**
 * Answers that break a partition's sequences for good: its pending sends fail and the producer
 * gets a new producer id (the out-of-sequence ones only for the first unanswered batch).
 */
const FATAL_SEQUENCE_CODES: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/**
 * Retries of one batch after an out-of-sequence answer while an earlier batch was unanswered.
 * They cost no backoff and no retry (the batch waits for its turn anyway), and cannot recur
 * without bound: a retried batch is sent only once every earlier one is answered, when that
 * answer is final. The limit makes the bound explicit (one per batch that can be ahead of it).
 */
const OUT_OF_ORDER_RETRIES_MAX = LIMITS.maxInFlightRequestsIdempotentMax;

export interface ProducerDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
}

export class Producer {
  private readonly accumulator: RecordAccumulator<SendTracker>;
  private readonly partitioner: Partitioner;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly inFlight = new Map<number, number>();
  private readonly active = new Set<SendTracker>();
  /** send() calls are admitted one after another, so records keep their call order. */
  private admission: Promise<void> = Promise.resolve();
  private readonly bufferWaiters: { bytes: number; wake: () => void }[] = [];
  private flushing = 0;
  private wakeScheduled = false;
  private timer: TimerHandle | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private refreshing = false;
  private closing = false;
  private disconnected: Promise<void> | undefined;

  // Idempotence
  /** Sequences per partition (`partition\0topic`). */
  private readonly sequences = new Map<string, PartitionSequences<SendTracker>>();
  /** The producer id and epoch new batches get (undefined: none yet, or given up after a fatal answer). */
  private identity: ProducerIdentity | undefined;
  private identityRequest: Promise<ProducerIdentity> | undefined;
  /** Set during a sender pass: a partition waits for a producer id / for a new one. */
  private identityWanted = false;
  private staleIdentity: ProducerIdentity | undefined;

  private readonly cluster: Cluster;
  readonly config: ResolvedProducerConfig;

  constructor(cluster: Cluster, config: ResolvedProducerConfig, partitioner: Partitioner | undefined, deps: ProducerDeps) {
    this.cluster = cluster;
    this.config = config;
    this.accumulator = new RecordAccumulator({ batchSize: config.batchSize, lingerMs: config.lingerMs });
    this.partitioner = partitioner ?? new DefaultPartitioner(deps.random);
    this.logger = deps.logger.child({ component: 'producer' });
    this.clock = deps.clock;
    this.random = deps.random;
    if (!config.idempotent) {
      this.logger.info({ reason: idempotenceConflict(config.acks, config.maxInFlightRequests) ?? 'idempotent: false' }, 'idempotence off');
    }
  }

  /** Discovers the cluster and, when idempotent, gets a producer id. Optional: the first send does both. */
  async connect(): Promise<void> {
    await this.cluster.connect();
    if (this.config.idempotent) await this.ensureIdentity();
  }

  /** The producer id and epoch new batches get (undefined before the first is known, or while a new one is asked for). */
  get producerIdentity(): ProducerIdentity | undefined {
    return this.identity;
  }

  /** Sends records of one topic; resolves once all are acknowledged (per the acks level). */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.sendBatch({ topicMessages: [{ topic: record.topic, messages: record.messages }], ...(record.acks !== undefined ? { acks: record.acks } : {}) });
  }

  /** Sends records of several topics; one promise for all of them. */
  sendBatch(batch: ProducerBatchInput): Promise<RecordMetadata[]> {
    let tracker!: SendTracker;
    const result = new Promise<RecordMetadata[]>((resolve, reject) => {
      let markDone!: () => void;
      const done = new Promise<void>((r) => (markDone = r));
      tracker = { remaining: 0, settled: false, results: new Map(), resolve, reject, done, markDone };
    });
    try {
      if (this.closing) throw new SamsaError('INVALID_REQUEST', 'the producer is disconnected');
      const acks = resolveAcks(batch.acks ?? this.config.acks);
      if (this.config.idempotent && acks !== -1) {
        throw new SamsaError('INVALID_REQUIRED_ACKS', `an idempotent producer sends with acks 'all' (-1), got ${acks}; create the producer with idempotent: false for other acks`);
      }
      const topicMessages = batch.topicMessages.map(({ topic, messages }) => {
        checkTopicName(topic);
        if (!Array.isArray(messages)) throw new SamsaError('INVALID_RECORD', `messages of topic "${topic}" must be an array`);
        return { topic, messages };
      });
      this.active.add(tracker);
      const admitted = this.admission.then(() => this.admit(tracker, topicMessages, acks));
      // The next send waits for this one's admission, not for its acknowledgement.
      this.admission = admitted.catch(() => {});
      admitted.catch((error: unknown) => this.failTracker(tracker, error instanceof Error ? error : new Error(String(error))));
    } catch (error) {
      tracker.settled = true;
      tracker.reject(error as Error);
      tracker.markDone();
    }
    return result;
  }

  private async admit(tracker: SendTracker, topicMessages: readonly { topic: string; messages: readonly Message[] }[], acks: 0 | 1 | -1): Promise<void> {
    const unknown = topicMessages.map((t) => t.topic).filter((t) => this.cluster.topic(t) === undefined);
    if (unknown.length > 0) await this.cluster.retry(() => this.cluster.requireTopics(unknown), undefined, this.config.retry);
    const nowMs = this.clock.now();
    const prepared: { topic: string; partition: number | undefined; pending: Pending; message: Message }[] = [];
    let bytes = 0;
    for (const { topic, messages } of topicMessages) {
      for (const message of messages) {
        if (typeof message !== 'object' || message === null) throw new SamsaError('INVALID_RECORD', 'a message is an object with a value');
        const key = toBuffer(message.key, 'key');
        const value = toBuffer(message.value, 'value');
        const headers = normalizeHeaders(message.headers);
        const timestamp = normalizeTimestamp(message.timestamp, nowMs);
        const partition = message.partition === undefined ? undefined : checkPartition('partition', message.partition);
        const sizeBytes = estimateRecordBytes(key, value, headers);
        bytes += sizeBytes;
        prepared.push({ topic, partition, message, pending: { record: { key, value, headers, timestamp }, sizeBytes, owner: tracker } });
      }
    }
    if (prepared.length === 0) {
      this.settleIfComplete(tracker);
      return;
    }
    await this.reserve(bytes);
    // From here on nothing awaits: records join their batches in call order.
    tracker.remaining = prepared.length;
    const now = this.clock.now();
    for (const p of prepared) {
      const info = this.cluster.topic(p.topic);
      const partitionCount = info?.partitions.length ?? 0;
      let partition: number;
      if (p.partition !== undefined) {
        partition = p.partition;
        if (partition >= partitionCount) {
          this.failRecords([p.pending], false, new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${p.topic}" has ${partitionCount} partitions; partition ${partition} does not exist`));
          continue;
        }
      } else {
        const available = (info?.partitions ?? []).filter((q) => q.leader >= 0).map((q) => q.partition);
        partition = this.partitioner.partition({ topic: p.topic, partitionCount, availablePartitions: available, key: p.pending.record.key, message: p.message });
        if (!Number.isSafeInteger(partition) || partition < 0 || partition >= partitionCount) {
          this.failRecords([p.pending], false, new SamsaError('INVALID_REQUEST', `the partitioner chose partition ${partition} of topic "${p.topic}", which has ${partitionCount}`));
          continue;
        }
      }
      this.accumulator.append(p.topic, partition, acks, p.pending, now);
    }
    this.wake();
    this.pumpBufferWaiters();
  }

  /** Waits until `bytes` fit in bufferMemoryBytes, first come first served. */
  private reserve(bytes: number): Promise<void> | void {
    const fits = (): boolean => this.accumulator.bufferedBytes === 0 || this.accumulator.bufferedBytes + bytes <= this.config.bufferMemoryBytes;
    if (this.bufferWaiters.length === 0 && fits()) return;
    return new Promise((resolve) => this.bufferWaiters.push({ bytes, wake: resolve }));
  }

  private releaseBytes(bytes: number): void {
    this.accumulator.release(bytes);
    this.pumpBufferWaiters();
  }

  /** Lets the first waiting send in when its bytes fit (it appends before the next one is let in). */
  private pumpBufferWaiters(): void {
    const w = this.bufferWaiters[0];
    if (w === undefined) return;
    const buffered = this.accumulator.bufferedBytes;
    if (buffered !== 0 && buffered + w.bytes > this.config.bufferMemoryBytes) return;
    this.bufferWaiters.shift();
    w.wake();
  }

  /** Sends every buffered record now and resolves when all sends made before it have settled. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      await this.admission;
      this.wake();
      const pending = [...this.active].map((t) => t.done);
      await Promise.all(pending);
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then closes the connections. Later sends reject. Safe to call twice. */
  disconnect(): Promise<void> {
    if (this.disconnected === undefined) {
      this.closing = true;
      this.disconnected = this.flush()
        .catch(() => {})
        .finally(() => {
          if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
          this.timer = undefined;
          this.cluster.disconnect();
        });
    }
    return this.disconnected;
  }

  // -------------------------------------------------------------------------------------------
  // The sender

  private wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    queueMicrotask(() => {
      this.wakeScheduled = false;
      this.runSender();
    });
  }

  private schedule(atMs: number): void {
    if (atMs >= this.timerAtMs && this.timer !== undefined) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAtMs = Number.POSITIVE_INFINITY;
      this.runSender();
    }, Math.max(0, atMs - this.clock.now()));
  }

  private runSender(): void {
    if (this.cluster.isClosed) return;
    this.cluster.refreshIfStale();
    const now = this.clock.now();
    const flush = this.flushing > 0 || this.closing;
    if (this.config.idempotent) this.runIdempotentSender(now, flush);
    else this.runPlainSender(now, flush);
  }

  // -------------------------------------------------------------------------------------------
  // The plain sender (idempotent: false)

  private runPlainSender(now: number, flush: boolean): void {
    const { ready, nextReadyMs } = this.accumulator.ready(now, flush);
    const groups = new Map<string, { nodeId: number; acks: 0 | 1 | -1; queues: PartitionQueue<SendTracker>[] }>();
    for (const q of ready) {
      const leader = this.cluster.leaderFor(q.topic, q.partition);
      if (leader === undefined) {
        // No leader known: count it as a failed attempt (bounded by the retries), refresh, retry.
        const batch = this.accumulator.take(q);
        this.handleBatchError(batch, new SamsaError('LEADER_NOT_AVAILABLE', `no leader known for ${q.topic}[${q.partition}]`), now);
        continue;
      }
      const key = `${leader.broker.nodeId}/${q.acks}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { nodeId: leader.broker.nodeId, acks: q.acks as 0 | 1 | -1, queues: [] }));
      g.queues.push(q);
    }
    for (const g of groups.values()) {
      const queues = g.queues;
      while (queues.length > 0 && (this.inFlight.get(g.nodeId) ?? 0) < this.config.maxInFlightRequests) {
        // One request: each ready partition once (its complete batches, concatenated), up to
        // maxRequestBytes (at least one batch).
        const entries: ProducerBatch<SendTracker>[][] = [];
        let bytes = 0;
        while (queues.length > 0) {
          const q = queues[0]!;
          const first = q.batches[0]!;
          if (entries.length > 0 && bytes + first.sizeBytes > this.config.maxRequestBytes) break;
          queues.shift();
          const taken = this.accumulator.takeForRequest(q, Math.max(first.sizeBytes, this.config.maxRequestBytes - bytes), now, flush);
          for (const b of taken) bytes += b.sizeBytes;
          entries.push(taken);
        }
        this.sendRequest(g.nodeId, g.acks, entries);
      }
    }
    const next = this.accumulator.ready(now, flush).nextReadyMs ?? nextReadyMs;
    if (next !== undefined) this.schedule(next);
  }

  /** Sends one Produce request: per partition, its batches concatenated (they append contiguously). */
  private sendRequest(nodeId: number, acks: 0 | 1 | -1, entries: ProducerBatch<SendTracker>[][]): void {
    const topics = new Map<string, { name: string; partitions: { partition: number; records: Buffer; current_leader_epoch: number }[] }>();
    const sent: ProducerBatch<SendTracker>[][] = [];
    for (const batches of entries) {
      const first = batches[0]!;
      const encoded: ProducerBatch<SendTracker>[] = [];
      for (const b of batches) {
        try {
          b.encoded ??= encodeBatch(b.records.map((r) => r.record));
          encoded.push(b);
        } catch (error) {
          this.failBatch(b, isSamsaError(error) ? error : new SamsaError('INVALID_RECORD', String(error), { cause: error }));
        }
        if (b.attempts === 0) this.partitioner.onBatchSent?.(b.topic, b.partition);
      }
      if (encoded.length === 0) {
        this.accumulator.done(queueKey(first.topic, first.partition, first.acks));
        continue;
      }
      let t = topics.get(first.topic);
      if (t === undefined) topics.set(first.topic, (t = { name: first.topic, partitions: [] }));
      const epoch = partitionOf(this.cluster.topic(first.topic), first.partition)?.leaderEpoch ?? -1;
      const records = encoded.length === 1 ? encoded[0]!.encoded! : Buffer.concat(encoded.map((b) => b.encoded!));
      t.partitions.push({ partition: first.partition, records, current_leader_epoch: epoch });
      sent.push(encoded);
    }
    if (sent.length === 0) return;
    const request: ProduceRequest = { acks, timeout_ms: this.config.timeoutMs, topics: [...topics.values()] };
    this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 0) + 1);
    let call: Promise<ProduceResponse__Output>;
    try {
      const connection = this.cluster.connectionTo(nodeId);
      // The broker may wait timeoutMs for acks=all; the call's deadline leaves room for the answer.
      call = this.cluster.call(connection, 'Produce', request, { timeoutMs: this.config.timeoutMs + this.cluster.options.requestTimeoutMs });
    } catch (error) {
      call = Promise.reject(error);
    }
    const finish = (): void => {
      for (const batches of sent) this.accumulator.done(queueKey(batches[0]!.topic, batches[0]!.partition, batches[0]!.acks));
      this.requestDone(nodeId);
    };
    if (acks === 0) {
      // acks=0: done once the request is on its way; the broker's answer carries no offsets.
      for (const batches of sent) for (const b of batches) this.completeBatch(b, -1, -1, -1);
      call.catch((err: unknown) => this.logger.warn({ err, broker: nodeId }, 'acks=0 produce request failed')).finally(finish);
      return;
    }
    call
      .then(
        (response) => this.handleResponse(sent, response),
        (error: unknown) => {
          const e = toSamsaError(error);
          this.logger.debug({ err: e, broker: nodeId, partitions: sent.length }, 'produce request failed');
          const now = this.clock.now();
          for (const batches of sent) this.handleEntryError(batches, e, now);
        },
      )
      .finally(finish);
  }

  private requestDone(nodeId: number): void {
    this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 1) - 1);
    this.wake();
  }

  private handleResponse(entries: ProducerBatch<SendTracker>[][], response: ProduceResponse__Output): void {
    const byKey = new Map<string, ProduceResponse__Output['topics'][number]['partitions'][number]>();
    for (const t of response.topics) for (const p of t.partitions) byKey.set(`${p.partition}\u0000${t.name}`, p);
    const now = this.clock.now();
    for (const batches of entries) {
      const { topic, partition } = batches[0]!;
      const p = byKey.get(`${partition}\u0000${topic}`);
      if (p === undefined) {
        this.handleEntryError(batches, new SamsaError('UNKNOWN_SERVER_ERROR', `the produce response has no result for ${topic}[${partition}]`), now);
        continue;
      }
      const error = errorFromCode(p.error_code, p.error_message ? `${topic}[${partition}]: ${p.error_message}` : undefined, { topic, partition, leaderId: p.leader_id, leaderEpoch: p.leader_epoch });
      if (error !== undefined) {
        this.handleEntryError(batches, error, now);
        continue;
      }
      try {
        // The batches were appended together, contiguously, in the order they were sent.
        let baseOffset = int64ToNumber(p.base_offset, 'base_offset');
        const logAppendTime = int64ToNumber(p.log_append_time_ms, 'log_append_time_ms');
        const logStartOffset = int64ToNumber(p.log_start_offset, 'log_start_offset');
        for (const b of batches) {
          this.completeBatch(b, baseOffset, logAppendTime, logStartOffset);
          if (baseOffset >= 0) baseOffset += b.records.length;
        }
      } catch (e) {
        for (const b of batches) this.failBatch(b, e as Error);
      }
    }
  }

  /** An error for a partition's part of a request: it concerns all of its batches, kept in order. */
  private handleEntryError(batches: ProducerBatch<SendTracker>[], error: SamsaError, nowMs: number): void {
    if (batches.length === 1) {
      this.handleBatchError(batches[0]!, error, nowMs);
      return;
    }
    if (error.code === 'RECORD_TOO_LARGE') {
      // One of them is too large: send each alone to find out which (no attempt is counted).
      for (const b of batches) {
        b.solo = true;
        b.retryAtMs = nowMs;
      }
      this.accumulator.reenqueue(batches);
      this.wake();
      return;
    }
    const attempts = Math.max(...batches.map((b) => b.attempts));
    if (error.retriable && attempts < this.config.retry.retries && !this.cluster.isClosed) {
      const delayMs = backoffMs(this.config.retry, attempts, this.random);
      for (const b of batches) {
        b.attempts = attempts + 1;
        b.retryAtMs = nowMs + delayMs;
      }
      this.logger.debug({ topic: batches[0]!.topic, partition: batches[0]!.partition, code: error.code, attempt: attempts + 1, delayMs }, 'retrying batches');
      this.accumulator.reenqueue(batches);
      if (needsMetadataRefresh(error.code)) this.refreshMetadata();
      this.schedule(nowMs + delayMs);
      return;
    }
    for (const b of batches) this.handleBatchError(b, error, nowMs);
  }

  private handleBatchError(batch: ProducerBatch<SendTracker>, error: SamsaError, nowMs: number): void {
    if (error.code === 'RECORD_TOO_LARGE' && batch.records.length > 1) {
      // Too large for the topic's max.message.bytes: resend each record alone, so that only the
      // records that are too large (and only their senders) fail.
      this.logger.debug({ topic: batch.topic, partition: batch.partition, records: batch.records.length }, 'splitting a batch that is too large');
      const singles = batch.records.map((r) => {
        const single = new ProducerBatch<SendTracker>(batch.topic, batch.partition, batch.acks, batch.createdAtMs);
        single.solo = true;
        single.records.push(r);
        single.sizeBytes += r.sizeBytes;
        single.attempts = batch.attempts;
        single.retryAtMs = nowMs;
        return single;
      });
      this.accumulator.reenqueue(singles);
      this.wake();
      return;
    }
    if (this.retryLater(batch, error, nowMs)) return;
    this.failBatch(batch, this.finalError(batch, error));
  }

  /**
   * Requeues `batch` after its backoff when `error` is retriable and retries are left (refreshing
   * metadata where the error calls for it); false when it must fail.
   */
  private retryLater(batch: ProducerBatch<SendTracker>, error: SamsaError, nowMs: number): boolean {
    if (!error.retriable || batch.attempts >= this.config.retry.retries || this.cluster.isClosed) return false;
    const delayMs = backoffMs(this.config.retry, batch.attempts, this.random);
    batch.attempts++;
    batch.retryAtMs = nowMs + delayMs;
    this.logger.debug({ topic: batch.topic, partition: batch.partition, code: error.code, attempt: batch.attempts, delayMs }, 'retrying a batch');
    this.accumulator.reenqueue([batch]);
    if (needsMetadataRefresh(error.code)) this.refreshMetadata();
    this.schedule(batch.retryAtMs);
    return true;
  }

  /** The error a batch fails with: a retriable one says how many attempts were made. */
  private finalError(batch: ProducerBatch<SendTracker>, error: SamsaError): SamsaError {
    return error.retriable && batch.attempts > 0
      ? new SamsaError(error.code, `${error.message} (gave up after ${batch.attempts + 1} attempts)`, { cause: error, details: { ...error.details } })
      : error;
  }

  // -------------------------------------------------------------------------------------------
  // The idempotent sender

  private sequencesFor(topic: string, partition: number): PartitionSequences<SendTracker> {
    const key = `${partition}\u0000${topic}`;
    let s = this.sequences.get(key);
    if (s === undefined) this.sequences.set(key, (s = new PartitionSequences<SendTracker>()));
    return s;
  }

  /**
   * True when the first batch of a due partition must wait for an event rather than for time: a
   * retried batch goes only once every earlier batch is answered; a new batch needs a producer id,
   * room among the partition's unanswered batches, and, under a new producer id, nothing of the
   * old one unanswered. Notes what the pass must ask for (a producer id, a new one).
   */
  private idempotentBlocked(q: PartitionQueue<SendTracker>): boolean {
    const head = q.batches[0];
    if (head === undefined) return true;
    const seq = this.sequencesFor(q.topic, q.partition);
    if (head.order !== undefined) return !seq.isFirst(head);
    if (this.identity === undefined) {
      this.identityWanted = true;
      return true;
    }
    const admission = seq.admit(this.identity, this.config.maxInFlightRequests);
    if (admission === 'new-id') this.staleIdentity = this.identity;
    return admission !== 'ok';
  }

  private runIdempotentSender(now: number, flush: boolean): void {
    this.identityWanted = false;
    this.staleIdentity = undefined;
    const blocked = (q: PartitionQueue<SendTracker>): boolean => this.idempotentBlocked(q);
    const { ready, nextReadyMs } = this.accumulator.ready(now, flush, blocked);
    const groups = new Map<number, PartitionQueue<SendTracker>[]>();
    for (const q of ready) {
      const leader = this.cluster.leaderFor(q.topic, q.partition);
      if (leader === undefined) {
        // No leader known: count it as a failed attempt (bounded by the retries), refresh, retry.
        const batch = this.accumulator.take(q);
        this.handleIdempotentError(batch, new SamsaError('LEADER_NOT_AVAILABLE', `no leader known for ${q.topic}[${q.partition}]`), now, 'not-sent');
        continue;
      }
      let g = groups.get(leader.broker.nodeId);
      if (g === undefined) groups.set(leader.broker.nodeId, (g = []));
      g.push(q);
    }
    for (const [nodeId, due] of groups) {
      let queues = due;
      // Bounded: each request takes at least one batch out of the accumulator.
      while (queues.length > 0 && (this.inFlight.get(nodeId) ?? 0) < this.config.maxInFlightRequests) {
        // One request: one batch of each partition (the broker takes no more from an idempotent
        // producer), up to maxRequestBytes (at least one batch).
        const batches: ProducerBatch<SendTracker>[] = [];
        const again: PartitionQueue<SendTracker>[] = [];
        let bytes = 0;
        for (const q of queues) {
          const head = q.batches[0]!;
          if (batches.length > 0 && bytes + head.sizeBytes > this.config.maxRequestBytes) {
            again.push(q);
            continue;
          }
          const batch = this.accumulator.take(q);
          if (batch.order === undefined) this.sequencesFor(q.topic, q.partition).assign(batch, this.identity!);
          batches.push(batch);
          bytes += batch.sizeBytes;
          // Its next batch may go in the next request, if it is due and allowed.
          if (q.batches.length > 0 && this.accumulator.isReady(q, now, flush) && !this.idempotentBlocked(q)) again.push(q);
        }
        this.sendIdempotentRequest(nodeId, batches);
        queues = again;
      }
    }
    const next = this.accumulator.ready(now, flush, blocked).nextReadyMs ?? nextReadyMs;
    if (next !== undefined) this.schedule(next);
    if (this.staleIdentity !== undefined) this.resetIdentity(this.staleIdentity, 'a partition lost its sequence');
    if (this.identityWanted || this.staleIdentity !== undefined) void this.ensureIdentity().catch(() => {});
  }

  /** Sends one Produce request with one batch per partition, each with its producer id and sequence. */
  private sendIdempotentRequest(nodeId: number, batches: ProducerBatch<SendTracker>[]): void {
    const topics = new Map<string, { name: string; partitions: { partition: number; records: Buffer; current_leader_epoch: number }[] }>();
    const sent: ProducerBatch<SendTracker>[] = [];
    for (const b of batches) {
      try {
        b.encoded ??= encodeBatch(
          b.records.map((r) => r.record),
          { producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence },
        );
      } catch (error) {
        this.failIdempotentBatch(b, isSamsaError(error) ? error : new SamsaError('INVALID_RECORD', String(error), { cause: error }));
        continue;
      }
      if (b.sentSequence === -1) this.partitioner.onBatchSent?.(b.topic, b.partition);
      let t = topics.get(b.topic);
      if (t === undefined) topics.set(b.topic, (t = { name: b.topic, partitions: [] }));
      const epoch = partitionOf(this.cluster.topic(b.topic), b.partition)?.leaderEpoch ?? -1;
      t.partitions.push({ partition: b.partition, records: b.encoded, current_leader_epoch: epoch });
      sent.push(b);
    }
    if (sent.length === 0) return;
    const request: ProduceRequest = { acks: -1, timeout_ms: this.config.timeoutMs, topics: [...topics.values()] };
    let call: Promise<ProduceResponse__Output>;
    let reached = true;
    try {
      const connection = this.cluster.connectionTo(nodeId);
      // The broker may wait timeoutMs for acks=all; the call's deadline leaves room for the answer.
      call = this.cluster.call(connection, 'Produce', request, { timeoutMs: this.config.timeoutMs + this.cluster.options.requestTimeoutMs });
    } catch (error) {
      reached = false;
      call = Promise.reject(error);
    }
    for (const b of sent) {
      b.inFlight = true;
      b.sent ||= reached;
      b.sentSequence = b.baseSequence;
      this.sequencesFor(b.topic, b.partition).inFlight++;
    }
    this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 0) + 1);
    call
      .then(
        (response) => this.handleIdempotentResponse(sent, response),
        (error: unknown) => {
          const e = toSamsaError(error);
          this.logger.debug({ err: e, broker: nodeId, partitions: sent.length }, 'produce request failed');
          const now = this.clock.now();
          for (const b of sent) this.onIdempotentAnswer(b, e, now, reached ? 'call-failed' : 'not-sent');
        },
      )
      .finally(() => this.requestDone(nodeId));
  }

  private handleIdempotentResponse(batches: ProducerBatch<SendTracker>[], response: ProduceResponse__Output): void {
    const byKey = new Map<string, ProduceResponse__Output['topics'][number]['partitions'][number]>();
    for (const t of response.topics) for (const p of t.partitions) byKey.set(`${p.partition}\u0000${t.name}`, p);
    const now = this.clock.now();
    for (const b of batches) {
      const { topic, partition } = b;
      const p = byKey.get(`${partition}\u0000${topic}`);
      if (p === undefined) {
        this.onIdempotentAnswer(b, new SamsaError('UNKNOWN_SERVER_ERROR', `the produce response has no result for ${topic}[${partition}]`), now, 'call-failed');
        continue;
      }
      const error = errorFromCode(p.error_code, p.error_message ? `${topic}[${partition}]: ${p.error_message}` : undefined, { topic, partition, leaderId: p.leader_id, leaderEpoch: p.leader_epoch });
      // DUPLICATE_SEQUENCE_NUMBER: the broker has the batch but no longer its offset (Kafka
      // treats it as success, with offset -1).
      if (error !== undefined && error.code !== 'DUPLICATE_SEQUENCE_NUMBER') {
        this.onIdempotentAnswer(b, error, now, 'answer');
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = {
          ok: true,
          baseOffset: error === undefined ? int64ToNumber(p.base_offset, 'base_offset') : -1,
          logAppendTime: error === undefined ? int64ToNumber(p.log_append_time_ms, 'log_append_time_ms') : -1,
          logStartOffset: error === undefined ? int64ToNumber(p.log_start_offset, 'log_start_offset') : -1,
        };
      } catch (e) {
        this.onIdempotentAnswer(b, e as SamsaError, now, 'call-failed');
        continue;
      }
      this.onIdempotentAnswer(b, outcome, now, 'answer');
    }
  }

  /**
   * One batch's answer: an outcome (acknowledged), or an error of its partition ('answer'), of the
   * whole call ('call-failed': the broker may have appended it), or of a call never made.
   */
  private onIdempotentAnswer(batch: ProducerBatch<SendTracker>, answer: BatchOutcome | SamsaError, nowMs: number, how: 'answer' | 'call-failed' | 'not-sent'): void {
    const seq = this.sequencesFor(batch.topic, batch.partition);
    batch.inFlight = false;
    seq.inFlight--;
    // Already failed with its partition while in flight: the answer changes nothing.
    if (batch.outcome !== undefined) return;
    if (answer instanceof SamsaError) this.handleIdempotentError(batch, answer, nowMs, how);
    else this.deliver(seq.resolve(batch, answer));
  }

  private handleIdempotentError(batch: ProducerBatch<SendTracker>, error: SamsaError, nowMs: number, how: 'answer' | 'call-failed' | 'not-sent'): void {
    const seq = this.sequencesFor(batch.topic, batch.partition);
    const sequenced = batch.order !== undefined;
    if (sequenced && how !== 'not-sent' && batch.sentSequence !== batch.baseSequence) {
      // Renumbered while in flight (an earlier batch failed and certainly was not appended): the
      // answer is about its old sequence, which the broker refuses. Send it under the new one.
      this.retryIdempotentNow(batch, nowMs);
      return;
    }
    if (how === 'call-failed' || (how === 'answer' && !NOT_APPENDED_CODES.has(error.code))) batch.maybeWritten = true;
    // Also once when nothing before it is unanswered any more: the broker may have judged it
    // before an earlier batch whose answer reached us first (a server serves concurrent requests
    // of a connection at once). A second refusal with everything before it answered is final.
    const overtook = seq.hasUnansweredBefore(batch) || batch.outOfOrderRetries === 0;
    if (sequenced && OUT_OF_SEQUENCE_CODES.has(error.code) && overtook && batch.outOfOrderRetries < OUT_OF_ORDER_RETRIES_MAX) {
      // It overtook an earlier batch (HTTP/2 streams interleave) or an earlier one failed and is
      // being retried: retry after it, with the same sequence.
      batch.outOfOrderRetries++;
      this.logger.debug({ topic: batch.topic, partition: batch.partition, code: error.code, baseSequence: batch.baseSequence }, 'batch arrived out of order; retrying after the earlier ones');
      this.retryIdempotentNow(batch, nowMs);
      return;
    }
    if (sequenced && FATAL_SEQUENCE_CODES.has(error.code)) {
      this.failPartition(batch, error);
      return;
    }
    if (error.code === 'RECORD_TOO_LARGE' && batch.records.length > 1) {
      // Refused, so certainly not appended: resend each record alone, in its sequence.
      this.logger.debug({ topic: batch.topic, partition: batch.partition, records: batch.records.length }, 'splitting a batch that is too large');
      const singles = this.singles(batch, nowMs);
      if (sequenced) seq.split(batch, singles);
      this.accumulator.reenqueue(singles);
      this.wake();
      return;
    }
    // The same sequence, so that a resend of an appended batch is recognised as a duplicate.
    if (this.retryLater(batch, error, nowMs)) return;
    this.failIdempotentBatch(batch, this.finalError(batch, error));
  }

  private retryIdempotentNow(batch: ProducerBatch<SendTracker>, nowMs: number): void {
    batch.retryAtMs = nowMs;
    this.accumulator.reenqueue([batch]);
    this.wake();
  }

  /** One batch per record of `batch`, to resend after RECORD_TOO_LARGE. */
  private singles(batch: ProducerBatch<SendTracker>, nowMs: number): ProducerBatch<SendTracker>[] {
    return batch.records.map((r) => {
      const single = new ProducerBatch<SendTracker>(batch.topic, batch.partition, batch.acks, batch.createdAtMs);
      single.solo = true;
      single.records.push(r);
      single.sizeBytes += r.sizeBytes;
      single.attempts = batch.attempts;
      single.retryAtMs = nowMs;
      return single;
    });
  }

  /** A batch failed for good (not fatally for its partition's sequences). */
  private failIdempotentBatch(batch: ProducerBatch<SendTracker>, error: Error): void {
    if (batch.order === undefined) {
      this.failBatch(batch, error);
      return;
    }
    const seq = this.sequencesFor(batch.topic, batch.partition);
    const wasBroken = seq.broken;
    this.deliver(seq.fail(batch, error, !batch.maybeWritten));
    if (seq.broken && !wasBroken) {
      this.logger.info({ topic: batch.topic, partition: batch.partition, producerId: batch.producerId, baseSequence: batch.baseSequence }, 'a batch that may have been appended failed; the partition restarts its sequences under a new producer id');
    }
    this.wake();
  }

  /**
   * A fatal answer (OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID for the first unanswered
   * batch, INVALID_PRODUCER_EPOCH): the broker's view of this producer no longer
   * matches ours. The batch and every batch queued behind it on the partition fail with the error;
   * the producer gets a new producer id and the partition starts again at sequence 0.
   */
  private failPartition(batch: ProducerBatch<SendTracker>, error: SamsaError): void {
    const seq = this.sequencesFor(batch.topic, batch.partition);
    const order = batch.order!;
    const { failed, deliverable } = seq.failFrom(batch, error);
    const queued = this.accumulator.remove(batch.topic, batch.partition, batch.acks, (b) => b.order === undefined || b.order >= order);
    this.logger.warn(
      { topic: batch.topic, partition: batch.partition, code: error.code, producerId: batch.producerId, baseSequence: batch.baseSequence, failedBatches: failed.length + queued.filter((b) => b.order === undefined).length },
      'the broker refused the partition\'s sequence; failing its pending sends and getting a new producer id',
    );
    this.deliver(deliverable);
    for (const b of queued) if (b.order === undefined) this.failBatch(b, error);
    this.resetIdentity(batch, error.code);
    this.wake();
  }

  /** Tells the callers of answered batches, in sequence order. */
  private deliver(batches: readonly ProducerBatch<SendTracker>[]): void {
    for (const b of batches) {
      const o = b.outcome!;
      if (o.ok) this.completeBatch(b, o.baseOffset, o.logAppendTime, o.logStartOffset);
      else this.failBatch(b, o.error);
    }
  }

  /** Drops the producer id `stale` (if still current): new batches wait for a new one. */
  private resetIdentity(stale: ProducerIdentity, reason: string): void {
    if (!sameIdentity(this.identity, stale)) return;
    this.logger.info({ producerId: stale.producerId, producerEpoch: stale.producerEpoch, reason }, 'producer id dropped');
    this.identity = undefined;
  }

  /** The producer id, asking any broker (InitProducerId, with retries) when there is none. */
  private ensureIdentity(): Promise<ProducerIdentity> {
    if (this.identity !== undefined) return Promise.resolve(this.identity);
    if (this.identityRequest === undefined) {
      const request = this.initProducerId();
      this.identityRequest = request;
      request
        .then(
          (identity) => {
            this.identity = identity;
            this.logger.info({ producerId: identity.producerId, producerEpoch: identity.producerEpoch }, 'producer id assigned');
          },
          (err: unknown) => {
            // Sends cannot go without one: fail those waiting (later sends ask again).
            this.logger.warn({ err }, 'InitProducerId failed');
            const waiting = this.accumulator.removeAll((b) => b.order === undefined);
            for (const b of waiting) this.failBatch(b, err instanceof Error ? err : new Error(String(err)));
          },
        )
        .finally(() => {
          this.identityRequest = undefined;
          this.wake();
        });
    }
    return this.identityRequest;
  }

  private async initProducerId(): Promise<ProducerIdentity> {
    return this.cluster.retry(
      async (attempt) => {
        const response = await this.cluster.call(this.cluster.someBrokerConnection(attempt), 'InitProducerId', {});
        const error = errorFromCode(response.error_code, response.error_message || undefined);
        if (error !== undefined) throw error;
        const producerId = int64ToNumber(response.producer_id, 'producer_id');
        const producerEpoch = response.producer_epoch;
        // The batch header holds the epoch in 16 bits.
        if (producerId < 0 || !Number.isInteger(producerEpoch) || producerEpoch < 0 || producerEpoch > 0x7fff) {
          throw new SamsaError('UNKNOWN_SERVER_ERROR', `InitProducerId answered producer id ${response.producer_id}, epoch ${producerEpoch}`);
        }
        return Object.freeze({ producerId, producerEpoch });
      },
      undefined,
      this.config.retry,
    );
  }

  private refreshMetadata(): void {
    if (this.refreshing || this.cluster.isClosed) return;
    this.refreshing = true;
    this.cluster
      .refreshMetadata()
      .catch((err: unknown) => this.logger.debug({ err }, 'metadata refresh failed'))
      .finally(() => {
        this.refreshing = false;
        this.wake();
      });
  }

  private completeBatch(batch: ProducerBatch<SendTracker>, baseOffset: number, logAppendTime: number, logStartOffset: number): void {
    const key = `${batch.topic}\u0000${batch.partition}`;
    batch.records.forEach((r, i) => {
      const t = r.owner;
      const offset = baseOffset < 0 ? -1 : baseOffset + i;
      const prev = t.results.get(key);
      if (prev === undefined || (offset >= 0 && offset < prev.baseOffset)) {
        t.results.set(key, { topic: batch.topic, partition: batch.partition, baseOffset: offset, logAppendTime, logStartOffset });
      }
      t.remaining--;
      this.settleIfComplete(t);
    });
    this.releaseBytes(batch.recordBytes);
  }

  private failBatch(batch: ProducerBatch<SendTracker>, error: Error): void {
    this.logger.debug({ topic: batch.topic, partition: batch.partition, records: batch.records.length, err: error }, 'batch failed');
    this.failRecords(batch.records, true, error);
  }

  /** Fails records; `buffered` says whether they were appended (and hold buffer space). */
  private failRecords(records: readonly Pending[], buffered: boolean, error: Error): void {
    let bytes = 0;
    for (const r of records) {
      bytes += r.sizeBytes;
      r.owner.remaining--;
      this.failTracker(r.owner, error);
    }
    if (buffered) this.releaseBytes(bytes);
  }

  private failTracker(t: SendTracker, error: Error): void {
    if (!t.settled) {
      t.settled = true;
      t.reject(error);
    }
    if (t.remaining <= 0) {
      this.active.delete(t);
      t.markDone();
    }
  }

  private settleIfComplete(t: SendTracker): void {
    if (t.remaining > 0) return;
    this.active.delete(t);
    t.markDone();
    if (t.settled) return;
    t.settled = true;
    const results = [...t.results.values()]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map(
        (r): RecordMetadata => ({
          topicName: r.topic,
          partition: r.partition,
          errorCode: 'NONE',
          baseOffset: String(r.baseOffset),
          logAppendTime: String(r.logAppendTime),
          logStartOffset: String(r.logStartOffset),
        }),
      );
    t.resolve(results);
  }
}
