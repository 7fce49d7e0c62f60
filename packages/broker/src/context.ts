// What the request handlers share: the config, the metadata (the image this node follows, the
// gateway to the active controller, the reconciler), the write lease, the hosted partitions, the
// stop signal and the tracking of work that outlives a call (acks=0 appends). Also the one place
// that decides whether this broker may serve a partition as leader.
import type { Logger } from 'pino';
import type { MetadataImage, PartitionState, TopicImage } from '@samsa/controller';
import type { PartitionLog } from '@samsa/storage';
import { SamsaError } from '@samsa/protocol';
import type { BrokerConfig } from './config.js';
import type { ControllerGateway } from './controller-gateway.js';
import type { MetadataView } from './metadata-view.js';
import type { LeaderState } from './leader-state.js';
import type { HostedPartition, PartitionRegistry } from './partitions.js';
import type { ProducerIdManager } from './producer-ids.js';
import type { Reconciler } from './reconciler.js';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly nodeId: number;
  readonly log: Logger;
  /** The metadata image this node follows (its metadata log, or the watch of a broker-only node). */
  readonly metadata: MetadataView;
  /** Admin requests, to the active controller (local or forwarded). */
  readonly controller: ControllerGateway;
  /** Whether this broker may acknowledge writes now (unfenced, with a current lease). */
  readonly lease: WriteLease;
  readonly reconciler: Reconciler;
  readonly registry: PartitionRegistry;
  /** Producer ids for InitProducerId, from the controller's blocks. */
  readonly producerIds: ProducerIdManager;
  /** Aborted when the broker starts to stop: long polls and streams end. */
  readonly stopSignal: AbortSignal;
  /** Keeps `work` (which outlives its call) in the set that stop() waits for. */
  track(work: Promise<unknown>): void;
}

export interface WriteLease {
  canAcceptWrites(): boolean;
}

export interface LeaderPartition {
  readonly topic: TopicImage;
  readonly state: PartitionState;
  readonly hosted: HostedPartition;
  readonly partitionLog: PartitionLog;
  readonly leader: LeaderState;
}

/** Leader and epoch of a partition, for the fields of an error response. */
export interface LeaderInfo {
  leaderId: number;
  leaderEpoch: number;
}

const leaderDetails = (state: PartitionState): Record<string, unknown> => ({ leaderId: state.leaderId, leaderEpoch: state.leaderEpoch });

/**
 * The partition as this broker leads it, or the typed error a client acts on:
 * UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER (with the leader), FENCED_LEADER_EPOCH /
 * UNKNOWN_LEADER_EPOCH (when `currentLeaderEpoch` >= 0 differs), LEADER_NOT_AVAILABLE (its log is
 * still being opened), KAFKA_STORAGE_ERROR (offline). Errors carry leaderId / leaderEpoch details.
 */
export function resolveLeader(ctx: BrokerContext, image: MetadataImage, topicName: string, partition: number, currentLeaderEpoch: number): LeaderPartition {
  const topic = image.topicsByName.get(topicName);
  if (topic === undefined) throw new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${JSON.stringify(topicName)} does not exist`);
  const state = topic.partitions[partition];
  if (state === undefined) throw new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${JSON.stringify(topicName)} has no partition ${partition}`);
  const details = leaderDetails(state);
  if (state.leaderId !== ctx.nodeId) {
    throw new SamsaError('NOT_LEADER_OR_FOLLOWER', `broker ${ctx.nodeId} does not lead ${topicName}-${partition}; the leader is ${state.leaderId}`, { details });
  }
  if (currentLeaderEpoch >= 0 && currentLeaderEpoch < state.leaderEpoch) {
    throw new SamsaError('FENCED_LEADER_EPOCH', `leader epoch ${currentLeaderEpoch} of the request is older than ${state.leaderEpoch}`, { details });
  }
  if (currentLeaderEpoch > state.leaderEpoch) {
    throw new SamsaError('UNKNOWN_LEADER_EPOCH', `leader epoch ${currentLeaderEpoch} of the request is newer than ${state.leaderEpoch}`, { details });
  }
  const hosted = ctx.registry.get(topic.idString, partition);
  if (hosted?.failure !== undefined) throw new SamsaError('KAFKA_STORAGE_ERROR', hosted.failure.message, { details });
  const partitionLog = hosted?.current;
  if (hosted === undefined || partitionLog === undefined) {
    throw new SamsaError('LEADER_NOT_AVAILABLE', `the log of ${topicName}-${partition} is not open yet`, { details });
  }
  if (partitionLog.offline) throw new SamsaError('KAFKA_STORAGE_ERROR', `${topicName}-${partition} is offline after a storage error`, { details });
  const leader = hosted.leader;
  // The image names this broker, but it has not taken the epoch over yet (its start is being recorded).
  if (leader === undefined || leader.leaderEpoch !== state.leaderEpoch) {
    throw new SamsaError('LEADER_NOT_AVAILABLE', `broker ${ctx.nodeId} is taking over the leadership of ${topicName}-${partition} (epoch ${state.leaderEpoch})`, { details });
  }
  return { topic, state, hosted, partitionLog, leader };
}

/** leader_id / leader_epoch for a response: from the error's details, else from the image. */
export function leaderOf(err: SamsaError | undefined, image: MetadataImage, topicName: string, partition: number): LeaderInfo {
  const d = err?.details;
  if (d !== undefined && typeof d['leaderId'] === 'number' && typeof d['leaderEpoch'] === 'number') return { leaderId: d['leaderId'], leaderEpoch: d['leaderEpoch'] };
  const state = image.topicsByName.get(topicName)?.partitions[partition];
  return state === undefined ? { leaderId: -1, leaderEpoch: -1 } : { leaderId: state.leaderId, leaderEpoch: state.leaderEpoch };
}

/** Throws INVALID_REQUEST when a topic or a partition of a topic appears twice in a request. */
export function checkNoDuplicates(topics: readonly { name: string; partitions: readonly { partition: number }[] }[], what: string): void {
  const names = new Set<string>();
  for (const t of topics) {
    if (names.has(t.name)) throw new SamsaError('INVALID_REQUEST', `${what}: topic ${JSON.stringify(t.name)} appears more than once`);
    names.add(t.name);
    const parts = new Set<number>();
    for (const p of t.partitions) {
      if (parts.has(p.partition)) throw new SamsaError('INVALID_REQUEST', `${what}: partition ${t.name}-${p.partition} appears more than once`);
      parts.add(p.partition);
    }
  }
}
