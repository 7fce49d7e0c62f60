// ListOffsets: -1 latest (the high watermark), -2 earliest (the log start offset), -3 the record
// with the largest timestamp, otherwise the first offset whose timestamp is >= the one asked for
// (-1 when none). Only what consumers may read counts: offsets at or past the high watermark are
// not answered.
import { ListOffsetsTimestamp, SamsaError, int64ToNumber } from '@samsa/protocol';
import type { ListOffsetsPartitionResponse, ListOffsetsRequest__Output, ListOffsetsResponse } from '@samsa/protocol';
import type { MetadataImage } from '@samsa/controller';
import type { BrokerContext } from './context.js';
import { checkNoDuplicates, leaderOf, resolveLeader } from './context.js';
import { asSamsaError, errorFields } from './errors.js';

export async function listOffsets(ctx: BrokerContext, req: ListOffsetsRequest__Output): Promise<ListOffsetsResponse> {
  checkNoDuplicates(req.topics, 'list offsets');
  const parsed = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const timestamp = int64ToNumber(p.timestamp, `timestamp of ${t.name}-${p.partition}`);
      if (timestamp < ListOffsetsTimestamp.MAX_TIMESTAMP) throw new SamsaError('INVALID_REQUEST', `timestamp ${timestamp} of ${t.name}-${p.partition}: a timestamp is >= 0, or -1, -2 or -3`);
      return { partition: p.partition, timestamp };
    }),
  }));
  const image = ctx.metadata.image;
  const topics = await Promise.all(
    parsed.map(async (t) => ({ name: t.name, partitions: await Promise.all(t.partitions.map((p) => listPartition(ctx, image, t.name, p.partition, p.timestamp))) })),
  );
  return { topics };
}

async function listPartition(ctx: BrokerContext, image: MetadataImage, topicName: string, partition: number, timestamp: number): Promise<ListOffsetsPartitionResponse> {
  try {
    const { state, partitionLog: log, leader } = resolveLeader(ctx, image, topicName, partition, -1);
    const ok = { partition, error_code: 'NONE' as const, error_message: '', leader_id: state.leaderId, leader_epoch: state.leaderEpoch };
    if (timestamp === ListOffsetsTimestamp.EARLIEST) return { ...ok, offset: log.logStartOffset, timestamp: -1 };
    // A new leader's high watermark lags until its followers fetch: answering it would send a
    // consumer back in time (Kafka's KIP-207).
    if (log.highWatermark < leader.epochStartOffset) {
      throw new SamsaError('OFFSET_NOT_AVAILABLE', `the high watermark ${log.highWatermark} of the new leader has not caught up with the start of its epoch ${leader.epochStartOffset} yet`, { details: { leaderId: state.leaderId, leaderEpoch: state.leaderEpoch } });
    }
    if (timestamp === ListOffsetsTimestamp.LATEST) return { ...ok, offset: log.highWatermark, timestamp: -1 };
    const found = timestamp === ListOffsetsTimestamp.MAX_TIMESTAMP ? await log.maxTimestamp() : await log.offsetForTimestamp(timestamp);
    if (found === undefined || found.offset >= log.highWatermark) return { ...ok, offset: -1, timestamp: -1 };
    return { ...ok, offset: found.offset, timestamp: found.timestamp };
  } catch (err) {
    const e = asSamsaError(err, ctx.log);
    const leader = leaderOf(e, image, topicName, partition);
    return { partition, ...errorFields(e), offset: -1, timestamp: -1, leader_id: leader.leaderId, leader_epoch: leader.leaderEpoch };
  }
}
