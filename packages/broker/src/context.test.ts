// Proves the leadership checks that a cluster of one cannot reach over the wire: a partition led
// by another broker answers NOT_LEADER_OR_FOLLOWER naming that leader, and a request's leader
// epoch older or newer than the current one is fenced (FENCED_LEADER_EPOCH) or unknown
// (UNKNOWN_LEADER_EPOCH). The image is built with the controller's apply(), as the log would.
import { describe, expect, it } from 'vitest';
import { Records, apply, emptyImage, normalizeRecord } from '@samsa/controller';
import type { MetadataImage, MetadataRecord } from '@samsa/controller';
import type { BrokerContext } from './context.js';
import { leaderOf, resolveLeader } from './context.js';
import { PartitionRegistry } from './partitions.js';

function image(): MetadataImage {
  const topicId = Buffer.alloc(16, 1);
  const records: MetadataRecord[] = [];
  for (const id of [1, 2]) records.push(Records.registerBroker({ brokerId: id, incarnationId: `i${id}`, endpoints: [] }), Records.brokerUnfenced(id, `i${id}`));
  records.push(Records.topicCreated({ name: 't', topicId }));
  records.push(Records.partitionChanged({ topicId, partition: 0, replicas: [1, 2], leaderId: 2, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0 }));
  records.push(Records.partitionChanged({ topicId, partition: 1, replicas: [1, 2], leaderId: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0 }));
  records.push(Records.partitionChanged({ topicId, partition: 1, replicas: [1, 2], leaderId: 1, leaderEpoch: 4, isr: [1, 2], partitionEpoch: 1 }));
  let img = emptyImage('c');
  for (const r of records) img = apply(img, normalizeRecord(r).record, img.appliedIndex + 1);
  return img;
}

const ctx = { nodeId: 1, registry: new PartitionRegistry() } as unknown as BrokerContext;

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('resolveLeader', () => {
  const img = image();

  it('names the leader when this broker is not it', () => {
    const err = codeOf(() => resolveLeader(ctx, img, 't', 0, -1));
    expect(err).toMatchObject({ code: 'NOT_LEADER_OR_FOLLOWER', details: { leaderId: 2, leaderEpoch: 0 } });
    expect(leaderOf(err as never, img, 't', 0)).toEqual({ leaderId: 2, leaderEpoch: 0 });
  });

  it('fences older epochs and refuses newer ones', () => {
    expect(codeOf(() => resolveLeader(ctx, img, 't', 1, 3))).toMatchObject({ code: 'FENCED_LEADER_EPOCH', details: { leaderId: 1, leaderEpoch: 4 } });
    expect(codeOf(() => resolveLeader(ctx, img, 't', 1, 5))).toMatchObject({ code: 'UNKNOWN_LEADER_EPOCH' });
  });

  it('reports a led partition whose log is not open yet as LEADER_NOT_AVAILABLE', () => {
    expect(codeOf(() => resolveLeader(ctx, img, 't', 1, 4))).toMatchObject({ code: 'LEADER_NOT_AVAILABLE' });
    expect(codeOf(() => resolveLeader(ctx, img, 't', 1, -1))).toMatchObject({ code: 'LEADER_NOT_AVAILABLE' });
  });

  it('reports unknown topics and partitions', () => {
    expect(codeOf(() => resolveLeader(ctx, img, 'x', 0, -1))).toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(codeOf(() => resolveLeader(ctx, img, 't', 2, -1))).toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(leaderOf(undefined, img, 'x', 0)).toEqual({ leaderId: -1, leaderEpoch: -1 });
  });
});
