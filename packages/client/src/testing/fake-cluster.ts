// An in-memory cluster behind the SDK's Transport interface, for unit tests of routing, retries,
// batching and fetching without a broker process. It keeps real record batches (validated and
// stamped with the protocol package's codec), answers per-partition errors as a broker does
// (NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE, RECORD_TOO_LARGE), long-polls fetches on the
// injected clock, and lets a test intercept any call to fail it, delay it or hold it before the
// broker handles it (so requests can arrive in any order), and drop or hold its answer after
// (a lost response; answers in any order).
//
// Idempotent producers get the broker's rules (Kafka's ProducerStateManager, written here
// independently of the SDK's sequencer): InitProducerId hands out ids; per partition and producer
// id, the last 5 batches are remembered; a batch equal to one of them is a duplicate, answered
// NONE with its original base offset and not appended; a first sequence other than last + 1
// (wrapping after 2^31 - 1) is OUT_OF_ORDER_SEQUENCE_NUMBER; an id without state whose sequence
// does not start at 0 is UNKNOWN_PRODUCER_ID; an older epoch is INVALID_PRODUCER_EPOCH; and a
// request with more than one batch for a partition is INVALID_RECORD when they carry a producer id.
// The state lives with the partition, so a new leader knows it (as replicas rebuild it).
//
// Admin calls get a broker's answers in outline: DescribeTopics from any broker, with offsets only
// from a broker that hosts the partition and replica states only from its leader; ElectLeaders
// with the controller's rules (preferred: the first replica leads when live and in the ISR;
// unclean: a leaderless partition gets its first live replica, which becomes the ISR);
// AlterConfigs of topics and of a broker's `follower.replication.throttled.rate` (an integer of
// at least 1). A partition's replicas and ISR default to its leader alone.
import { SamsaError, newTopicId, readBatchHeader, stampBatch, validateBatches } from '@samsa/protocol';
import type {
  AlterConfigsResponse__Output,
  BatchHeader,
  DescribeTopicsResponse__Output,
  ElectLeadersResponse__Output,
  ErrorCodeName,
  FetchResponse__Output,
  InitProducerIdResponse__Output,
  ListOffsetsResponse__Output,
  MetadataResponse__Output,
  ProduceResponse__Output,
} from '@samsa/protocol';
import type { Clock } from '../clock.js';
import type { BrokerConnection, CallOptions, RpcName, RpcRequest, RpcResponse, Transport } from '../transport.js';
import { CallAbortedError } from '../transport.js';

/** A batch of an idempotent producer, as the broker remembers it. */
export interface FakeProducerBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

export interface FakeProducerState {
  epoch: number;
  /** The last FAKE_PRODUCER_BATCHES_MAX batches, oldest first. */
  batches: FakeProducerBatch[];
}

/** Batches remembered per producer and partition (Kafka's 5). */
export const FAKE_PRODUCER_BATCHES_MAX = 5;

const SEQUENCE_MAX = 0x7fffffff;
const nextSequence = (sequence: number): number => (sequence === SEQUENCE_MAX ? 0 : sequence + 1);
/** The last sequence of a batch of `count` records starting at `first` (wrapping). */
const lastSequenceOf = (first: number, count: number): number => (first + count - 1) % (SEQUENCE_MAX + 1);

export interface FakePartition {
  leader: number;
  leaderEpoch: number;
  batches: Buffer[];
  logStartOffset: number;
  logEndOffset: number;
  /** Idempotent producers' state, by producer id. */
  producers: Map<number, FakeProducerState>;
  /** The replica set, preferred leader first; `[leader]` when unset. */
  replicas?: number[];
  /** The ISR; `[leader]` when unset. */
  isr?: number[];
  /** Followers' log end offsets as the leader last saw them (absent: unknown, -1). */
  followerLogEndOffsets?: Map<number, number>;
}

export interface FakeTopic {
  id: Buffer;
  partitions: FakePartition[];
  maxMessageBytes: number;
  /** Configs set on the topic (AlterConfigs). */
  configs: Map<string, string>;
}

/** The one dynamic broker config the fake (like the broker) knows. */
export const FAKE_BROKER_CONFIG_KEYS: readonly string[] = ['follower.replication.throttled.rate'];

const replicasOf = (p: FakePartition): number[] => p.replicas ?? (p.leader >= 0 ? [p.leader] : []);
const isrOf = (p: FakePartition): number[] => p.isr ?? (p.leader >= 0 ? [p.leader] : []);

