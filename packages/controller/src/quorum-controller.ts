// The active controller: whoever leads the metadata log. It wraps the frontend (validate and
// propose) with what only the leader does: broker registration and liveness (heartbeats, fencing
// and unfencing through the BrokerHeartbeatManager), the ISR change protocol and producer-id
// blocks. Every operation first checks that this node leads the log and otherwise throws
// NOT_CONTROLLER naming the leader it knows (details.controllerId), so the caller retries there.
//
// Leadership comes from the log (MetadataLog.isLeader / onLeaderChange): on election the heartbeat
// manager starts every broker's session clock; on losing it, everything liveness knew is dropped
// and no fence is proposed any more.
import type { Logger } from 'pino';
import { SamsaError, isSamsaError } from '@samsa/protocol';
import type { Clock } from './clock.js';
import { SYSTEM_CLOCK } from './clock.js';
import { validateConfig } from './config.js';
import type { ControllerConfig } from './config.js';
import { leadershipCounts } from './election.js';
import type { UncleanLeaderElection } from './election.js';
import { ControllerFrontend } from './frontend.js';
import type { BrokerRegistrationRequest, CreateTopicOutcome, CreateTopicSpec, DeleteTopicOutcome, ElectionOutcome, IsrChangeOutcome, IsrChangeRequest } from './frontend.js';
import { BrokerHeartbeatManager } from './heartbeat-manager.js';
import type { ExpiryReason } from './heartbeat-manager.js';
import { imageHash } from './image-codec.js';
import type { BrokerEndpointInfo, MetadataImage } from './image.js';
import type { MetadataLog, MetadataLogVoter } from './metadata-log.js';

/** After a fence proposal failed (say, a write error), it is tried again this much later. */
export const FENCE_RETRY_DELAY_MS = 1000;

export interface QuorumControllerOptions {
  readonly logger: Logger;
  readonly config?: Partial<ControllerConfig>;
  readonly clock?: Clock;
  readonly newTopicId?: () => Buffer;
  readonly uncleanLeaderElection?: UncleanLeaderElection;
}

export interface BrokerHeartbeat {
  readonly brokerId: number;
  readonly incarnationId: string;
  /** -1: not checked. */
  readonly brokerEpoch: number;
  /** The last metadata offset the broker applied. */
  readonly appliedOffset: number;
  /** Controlled shutdown: the broker is stopping and asks for its leaderships to move away. */
  readonly wantShutDown?: boolean;
}

export interface HeartbeatAnswer {
  readonly errorCode: 'NONE' | 'STALE_BROKER_EPOCH' | 'BROKER_ID_NOT_REGISTERED';
  readonly errorMessage: string;
  readonly fenced: boolean;
  readonly controllerId: number;
  /** The controller's applied metadata offset when it answered. */
  readonly metadataOffset: number;
  /** Controlled shutdown: the broker leads nothing it could hand over and sits in no ISR it could leave, as of metadataOffset. */
  readonly shouldShutDown: boolean;
}

export interface BrokerStatusInfo {
  readonly brokerId: number;
  readonly incarnationId: string;
  readonly brokerEpoch: number;
  readonly endpoints: readonly BrokerEndpointInfo[];
  readonly rack: string;
  readonly fenced: boolean;
  readonly alive: boolean;
  /** -1 when unknown. */
  readonly appliedOffset: number;
  /** -1 when it has not heartbeat to this controller (or liveness is unknown here). */
  readonly lastHeartbeatAgeMs: number;
  readonly leaderCount: number;
  readonly replicaCount: number;
}

export interface ClusterStatus {
  readonly clusterId: string;
  readonly nodeId: number;
  readonly activeControllerId: number;
  readonly leaderEpoch: number;
  readonly commitOffset: number;
  readonly appliedOffset: number;
  readonly logStartOffset: number;
  readonly voters: readonly MetadataLogVoter[];
  readonly brokers: readonly BrokerStatusInfo[];
  /** True when this node is the active controller, whose liveness view `alive` etc. are. */
  readonly livenessKnown: boolean;
  readonly imageHash: string;
}

export class QuorumController {
  readonly frontend: ControllerFrontend;
  readonly config: ControllerConfig;
  private readonly metadataLog: MetadataLog;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly heartbeats: BrokerHeartbeatManager;
  private readonly unfencing = new Map<number, Promise<unknown>>();
  /** Brokers in controlled shutdown (broker id -> incarnation); a new incarnation of the broker ends it. */
  private readonly shuttingDown = new Map<number, string>();
  private offLeaderChange: (() => void) | undefined;
  private nextStreamId = 1;
  private started = false;

