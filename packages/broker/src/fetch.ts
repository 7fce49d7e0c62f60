// Fetch: reads up to the high watermark, bounded by max_bytes overall and partition_max_bytes per
// partition, always at least one whole batch. A long poll waits for min_bytes, woken by appends
// (HostedPartition signals fired from PartitionLog.onAppend), never by a polling loop. FetchStream
// runs the same long poll on the client's behalf, advancing each position itself, sending a
// response whenever data (or an error) arrives and waiting for that response to be written out
// before it reads more, so a slow consumer holds at most one response in memory.
import type * as grpc from '@grpc/grpc-js';
import { SamsaError, int64ToNumber } from '@samsa/protocol';
import type { FetchPartitionResponse, FetchRequest__Output, FetchResponse } from '@samsa/protocol';
import type { BrokerContext } from './context.js';
import { checkNoDuplicates, leaderOf, resolveLeader } from './context.js';
import { asSamsaError, callError, errorFields } from './errors.js';
import type { HostedPartition } from './partitions.js';
import { waitForChange } from './partitions.js';

export interface FetchTarget {
  readonly topic: string;
  readonly partition: number;
  fetchOffset: number;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
}

export interface FetchPlan {
  /** Already capped by fetchWaitMsMax. */
  readonly maxWaitMs: number;
  readonly minBytes: number;
  /** Already capped by fetchMaxBytes. */
  readonly maxBytes: number;
  readonly targets: FetchTarget[];
}

const EMPTY = Buffer.alloc(0);

/**
 * Whole-call validation. max_bytes and partition_max_bytes of 0 (unset) mean the broker's
 * fetchMaxBytes; negative sizes are INVALID_FETCH_SIZE; negative waits are INVALID_REQUEST.
 */
export function planFetch(ctx: BrokerContext, req: FetchRequest__Output): FetchPlan {
  if (req.max_wait_ms < 0) throw new SamsaError('INVALID_REQUEST', `max_wait_ms must not be negative, got ${req.max_wait_ms}`);
  if (req.min_bytes < 0) throw new SamsaError('INVALID_REQUEST', `min_bytes must not be negative, got ${req.min_bytes}`);
  if (req.max_bytes < 0) throw new SamsaError('INVALID_FETCH_SIZE', `max_bytes must not be negative, got ${req.max_bytes}`);
  checkNoDuplicates(req.topics, 'fetch');
  const maxBytes = req.max_bytes === 0 ? ctx.config.fetchMaxBytes : Math.min(req.max_bytes, ctx.config.fetchMaxBytes);
  const targets: FetchTarget[] = [];
  for (const t of req.topics) {
    for (const p of t.partitions) {
      if (p.partition_max_bytes < 0) throw new SamsaError('INVALID_FETCH_SIZE', `partition_max_bytes of ${t.name}-${p.partition} must not be negative, got ${p.partition_max_bytes}`);
      targets.push({
        topic: t.name,
        partition: p.partition,
        fetchOffset: int64ToNumber(p.fetch_offset, `fetch_offset of ${t.name}-${p.partition}`),
        partitionMaxBytes: p.partition_max_bytes === 0 ? maxBytes : Math.min(p.partition_max_bytes, maxBytes),
        currentLeaderEpoch: p.current_leader_epoch,
      });
    }
  }
  return { maxWaitMs: Math.min(req.max_wait_ms, ctx.config.fetchWaitMsMax), minBytes: req.min_bytes, maxBytes, targets };
}

interface PartitionResult {
  readonly target: FetchTarget;
  readonly response: FetchPartitionResponse;
  readonly bytes: number;
  readonly error: boolean;
  readonly nextFetchOffset: number;
}

interface ReadResult {
  readonly results: PartitionResult[];
  readonly bytes: number;
  readonly errors: number;
  /** Partitions that were read, with the generation each had before its read (for waiting). */
  readonly watched: HostedPartition[];
  readonly seen: number[];
}