export interface RecordedCall {
  address: string;
  nodeId: number | undefined;
  rpc: RpcName;
  request: unknown;
}

/**
 * Returns undefined to let the call through, a SamsaError to fail the whole call, or a promise to
 * wait for before answering (a held request).
 */
export type Interceptor = (call: RecordedCall) => SamsaError | Promise<void> | undefined;

/**
 * Decides a partition's answer to a produce before the broker checks or appends anything: an
 * error code (nothing is written), or undefined to go on.
 */
export type PartitionErrorInjector = (args: { nodeId: number; topic: string; partition: number; header: BatchHeader; bytes: Buffer }) => ErrorCodeName | undefined;

/**
 * Called after the broker handled a call (its effects are done): undefined lets the answer
 * through, a SamsaError replaces it (the answer was lost: the caller sees a failed call), a
 * promise holds the answer until it settles.
 */
export type ResponseInterceptor = (call: RecordedCall, response: unknown) => SamsaError | Promise<void> | undefined;

export class FakeCluster implements Transport {
  /** `up: false`: unreachable (a dead process); `fenced`: what metadata says of it. */
  readonly brokers = new Map<number, { host: string; port: number; up: boolean; fenced?: boolean }>();
  readonly topics = new Map<string, FakeTopic>();
  readonly calls: RecordedCall[] = [];
  interceptor: Interceptor | undefined;
  responseInterceptor: ResponseInterceptor | undefined;
  partitionError: PartitionErrorInjector | undefined;
  controllerId = 1;
  /** The next producer id InitProducerId hands out. */
  nextProducerId = 1000;
  /** Error codes the next InitProducerId calls answer with, one per call, before succeeding. */
  readonly initProducerIdErrors: ErrorCodeName[] = [];
  /** Dynamic configs of each broker (AlterConfigs with `broker`). */
  readonly brokerConfigs = new Map<number, Map<string, string>>();
  private appendWaiters: (() => void)[] = [];
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  addBroker(nodeId: number, port = 9000 + nodeId): string {
    this.brokers.set(nodeId, { host: '127.0.0.1', port, up: true });
    return `127.0.0.1:${port}`;
  }

