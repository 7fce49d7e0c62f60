// The replica manager: makes each hosted partition lead or follow as the metadata says, and runs
// the leader's duties (ARCHITECTURE.md, "Partition replication").
//
// - Becoming leader of epoch E: stop fetching, record (E, log end offset) in the leader-epoch cache
//   (synced) before any write is accepted, and start with every follower's position unknown.
// - Becoming follower: the leader state goes (waiting acks=all requests fail with
//   NOT_LEADER_OR_FOLLOWER: their records may or may not survive), and the partition joins the
//   fetcher of its new leader, which truncates it where it diverges.
// - As leader: each follower fetch moves that follower's position, then the high watermark; a
//   follower that caught up is proposed back into the ISR; a periodic check proposes dropping
//   followers not caught up for replica.lag.time.max.ms. Proposals go to the controller in
//   AlterPartition requests (several partitions at once), one in flight per partition.
import type { Logger } from 'pino';
import type { MetadataImage, PartitionState } from '@samsa/controller';
import { SamsaError, topicIdToString } from '@samsa/protocol';
import type { AlterPartitionResponse__Output } from '@samsa/protocol';
import type { ControllerChannel } from './controller-client.js';
import { LeaderState } from './leader-state.js';
import type { HostedPartition, PartitionRegistry } from './partitions.js';
import { ReplicaFetcherManager } from './replica-fetcher.js';

export interface ReplicaManagerOptions {
  readonly nodeId: number;
  readonly logger: Logger;
  readonly registry: PartitionRegistry;
  /** The image this node follows. */
  image(): MetadataImage;
  /** This broker's registration epoch. */
  brokerEpoch(): number;
  /** To the active controller (AlterPartition). */
  readonly channel: ControllerChannel;
  readonly replicaLagTimeMaxMs: number;
  /** follower.replication.throttled.rate of this broker (bytes/s, 0: none). */
  throttleBytesPerSec(): number;
  /** Brokers that may not join an ISR besides fenced ones (those in controlled shutdown). */
  shuttingDown?(brokerId: number): boolean;
  readonly now?: () => number;
}

interface Proposal {
  readonly hosted: HostedPartition;
  readonly leader: LeaderState;
  readonly isr: readonly number[];
}

/** After a refused or failed ISR proposal, the next waits this long (the image usually brings the reason first). */
const PROPOSAL_RETRY_MS = 200;

/** The ISR check runs this often (Kafka: half the lag time), but at least once a second. */
const isrCheckIntervalMs = (lagMs: number): number => Math.max(50, Math.min(1000, Math.floor(lagMs / 2)));

export class ReplicaManager {
  readonly fetchers: ReplicaFetcherManager;
  private readonly o: ReplicaManagerOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private queued: Proposal[] = [];
  private flushScheduled = false;
  private stopped = false;