/** One pass over the targets, in order, within the byte budget. */
async function readOnce(ctx: BrokerContext, plan: FetchPlan, targets: readonly FetchTarget[]): Promise<ReadResult> {
  const image = ctx.metadata.image;
  const results: PartitionResult[] = [];
  const watched: HostedPartition[] = [];
  const seen: number[] = [];
  let bytes = 0;
  let errors = 0;
  for (const target of targets) {
    const { topic, partition, fetchOffset } = target;
    let hosted: HostedPartition | undefined;
    try {
      const leader = resolveLeader(ctx, image, topic, partition, target.currentLeaderEpoch);
      hosted = leader.hosted;
      watched.push(hosted);
      seen.push(hosted.generation);
      const log = leader.partitionLog;
      if (fetchOffset < 0) throw new SamsaError('OFFSET_OUT_OF_RANGE', `fetch offset ${fetchOffset} is negative`);
      const base = { partition, error_code: 'NONE' as const, error_message: '', leader_id: leader.state.leaderId, leader_epoch: leader.state.leaderEpoch };
      const budget = Math.min(target.partitionMaxBytes, plan.maxBytes - bytes);
      if (budget <= 0) {
        // The response is full: report the partition's offsets, read it next time.
        results.push({ target, bytes: 0, error: false, nextFetchOffset: fetchOffset, response: { ...base, high_watermark: log.highWatermark, log_start_offset: log.logStartOffset, records: EMPTY, next_fetch_offset: fetchOffset } });
        continue;
      }
      const read = await log.read(fetchOffset, budget);
      // Only the first data of a response may exceed the budget (one whole batch); later
      // partitions keep theirs for the next fetch.
      const keep = read.records.length <= budget || bytes === 0;
      const records = keep ? read.records : EMPTY;
      const next = keep ? read.nextOffset : fetchOffset;
      bytes += records.length;
      results.push({ target, bytes: records.length, error: false, nextFetchOffset: next, response: { ...base, high_watermark: read.highWatermark, log_start_offset: read.logStartOffset, records, next_fetch_offset: next } });
    } catch (err) {
      let e = asSamsaError(err, ctx.log);
      // A read that raced with the topic's deletion: say what the client should act on.
      if (hosted !== undefined && ctx.registry.getByKey(hosted.key) !== hosted) e = new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} was deleted`);
      const leader = leaderOf(e, image, topic, partition);
      errors++;
      results.push({
        target,
        bytes: 0,
        error: true,
        nextFetchOffset: fetchOffset,
        response: { partition, ...errorFields(e), high_watermark: -1, log_start_offset: -1, records: EMPTY, leader_id: leader.leaderId, leader_epoch: leader.leaderEpoch, next_fetch_offset: fetchOffset },
      });
    }
  }
  return { results, bytes, errors, watched, seen };
}

/**
 * The long poll: answers at once when min_bytes are there (or a partition has an error), else
 * waits for appends up to max_wait_ms. Bounded by the deadline: every wait ends by it.
 */
async function longPoll(ctx: BrokerContext, plan: FetchPlan, targets: readonly FetchTarget[], signal: AbortSignal): Promise<ReadResult> {
  const deadline = Date.now() + plan.maxWaitMs;
  for (;;) {
    const result = await readOnce(ctx, plan, targets);
    const remainingMs = deadline - Date.now();
    if (result.errors > 0 || result.bytes >= plan.minBytes || remainingMs <= 0 || signal.aborted) return result;
    await waitForChange(result.watched, result.seen, remainingMs, signal);
  }
}

function toResponse(results: readonly PartitionResult[]): FetchResponse {
  const byTopic = new Map<string, FetchPartitionResponse[]>();
  for (const r of results) {
    let list = byTopic.get(r.target.topic);
    if (list === undefined) byTopic.set(r.target.topic, (list = []));
    list.push(r.response);
  }
  return { topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
}

export async function fetch(ctx: BrokerContext, req: FetchRequest__Output, signal: AbortSignal): Promise<FetchResponse> {
  const plan = planFetch(ctx, req);
  return toResponse((await longPoll(ctx, plan, plan.targets, signal)).results);
}

/**
 * The streaming fetch. Each turn long-polls the session's partitions; a turn with data or errors
 * is sent (only the partitions that have something to say), positions move to next_fetch_offset,
 * partitions with an error leave the session, and the order rotates so a busy partition cannot
 * starve the others of the byte budget. A turn with nothing waits for an append. Ends when the
 * client cancels, when no partition is left, or when the broker stops.
 */
export async function fetchStream(ctx: BrokerContext, call: grpc.ServerWritableStream<FetchRequest__Output, FetchResponse>, signal: AbortSignal): Promise<void> {
  const plan = planFetch(ctx, call.request);
  let targets = [...plan.targets];
  while (!signal.aborted && targets.length > 0) {
    const result = await longPoll(ctx, plan, targets, signal);
    if (signal.aborted) break;
    if (result.bytes === 0 && result.errors === 0) {
      await waitForChange(result.watched, result.seen, Infinity, signal);
      continue;
    }
    const speaking = result.results.filter((r) => r.error || r.bytes > 0);
    const written = send(call, toResponse(speaking), signal);
    const failed = new Set(result.results.filter((r) => r.error).map((r) => r.target));
    for (const r of result.results) r.target.fetchOffset = r.nextFetchOffset;
    targets = targets.filter((t) => !failed.has(t));
    if (targets.length > 1) targets.push(targets.shift()!);
    await written;
  }
  if (call.cancelled) return;
  if (ctx.stopSignal.aborted) {
    call.emit('error', callError(new SamsaError('BROKER_NOT_AVAILABLE', 'the broker is shutting down'), ctx.log));
  } else {
    call.end();
  }
}

/**
 * Writes one response and resolves once grpc-js has handed it to HTTP/2 (which respects the
 * client's flow-control window), or when the call ends or the broker stops. Waiting for each
 * write, not for the Writable's 'drain' (its object-mode buffer holds 16 responses, up to
 * fetchMaxBytes each), keeps a slow consumer's stream at one response in memory.
 */
function send(call: grpc.ServerWritableStream<FetchRequest__Output, FetchResponse>, response: FetchResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('close', done);
    signal.addEventListener('abort', done, { once: true });
    call.write(response, done);
  });
}
