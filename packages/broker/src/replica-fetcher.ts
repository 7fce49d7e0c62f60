// The follower's side of replication. One ReplicaFetcher per leader broker holds one
// ReplicaService.Fetch stream (an incremental fetch session) over every partition this broker
// follows from that leader. Each round trip: send what changed (new partitions, new positions,
// truncations, new epochs, partitions to forget), wait for the answer, append every partition's
// batches as they are (validated, then one append per partition, all in the same group commit),
// truncate where the leader says the logs diverge (KIP-101/KIP-279/KIP-320), take the leader's
// high watermark, and send the next request at once (or when the throttle allows).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { MetadataImage } from '@samsa/controller';
import { GRPC_CHANNEL_OPTIONS, SamsaError, int64ToNumber, loadReplicationProto, topicIdToString, validateBatches } from '@samsa/protocol';
import type { ReplicaFetchPartition, ReplicaFetchPartitionResponse__Output, ReplicaFetchRequest, ReplicaFetchResponse__Output, ReplicaPartitionRef } from '@samsa/protocol';
import type { PartitionLog } from '@samsa/storage';
import { CLIENT_ENDPOINT } from './admin.js';
import type { HostedPartition } from './partitions.js';

/** Follower fetch tuning (Kafka's replica.fetch.* settings). */
export const REPLICA_FETCH_WAIT_MS = 500;
export const REPLICA_FETCH_MAX_BYTES = 16 * 1024 * 1024;
/** A response not seen this long after the request means the stream is dead. */
export const REPLICA_RESPONSE_TIMEOUT_MS = 15_000;
/** Backoff of a partition after an error, and of the stream after a failure: doubling from the first to the max. */
export const REPLICA_BACKOFF_MS_FIRST = 50;
export const REPLICA_BACKOFF_MS_MAX = 1000;
/** A throttled fetcher re-reads its rate this often, so lifting the throttle takes effect at once. */
export const THROTTLE_RECHECK_MS = 100;

export interface FetcherDeps {
  readonly nodeId: number;
  readonly logger: Logger;
  /** The image, for the leaders' addresses and the cluster id. */
  image(): MetadataImage;
  /** This broker's registration epoch (sent on every request). */
  brokerEpoch(): number;
  /** follower.replication.throttled.rate of this broker in bytes/s; 0 = unthrottled. */
  throttleBytesPerSec(): number;
  /** Now, in ms (injectable for tests). */
  now(): number;
}

interface FollowedPartition {
  readonly hosted: HostedPartition;
  readonly log: Logger;
  leaderEpoch: number;
  /** What the leader's session holds for this partition (undefined: not sent in this session). */
  sent: { fetchOffset: number; lastFetchedEpoch: number; leaderEpoch: number; logStartOffset: number } | undefined;
  /** An error backoff: not sent before this time. */
  retryAtMs: number;
  backoffMs: number;
  /** The truncation or append running for it, if any (remove() waits for it). */
  applying: Promise<void> | undefined;
}

/** The follower's fetchers, one per leader broker. */
export class ReplicaFetcherManager {
  private readonly deps: FetcherDeps;
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly leaderOf = new Map<string, number>();
  private stopped = false;

  constructor(deps: FetcherDeps) {
    this.deps = deps;
  }

  /** Follows `hosted` from `leaderId` in `leaderEpoch` (moving it from another leader's fetcher). */
  follow(hosted: HostedPartition, leaderId: number, leaderEpoch: number): void {
    if (this.stopped) return;
    const current = this.leaderOf.get(hosted.key);
    if (current !== undefined && current !== leaderId) this.fetchers.get(current)?.remove(hosted.key);
    let fetcher = this.fetchers.get(leaderId);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher(this.deps, leaderId);
      this.fetchers.set(leaderId, fetcher);
    }
    this.leaderOf.set(hosted.key, leaderId);
    fetcher.add(hosted, leaderEpoch);
  }

  /** Stops following `hosted` (it leads now, or is gone). Resolves once no append or truncation of it runs. */
  async unfollow(hosted: HostedPartition): Promise<void> {
    const current = this.leaderOf.get(hosted.key);
    if (current === undefined) return;
    this.leaderOf.delete(hosted.key);
    await this.fetchers.get(current)?.remove(hosted.key);
  }

  /** For describe and tests: the leader this broker fetches `key` from. */
  leaderFor(key: string): number | undefined {
    return this.leaderOf.get(key);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.fetchers.values()].map((f) => f.stop()));
    this.fetchers.clear();
  }
}