  constructor(options: ReplicaManagerOptions) {
    this.o = options;
    this.log = options.logger.child({ component: 'replica-manager' });
    this.now = options.now ?? Date.now;
    this.fetchers = new ReplicaFetcherManager({
      nodeId: options.nodeId,
      logger: options.logger,
      image: options.image,
      brokerEpoch: options.brokerEpoch,
      throttleBytesPerSec: options.throttleBytesPerSec,
      now: this.now,
    });
  }

  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => this.checkIsrs(), isrCheckIntervalMs(this.o.replicaLagTimeMaxMs));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.fetchers.stop();
  }

  /**
   * Makes `hosted` (whose log is open) lead or follow as `state` says. Called by the reconciler,
   * one step at a time per partition.
   */
  async apply(hosted: HostedPartition, state: PartitionState): Promise<void> {
    const log = hosted.current;
    if (log === undefined || log.offline || this.stopped) return;
    const { nodeId } = this.o;
    if (state.leaderId === nodeId) {
      const leader = hosted.leader;
      if (leader !== undefined && leader.leaderEpoch === state.leaderEpoch) {
        leader.updateState(state, this.now());
        hosted.advanceHighWatermark();
        this.maybePropose(hosted);
        return;
      }
      await this.fetchers.unfollow(hosted);
      // The epoch starts at the log end offset, recorded (and synced) before any write of it.
      await log.assignEpochStartOffset(state.leaderEpoch);
      const next = new LeaderState(nodeId, state, log.logEndOffset, this.now());
      hosted.setLeader(next);
      hosted.log.info({ leaderEpoch: state.leaderEpoch, epochStartOffset: next.epochStartOffset, highWatermark: log.highWatermark, isr: state.isr, replicas: state.replicas }, 'leading the partition');
      return;
    }
    if (hosted.leader !== undefined) {
      hosted.setLeader(undefined, new SamsaError('NOT_LEADER_OR_FOLLOWER', `broker ${nodeId} no longer leads the partition; the leader is ${state.leaderId}`, { details: { leaderId: state.leaderId, leaderEpoch: state.leaderEpoch } }));
      hosted.log.info({ leaderId: state.leaderId, leaderEpoch: state.leaderEpoch }, 'no longer leading the partition');
    }
    if (state.leaderId >= 0 && state.replicas.includes(nodeId)) {
      this.fetchers.follow(hosted, state.leaderId, state.leaderEpoch);
    } else {
      await this.fetchers.unfollow(hosted);
    }
  }

  /** The partition is going away (deleted, reassigned): stop leading and following it. */
  async remove(hosted: HostedPartition): Promise<void> {
    if (hosted.leader !== undefined) hosted.setLeader(undefined, new SamsaError('NOT_LEADER_OR_FOLLOWER', 'the partition is no longer hosted here'));
    await this.fetchers.unfollow(hosted);
  }

  /** A follower fetched: record its position, move the high watermark, maybe take it back into the ISR. */
  onFollowerFetch(hosted: HostedPartition, replicaId: number, fetchOffset: number, logStartOffset: number): void {
    const leader = hosted.leader;
    const log = hosted.current;
    if (leader === undefined || log === undefined) return;
    if (!leader.recordFetch(replicaId, fetchOffset, logStartOffset, log.logEndOffset, this.now())) return;
    hosted.advanceHighWatermark();
    if (!leader.maximalIsr().includes(replicaId)) this.maybePropose(hosted);
  }

  /** The periodic check: followers that fell behind leave the ISR. */
  checkIsrs(): void {
    if (this.stopped) return;
    for (const hosted of this.o.registry.all()) if (hosted.leader !== undefined) this.maybePropose(hosted);
  }

  private eligible(id: number): boolean {
    const b = this.o.image().brokers.get(id);
    return b !== undefined && !b.fenced && !(this.o.shuttingDown?.(id) ?? false);
  }

  private maybePropose(hosted: HostedPartition): void {
    const leader = hosted.leader;
    const log = hosted.current;
    if (leader === undefined || log === undefined || log.offline || this.stopped) return;
    const isr = leader.proposal(log.logEndOffset, log.highWatermark, this.now(), this.o.replicaLagTimeMaxMs, (id) => this.eligible(id));
    if (isr === undefined) return;
    leader.propose(isr);
    hosted.log.info({ isr: leader.isr, proposed: isr, leaderEpoch: leader.leaderEpoch, partitionEpoch: leader.state.partitionEpoch, highWatermark: log.highWatermark, logEndOffset: log.logEndOffset }, 'proposing an ISR change');
    // The HW counts the union of both ISRs from now on.
    hosted.advanceHighWatermark();
    this.queued.push({ hosted, leader, isr });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Sends every queued proposal in one AlterPartition request. */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    let response: AlterPartitionResponse__Output;
    try {
      response = await this.o.channel.unary('AlterPartition', {
        broker_id: this.o.nodeId,
        broker_epoch: this.o.brokerEpoch(),
        partitions: batch.map((p) => ({ topic_id: p.hosted.topicId, partition: p.hosted.partition, leader_epoch: p.leader.leaderEpoch, partition_epoch: p.leader.pending?.partitionEpoch ?? p.leader.state.partitionEpoch, new_isr: [...p.isr] })),
      });
    } catch (err) {
      this.log.warn({ err, partitions: batch.length }, 'AlterPartition failed; the ISR check will propose again');
      for (const p of batch) p.leader.dropProposal(this.now() + PROPOSAL_RETRY_MS);
      return;
    }
    for (const r of response.partitions) {
      const p = batch.find((b) => b.hosted.topicId.equals(r.topic_id) && b.hosted.partition === r.partition);
      if (p === undefined) continue;
      if (r.error_code === 'NONE') {
        p.hosted.log.info({ isr: r.isr, partitionEpoch: r.partition_epoch }, 'ISR change committed');
        continue;
      }
      // Refused (stale epochs, a fenced member): wait for the image, which has the current state.
      p.hosted.log.warn({ code: r.error_code, message: r.error_message, topicId: topicIdToString(r.topic_id) }, 'the controller refused the ISR change');
      p.leader.dropProposal(this.now() + PROPOSAL_RETRY_MS);
    }
  }
}