  createTopic(name: string, partitions: number, leader = 1, maxMessageBytes = 1_048_576): FakeTopic {
    const topic: FakeTopic = {
      id: newTopicId(),
      maxMessageBytes,
      configs: new Map<string, string>(),
      partitions: Array.from({ length: partitions }, () => ({ leader, leaderEpoch: 0, batches: [], logStartOffset: 0, logEndOffset: 0, producers: new Map<number, FakeProducerState>() })),
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** Moves a partition's leadership (bumping its epoch), as a controller does on failover. */
  moveLeader(topic: string, partition: number, leader: number): void {
    const p = this.topics.get(topic)!.partitions[partition]!;
    p.leader = leader;
    p.leaderEpoch++;
  }

  /** Appends records directly (as another producer would). */
  append(topic: string, partition: number, batch: Buffer): number {
    const p = this.topics.get(topic)!.partitions[partition]!;
    const [validated] = validateBatches(batch, { maxBatchBytes: Number.MAX_SAFE_INTEGER });
    const copy = Buffer.from(validated!.bytes);
    const base = p.logEndOffset;
    stampBatch(copy, base, p.leaderEpoch);
    p.batches.push(copy);
    p.logEndOffset += validated!.header.lastOffsetDelta + 1;
    const waiters = this.appendWaiters;
    this.appendWaiters = [];
    for (const w of waiters) w();
    return base;
  }

  callsOf(rpc: RpcName): RecordedCall[] {
    return this.calls.filter((c) => c.rpc === rpc);
  }

  connect(address: string): BrokerConnection {
    return {
      address,
      call: <M extends RpcName>(rpc: M, request: RpcRequest<M>, options: CallOptions): Promise<RpcResponse<M>> => this.handle(address, rpc, request, options) as Promise<RpcResponse<M>>,
      close: () => {},
    };
  }

  private nodeAt(address: string): number | undefined {
    for (const [id, b] of this.brokers) if (`${b.host}:${b.port}` === address) return id;
    return undefined;
  }

  private async handle(address: string, rpc: RpcName, request: unknown, options: CallOptions): Promise<unknown> {
    const nodeId = this.nodeAt(address);
    const call: RecordedCall = { address, nodeId, rpc, request };
    this.calls.push(call);
    // Answers come back asynchronously, as from a network.
    await Promise.resolve();
    if (nodeId === undefined || !this.brokers.get(nodeId)!.up) {
      throw new SamsaError('NETWORK_EXCEPTION', `cannot reach broker ${address}: UNAVAILABLE: No connection established`);
    }
    const intercepted = this.interceptor?.(call);
    if (intercepted instanceof SamsaError) throw intercepted;
    if (intercepted !== undefined) await intercepted;
    if (options.signal?.aborted === true) throw new CallAbortedError(`${rpc} aborted`);
    const response = await this.dispatch(nodeId, rpc, request, options);
    const after = this.responseInterceptor?.(call, response);
    if (after instanceof SamsaError) throw after;
    if (after !== undefined) await after;
    return response;
  }

  private async dispatch(nodeId: number, rpc: RpcName, request: unknown, options: CallOptions): Promise<unknown> {
    switch (rpc) {
      case 'Metadata':
        return this.metadata(request as RpcRequest<'Metadata'>);
      case 'Produce':
        return this.produce(nodeId, request as RpcRequest<'Produce'>);
      case 'Fetch':
        return this.fetch(nodeId, request as RpcRequest<'Fetch'>, options);
      case 'ListOffsets':
        return this.listOffsets(nodeId, request as RpcRequest<'ListOffsets'>);
      case 'InitProducerId':
        return this.initProducerId();
      case 'DescribeTopics':
        return this.describeTopics(nodeId, request as RpcRequest<'DescribeTopics'>);
      case 'ElectLeaders':
        return this.electLeaders(request as RpcRequest<'ElectLeaders'>);
      case 'AlterConfigs':
        return this.alterConfigs(request as RpcRequest<'AlterConfigs'>);
      default:
        throw new SamsaError('INVALID_REQUEST', `the fake cluster does not implement ${rpc}`);
    }
  }

  private metadata(request: RpcRequest<'Metadata'>): MetadataResponse__Output {
    const names = request.topics !== undefined && request.topics.length > 0 ? request.topics : [...this.topics.keys()];
    return {
      cluster_id: 'fake',
      controller_id: this.controllerId,
      brokers: [...this.brokers.entries()].map(([node_id, b]) => ({ node_id, host: b.host, port: b.port, fenced: b.fenced === true })),
      topics: names.map((name) => {
        const t = this.topics.get(name);
        if (t === undefined) return { name, topic_id: Buffer.alloc(0), error_code: 'UNKNOWN_TOPIC_OR_PARTITION', partitions: [], internal: false };
        return {
          name,
          topic_id: t.id,
          error_code: 'NONE',
          internal: false,
          partitions: t.partitions.map((p, partition) => ({ partition, error_code: 'NONE', leader_id: p.leader, leader_epoch: p.leaderEpoch, replicas: replicasOf(p), isr: isrOf(p) })),
        };
      }),
    };
  }

  /** Live as the controller sees it: registered and not fenced (a dead process is still unfenced for a while). */
  private isLive(nodeId: number): boolean {
    const b = this.brokers.get(nodeId);
    return b !== undefined && b.fenced !== true;
  }

  private describeTopics(nodeId: number, request: RpcRequest<'DescribeTopics'>): DescribeTopicsResponse__Output {
    const names = request.names !== undefined && request.names.length > 0 ? request.names : [...this.topics.keys()];
    return {
      topics: names.map((name) => {
        const t = this.topics.get(name);
        if (t === undefined) return { name, topic_id: Buffer.alloc(0), error_code: 'UNKNOWN_TOPIC_OR_PARTITION', error_message: `topic "${name}" does not exist`, internal: false, partitions: [], configs: [] };
        return {
          name,
          topic_id: t.id,
          error_code: 'NONE',
          error_message: '',
          internal: false,
          configs: [...t.configs.entries()].map(([n, value]) => ({ name: n, value, is_default: false })),
          partitions: t.partitions.map((p, partition) => {
            const hosted = replicasOf(p).includes(nodeId);
            const offsets = (n: number): string => String(hosted ? n : -1);
            return {
              partition,
              error_code: 'NONE',
              leader_id: p.leader,
              leader_epoch: p.leaderEpoch,
              replicas: replicasOf(p),
              isr: isrOf(p),
              log_start_offset: offsets(p.logStartOffset),
              high_watermark: offsets(p.logEndOffset),
              log_end_offset: offsets(p.logEndOffset),
              size_bytes: offsets(p.batches.reduce((n, b) => n + b.length, 0)),
              replica_states:
                p.leader !== nodeId
                  ? []
                  : replicasOf(p).map((id) => ({ broker_id: id, log_end_offset: String(id === nodeId ? p.logEndOffset : (p.followerLogEndOffsets?.get(id) ?? -1)), in_sync: isrOf(p).includes(id) })),
            };
          }),
        };
      }),
    };
  }

  private electLeaders(request: RpcRequest<'ElectLeaders'>): ElectLeadersResponse__Output {
    const unclean = request.election_type === 'UNCLEAN' || request.election_type === 1;
    const wanted = request.topics !== undefined && request.topics.length > 0 ? request.topics : [...this.topics.keys()].sort().map((topic) => ({ topic, partitions: [] }));
    const results: ElectLeadersResponse__Output['results'] = [];
    for (const w of wanted) {
      const name = w.topic ?? '';
      const t = this.topics.get(name);
      if (t === undefined) {
        results.push({ topic: name, partition: -1, error_code: 'UNKNOWN_TOPIC_OR_PARTITION', error_message: `topic "${name}" does not exist`, leader_id: -1, leader_epoch: -1 });
        continue;
      }
      const partitions = w.partitions !== undefined && w.partitions.length > 0 ? w.partitions : t.partitions.map((_, i) => i);
      for (const partition of partitions) {
        const p = t.partitions[partition];
        if (p === undefined) {
          results.push({ topic: name, partition, error_code: 'UNKNOWN_TOPIC_OR_PARTITION', error_message: `no partition ${partition}`, leader_id: -1, leader_epoch: -1 });
          continue;
        }
        const outcome = (code: ErrorCodeName | 'NONE', message = ''): void => void results.push({ topic: name, partition, error_code: code, error_message: message, leader_id: p.leader, leader_epoch: p.leaderEpoch });
        if (!unclean) {
          const preferred = replicasOf(p)[0];
          if (preferred === p.leader) outcome('ELECTION_NOT_NEEDED', 'fake: the preferred replica leads');
          else if (preferred === undefined || !isrOf(p).includes(preferred) || !this.isLive(preferred)) outcome('PREFERRED_LEADER_NOT_AVAILABLE', 'fake: the preferred replica is fenced or out of sync');
          else {
            p.replicas = replicasOf(p);
            p.isr = isrOf(p);
            this.moveLeader(name, partition, preferred);
            outcome('NONE');
          }
          continue;
        }
        if (p.leader >= 0 && this.isLive(p.leader)) {
          outcome('ELECTION_NOT_NEEDED', 'fake: the partition has a live leader');
          continue;
        }
        const next = replicasOf(p).find((id) => this.isLive(id));
        if (next === undefined) outcome('ELIGIBLE_LEADERS_NOT_AVAILABLE', 'fake: no live replica');
        else {
          p.replicas = replicasOf(p);
          this.moveLeader(name, partition, next);
          p.isr = [next];
          outcome('NONE');
        }
      }
    }
    return { results };
  }

  private alterConfigs(request: RpcRequest<'AlterConfigs'>): AlterConfigsResponse__Output {
    const topic = request.topic ?? '';
    const broker = request.broker ?? '';
    const answer = (code: ErrorCodeName | 'NONE', message = ''): AlterConfigsResponse__Output => ({ topic, broker, error_code: code, error_message: message });
    const set = Object.entries(request.set ?? {});
    const deleted = request.delete ?? [];
    if ((topic === '') === (broker === '')) return answer('INVALID_REQUEST', 'fake: name a topic or a broker');
    let configs: Map<string, string>;
    if (broker !== '') {
      const id = /^\d+$/.test(broker) ? Number(broker) : NaN;
      if (!this.brokers.has(id)) return answer('BROKER_ID_NOT_REGISTERED', `fake: broker ${broker} is not registered`);
      for (const [key, value] of set) {
        if (!FAKE_BROKER_CONFIG_KEYS.includes(key)) return answer('INVALID_CONFIG', `fake: unknown broker config ${key}`);
        if (!/^\d+$/.test(value) || Number(value) < 1) return answer('INVALID_CONFIG', `fake: ${key} must be an integer of at least 1, got "${value}"`);
      }
      for (const key of deleted) if (!FAKE_BROKER_CONFIG_KEYS.includes(key)) return answer('INVALID_CONFIG', `fake: unknown broker config ${key}`);
      configs = this.brokerConfigs.get(id) ?? new Map<string, string>();
      this.brokerConfigs.set(id, configs);
    } else {
      const t = this.topics.get(topic);
      if (t === undefined) return answer('UNKNOWN_TOPIC_OR_PARTITION');
      configs = t.configs;
    }
    if (request.validate_only === true) return answer('NONE');
    for (const [key, value] of set) configs.set(key, value);
    for (const key of deleted) configs.delete(key);
    return answer('NONE');
  }

  private initProducerId(): InitProducerIdResponse__Output {
    const code = this.initProducerIdErrors.shift();
    if (code !== undefined) return { error_code: code, error_message: `fake: ${code}`, producer_id: '-1', producer_epoch: -1 };
    return { error_code: 'NONE', error_message: '', producer_id: String(this.nextProducerId++), producer_epoch: 0 };
  }

  /**
   * The broker's sequence check for one batch of an idempotent producer: 'append', a duplicate's
   * original base offset, or the error code.
   */
  private checkSequence(p: FakePartition, producerId: number, epoch: number, firstSequence: number, lastSequence: number): 'append' | { duplicateOf: number } | ErrorCodeName {
    const state = p.producers.get(producerId);
    if (state === undefined) return firstSequence === 0 ? 'append' : 'UNKNOWN_PRODUCER_ID';
    if (epoch < state.epoch) return 'INVALID_PRODUCER_EPOCH';
    if (epoch > state.epoch) return firstSequence === 0 ? 'append' : 'OUT_OF_ORDER_SEQUENCE_NUMBER';
    const duplicate = state.batches.find((b) => b.firstSequence === firstSequence && b.lastSequence === lastSequence);
    if (duplicate !== undefined) return { duplicateOf: duplicate.baseOffset };
    const last = state.batches[state.batches.length - 1];
    if (last !== undefined && firstSequence !== nextSequence(last.lastSequence)) return 'OUT_OF_ORDER_SEQUENCE_NUMBER';
    return 'append';
  }

  private rememberBatch(p: FakePartition, producerId: number, epoch: number, batch: FakeProducerBatch): void {
    let state = p.producers.get(producerId);
    if (state === undefined || state.epoch !== epoch) p.producers.set(producerId, (state = { epoch, batches: [] }));
    state.batches.push(batch);
    if (state.batches.length > FAKE_PRODUCER_BATCHES_MAX) state.batches.shift();
  }

  private produce(nodeId: number, request: RpcRequest<'Produce'>): ProduceResponse__Output {
    return {
      topics: (request.topics ?? []).map((t) => ({
        name: t.name ?? '',
        partitions: (t.partitions ?? []).map((pd) => {
          const partition = pd.partition ?? 0;
          const base = { partition, error_message: '', base_offset: '-1', log_append_time_ms: '-1', log_start_offset: '0', leader_id: -1, leader_epoch: -1 };
          const topic = this.topics.get(t.name ?? '');
          const p = topic?.partitions[partition];
          if (topic === undefined || p === undefined) return { ...base, error_code: 'UNKNOWN_TOPIC_OR_PARTITION' as const };
          if (p.leader !== nodeId) return { ...base, error_code: 'NOT_LEADER_OR_FOLLOWER' as const, leader_id: p.leader, leader_epoch: p.leaderEpoch };
          const records = pd.records as Buffer;
          try {
            const batches = validateBatches(records, { maxBatchBytes: topic.maxMessageBytes, producerBatch: true });
            const injected = this.partitionError?.({ nodeId, topic: t.name ?? '', partition, header: batches[0]!.header, bytes: batches[0]!.bytes });
            if (injected !== undefined) return { ...base, error_code: injected, error_message: `fake: injected ${injected}` };
            const idempotent = batches.filter((b) => b.header.producerId >= 0);
            if (idempotent.length > 0) {
              if (batches.length > 1) {
                return { ...base, error_code: 'INVALID_RECORD' as const, error_message: 'a request carries one batch per partition of an idempotent producer' };
              }
              const { header, bytes } = idempotent[0]!;
              const lastSequence = lastSequenceOf(header.baseSequence, header.recordCount);
              const verdict = this.checkSequence(p, header.producerId, header.producerEpoch, header.baseSequence, lastSequence);
              if (typeof verdict === 'string' && verdict !== 'append') return { ...base, error_code: verdict, error_message: `fake: ${verdict} for sequence ${header.baseSequence}` };
              if (typeof verdict === 'object') return { ...base, error_code: 'NONE' as const, base_offset: String(verdict.duplicateOf), log_start_offset: String(p.logStartOffset) };
              const baseOffset = this.append(t.name ?? '', partition, bytes);
              this.rememberBatch(p, header.producerId, header.producerEpoch, { firstSequence: header.baseSequence, lastSequence, baseOffset });
              return { ...base, error_code: 'NONE' as const, base_offset: String(baseOffset), log_start_offset: String(p.logStartOffset) };
            }
            const first = p.logEndOffset;
            for (const b of batches) this.append(t.name ?? '', partition, b.bytes);
            return { ...base, error_code: 'NONE' as const, base_offset: String(first), log_start_offset: String(p.logStartOffset) };
          } catch (e) {
            const error = e as SamsaError;
            return { ...base, error_code: error.code, error_message: error.message };
          }
        }),
      })),
    };
  }

  private async fetch(nodeId: number, request: RpcRequest<'Fetch'>, options: CallOptions): Promise<FetchResponse__Output> {
    const answer = (): { response: FetchResponse__Output; hasData: boolean } => {
      let hasData = false;
      const response: FetchResponse__Output = {
        topics: (request.topics ?? []).map((t) => ({
          name: t.name ?? '',
          partitions: (t.partitions ?? []).map((fp) => {
            const partition = fp.partition ?? 0;
            const offset = Number(fp.fetch_offset);
            const p = this.topics.get(t.name ?? '')?.partitions[partition];
            const base = { partition, error_message: '', high_watermark: '-1', log_start_offset: '-1', records: Buffer.alloc(0), leader_id: -1, leader_epoch: -1, next_fetch_offset: String(offset) };
            if (p === undefined) {
              hasData = true;
              return { ...base, error_code: 'UNKNOWN_TOPIC_OR_PARTITION' as const };
            }
            if (p.leader !== nodeId) {
              hasData = true;
              return { ...base, error_code: 'NOT_LEADER_OR_FOLLOWER' as const, leader_id: p.leader, leader_epoch: p.leaderEpoch };
            }
            if (offset < p.logStartOffset || offset > p.logEndOffset) {
              hasData = true;
              return { ...base, error_code: 'OFFSET_OUT_OF_RANGE' as const, high_watermark: String(p.logEndOffset), log_start_offset: String(p.logStartOffset) };
            }
            // Whole batches from the one containing `offset`, like a broker (it may start earlier).
            const out: Buffer[] = [];
            let bytes = 0;
            let next = offset;
            for (const b of p.batches) {
              const header = readBatchHeader(b, 0);
              const last = header.baseOffset + header.lastOffsetDelta;
              if (last < offset) continue;
              if (out.length > 0 && bytes + b.length > (fp.partition_max_bytes ?? 1_048_576)) break;
              out.push(b);
              bytes += b.length;
              next = last + 1;
            }
            if (out.length > 0) hasData = true;
            return { ...base, error_code: 'NONE' as const, high_watermark: String(p.logEndOffset), log_start_offset: String(p.logStartOffset), records: Buffer.concat(out), next_fetch_offset: String(next) };
          }),
        })),
      };
      return { response, hasData };
    };
    const first = answer();
    if (first.hasData || (request.max_wait_ms ?? 0) <= 0) return first.response;
    // Long poll: until an append, the wait runs out, or the caller cancels.
    await new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(done, request.max_wait_ms ?? 0);
      const onAbort = (): void => {
        this.clock.clearTimeout(timer);
        this.appendWaiters = this.appendWaiters.filter((w) => w !== done);
        reject(new CallAbortedError('Fetch aborted'));
      };
      function done(): void {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      this.appendWaiters.push(() => {
        this.clock.clearTimeout(timer);
        done();
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    return answer().response;
  }

  private listOffsets(nodeId: number, request: RpcRequest<'ListOffsets'>): ListOffsetsResponse__Output {
    return {
      topics: (request.topics ?? []).map((t) => ({
        name: t.name ?? '',
        partitions: (t.partitions ?? []).map((lp) => {
          const partition = lp.partition ?? 0;
          const p = this.topics.get(t.name ?? '')?.partitions[partition];
          const base = { partition, error_message: '', offset: '-1', timestamp: '-1', leader_id: -1, leader_epoch: -1 };
          if (p === undefined) return { ...base, error_code: 'UNKNOWN_TOPIC_OR_PARTITION' as const };
          if (p.leader !== nodeId) return { ...base, error_code: 'NOT_LEADER_OR_FOLLOWER' as const };
          const ts = Number(lp.timestamp);
          const offset = ts === -2 ? p.logStartOffset : ts === -1 ? p.logEndOffset : -1;
          return { ...base, error_code: 'NONE' as const, offset: String(offset) };
        }),
      })),
    };
  }
}
