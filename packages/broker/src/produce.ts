// Produce: the hot path. Per partition: leadership and epoch checks, one validation pass over the
// batch headers and CRCs (records are never decoded), one append. The partitions of a request are
// appended concurrently, so storage gathers them into one group commit.
import { TIMESTAMP_TYPE_LOG_APPEND_TIME, topicSettings } from '@samsa/controller';
import type { MetadataImage } from '@samsa/controller';
import { SamsaError, validateBatches } from '@samsa/protocol';
import type { ProducePartitionData__Output, ProducePartitionResponse, ProduceRequest__Output, ProduceResponse } from '@samsa/protocol';
import type { BrokerContext } from './context.js';
import { checkNoDuplicates, leaderOf, resolveLeader } from './context.js';
import { asSamsaError, errorFields } from './errors.js';

const ACKS = new Set([0, 1, -1]);

/** Whole-call checks; throws a SamsaError that fails the call. */
function validateRequest(ctx: BrokerContext, req: ProduceRequest__Output): void {
  if (!ACKS.has(req.acks)) throw new SamsaError('INVALID_REQUIRED_ACKS', `acks must be 0, 1 or -1 (all), got ${req.acks}`);
  let bytes = 0;
  for (const t of req.topics) for (const p of t.partitions) bytes += p.records.length;
  if (bytes > ctx.config.maxRequestBytes) {
    throw new SamsaError('RECORD_LIST_TOO_LARGE', `the request carries ${bytes} bytes of record batches; this broker accepts at most ${ctx.config.maxRequestBytes} (socket.request.max.bytes)`);
  }
  checkNoDuplicates(req.topics, 'produce');
}

/** acks=all waits this long for the in-sync replicas when the request names no timeout. */
export const PRODUCE_TIMEOUT_MS_DEFAULT = 30_000;
/** ... and never longer than this. */
export const PRODUCE_TIMEOUT_MS_MAX = 300_000;

export async function produce(ctx: BrokerContext, req: ProduceRequest__Output, signal: AbortSignal): Promise<ProduceResponse> {
  validateRequest(ctx, req);
  if (req.timeout_ms < 0) throw new SamsaError('INVALID_REQUEST', `timeout_ms must not be negative, got ${req.timeout_ms}`);
  const timeoutMs = req.timeout_ms === 0 ? PRODUCE_TIMEOUT_MS_DEFAULT : Math.min(req.timeout_ms, PRODUCE_TIMEOUT_MS_MAX);
  const image = ctx.metadata.image;
  const topics = await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map((p) => producePartition(ctx, image, t.name, p, req.acks, timeoutMs, signal))),
    })),
  );
  return { topics };
}

async function producePartition(
  ctx: BrokerContext,
  image: MetadataImage,
  topicName: string,
  data: ProducePartitionData__Output,
  acks: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProducePartitionResponse> {
  try {
    const { topic, state, hosted, partitionLog, leader: leadership } = resolveLeader(ctx, image, topicName, data.partition, data.current_leader_epoch);
    // A broker the controller has not answered for a session timeout may have been replaced:
    // it acknowledges nothing until it hears back (and its image has caught up).
    if (!ctx.lease.canAcceptWrites()) {
      throw new SamsaError('NOT_LEADER_OR_FOLLOWER', `broker ${ctx.nodeId} is fenced or out of touch with the controller; it takes no writes`, { details: { leaderId: -1, leaderEpoch: state.leaderEpoch } });
    }
    const settings = topicSettings(topic, ctx.config.maxMessageBytes);
    // Checked before the append, over the committed ISR: nothing is written when it is too small.
    if (acks === -1 && leadership.isr.length < settings.minInsyncReplicas) {
      throw new SamsaError('NOT_ENOUGH_REPLICAS', `${leadership.isr.length} in-sync replica(s) [${leadership.isr.join(',')}], min.insync.replicas is ${settings.minInsyncReplicas}; nothing was written`);
    }
    // One pass over headers and CRCs; nothing is written for a partition whose data fails.
    const batches = validateBatches(data.records, { maxBatchBytes: settings.maxMessageBytes, producerBatch: true }).map((b) => b.bytes);
    const leader = { leader_id: state.leaderId, leader_epoch: state.leaderEpoch };
    const append = partitionLog.append(batches, state.leaderEpoch);
    if (acks === 0) {
      // No acknowledgement: answer now; stop() still waits for the append.
      ctx.track(append.catch((err: unknown) => hosted.log.warn({ err }, 'acks=0 append failed')));
      return { partition: data.partition, error_code: 'NONE', base_offset: -1, log_append_time_ms: -1, log_start_offset: -1, ...leader };
    }
    const result = await append;
    // acks=all completes once the high watermark passes the batch: every member of the ISR has it.
    // A retried duplicate waits the same way (its original may not be replicated yet).
    if (acks === -1) await hosted.waitForHighWatermark(result.lastOffset + 1, leadership, timeoutMs, signal);
    return {
      partition: data.partition,
      error_code: 'NONE',
      base_offset: result.baseOffset,
      // Records keep their create time inside the batch (its CRC covers the timestamps); a
      // LogAppendTime topic reports the broker's append time here instead.
      log_append_time_ms: settings.timestampType === TIMESTAMP_TYPE_LOG_APPEND_TIME ? result.logAppendTimeMs : -1,
      log_start_offset: partitionLog.logStartOffset,
      ...leader,
    };
  } catch (err) {
    const e = asSamsaError(err, ctx.log);
    const leader = leaderOf(e, image, topicName, data.partition);
    return {
      partition: data.partition,
      ...errorFields(e),
      base_offset: -1,
      log_append_time_ms: -1,
      log_start_offset: -1,
      leader_id: leader.leaderId,
      leader_epoch: leader.leaderEpoch,
    };
  }
}
