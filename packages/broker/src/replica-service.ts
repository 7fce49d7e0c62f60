// The leader's side of replication: samsa.v1.ReplicaService.Fetch. One bidirectional stream per
// follower broker is an incremental fetch session (replication.proto): the session remembers each
// partition's fetch state, a request lists only what changed, and every request counts as a fetch
// of every partition in the session (positions, caught-up times). The answer is a long poll over
// the session's partitions, woken by appends (HostedPartition signals), never a busy loop; it
// carries only the partitions with something to say: data, an error or a divergence, plus a
// changed high watermark or log start offset when the response goes out anyway.
import type * as grpc from '@grpc/grpc-js';
import { SamsaError, int64ToNumber, loadReplicationProto, topicIdToString } from '@samsa/protocol';
import type {
  ReplicaFetchPartitionResponse,
  ReplicaFetchRequest__Output,
  ReplicaFetchResponse,
  ReplicaServiceHandlers,
} from '@samsa/protocol';
import type { Logger } from 'pino';
import type { BrokerContext } from './context.js';
import { asSamsaError, errorFields } from './errors.js';
import type { HostedPartition } from './partitions.js';
import { partitionKey, waitForChange } from './partitions.js';
import { isMalformed, malformedReason, tolerantDefinition } from './service.js';

/** A follower's long poll never waits longer than this, whatever it asks. */
export const REPLICA_FETCH_WAIT_MS_MAX = 5000;

const EMPTY = Buffer.alloc(0);

interface SessionPartition {
  readonly topicId: Buffer;
  readonly topicIdString: string;
  readonly partition: number;
  readonly key: string;
  currentLeaderEpoch: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  logStartOffset: number;
  /** What this follower was last told, to send only changes. */
  sentHighWatermark: number;
  sentLogStartOffset: number;
  /** Set after a divergence was answered: the follower must come back with a new position. */
  diverged: boolean;
}

export interface ReplicaServiceDeps {
  readonly ctx: BrokerContext;
  /** A follower's fetch moved its position: the replica manager updates the high watermark and the ISR. */
  onFollowerFetch(hosted: HostedPartition, replicaId: number, fetchOffset: number, logStartOffset: number): void;
  readonly ready: Promise<void>;
}

export function replicaServiceDefinition(): grpc.ServiceDefinition {
  return tolerantDefinition(loadReplicationProto().samsa.v1.ReplicaService.service as unknown as grpc.ServiceDefinition);
}

export function createReplicaHandlers(deps: ReplicaServiceDeps): ReplicaServiceHandlers {
  const log = deps.ctx.log.child({ component: 'replica-service' });
  return {
    Fetch: (call) => {
      void new FetchSession(deps, call, log).run();
    },
  };
}