type FetchCall = grpc.ClientDuplexStream<ReplicaFetchRequest, ReplicaFetchResponse__Output>;

/** The session with one leader. */
class ReplicaFetcher {
  private readonly deps: FetcherDeps;
  private readonly leaderId: number;
  private readonly log: Logger;
  private readonly partitions = new Map<string, FollowedPartition>();
  /** Partitions removed since the last request, to tell the leader. */
  private forgotten: ReplicaPartitionRef[] = [];
  private client: grpc.Client | undefined;
  private clientAddress = '';
  private call: FetchCall | undefined;
  private responseWaiter: { resolve: (r: ReplicaFetchResponse__Output) => void; reject: (e: Error) => void } | undefined;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;
  private streamBackoffMs = REPLICA_BACKOFF_MS_FIRST;
  /** Throttle: the earliest time the next request may go. */
  private nextRequestAtMs = 0;

  constructor(deps: FetcherDeps, leaderId: number) {
    this.deps = deps;
    this.leaderId = leaderId;
    this.log = deps.logger.child({ component: 'replica-fetcher', leaderId });
  }

  add(hosted: HostedPartition, leaderEpoch: number): void {
    const existing = this.partitions.get(hosted.key);
    if (existing !== undefined && existing.hosted === hosted) {
      if (existing.leaderEpoch !== leaderEpoch) {
        existing.leaderEpoch = leaderEpoch;
        existing.retryAtMs = 0;
        existing.backoffMs = REPLICA_BACKOFF_MS_FIRST;
      }
    } else {
      this.partitions.set(hosted.key, { hosted, log: hosted.log, leaderEpoch, sent: undefined, retryAtMs: 0, backoffMs: REPLICA_BACKOFF_MS_FIRST, applying: undefined });
      this.forgotten = this.forgotten.filter((f) => !(topicIdToString(f.topic_id as Buffer) === hosted.topicIdString && f.partition === hosted.partition));
    }
    this.running ??= this.loop().finally(() => (this.running = undefined));
    this.wake?.();
  }

  async remove(key: string): Promise<void> {
    const p = this.partitions.get(key);
    if (p === undefined) return;
    this.partitions.delete(key);
    if (p.sent !== undefined) this.forgotten.push({ topic_id: p.hosted.topicId, partition: p.hosted.partition });
    // An append or truncation of it may be running: the caller (a new leader) must not start before it ends.
    await p.applying;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.closeCall(new SamsaError('BROKER_NOT_AVAILABLE', 'the fetcher stopped'));
    await this.running;
    this.client?.close();
  }