  constructor(metadataLog: MetadataLog, options: QuorumControllerOptions) {
    this.metadataLog = metadataLog;
    this.config = validateConfig(options.config);
    this.log = options.logger.child({ component: 'quorum-controller' });
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.frontend = new ControllerFrontend(metadataLog, {
      logger: options.logger,
      config: this.config,
      ...(options.newTopicId !== undefined ? { newTopicId: options.newTopicId } : {}),
      ...(options.uncleanLeaderElection !== undefined ? { uncleanLeaderElection: options.uncleanLeaderElection } : {}),
    });
    this.frontend.shuttingDown = (brokerId) => {
      const incarnation = this.shuttingDown.get(brokerId);
      if (incarnation === undefined) return false;
      if (this.image.brokers.get(brokerId)?.incarnationId === incarnation) return true;
      this.shuttingDown.delete(brokerId); // restarted since
      return false;
    };
    this.heartbeats = new BrokerHeartbeatManager({
      sessionTimeoutMs: this.config.brokerSessionTimeoutMs,
      streamCloseGraceMs: this.config.brokerStreamCloseGraceMs,
      clock: this.clock,
      onExpired: (brokerId, incarnationId, reason) => this.expired(brokerId, incarnationId, reason),
      onStall: (stallMs) => this.log.warn({ stallMs }, 'this process stalled; broker sessions extended by the stall'),
    });
  }

  get image(): MetadataImage {
    return this.metadataLog.image;
  }

  /** Follows the log's leadership; activates at once when this node leads. Safe twice. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.offLeaderChange = this.metadataLog.onLeaderChange((change) => {
      if (change.isLeader) this.activate();
      else this.deactivate(change.leaderId);
    });
    if (this.metadataLog.isLeader()) this.activate();
  }

  /** Stops deciding (no more fences). Safe twice. */
  stop(): void {
    this.offLeaderChange?.();
    this.offLeaderChange = undefined;
    this.heartbeats.deactivate();
  }

  /** True when this node leads the metadata log and acts as the active controller. */
  isActive(): boolean {
    return this.heartbeats.active && this.metadataLog.isLeader();
  }

  /** The active controller's id as this node knows it (-1: none known). */
  activeControllerId(): number {
    return this.metadataLog.leaderId();
  }

  private activate(): void {
    if (this.heartbeats.active) return;
    const image = this.metadataLog.image;
    this.heartbeats.activate([...image.brokers.values()].map((b) => ({ id: b.id, incarnationId: b.incarnationId })));
    this.log.info({ leaderEpoch: this.metadataLog.leaderEpoch(), appliedIndex: image.appliedIndex, brokers: image.brokers.size }, 'active controller: broker session clocks start now');
  }

  private deactivate(leaderId: number): void {
    if (!this.heartbeats.active) return;
    this.heartbeats.deactivate();
    this.log.info({ leaderId }, 'no longer the active controller');
  }

  /** Throws NOT_CONTROLLER naming the active controller this node knows. */
  requireActive(): void {
    if (this.isActive()) return;
    const controllerId = this.metadataLog.leaderId();
    throw new SamsaError('NOT_CONTROLLER', `node ${this.metadataLog.nodeId} is not the active controller${controllerId >= 0 ? `; node ${controllerId} is` : ''}`, { details: { controllerId } });
  }