class FetchSession {
  private readonly deps: ReplicaServiceDeps;
  private readonly ctx: BrokerContext;
  private readonly call: grpc.ServerDuplexStream<ReplicaFetchRequest__Output, ReplicaFetchResponse>;
  private log: Logger;
  private readonly partitions = new Map<string, SessionPartition>();
  private readonly queue: ReplicaFetchRequest__Output[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private replicaId = -1;
  private readonly abort = new AbortController();

  constructor(deps: ReplicaServiceDeps, call: grpc.ServerDuplexStream<ReplicaFetchRequest__Output, ReplicaFetchResponse>, log: Logger) {
    this.deps = deps;
    this.ctx = deps.ctx;
    this.call = call;
    this.log = log;
  }

  async run(): Promise<void> {
    let peerGone = false;
    const end = (): void => {
      this.ended = true;
      this.abort.abort();
      this.wake?.();
    };
    const gone = (): void => {
      peerGone = true;
      end();
    };
    this.call.on('data', (req: ReplicaFetchRequest__Output) => {
      this.queue.push(req);
      this.wake?.();
    });
    this.call.on('end', gone);
    this.call.on('error', gone);
    this.call.on('close', gone);
    const onStop = (): void => end();
    this.ctx.stopSignal.addEventListener('abort', onStop, { once: true });
    try {
      await this.deps.ready;
      while (!this.ended) {
        const req = this.queue.shift();
        if (req === undefined) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        const response = await this.handle(req);
        if (this.ended) break;
        this.call.write(response);
        if (response.error_code !== 'NONE') break;
      }
    } catch (err) {
      const e = asSamsaError(err, this.log);
      if (!this.ended) this.call.write({ ...errorFields(e), partitions: [] });
    } finally {
      this.ctx.stopSignal.removeEventListener('abort', onStop);
      // Ended here (an error answered, the broker stopping): close the stream, so that the
      // server's graceful shutdown does not wait for the follower to hang up.
      if (!peerGone) this.call.end();
    }
  }

  /** One request: check the follower, apply the changes, long-poll, answer. */
  private async handle(req: ReplicaFetchRequest__Output): Promise<ReplicaFetchResponse> {
    if (isMalformed(req)) throw new SamsaError('INVALID_REQUEST', `the request body does not decode: ${malformedReason(req)}`);
    const image = this.ctx.metadata.image;
    if (this.replicaId < 0) {
      this.replicaId = req.replica_id;
      this.log = this.log.child({ replicaId: req.replica_id });
    } else if (req.replica_id !== this.replicaId) {
      throw new SamsaError('INVALID_REQUEST', `a fetch session belongs to one replica (${this.replicaId}), not ${req.replica_id}`);
    }
    if (req.cluster_id !== '' && image.clusterId !== '' && req.cluster_id !== image.clusterId) {
      throw new SamsaError('INCONSISTENT_CLUSTER_ID', `the follower belongs to cluster ${req.cluster_id}, this broker to ${image.clusterId}`);
    }
    const registration = image.brokers.get(req.replica_id);
    const brokerEpoch = int64ToNumber(req.broker_epoch, 'broker_epoch');
    if (registration === undefined || brokerEpoch > registration.epoch) {
      // This broker's image has not caught up with the follower's registration yet.
      throw new SamsaError('BROKER_NOT_AVAILABLE', `broker ${req.replica_id} epoch ${brokerEpoch} is not in this broker's metadata yet`);
    }
    if (brokerEpoch < registration.epoch) throw new SamsaError('STALE_BROKER_EPOCH', `broker ${req.replica_id} epoch ${brokerEpoch} is older than its registration ${registration.epoch}`);

    for (const f of req.forgotten) this.partitions.delete(partitionKey(topicIdToString(f.topic_id), f.partition));
    for (const p of req.partitions) {
      const topicIdString = topicIdToString(p.topic_id);
      const key = partitionKey(topicIdString, p.partition);
      const existing = this.partitions.get(key);
      const entry: SessionPartition = existing ?? {
        topicId: Buffer.from(p.topic_id),
        topicIdString,
        partition: p.partition,
        key,
        currentLeaderEpoch: -1,
        fetchOffset: 0,
        lastFetchedEpoch: -1,
        logStartOffset: 0,
        sentHighWatermark: -1,
        sentLogStartOffset: -1,
        diverged: false,
      };
      entry.currentLeaderEpoch = p.current_leader_epoch;
      entry.fetchOffset = int64ToNumber(p.fetch_offset, 'fetch_offset');
      entry.lastFetchedEpoch = p.last_fetched_epoch;
      entry.logStartOffset = int64ToNumber(p.log_start_offset, 'log_start_offset');
      entry.diverged = false;
      this.partitions.set(key, entry);
    }

    const maxWaitMs = Math.min(Math.max(req.max_wait_ms, 0), REPLICA_FETCH_WAIT_MS_MAX);
    const maxBytes = req.max_bytes > 0 ? Math.min(req.max_bytes, this.ctx.config.fetchMaxBytes) : this.ctx.config.fetchMaxBytes;
    const deadline = Date.now() + maxWaitMs;
    let first = true;
    for (;;) {
      const round = await this.readRound(maxBytes, first);
      first = false;
      const remainingMs = deadline - Date.now();
      if (round.speaking || remainingMs <= 0 || this.ended) {
        // What this follower is told now is what later rounds compare against.
        round.responses.forEach((r, i) => {
          const entry = round.entries[i];
          if (entry === undefined) return;
          entry.sentHighWatermark = r.high_watermark as number;
          entry.sentLogStartOffset = r.log_start_offset as number;
        });
        return { error_code: 'NONE', error_message: '', partitions: round.responses };
      }
      await waitForChange(round.watched, round.seen, remainingMs, this.abort.signal);
    }
  }

  /**
   * One pass over the session. `recordPositions`: this pass follows a new request, so each
   * partition's fetch counts (positions, caught-up times).
   */
  private async readRound(
    maxBytes: number,
    recordPositions: boolean,
  ): Promise<{ responses: ReplicaFetchPartitionResponse[]; entries: (SessionPartition | undefined)[]; speaking: boolean; watched: HostedPartition[]; seen: number[] }> {
    const responses: ReplicaFetchPartitionResponse[] = [];
    /** The session entry of each response (undefined for an error: the entry leaves the session). */
    const entries: (SessionPartition | undefined)[] = [];
    const news: ReplicaFetchPartitionResponse[] = [];
    const newsEntries: SessionPartition[] = [];
    const watched: HostedPartition[] = [];
    const seen: number[] = [];
    let bytes = 0;
    let speaking = false;
    const failed: string[] = [];
    for (const entry of this.partitions.values()) {
      if (entry.diverged) continue;
      const base = { topic_id: entry.topicId, partition: entry.partition };
      try {
        const hosted = this.ctx.registry.get(entry.topicIdString, entry.partition);
        const leader = hosted?.leader;
        const partitionLog = hosted?.current;
        if (hosted === undefined || leader === undefined || partitionLog === undefined) {
          throw new SamsaError('NOT_LEADER_OR_FOLLOWER', `broker ${this.ctx.nodeId} does not lead ${entry.topicIdString}-${entry.partition}`);
        }
        if (entry.currentLeaderEpoch < leader.leaderEpoch) throw new SamsaError('FENCED_LEADER_EPOCH', `leader epoch ${entry.currentLeaderEpoch} is older than ${leader.leaderEpoch}`);
        if (entry.currentLeaderEpoch > leader.leaderEpoch) throw new SamsaError('UNKNOWN_LEADER_EPOCH', `leader epoch ${entry.currentLeaderEpoch} is newer than ${leader.leaderEpoch}`);
        if (!leader.state.replicas.includes(this.replicaId)) throw new SamsaError('NOT_LEADER_OR_FOLLOWER', `broker ${this.replicaId} is not a replica of ${entry.topicIdString}-${entry.partition}`);
        watched.push(hosted);
        seen.push(hosted.generation);
        const common = { ...base, error_code: 'NONE' as const, error_message: '', leader_epoch: leader.leaderEpoch };
        // KIP-320: the follower's last epoch must end at or after its fetch offset in this log.
        if (entry.lastFetchedEpoch >= 0) {
          const end = partitionLog.endOffsetForEpoch(entry.lastFetchedEpoch);
          if (end.epoch < entry.lastFetchedEpoch || end.endOffset < entry.fetchOffset) {
            entry.diverged = true;
            speaking = true;
            responses.push({ ...common, ...offsets(partitionLog), records: EMPTY, diverging_epoch: { epoch: end.epoch, end_offset: end.endOffset } });
            entries.push(entry);
            continue;
          }
        }
        if (recordPositions) this.deps.onFollowerFetch(hosted, this.replicaId, entry.fetchOffset, entry.logStartOffset);
        const budget = maxBytes - bytes;
        if (budget <= 0) continue;
        const read = await partitionLog.read(entry.fetchOffset, budget, partitionLog.logEndOffset);
        const keep = read.records.length <= budget || bytes === 0;
        if (keep && read.records.length > 0) {
          bytes += read.records.length;
          speaking = true;
          responses.push({ ...common, ...offsets(partitionLog), records: read.records, diverging_epoch: null });
          entries.push(entry);
        } else if (partitionLog.highWatermark !== entry.sentHighWatermark || partitionLog.logStartOffset !== entry.sentLogStartOffset) {
          news.push({ ...common, ...offsets(partitionLog), records: EMPTY, diverging_epoch: null });
          newsEntries.push(entry);
        }
      } catch (err) {
        const e = asSamsaError(err, this.log);
        speaking = true;
        // The partition leaves the session: the follower adds it again after its backoff, so an
        // error is answered once, not in a loop.
        failed.push(entry.key);
        const hosted = this.ctx.registry.get(entry.topicIdString, entry.partition);
        const partitionLog = hosted?.current;
        const o = partitionLog !== undefined && !partitionLog.offline ? offsets(partitionLog) : { high_watermark: -1, log_start_offset: -1, log_end_offset: -1 };
        responses.push({ ...base, ...errorFields(e), ...o, records: EMPTY, diverging_epoch: null, leader_epoch: hosted?.leader?.leaderEpoch ?? -1 });
        entries.push(undefined);
      }
    }
    for (const key of failed) this.partitions.delete(key);
    // News (a new high watermark or log start) rides along only with a response that goes anyway.
    return speaking ? { responses: [...responses, ...news], entries: [...entries, ...newsEntries], speaking, watched, seen } : { responses, entries, speaking, watched, seen };
  }
}

function offsets(log: { highWatermark: number; logStartOffset: number; logEndOffset: number }): { high_watermark: number; log_start_offset: number; log_end_offset: number } {
  return { high_watermark: log.highWatermark, log_start_offset: log.logStartOffset, log_end_offset: log.logEndOffset };
}
