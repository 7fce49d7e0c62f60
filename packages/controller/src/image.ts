// The metadata image: the cluster's metadata as of one applied index of the metadata log. Images
// are immutable values. apply() makes a new image that shares everything it did not change with
// the previous one (structural sharing), so holding an old image costs little and readers never
// see a half-applied record.
import { topicIdToString } from '@samsa/protocol';

/** leader_id of a partition without a leader. */
export const NO_LEADER = -1;

export interface BrokerEndpointInfo {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface BrokerRegistration {
  readonly id: number;
  /** Changes on every process start, so a restarted broker is told apart from its old self. */
  readonly incarnationId: string;
  readonly endpoints: readonly BrokerEndpointInfo[];
  readonly rack: string;
  readonly fenced: boolean;
  /**
   * The broker epoch: the offset of the RegisterBroker record of this incarnation. The broker is
   * unfenced only once its applied metadata offset has reached it (it has caught up).
   */
  readonly epoch: number;
}

export interface PartitionState {
  readonly replicas: readonly number[];
  /** NO_LEADER (-1) when the partition has none. */
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly partitionEpoch: number;
}

export interface TopicImage {
  readonly id: Buffer;
  /** The id in its canonical 8-4-4-4-12 form: the key of `topicsById`. */
  readonly idString: string;
  readonly name: string;
  readonly internal: boolean;
  /** Only the keys set on the topic; defaults come from the topic config table. */
  readonly configs: ReadonlyMap<string, string>;
  /** Indexed by partition number. */
  readonly partitions: readonly PartitionState[];
}

export interface MetadataImage {
  readonly clusterId: string;
  readonly brokers: ReadonlyMap<number, BrokerRegistration>;
  /** Keyed by topicIdToString(id). */
  readonly topicsById: ReadonlyMap<string, TopicImage>;
  readonly topicsByName: ReadonlyMap<string, TopicImage>;
  /** The first producer id not yet handed out. */
  readonly nextProducerId: number;
  /** Each broker's dynamic configs (follower.replication.throttled.rate), only the keys set. */
  readonly brokerConfigs: ReadonlyMap<number, ReadonlyMap<string, string>>;
  /** Index of the last metadata log entry applied; 0 before the first. */
  readonly appliedIndex: number;
}

export function emptyImage(clusterId: string): MetadataImage {
  return Object.freeze({
    clusterId,
    brokers: new Map(),
    topicsById: new Map(),
    topicsByName: new Map(),
    nextProducerId: 0,
    brokerConfigs: new Map(),
    appliedIndex: 0,
  });
}

/** The topic with this id, or undefined (also for ids of the wrong length). */
export function topicById(image: MetadataImage, topicId: Uint8Array): TopicImage | undefined {
  if (topicId.length !== 16) return undefined;
  return image.topicsById.get(topicIdToString(topicId));
}

/** Ids of the brokers that are registered and not fenced, ascending. */
export function liveBrokerIds(image: MetadataImage): number[] {
  const ids: number[] = [];
  for (const b of image.brokers.values()) if (!b.fenced) ids.push(b.id);
  return ids.sort((a, b) => a - b);
}

/** The replication factor of a topic: the replica count of its first partition. */
export const replicationFactorOf = (topic: TopicImage): number => topic.partitions[0]?.replicas.length ?? 0;

/** Total partitions of all topics (used to rotate where placement starts). */
export function partitionCount(image: MetadataImage): number {
  let n = 0;
  for (const t of image.topicsById.values()) n += t.partitions.length;
  return n;
}
