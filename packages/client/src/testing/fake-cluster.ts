// An in-memory cluster behind the SDK's Transport interface, for unit tests of routing, retries,
// batching and fetching without a broker process. It keeps real record batches (validated and
// stamped with the protocol package's codec), answers per-partition errors as a broker does
// (NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE, RECORD_TOO_LARGE), long-polls fetches on the
// injected clock, and lets a test intercept any call to fail it, delay it or hold it.
import { SamsaError, newTopicId, readBatchHeader, stampBatch, validateBatches } from '@samsa/protocol';
import type {
  FetchResponse__Output,
  ListOffsetsResponse__Output,
  MetadataResponse__Output,
  ProduceResponse__Output,
} from '@samsa/protocol';
import type { Clock } from '../clock.js';
import type { BrokerConnection, CallOptions, RpcName, RpcRequest, RpcResponse, Transport } from '../transport.js';
import { CallAbortedError } from '../transport.js';

export interface FakePartition {
  leader: number;
  leaderEpoch: number;
  batches: Buffer[];
  logStartOffset: number;
  logEndOffset: number;
}

export interface FakeTopic {
  id: Buffer;
  partitions: FakePartition[];
  maxMessageBytes: number;
}

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

export class FakeCluster implements Transport {
  /** `up: false`: unreachable (a dead process); `fenced`: what metadata says of it. */
  readonly brokers = new Map<number, { host: string; port: number; up: boolean; fenced?: boolean }>();
  readonly topics = new Map<string, FakeTopic>();
  readonly calls: RecordedCall[] = [];
  interceptor: Interceptor | undefined;
  controllerId = 1;
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
      partitions: Array.from({ length: partitions }, () => ({ leader, leaderEpoch: 0, batches: [], logStartOffset: 0, logEndOffset: 0 })),
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
    switch (rpc) {
      case 'Metadata':
        return this.metadata(request as RpcRequest<'Metadata'>);
      case 'Produce':
        return this.produce(nodeId, request as RpcRequest<'Produce'>);
      case 'Fetch':
        return this.fetch(nodeId, request as RpcRequest<'Fetch'>, options);
      case 'ListOffsets':
        return this.listOffsets(nodeId, request as RpcRequest<'ListOffsets'>);
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
          partitions: t.partitions.map((p, partition) => ({ partition, error_code: 'NONE', leader_id: p.leader, leader_epoch: p.leaderEpoch, replicas: [p.leader], isr: [p.leader] })),
        };
      }),
    };
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
