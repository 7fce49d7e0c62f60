// Partition leader election, as the active controller runs it when a broker is fenced, unfenced or
// replaced by a new incarnation. Pure functions of the image: they return the PartitionChanged
// records to propose with the broker's own record, in one append, so the cluster never sees a
// fenced broker that still leads.
//
// The rules (ARCHITECTURE.md, "Partition replication"): a leader comes only from the ISR, the
// first live ISR member in replica order; a fenced broker leaves every ISR it is in, except that an
// ISR is never emptied (its last member stays, so the partition keeps its last known in-sync
// replica); with no live ISR member the partition has no leader (NO_LEADER) unless unclean leader
// election is enabled for its topic, which takes the first live replica and makes it the whole
// ISR. The leader epoch grows by one whenever the leader changes, the partition epoch with every
// change.
import { NO_LEADER } from './image.js';
import type { MetadataImage, PartitionState, TopicImage } from './image.js';
import { Records } from './records.js';
import type { MetadataRecord } from './records.js';

/** Whether a topic allows a leader from outside its ISR (`unclean.leader.election.enable`, issue 5). */
export type UncleanLeaderElection = (topic: TopicImage) => boolean;

export const NO_UNCLEAN_LEADER_ELECTION: UncleanLeaderElection = () => false;

const sameMembers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The partition's next state when `isLive` says who may lead, after taking `leaving` out of the
 * ISR (unless it is the last member); undefined when nothing changes.
 */
export function electPartition(state: PartitionState, isLive: (brokerId: number) => boolean, unclean: boolean, leaving?: number): PartitionState | undefined {
  let isr = state.isr;
  if (leaving !== undefined && isr.includes(leaving) && isr.length > 1) isr = isr.filter((id) => id !== leaving);
  let leaderId = state.leaderId;
  if (leaderId === NO_LEADER || !isLive(leaderId) || !isr.includes(leaderId)) {
    const clean = state.replicas.find((id) => isr.includes(id) && isLive(id));
    if (clean !== undefined) {
      leaderId = clean;
    } else {
      const any = unclean ? state.replicas.find((id) => isLive(id)) : undefined;
      if (any !== undefined) {
        leaderId = any;
        isr = [any];
      } else {
        leaderId = NO_LEADER;
      }
    }
  }
  if (leaderId === state.leaderId && sameMembers(isr, state.isr)) return undefined;
  return {
    replicas: state.replicas,
    leaderId,
    leaderEpoch: leaderId === state.leaderId ? state.leaderEpoch : state.leaderEpoch + 1,
    isr,
    partitionEpoch: state.partitionEpoch + 1,
  };
}

function changes(image: MetadataImage, select: (p: PartitionState) => boolean, isLive: (id: number) => boolean, unclean: UncleanLeaderElection, leaving?: number): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  // Topic-id order, so the same image always gives the same records.
  const topics = [...image.topicsById.values()].sort((a, b) => (a.idString < b.idString ? -1 : a.idString > b.idString ? 1 : 0));
  for (const topic of topics) {
    const allowUnclean = unclean(topic);
    topic.partitions.forEach((state, partition) => {
      if (!select(state)) return;
      const next = electPartition(state, isLive, allowUnclean, leaving);
      if (next !== undefined) out.push(Records.partitionChanged({ topicId: topic.id, partition, ...next }));
    });
  }
  return out;
}

const unfencedIn = (image: MetadataImage) => (id: number): boolean => image.brokers.get(id)?.fenced === false;

/**
 * What fencing `brokerId` changes (in `image` as it was before the fence): every partition it led
 * gets a new leader from the ISR (or none), and it leaves every ISR it is in but the last member.
 */
export function partitionChangesOnFence(image: MetadataImage, brokerId: number, unclean: UncleanLeaderElection = NO_UNCLEAN_LEADER_ELECTION): MetadataRecord[] {
  const live = unfencedIn(image);
  return changes(image, (p) => p.leaderId === brokerId || p.isr.includes(brokerId), (id) => id !== brokerId && live(id), unclean, brokerId);
}

/** What unfencing `brokerId` changes: partitions without a leader get one again where they can. */
export function partitionChangesOnUnfence(image: MetadataImage, brokerId: number, unclean: UncleanLeaderElection = NO_UNCLEAN_LEADER_ELECTION): MetadataRecord[] {
  const live = unfencedIn(image);
  return changes(image, (p) => p.leaderId === NO_LEADER, (id) => id === brokerId || live(id), unclean);
}

/**
 * Preferred-leader election for one partition: its first replica leads again when it is in the ISR
 * and live; undefined when it already leads or cannot (`reason` says which).
 */
export function preferredLeaderChange(state: PartitionState, isLive: (brokerId: number) => boolean): { next?: PartitionState; reason?: 'ELECTION_NOT_NEEDED' | 'PREFERRED_LEADER_NOT_AVAILABLE' } {
  const preferred = state.replicas[0];
  if (preferred === undefined) return { reason: 'PREFERRED_LEADER_NOT_AVAILABLE' };
  if (state.leaderId === preferred) return { reason: 'ELECTION_NOT_NEEDED' };
  if (!state.isr.includes(preferred) || !isLive(preferred)) return { reason: 'PREFERRED_LEADER_NOT_AVAILABLE' };
  return { next: { replicas: state.replicas, leaderId: preferred, leaderEpoch: state.leaderEpoch + 1, isr: state.isr, partitionEpoch: state.partitionEpoch + 1 } };
}

/**
 * Unclean election for one partition without a serving leader: the first replica `isLive` lets
 * lead takes over and becomes the whole ISR (records only the lost ISR had are gone).
 * `isServing` (default `isLive`) says whether the current leader still serves: a broker in
 * controlled shutdown takes no new leadership but still serves, and keeps its partitions.
 */
export function uncleanLeaderChange(
  state: PartitionState,
  isLive: (brokerId: number) => boolean,
  isServing: (brokerId: number) => boolean = isLive,
): { next?: PartitionState; reason?: 'ELECTION_NOT_NEEDED' | 'ELIGIBLE_LEADERS_NOT_AVAILABLE' } {
  if (state.leaderId !== NO_LEADER && isServing(state.leaderId)) return { reason: 'ELECTION_NOT_NEEDED' };
  const next = electPartition(state, isLive, true);
  if (next === undefined || next.leaderId === NO_LEADER) return { reason: 'ELIGIBLE_LEADERS_NOT_AVAILABLE' };
  return { next };
}

/** Partitions led by each broker, and replicas each holds (for cluster status). */
export function leadershipCounts(image: MetadataImage): Map<number, { leaders: number; replicas: number }> {
  const out = new Map<number, { leaders: number; replicas: number }>();
  const entry = (id: number): { leaders: number; replicas: number } => {
    let e = out.get(id);
    if (e === undefined) out.set(id, (e = { leaders: 0, replicas: 0 }));
    return e;
  };
  for (const topic of image.topicsById.values()) {
    for (const p of topic.partitions) {
      if (p.leaderId !== NO_LEADER) entry(p.leaderId).leaders++;
      for (const r of p.replicas) entry(r).replicas++;
    }
  }
  return out;
}