  private expired(brokerId: number, incarnationId: string, reason: ExpiryReason): void {
    const stillDue = (): boolean => this.isActive() && this.heartbeats.isExpired(brokerId, incarnationId);
    this.frontend.fenceBroker(brokerId, incarnationId, { stillDue, reason }).catch((err: unknown) => {
      if (!this.isActive()) return;
      this.log.error({ err, brokerId, incarnationId }, 'fencing a broker failed; retrying');
      this.heartbeats.retryLater(brokerId, FENCE_RETRY_DELAY_MS);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Brokers

  /** Registers a broker (fenced until caught up); resolves with its broker epoch. */
  async registerBroker(request: BrokerRegistrationRequest): Promise<number> {
    this.requireActive();
    const epoch = await this.frontend.registerBroker(request);
    this.heartbeats.registered(request.brokerId, request.incarnationId);
    return epoch;
  }

  /** An id for a new heartbeat stream (streams are told apart when a broker reconnects). */
  newHeartbeatStream(): number {
    return this.nextStreamId++;
  }

  /**
   * One heartbeat from stream `streamId`. A fenced broker whose applied offset has reached its
   * broker epoch is unfenced before the answer, so the answer says so.
   */
  async heartbeat(streamId: number, hb: BrokerHeartbeat): Promise<HeartbeatAnswer> {
    this.requireActive();
    const controllerId = this.metadataLog.nodeId;
    const answer = (errorCode: HeartbeatAnswer['errorCode'], errorMessage: string, fenced: boolean, shouldShutDown = false): HeartbeatAnswer => ({
      errorCode,
      errorMessage,
      fenced,
      controllerId,
      metadataOffset: this.metadataLog.appliedIndex,
      shouldShutDown,
    });
    const registration = this.image.brokers.get(hb.brokerId);
    if (registration === undefined) return answer('BROKER_ID_NOT_REGISTERED', `broker ${hb.brokerId} is not registered`, true);
    if (registration.incarnationId !== hb.incarnationId || (hb.brokerEpoch >= 0 && hb.brokerEpoch !== registration.epoch)) {
      return answer('STALE_BROKER_EPOCH', `broker ${hb.brokerId} incarnation ${hb.incarnationId} was replaced by incarnation ${registration.incarnationId} (epoch ${registration.epoch})`, true);
    }
    // A registration this manager has not seen (committed just before an election) starts its session now.
    this.heartbeats.registered(hb.brokerId, hb.incarnationId);
    this.heartbeats.heartbeat(streamId, hb.brokerId, hb.incarnationId, hb.appliedOffset);
    if (hb.wantShutDown === true) {
      const shouldShutDown = await this.controlledShutdown(hb.brokerId, hb.incarnationId);
      const now = this.image.brokers.get(hb.brokerId);
      const current = now?.incarnationId === hb.incarnationId;
      return answer(current ? 'NONE' : 'STALE_BROKER_EPOCH', current ? '' : `broker ${hb.brokerId} was replaced meanwhile`, !current || now.fenced, shouldShutDown);
    }
    if (registration.fenced && hb.appliedOffset >= registration.epoch) await this.unfence(hb.brokerId, hb.incarnationId);
    const now = this.image.brokers.get(hb.brokerId);
    const current = now?.incarnationId === hb.incarnationId;
    return answer(current ? 'NONE' : 'STALE_BROKER_EPOCH', current ? '' : `broker ${hb.brokerId} was replaced meanwhile`, !current || now.fenced);
  }

  /**
   * Controlled shutdown (Kafka's, in KRaft form): the broker asked in its heartbeat. It is marked
   * as shutting down (no new leadership, no ISR rejoin), its leaderships move to other in-sync
   * replicas and it leaves every ISR it is not the last member of, in one commit. True once
   * nothing is left to move: the broker may stop.
   */
  private async controlledShutdown(brokerId: number, incarnationId: string): Promise<boolean> {
    if (this.shuttingDown.get(brokerId) !== incarnationId) {
      this.shuttingDown.set(brokerId, incarnationId);
      this.log.info({ brokerId, incarnationId }, 'controlled shutdown requested');
    }
    await this.frontend.moveAwayFrom(brokerId, incarnationId);
    return this.frontend.nothingToMove(brokerId);
  }

  /** One unfence per broker at a time; heartbeats that come meanwhile wait for it. */
  private unfence(brokerId: number, incarnationId: string): Promise<unknown> {
    let pending = this.unfencing.get(brokerId);
    if (pending === undefined) {
      const eligible = (): boolean => this.isActive() && this.heartbeats.isAlive(brokerId);
      pending = this.frontend
        .unfenceBroker(brokerId, incarnationId, { eligible })
        .catch((err: unknown) => {
          // The broker stays fenced; its next heartbeat tries again.
          if (!isSamsaError(err) || err.code !== 'NOT_CONTROLLER') this.log.error({ err, brokerId }, 'unfencing a broker failed');
        })
        .finally(() => this.unfencing.delete(brokerId));
      this.unfencing.set(brokerId, pending);
    }
    return pending;
  }

  /** A heartbeat stream ended (the grace starts if it was the broker's current one). */
  heartbeatStreamClosed(streamId: number): void {
    this.heartbeats.streamClosed(streamId);
  }

  // -------------------------------------------------------------------------------------------
  // Partitions, producer ids, admin

  async alterPartition(brokerId: number, brokerEpoch: number, changes: readonly IsrChangeRequest[]): Promise<{ outcomes: IsrChangeOutcome[]; index: number }> {
    this.requireActive();
    return this.frontend.alterPartition(brokerId, brokerEpoch, changes);
  }

  /** ElectLeaders: preferred or unclean elections (see ControllerFrontend.electLeaders). */
  async electLeaders(type: 'PREFERRED' | 'UNCLEAN', targets?: readonly { topic: string; partitions?: readonly number[] }[]): Promise<{ outcomes: ElectionOutcome[]; index: number }> {
    this.requireActive();
    return this.frontend.electLeaders(type, targets);
  }

  async allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<{ firstProducerId: number; blockSize: number }> {
    this.requireActive();
    return this.frontend.allocateProducerIds(brokerId, brokerEpoch);
  }

  /** Creates topics; resolves with the outcomes and the metadata offset that has them. */
  async createTopics(specs: readonly CreateTopicSpec[], options: { validateOnly?: boolean } = {}): Promise<{ outcomes: CreateTopicOutcome[]; offset: number }> {
    this.requireActive();
    const outcomes = await this.frontend.createTopics(specs, options);
    return { outcomes, offset: this.metadataLog.appliedIndex };
  }

  async deleteTopics(names: readonly string[]): Promise<{ outcomes: DeleteTopicOutcome[]; offset: number }> {
    this.requireActive();
    const outcomes = await this.frontend.deleteTopics(names);
    return { outcomes, offset: this.metadataLog.appliedIndex };
  }

  /** AlterConfigs of a broker's dynamic configs; resolves with the applied index. */
  async alterBrokerConfigs(brokerId: number, changes: { set?: Readonly<Record<string, string>>; delete?: readonly string[] }, options: { validateOnly?: boolean } = {}): Promise<number> {
    this.requireActive();
    await this.frontend.alterBrokerConfigs(brokerId, changes, options);
    return this.metadataLog.appliedIndex;
  }

  /** Throws UNKNOWN_TOPIC_OR_PARTITION / INVALID_CONFIG like the frontend; resolves with the offset that has the change. */
  async alterConfigs(topic: string, changes: { set?: Readonly<Record<string, string>>; delete?: readonly string[] }, options: { validateOnly?: boolean } = {}): Promise<number> {
    this.requireActive();
    await this.frontend.alterConfigs(topic, changes, options);
    return this.metadataLog.appliedIndex;
  }

  // -------------------------------------------------------------------------------------------
  // Quorum membership

  /**
   * Adds a voter to the metadata quorum (the log checks who answers at `address`); resolves with
   * the voters once the change is committed. INVALID_REQUEST when this log's voters are fixed.
   */
  async addVoter(nodeId: number, address: string): Promise<readonly MetadataLogVoter[]> {
    this.requireActive();
    if (this.metadataLog.addVoter === undefined) throw new SamsaError('INVALID_REQUEST', 'this metadata log has a fixed single voter; its quorum cannot change');
    return this.metadataLog.addVoter(nodeId, address);
  }

  /** Removes a voter (this node too: it steps down once the change commits); resolves with the voters once committed. */
  async removeVoter(nodeId: number): Promise<readonly MetadataLogVoter[]> {
    this.requireActive();
    if (this.metadataLog.removeVoter === undefined) throw new SamsaError('INVALID_REQUEST', 'this metadata log has a fixed single voter; its quorum cannot change');
    return this.metadataLog.removeVoter(nodeId);
  }

  // -------------------------------------------------------------------------------------------
  // Status

  /** This node's view of the quorum and the brokers (any controller answers; liveness only when active). */
  describe(): ClusterStatus {
    const status = this.metadataLog.status();
    const image = this.metadataLog.image;
    const active = this.isActive();
    const counts = leadershipCounts(image);
    const now = this.clock.now();
    const brokers = [...image.brokers.values()]
      .sort((a, b) => a.id - b.id)
      .map((b): BrokerStatusInfo => {
        const live = active ? this.heartbeats.liveness(b.id) : undefined;
        const c = counts.get(b.id);
        return {
          brokerId: b.id,
          incarnationId: b.incarnationId,
          brokerEpoch: b.epoch,
          endpoints: b.endpoints,
          rack: b.rack,
          fenced: b.fenced,
          alive: live?.alive ?? false,
          appliedOffset: live?.appliedOffset ?? -1,
          lastHeartbeatAgeMs: live?.lastHeartbeatMs === undefined ? -1 : now - live.lastHeartbeatMs,
          leaderCount: c?.leaders ?? 0,
          replicaCount: c?.replicas ?? 0,
        };
      });
    return {
      clusterId: image.clusterId,
      nodeId: status.nodeId,
      activeControllerId: status.leaderId,
      leaderEpoch: status.leaderEpoch,
      commitOffset: status.commitIndex,
      appliedOffset: image.appliedIndex,
      logStartOffset: status.logStartIndex,
      voters: status.voters,
      brokers,
      livenessKnown: active,
      imageHash: imageHash(image),
    };
  }
}
