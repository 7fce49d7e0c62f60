// The controller frontend: the active controller's side of every metadata change. It validates a
// request against the current image, turns it into records, proposes them to the metadata log,
// and answers only once they are committed and applied. Operations run one at a time, so each
// validates against the image its predecessors left (with Raft, only the active controller runs
// a frontend; the others answer NOT_CONTROLLER).
import type { Logger } from 'pino';
import { SamsaError, assert, isSamsaError, newTopicId, topicIdToString } from '@samsa/protocol';
import type { ErrorCodeName } from '@samsa/protocol';
import { validateConfig } from './config.js';
import type { ControllerConfig } from './config.js';
import { TOPIC_NAME_LENGTH_MAX, TOPIC_PARTITIONS_MAX } from './config.js';
import { electPartition, partitionChangesOnFence, partitionChangesOnUnfence, preferredLeaderChange, uncleanLeaderChange } from './election.js';
import type { UncleanLeaderElection } from './election.js';
import { NO_LEADER, liveBrokerIds, partitionCount, replicationFactorOf, topicById } from './image.js';
import type { BrokerEndpointInfo, MetadataImage, PartitionState } from './image.js';
import type { MetadataLog } from './metadata-log.js';
import { Records } from './records.js';
import type { MetadataRecord } from './records.js';
import { BROKER_DYNAMIC_CONFIGS, brokerConfigDef } from './broker-dynamic-config.js';
import { topicConfigDef, uncleanLeaderElectionEnabled, validateTopicConfigs } from './topic-config.js';

const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** Kafka's topic name rules; throws INVALID_TOPIC. */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new SamsaError('INVALID_TOPIC', 'the topic name is empty');
  if (name.length > TOPIC_NAME_LENGTH_MAX) throw new SamsaError('INVALID_TOPIC', `the topic name is ${name.length} characters long; the limit is ${TOPIC_NAME_LENGTH_MAX}`);
  if (name === '.' || name === '..') throw new SamsaError('INVALID_TOPIC', `the topic name cannot be "${name}"`);
  if (!TOPIC_NAME_PATTERN.test(name)) throw new SamsaError('INVALID_TOPIC', `the topic name ${JSON.stringify(name)} has characters other than ASCII letters, digits, '.', '_' and '-'`);
}

/**
 * Spreads replicas over brokers as Kafka does: partition p's first replica (its leader) is broker
 * (startIndex + p) mod n, so leaders go round-robin; the other replicas follow at a shift that
 * grows every n partitions, so followers spread too and no two brokers always pair up.
 */