  private async loop(): Promise<void> {
    while (!this.stopped && (this.partitions.size > 0 || this.forgotten.length > 0)) {
      // The throttle may be lifted or changed at any time: re-read it at least every THROTTLE_RECHECK_MS.
      if (this.deps.throttleBytesPerSec() <= 0) this.nextRequestAtMs = 0;
      const throttleWait = this.nextRequestAtMs - this.deps.now();
      if (throttleWait > 0) {
        await this.sleep(Math.min(throttleWait, THROTTLE_RECHECK_MS));
        continue;
      }
      const request = this.buildRequest();
      if (request === undefined) {
        // Everything is backing off: sleep until the first retry (or a change).
        const now = this.deps.now();
        let next = Number.POSITIVE_INFINITY;
        for (const p of this.partitions.values()) if (p.sent === undefined) next = Math.min(next, p.retryAtMs);
        await this.sleep(Number.isFinite(next) ? Math.max(1, next - now) : REPLICA_FETCH_WAIT_MS);
        continue;
      }
      let response: ReplicaFetchResponse__Output;
      try {
        response = await this.exchange(request);
      } catch (err) {
        if (this.stopped) break;
        // One line per failure, without the stack: a dead leader fails every attempt until it is replaced.
        this.log.info({ reason: (err as Error).message, retryInMs: this.streamBackoffMs }, 'replica fetch stream failed; reconnecting');
        this.resetSession();
        // A fresh channel: grpc-js would otherwise wait out its own reconnect backoff (up to
        // minutes) before it tries a restarted leader again.
        this.client?.close();
        this.client = undefined;
        await this.sleep(this.streamBackoffMs);
        this.streamBackoffMs = Math.min(this.streamBackoffMs * 2, REPLICA_BACKOFF_MS_MAX);
        continue;
      }
      if (response.error_code !== 'NONE') {
        this.log.warn({ code: response.error_code, message: response.error_message, retryInMs: this.streamBackoffMs }, 'the leader refused the fetch session; retrying');
        this.closeCall(new SamsaError('NETWORK_EXCEPTION', 'session refused'));
        this.resetSession();
        await this.sleep(this.streamBackoffMs);
        this.streamBackoffMs = Math.min(this.streamBackoffMs * 2, REPLICA_BACKOFF_MS_MAX);
        continue;
      }
      this.streamBackoffMs = REPLICA_BACKOFF_MS_FIRST;
      const bytes = await this.process(response);
      const rate = this.deps.throttleBytesPerSec();
      // Throttled: the next request waits until these bytes are paid for at the rate.
      if (rate > 0 && bytes > 0) this.nextRequestAtMs = Math.max(this.nextRequestAtMs, this.deps.now()) + (bytes * 1000) / rate;
    }
    this.closeCall(undefined);
  }

  /** The partitions whose fetch state changed since the leader last heard it, or undefined when nothing may be sent. */
  private buildRequest(): ReplicaFetchRequest | undefined {
    const now = this.deps.now();
    const changed: ReplicaFetchPartition[] = [];
    let inSession = 0;
    for (const p of this.partitions.values()) {
      const log = p.hosted.current;
      if (log === undefined || log.offline || p.applying !== undefined) continue;
      if (p.sent === undefined && p.retryAtMs > now) continue;
      const state = { fetchOffset: log.logEndOffset, lastFetchedEpoch: log.latestEpoch(), leaderEpoch: p.leaderEpoch, logStartOffset: log.logStartOffset };
      const s = p.sent;
      if (s === undefined || s.fetchOffset !== state.fetchOffset || s.lastFetchedEpoch !== state.lastFetchedEpoch || s.leaderEpoch !== state.leaderEpoch || s.logStartOffset !== state.logStartOffset) {
        changed.push({ topic_id: p.hosted.topicId, partition: p.hosted.partition, current_leader_epoch: state.leaderEpoch, fetch_offset: state.fetchOffset, last_fetched_epoch: state.lastFetchedEpoch, log_start_offset: state.logStartOffset });
        p.sent = state;
      }
      inSession++;
    }
    if (inSession === 0 && this.forgotten.length === 0) return undefined;
    const rate = this.deps.throttleBytesPerSec();
    const request: ReplicaFetchRequest = {
      replica_id: this.deps.nodeId,
      broker_epoch: this.deps.brokerEpoch(),
      cluster_id: this.deps.image().clusterId,
      max_wait_ms: REPLICA_FETCH_WAIT_MS,
      min_bytes: 1,
      // A throttled follower asks for about a second's worth (at least one batch comes anyway).
      max_bytes: rate > 0 ? Math.max(1, Math.min(REPLICA_FETCH_MAX_BYTES, Math.floor(rate))) : REPLICA_FETCH_MAX_BYTES,
      partitions: changed,
      forgotten: this.forgotten,
    };
    this.forgotten = [];
    return request;
  }

  /** Sends one request on the session's stream and waits for its answer. */
  private exchange(request: ReplicaFetchRequest): Promise<ReplicaFetchResponse__Output> {
    const call = this.ensureCall();
    return new Promise<ReplicaFetchResponse__Output>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.closeCall(new SamsaError('REQUEST_TIMED_OUT', `no fetch response from broker ${this.leaderId} in ${REPLICA_RESPONSE_TIMEOUT_MS} ms`));
      }, REPLICA_RESPONSE_TIMEOUT_MS);
      this.responseWaiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      call.write(request);
    });
  }

  private ensureCall(): FetchCall {
    if (this.call !== undefined) return this.call;
    const broker = this.deps.image().brokers.get(this.leaderId);
    const endpoint = broker?.endpoints.find((e) => e.name === CLIENT_ENDPOINT) ?? broker?.endpoints[0];
    if (endpoint === undefined) throw new SamsaError('BROKER_NOT_AVAILABLE', `broker ${this.leaderId} has no known address`);
    const address = `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
    if (this.client === undefined || this.clientAddress !== address) {
      this.client?.close();
      const Client = loadReplicationProto().samsa.v1.ReplicaService;
      this.client = new Client(address, grpc.credentials.createInsecure(), GRPC_CHANNEL_OPTIONS);
      this.clientAddress = address;
    }
    const call = (this.client as unknown as { Fetch(): FetchCall }).Fetch();
    this.call = call;
    call.on('data', (r: ReplicaFetchResponse__Output) => {
      const w = this.responseWaiter;
      this.responseWaiter = undefined;
      w?.resolve(r);
    });
    const fail = (err: unknown): void => {
      if (this.call === call) this.call = undefined;
      const w = this.responseWaiter;
      this.responseWaiter = undefined;
      w?.reject(err instanceof Error ? err : new SamsaError('NETWORK_EXCEPTION', 'the fetch stream ended'));
    };
    call.on('error', fail);
    call.on('end', () => fail(new SamsaError('NETWORK_EXCEPTION', `broker ${this.leaderId} ended the fetch stream`)));
    return call;
  }

  private closeCall(err: Error | undefined): void {
    const call = this.call;
    this.call = undefined;
    if (call !== undefined) {
      call.removeAllListeners('data');
      call.on('error', () => undefined);
      call.cancel();
    }
    const w = this.responseWaiter;
    this.responseWaiter = undefined;
    w?.reject(err ?? new SamsaError('NETWORK_EXCEPTION', 'the fetch stream closed'));
  }

  /** A new stream is a new session: every partition is sent again. */
  private resetSession(): void {
    this.closeCall(undefined);
    for (const p of this.partitions.values()) p.sent = undefined;
    this.forgotten = [];
  }

  /** Applies one response; returns the bytes appended (for the throttle). */
  private async process(response: ReplicaFetchResponse__Output): Promise<number> {
    let bytes = 0;
    await Promise.all(
      response.partitions.map(async (r) => {
        const key = `${topicIdToString(r.topic_id)}:${r.partition}`;
        const p = this.partitions.get(key);
        if (p === undefined) return;
        const log = p.hosted.current;
        if (log === undefined || log.offline) return;
        const applying = (async () => {
          try {
            bytes += await this.apply(p, log, r);
          } catch (err) {
            p.log.warn({ err }, 'applying a replica fetch response failed; backing off');
            this.backOff(p);
          }
        })();
        p.applying = applying;
        await applying;
        p.applying = undefined;
      }),
    );
    return bytes;
  }

  private async apply(p: FollowedPartition, log: PartitionLog, r: ReplicaFetchPartitionResponse__Output): Promise<number> {
    if (r.error_code !== 'NONE') {
      await this.onError(p, log, r);
      return 0;
    }
    p.backoffMs = REPLICA_BACKOFF_MS_FIRST;
    const diverging = r.diverging_epoch;
    if (diverging !== null && diverging !== undefined) {
      const before = `${log.logEndOffset}/${log.latestEpoch()}`;
      await this.truncateOnDivergence(p, log, diverging.epoch, int64ToNumber(diverging.end_offset, 'end_offset'));
      // The leader holds the partition until this follower comes back with its new position:
      // send it again in full. A truncation that changed nothing would only repeat: back off.
      if (`${log.logEndOffset}/${log.latestEpoch()}` === before) {
        p.log.warn({ divergingEpoch: diverging.epoch, logEndOffset: log.logEndOffset, latestEpoch: log.latestEpoch() }, 'the divergence truncated nothing; backing off');
        this.backOff(p);
      } else {
        p.sent = undefined;
      }
      return 0;
    }
    let appended = 0;
    if (r.records.length > 0) {
      const batches = validateBatches(r.records, { maxBatchBytes: Number.MAX_SAFE_INTEGER, producerBatch: false });
      // A batch that starts below the log end was written already (a response that raced a
      // truncation): keep what follows.
      const end = log.logEndOffset;
      const fresh = batches.filter((b) => b.header.baseOffset >= end).map((b) => b.bytes);
      if (fresh.length > 0) {
        await log.appendAsFollower(fresh);
        for (const b of fresh) appended += b.length;
      }
    }
    const leaderHw = int64ToNumber(r.high_watermark, 'high_watermark');
    const hw = Math.min(leaderHw, log.logEndOffset);
    if (hw > log.highWatermark) log.setHighWatermark(hw);
    return appended;
  }

  /**
   * KIP-320: the leader says our last epoch ends at `endOffset` in its log (as `epoch`). When we
   * have that epoch too, truncate to the smaller end; when we do not, truncate to where our own
   * log's entry for it ends and ask again with the earlier epoch.
   */
  private async truncateOnDivergence(p: FollowedPartition, log: PartitionLog, epoch: number, endOffset: number): Promise<void> {
    let target: number;
    if (epoch < 0) {
      // The leader knows no epoch at or below ours: nothing of our log can be trusted above the high watermark.
      target = log.highWatermark;
    } else {
      const ours = log.endOffsetForEpoch(epoch);
      if (ours.epoch < 0) target = log.highWatermark;
      else if (ours.epoch === epoch) target = Math.min(endOffset, ours.endOffset);
      else target = ours.endOffset;
    }
    target = Math.max(target, log.logStartOffset);
    p.log.info({ divergingEpoch: epoch, leaderEndOffset: endOffset, truncateTo: target, logEndOffset: log.logEndOffset }, 'log diverges from the leader; truncating');
    await log.truncateTo(target);
  }

  private async onError(p: FollowedPartition, log: PartitionLog, r: ReplicaFetchPartitionResponse__Output): Promise<void> {
    p.sent = undefined; // the leader dropped it from the session
    if (r.error_code === 'OFFSET_OUT_OF_RANGE') {
      const leaderStart = int64ToNumber(r.log_start_offset, 'log_start_offset');
      const leaderEnd = int64ToNumber(r.log_end_offset, 'log_end_offset');
      if (leaderStart >= 0 && log.logEndOffset < leaderStart) {
        p.log.info({ logEndOffset: log.logEndOffset, leaderLogStartOffset: leaderStart }, 'behind the leader\'s log start; restarting the log there');
        await log.truncateFullyAndStartAt(leaderStart);
        return;
      }
      if (leaderEnd >= 0 && log.logEndOffset > leaderEnd) {
        p.log.info({ logEndOffset: log.logEndOffset, leaderLogEndOffset: leaderEnd }, 'ahead of the leader\'s log end; truncating');
        await log.truncateTo(Math.max(leaderEnd, log.logStartOffset));
        return;
      }
    }
    p.log.debug({ code: r.error_code, message: r.error_message, retryInMs: p.backoffMs }, 'replica fetch of the partition failed; backing off');
    this.backOff(p);
  }

  private backOff(p: FollowedPartition): void {
    p.sent = undefined;
    p.retryAtMs = this.deps.now() + p.backoffMs;
    p.backoffMs = Math.min(p.backoffMs * 2, REPLICA_BACKOFF_MS_MAX);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