export function placeReplicas(brokerIds: readonly number[], partitions: number, replicationFactor: number, startIndex: number): number[][] {
  const n = brokerIds.length;
  assert(n > 0 && new Set(brokerIds).size === n, `placement over brokers ${brokerIds.join(',')}`);
  assert(Number.isInteger(partitions) && partitions >= 0, `placement of ${partitions} partitions`);
  assert(Number.isInteger(replicationFactor) && replicationFactor >= 1 && replicationFactor <= n, `replication factor ${replicationFactor} over ${n} brokers`);
  assert(Number.isInteger(startIndex) && startIndex >= 0, `placement start index ${startIndex}`);
  const out: number[][] = [];
  let replicaShift = startIndex;
  for (let p = 0; p < partitions; p++) {
    if (p > 0 && p % n === 0) replicaShift++;
    const first = (startIndex + p) % n;
    const replicas = [brokerIds[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const shift = 1 + ((replicaShift + j) % (n - 1));
      replicas.push(brokerIds[(first + shift) % n]!);
    }
    out.push(replicas);
  }
  return out;
}

export interface CreateTopicSpec {
  readonly name: string;
  /** -1: the default; 0 and other values outside 1..10000 are INVALID_PARTITIONS. */
  readonly numPartitions: number;
  /** 0 or -1: the default. */
  readonly replicationFactor: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CreateTopicOutcome {
  readonly name: string;
  /** The new topic's id (absent on error and for validate_only). */
  readonly topicId?: Buffer;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly error?: SamsaError;
}

export interface DeleteTopicOutcome {
  readonly name: string;
  readonly topicId?: Buffer;
  readonly error?: SamsaError;
}

export interface BrokerRegistrationRequest {
  readonly brokerId: number;
  readonly incarnationId: string;
  readonly endpoints: readonly BrokerEndpointInfo[];
  readonly rack?: string;
  /** The cluster id of the broker's data directory; absent or '' when it has none yet. */
  readonly clusterId?: string;
}

/** One partition's ISR change, as its leader asks for it (AlterPartition). */
export interface IsrChangeRequest {
  readonly topicId: Buffer;
  readonly partition: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly number[];
}

export interface IsrChangeOutcome {
  readonly topicId: Buffer;
  readonly partition: number;
  /** The state after the change, or the current one with an error (undefined when unknown). */
  readonly state?: PartitionState;
  readonly error?: SamsaError;
}

export interface ElectionOutcome {
  readonly topic: string;
  /** -1 for an unknown topic. */
  readonly partition: number;
  /** The state after the election, or the current one with an error. */
  readonly state?: PartitionState;
  readonly error?: SamsaError;
}

export interface ControllerFrontendOptions {
  readonly config?: Partial<ControllerConfig>;
  readonly logger: Logger;
  /** Source of topic ids (tests inject deterministic ones). */
  readonly newTopicId?: () => Buffer;
  /** Whether a topic may elect a leader from outside its ISR (default: its unclean.leader.election.enable). */
  readonly uncleanLeaderElection?: UncleanLeaderElection;
}

/** Anything thrown becomes a SamsaError; what is not already one is a bug and is logged as such. */
function asSamsaError(err: unknown, log: Logger): SamsaError {
  if (isSamsaError(err)) return err;
  log.error({ err }, 'controller operation failed unexpectedly');
  return new SamsaError('UNKNOWN_SERVER_ERROR', `internal error: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/**
 * An AlterConfigs change as keys to set and keys to remove (an empty value removes, as Kafka's
 * incremental alter); INVALID_CONFIG when a key is both set and deleted.
 */
function splitConfigChanges(changes: { set?: Readonly<Record<string, string>>; delete?: readonly string[] }): { set: Record<string, string>; removed: Set<string> } {
  const set: Record<string, string> = {};
  const removed = new Set<string>();
  for (const [key, value] of Object.entries(changes.set ?? {})) {
    if (value === '') removed.add(key);
    else set[key] = value;
  }
  for (const key of changes.delete ?? []) {
    if (Object.hasOwn(set, key)) throw new SamsaError('INVALID_CONFIG', `config ${JSON.stringify(key)} is both set and deleted`);
    removed.add(key);
  }
  return { set, removed };
}

export class ControllerFrontend {
  readonly config: ControllerConfig;
  private readonly metadataLog: MetadataLog;
  private readonly log: Logger;
  private readonly newTopicId: () => Buffer;
  private readonly unclean: UncleanLeaderElection;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(metadataLog: MetadataLog, options: ControllerFrontendOptions) {
    this.metadataLog = metadataLog;
    this.config = validateConfig(options.config);
    this.log = options.logger.child({ component: 'controller' });
    this.newTopicId = options.newTopicId ?? newTopicId;
    this.unclean = options.uncleanLeaderElection ?? uncleanLeaderElectionEnabled;
  }

  get image(): MetadataImage {
    return this.metadataLog.image;
  }

  /** Runs operations one at a time, each against the image its predecessor committed. */
  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const result = this.queue.then(op, op);
    this.queue = result.catch(() => undefined);
    return result;
  }

  createTopics(topics: readonly CreateTopicSpec[], options: { validateOnly?: boolean } = {}): Promise<CreateTopicOutcome[]> {
    return this.exclusive(async () => {
      const seen = new Map<string, number>();
      for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
      // validate_only checks each topic against the image as it is; created ones move it on.
      let startIndex = partitionCount(this.image);
      const outcomes: CreateTopicOutcome[] = [];
      for (const spec of topics) {
        const numPartitions = spec.numPartitions === -1 ? this.config.defaultPartitions : spec.numPartitions;
        const replicationFactor = spec.replicationFactor === 0 || spec.replicationFactor === -1 ? this.config.defaultReplicationFactor : spec.replicationFactor;
        try {
          if ((seen.get(spec.name) ?? 0) > 1) throw new SamsaError('INVALID_REQUEST', `topic ${JSON.stringify(spec.name)} appears more than once in the request`);
          const plan = this.planTopic(this.image, spec.name, numPartitions, replicationFactor, spec.configs ?? {}, startIndex);
          startIndex += numPartitions;
          if (options.validateOnly === true) {
            outcomes.push({ name: spec.name, numPartitions, replicationFactor });
            continue;
          }
          await this.metadataLog.append(plan.records);
          this.log.info({ topic: spec.name, topicId: topicIdToString(plan.topicId), partitions: numPartitions, replicationFactor }, 'topic created');
          outcomes.push({ name: spec.name, topicId: plan.topicId, numPartitions, replicationFactor });
        } catch (err) {
          outcomes.push({ name: spec.name, numPartitions, replicationFactor, error: asSamsaError(err, this.log) });
        }
      }
      return outcomes;
    });
  }

  /** Validates one topic and returns the records that create it; throws the first typed error. */
  private planTopic(
    image: MetadataImage,
    name: string,
    numPartitions: number,
    replicationFactor: number,
    configs: Readonly<Record<string, string>>,
    startIndex: number,
  ): { topicId: Buffer; records: MetadataRecord[] } {
    validateTopicName(name);
    if (image.topicsByName.has(name)) throw new SamsaError('TOPIC_ALREADY_EXISTS', `topic ${JSON.stringify(name)} already exists`);
    if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > TOPIC_PARTITIONS_MAX) {
      throw new SamsaError('INVALID_PARTITIONS', `a topic has 1 to ${TOPIC_PARTITIONS_MAX} partitions, not ${numPartitions}`);
    }
    const live = liveBrokerIds(image);
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1 || replicationFactor > live.length) {
      throw new SamsaError('INVALID_REPLICATION_FACTOR', `replication factor ${replicationFactor} is not between 1 and the ${live.length} live broker(s)`);
    }
    validateTopicConfigs(configs, { replicationFactor, maxMessageBytes: this.config.maxMessageBytes });
    let topicId = this.newTopicId();
    // A random 128-bit id colliding is all but impossible; a bounded retry keeps it impossible.
    for (let attempt = 0; image.topicsById.has(topicIdToString(topicId)); attempt++) {
      assert(attempt < 3, 'topic id source keeps returning ids in use');
      topicId = this.newTopicId();
    }
    const records: MetadataRecord[] = [Records.topicCreated({ name, topicId, configs })];
    placeReplicas(live, numPartitions, replicationFactor, startIndex).forEach((replicas, partition) => {
      records.push(Records.partitionChanged({ topicId, partition, replicas, leaderId: replicas[0]!, leaderEpoch: 0, isr: replicas, partitionEpoch: 0 }));
    });
    return { topicId, records };
  }

  deleteTopics(names: readonly string[]): Promise<DeleteTopicOutcome[]> {
    return this.exclusive(async () => {
      const seen = new Map<string, number>();
      for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
      const image = this.image;
      const outcomes: (DeleteTopicOutcome | { name: string; topicId: Buffer; pending: true })[] = [];
      const records: MetadataRecord[] = [];
      for (const name of names) {
        if ((seen.get(name) ?? 0) > 1) {
          outcomes.push({ name, error: new SamsaError('INVALID_REQUEST', `topic ${JSON.stringify(name)} appears more than once in the request`) });
          continue;
        }
        const topic = image.topicsByName.get(name);
        if (topic === undefined) {
          outcomes.push({ name, error: new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${JSON.stringify(name)} does not exist`) });
          continue;
        }
        records.push(Records.topicDeleted(topic.id, name));
        outcomes.push({ name, topicId: topic.id, pending: true });
      }
      let failure: SamsaError | undefined;
      if (records.length > 0) {
        try {
          await this.metadataLog.append(records);
        } catch (err) {
          failure = asSamsaError(err, this.log);
        }
      }
      return outcomes.map((o) => {
        if (!('pending' in o)) return o;
        if (failure !== undefined) return { name: o.name, error: failure };
        this.log.info({ topic: o.name, topicId: topicIdToString(o.topicId) }, 'topic deleted');
        return { name: o.name, topicId: o.topicId };
      });
    });
  }

  /**
   * Sets and removes topic configs (a value of '' in `set` removes the key, as the API says).
   * Throws UNKNOWN_TOPIC_OR_PARTITION or INVALID_CONFIG; with validateOnly, changes nothing.
   */
  alterConfigs(topicName: string, changes: { set?: Readonly<Record<string, string>>; delete?: readonly string[] }, options: { validateOnly?: boolean } = {}): Promise<void> {
    return this.exclusive(async () => {
      const topic = this.image.topicsByName.get(topicName);
      if (topic === undefined) throw new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${JSON.stringify(topicName)} does not exist`);
      const { set, removed } = splitConfigChanges(changes);
      for (const key of removed) {
        if (topicConfigDef(key) === undefined) throw new SamsaError('INVALID_CONFIG', `unknown topic config ${JSON.stringify(key)}`);
      }
      validateTopicConfigs(set, { replicationFactor: replicationFactorOf(topic), maxMessageBytes: this.config.maxMessageBytes });
      const effectiveSet = Object.fromEntries(Object.entries(set).filter(([k, v]) => topic.configs.get(k) !== v));
      const effectiveDeleted = [...removed].filter((k) => topic.configs.has(k));
      if (options.validateOnly === true || (Object.keys(effectiveSet).length === 0 && effectiveDeleted.length === 0)) return;
      await this.metadataLog.append([Records.configChanged(topic.id, effectiveSet, effectiveDeleted)]);
      this.log.info({ topic: topicName, set: effectiveSet, deleted: effectiveDeleted }, 'topic configs changed');
    });
  }

  /** AlterConfigs of a broker's dynamic configs; an empty value or `delete` removes a key. */
  alterBrokerConfigs(brokerId: number, changes: { set?: Readonly<Record<string, string>>; delete?: readonly string[] }, options: { validateOnly?: boolean } = {}): Promise<void> {
    return this.exclusive(async () => {
      if (!this.image.brokers.has(brokerId)) throw new SamsaError('BROKER_ID_NOT_REGISTERED', `broker ${brokerId} is not registered`);
      const current = this.image.brokerConfigs.get(brokerId) ?? new Map<string, string>();
      const { set, removed } = splitConfigChanges(changes);
      for (const key of [...Object.keys(set), ...removed]) {
        if (brokerConfigDef(key) === undefined) throw new SamsaError('INVALID_CONFIG', `unknown dynamic broker config ${JSON.stringify(key)} (known: ${BROKER_DYNAMIC_CONFIGS.map((d) => d.name).join(', ')})`);
      }
      for (const [key, value] of Object.entries(set)) brokerConfigDef(key)!.validate(value);
      const effectiveSet = Object.fromEntries(Object.entries(set).filter(([k, v]) => current.get(k) !== v));
      const effectiveDeleted = [...removed].filter((k) => current.has(k));
      if (options.validateOnly === true || (Object.keys(effectiveSet).length === 0 && effectiveDeleted.length === 0)) return;
      await this.metadataLog.append([Records.brokerConfigChanged(brokerId, effectiveSet, effectiveDeleted)]);
      this.log.info({ brokerId, set: effectiveSet, deleted: effectiveDeleted }, 'broker configs changed');
    });
  }

  /**
   * Registers a broker (a new incarnation per process start), fenced: it is unfenced once it has
   * caught up with the metadata (unfenceBroker). A new incarnation replaces the old one, whose
   * leaderships and ISR places go in the same commit (partitionChangesOnFence), since the process
   * that held them is gone. Registering the same incarnation again changes nothing. Resolves with
   * the broker epoch: the offset of its RegisterBroker record.
   */
  registerBroker(request: BrokerRegistrationRequest): Promise<number> {
    return this.exclusive(async () => {
      const { brokerId, incarnationId, endpoints } = request;
      if (!Number.isInteger(brokerId) || brokerId < 0 || brokerId > 0x7fffffff) throw new SamsaError('INVALID_REQUEST', `broker id ${brokerId} is not a non-negative 32-bit integer`);
      if (typeof incarnationId !== 'string' || incarnationId === '') throw new SamsaError('INVALID_REQUEST', 'a broker registration needs an incarnation id');
      for (const e of endpoints) {
        if (e.host === '' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) throw new SamsaError('INVALID_REQUEST', `broker endpoint ${e.host}:${e.port} is not valid`);
      }
      const image = this.image;
      if (request.clusterId !== undefined && request.clusterId !== '' && request.clusterId !== image.clusterId) {
        throw new SamsaError('INCONSISTENT_CLUSTER_ID', `broker ${brokerId} belongs to cluster ${request.clusterId}; this is cluster ${image.clusterId}`);
      }
      const current = image.brokers.get(brokerId);
      if (current !== undefined && current.incarnationId === incarnationId) return current.epoch;
      const records: MetadataRecord[] = [Records.registerBroker({ brokerId, incarnationId, endpoints, rack: request.rack ?? '', fenced: true })];
      if (current !== undefined && !current.fenced) records.push(...partitionChangesOnFence(image, brokerId, this.unclean));
      await this.metadataLog.append(records);
      const epoch = this.image.brokers.get(brokerId)!.epoch;
      this.log.info({ brokerId, incarnationId, endpoints, brokerEpoch: epoch, replaced: current?.incarnationId, partitionsChanged: records.length - 1 }, 'broker registered');
      return epoch;
    });
  }

  /**
   * Fences a broker (its session ran out, or its stream closed past the grace): BrokerFenced and,
   * in the same commit, a new leader for every partition it led and its removal from every ISR
   * (never the last member). Resolves with the commit's index, or undefined when there was nothing
   * to do (already fenced, another incarnation, or `stillDue` says the broker came back while this
   * waited its turn).
   */
  fenceBroker(brokerId: number, incarnationId: string, options: { stillDue?: () => boolean; reason?: string } = {}): Promise<number | undefined> {
    return this.exclusive(async () => {
      const image = this.image;
      const b = image.brokers.get(brokerId);
      if (b === undefined || b.incarnationId !== incarnationId || b.fenced) return undefined;
      if (options.stillDue !== undefined && !options.stillDue()) return undefined;
      const changes = partitionChangesOnFence(image, brokerId, this.unclean);
      this.warnUnclean(image, changes);
      const index = await this.metadataLog.append([Records.brokerFenced(brokerId, incarnationId), ...changes]);
      this.log.warn({ brokerId, incarnationId, reason: options.reason, partitionsChanged: changes.length, index }, 'broker fenced');
      return index;
    });
  }

  /**
   * Unfences a broker that has caught up: BrokerUnfenced and, in the same commit, a leader for the
   * partitions that had none and can have one now. Resolves with the commit's index, or undefined
   * when there was nothing to do (`eligible` says whether it still may be unfenced).
   */
  unfenceBroker(brokerId: number, incarnationId: string, options: { eligible?: () => boolean } = {}): Promise<number | undefined> {
    return this.exclusive(async () => {
      const image = this.image;
      const b = image.brokers.get(brokerId);
      if (b === undefined || b.incarnationId !== incarnationId || !b.fenced) return undefined;
      if (options.eligible !== undefined && !options.eligible()) return undefined;
      const changes = partitionChangesOnUnfence(image, brokerId, this.unclean);
      this.warnUnclean(image, changes);
      const index = await this.metadataLog.append([Records.brokerUnfenced(brokerId, incarnationId), ...changes]);
      this.log.info({ brokerId, incarnationId, partitionsChanged: changes.length, index }, 'broker unfenced');
      return index;
    });
  }

  /**
   * The ISR change protocol (ARCHITECTURE.md): a partition's leader proposes a new ISR with its
   * leader epoch and partition epoch; the change is accepted only when both are current and every
   * member it adds is an unfenced replica, and commits PartitionChanged with the partition epoch +
   * 1 (same leader, same leader epoch). Every accepted change of the request goes in one commit.
   * A bad request as a whole (unknown broker, stale broker epoch) throws; a refused partition gets
   * its error in its outcome.
   */
  alterPartition(brokerId: number, brokerEpoch: number, changes: readonly IsrChangeRequest[]): Promise<{ outcomes: IsrChangeOutcome[]; index: number }> {
    return this.exclusive(async () => {
      const image = this.image;
      const broker = image.brokers.get(brokerId);
      if (broker === undefined) throw new SamsaError('BROKER_ID_NOT_REGISTERED', `broker ${brokerId} is not registered`);
      if (brokerEpoch >= 0 && brokerEpoch !== broker.epoch) throw new SamsaError('STALE_BROKER_EPOCH', `broker epoch ${brokerEpoch} of broker ${brokerId} is not the registered ${broker.epoch}`);
      const seen = new Set<string>();
      const outcomes: IsrChangeOutcome[] = [];
      const records: MetadataRecord[] = [];
      const pending: { at: number; next: PartitionState }[] = [];
      for (const change of changes) {
        const { topicId, partition } = change;
        const fail = (code: ErrorCodeName, message: string, state?: PartitionState): void => {
          outcomes.push({ topicId, partition, ...(state !== undefined ? { state } : {}), error: new SamsaError(code, message) });
        };
        const key = `${topicId.toString('hex')}:${partition}`;
        if (seen.has(key)) {
          fail('INVALID_REQUEST', `partition ${partition} of topic ${topicId.toString('hex')} appears more than once`);
          continue;
        }
        seen.add(key);
        const topic = topicById(image, topicId);
        if (topic === undefined) {
          fail('UNKNOWN_TOPIC_ID', `no topic has id ${topicId.length === 16 ? topicIdToString(topicId) : topicId.toString('hex')}`);
          continue;
        }
        const state = topic.partitions[partition];
        const where = `${topic.name}-${partition}`;
        if (state === undefined) {
          fail('UNKNOWN_TOPIC_OR_PARTITION', `topic ${topic.name} has no partition ${partition}`);
          continue;
        }
        if (state.leaderId !== brokerId) {
          fail('NOT_LEADER_OR_FOLLOWER', `broker ${brokerId} does not lead ${where}; the leader is ${state.leaderId}`, state);
          continue;
        }
        if (change.leaderEpoch < state.leaderEpoch) {
          fail('FENCED_LEADER_EPOCH', `leader epoch ${change.leaderEpoch} of ${where} is older than ${state.leaderEpoch}`, state);
          continue;
        }
        if (change.leaderEpoch > state.leaderEpoch) {
          fail('UNKNOWN_LEADER_EPOCH', `leader epoch ${change.leaderEpoch} of ${where} is newer than ${state.leaderEpoch}`, state);
          continue;
        }
        if (change.partitionEpoch !== state.partitionEpoch) {
          fail('INVALID_UPDATE_VERSION', `partition epoch ${change.partitionEpoch} of ${where} is not the current ${state.partitionEpoch}`, state);
          continue;
        }
        const isr = [...change.newIsr];
        if (isr.length === 0 || new Set(isr).size !== isr.length || !isr.includes(brokerId)) {
          fail('INVALID_REQUEST', `the ISR [${isr.join(',')}] of ${where} must be distinct replicas that include the leader ${brokerId}`, state);
          continue;
        }
        const notReplica = isr.find((id) => !state.replicas.includes(id));
        if (notReplica !== undefined) {
          fail('INELIGIBLE_REPLICA', `broker ${notReplica} is not a replica of ${where}`, state);
          continue;
        }
        const ineligible = isr.find((id) => !state.isr.includes(id) && !this.mayLead(image, id));
        if (ineligible !== undefined) {
          fail('INELIGIBLE_REPLICA', `broker ${ineligible} cannot join the ISR of ${where}: it is fenced or shutting down`, state);
          continue;
        }
        if (isr.length === state.isr.length && isr.every((id, i) => state.isr[i] === id)) {
          outcomes.push({ topicId, partition, state });
          continue;
        }
        const next: PartitionState = { replicas: state.replicas, leaderId: state.leaderId, leaderEpoch: state.leaderEpoch, isr, partitionEpoch: state.partitionEpoch + 1 };
        records.push(Records.partitionChanged({ topicId: topic.id, partition, ...next }));
        pending.push({ at: outcomes.length, next });
        outcomes.push({ topicId, partition, state: next });
      }
      let index = image.appliedIndex;
      if (records.length > 0) {
        const committed = await this.commitOutcomes(records, outcomes, pending.map((p) => p.at), (o, error) => ({ topicId: o.topicId, partition: o.partition, error }));
        if (committed === undefined) return { outcomes, index: this.image.appliedIndex };
        index = committed;
        this.log.info({ brokerId, partitions: records.length, index }, 'ISR changes committed');
        // A preferred replica back in its ISR (a broker that returned and caught up) leads again:
        // leadership returns to where placement spread it, without an operator.
        const live = (id: number): boolean => this.mayLead(this.image, id);
        const elections: MetadataRecord[] = [];
        for (const p of pending) {
          const o = outcomes[p.at]!;
          const topic = topicById(this.image, o.topicId);
          const state = topic?.partitions[o.partition];
          if (topic === undefined || state === undefined || state.partitionEpoch !== p.next.partitionEpoch) continue;
          const { next } = preferredLeaderChange(state, live);
          if (next !== undefined) elections.push(Records.partitionChanged({ topicId: topic.id, partition: o.partition, ...next }));
        }
        if (elections.length > 0) {
          try {
            index = await this.metadataLog.append(elections);
            this.log.info({ partitions: elections.length, index }, 'preferred leaders elected after rejoining their ISR');
          } catch (err) {
            this.log.warn({ err }, 'preferred leader election after an ISR change failed; rebalance-leaders can retry it');
          }
        }
      }
      return { outcomes, index };
    });
  }

  /**
   * Leader election on demand (samsa topics rebalance-leaders, ElectLeaders): PREFERRED moves each
   * partition's leadership to its first replica when that one is in sync and live; UNCLEAN elects
   * an out-of-sync live replica for a partition that has no leader. `targets` undefined: every
   * partition of every topic.
   */
  electLeaders(type: 'PREFERRED' | 'UNCLEAN', targets?: readonly { topic: string; partitions?: readonly number[] }[]): Promise<{ outcomes: ElectionOutcome[]; index: number }> {
    return this.exclusive(async () => {
      const image = this.image;
      const live = (id: number): boolean => this.mayLead(image, id);
      const outcomes: ElectionOutcome[] = [];
      const records: MetadataRecord[] = [];
      const changed: number[] = [];
      const wanted: readonly { topic: string; partitions?: readonly number[] }[] = targets ?? [...image.topicsByName.keys()].sort().map((topic) => ({ topic }));
      for (const t of wanted) {
        const topic = image.topicsByName.get(t.topic);
        const partitions = t.partitions ?? (topic === undefined ? [] : topic.partitions.map((_, i) => i));
        if (topic === undefined) {
          outcomes.push({ topic: t.topic, partition: -1, error: new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${JSON.stringify(t.topic)} does not exist`) });
          continue;
        }
        for (const partition of partitions) {
          const state = topic.partitions[partition];
          if (state === undefined) {
            outcomes.push({ topic: t.topic, partition, error: new SamsaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${t.topic} has no partition ${partition}`) });
            continue;
          }
          // A leader in controlled shutdown cannot take leadership (`live`) but still serves
          // (unfenced): an unclean election leaves its partition alone.
          const r = type === 'PREFERRED' ? preferredLeaderChange(state, live) : uncleanLeaderChange(state, live, (id) => image.brokers.get(id)?.fenced === false);
          if (r.next === undefined) {
            const why = r.reason ?? 'ELIGIBLE_LEADERS_NOT_AVAILABLE';
            const message =
              why === 'ELECTION_NOT_NEEDED'
                ? `${t.topic}-${partition} already has the leader this election would pick (${state.leaderId})`
                : why === 'PREFERRED_LEADER_NOT_AVAILABLE'
                  ? `the preferred leader ${state.replicas[0]} of ${t.topic}-${partition} is fenced or not in the ISR [${state.isr.join(',')}]`
                  : `no live replica of ${t.topic}-${partition} can lead`;
            outcomes.push({ topic: t.topic, partition, state, error: new SamsaError(why, message) });
            continue;
          }
          if (type === 'UNCLEAN') this.log.warn({ topic: t.topic, partition, leaderId: r.next.leaderId, lostIsr: state.isr }, 'UNCLEAN leader election: an out-of-sync replica leads; records only the old ISR had are lost');
          records.push(Records.partitionChanged({ topicId: topic.id, partition, ...r.next }));
          changed.push(outcomes.length);
          outcomes.push({ topic: t.topic, partition, state: r.next });
        }
      }
      let index = image.appliedIndex;
      if (records.length > 0) {
        const committed = await this.commitOutcomes(records, outcomes, changed, (o, error) => ({ topic: o.topic, partition: o.partition, error }));
        if (committed === undefined) return { outcomes, index: this.image.appliedIndex };
        index = committed;
        this.log.info({ type, partitions: records.length, index }, 'leaders elected');
      }
      return { outcomes, index };
    });
  }

  /**
   * Controlled shutdown of `brokerId`: every partition it leads gets another in-sync live leader
   * where there is one, and it leaves every ISR it is not the last member of (one commit). Does
   * nothing when that is already so. Resolves with the commit's index, if any.
   */
  moveAwayFrom(brokerId: number, incarnationId: string): Promise<number | undefined> {
    return this.exclusive(async () => {
      const image = this.image;
      const b = image.brokers.get(brokerId);
      if (b === undefined || b.incarnationId !== incarnationId || b.fenced) return undefined;
      // The changes of a fence, without the fence (the broker still serves while it hands over),
      // and never to a broker that is shutting down too. A partition no other live in-sync
      // replica can lead keeps its leader: it goes offline only when the broker actually stops.
      const isLive = (id: number): boolean => id !== brokerId && this.mayLead(image, id);
      const changes: MetadataRecord[] = [];
      for (const topic of image.topicsById.values()) {
        topic.partitions.forEach((state, partition) => {
          if (state.leaderId !== brokerId && !state.isr.includes(brokerId)) return;
          const next = electPartition(state, isLive, false, brokerId);
          if (next === undefined || next.leaderId === NO_LEADER) return;
          changes.push(Records.partitionChanged({ topicId: topic.id, partition, ...next }));
        });
      }
      if (changes.length === 0) return undefined;
      const index = await this.metadataLog.append(changes);
      this.log.info({ brokerId, partitionsChanged: changes.length, index }, 'controlled shutdown: leaderships moved and ISRs left');
      return index;
    });
  }

  /** Whether `brokerId` leads nothing another live in-sync replica could lead, and sits in no ISR with others. */
  nothingToMove(brokerId: number): boolean {
    const image = this.image;
    for (const topic of image.topicsById.values()) {
      for (const p of topic.partitions) {
        if (!p.isr.includes(brokerId) || p.isr.length === 1) continue;
        // In an ISR with others: it could leave it (or hand over leadership) if one of them is live
        // and not shutting down too (the same test moveAwayFrom applies).
        if (p.isr.some((id) => id !== brokerId && this.mayLead(image, id))) return false;
      }
    }
    return true;
  }

  /** Says so loudly when an election among `changes` took a leader from outside the ISR. */
  private warnUnclean(image: MetadataImage, changes: readonly MetadataRecord[]): void {
    for (const r of changes) {
      // Built by Records.partitionChanged: every field is there.
      const c = r.partition_changed as { topic_id: Buffer; partition: number; leader_id: number; leader_epoch: number } | null | undefined;
      if (c === undefined || c === null) continue;
      const topic = topicById(image, c.topic_id);
      const before = topic?.partitions[c.partition];
      if (before === undefined || c.leader_id < 0 || before.isr.includes(c.leader_id)) continue;
      this.log.warn(
        { topic: topic!.name, partition: c.partition, leaderId: c.leader_id, leaderEpoch: c.leader_epoch, lostIsr: before.isr },
        'UNCLEAN leader election: no in-sync replica is left, an out-of-sync replica leads (unclean.leader.election.enable); records only the old ISR had are lost',
      );
    }
  }

  /** Whether `id` may take leadership or join an ISR: unfenced and not shutting down. */
  private mayLead(image: MetadataImage, id: number): boolean {
    return image.brokers.get(id)?.fenced === false && !this.shuttingDown(id);
  }

  /**
   * Appends `records` (the changes behind `outcomes[changed]`) in one commit and resolves with its
   * index; when the append fails, those outcomes become the error instead and it resolves undefined.
   */
  private async commitOutcomes<T>(records: MetadataRecord[], outcomes: T[], changed: readonly number[], failed: (outcome: T, error: SamsaError) => T): Promise<number | undefined> {
    try {
      return await this.metadataLog.append(records);
    } catch (err) {
      const e = asSamsaError(err, this.log);
      for (const at of changed) outcomes[at] = failed(outcomes[at]!, e);
      return undefined;
    }
  }

  /** Brokers in controlled shutdown take no leadership (set by the QuorumController). */
  shuttingDown: (brokerId: number) => boolean = () => false;

  /** Hands a registered broker the next block of producer ids (`brokerEpoch` -1: not checked). */
  allocateProducerIds(brokerId: number, brokerEpoch = -1): Promise<{ firstProducerId: number; blockSize: number }> {
    return this.exclusive(async () => {
      const broker = this.image.brokers.get(brokerId);
      if (broker === undefined) throw new SamsaError('BROKER_ID_NOT_REGISTERED', `broker ${brokerId} is not registered`);
      if (brokerEpoch >= 0 && brokerEpoch !== broker.epoch) throw new SamsaError('STALE_BROKER_EPOCH', `broker epoch ${brokerEpoch} of broker ${brokerId} is not the registered ${broker.epoch}`);
      const firstProducerId = this.image.nextProducerId;
      const blockSize = this.config.producerIdBlockSize;
      await this.metadataLog.append([Records.producerIdsAllocated(brokerId, firstProducerId, blockSize)]);
      return { firstProducerId, blockSize };
    });
  }
}

