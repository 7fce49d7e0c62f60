// The partitions this broker hosts: each one's log (once the reconciler has opened it), its state
// as the metadata image last gave it, and a change signal that wakes long-polling fetches.
import type { Logger } from 'pino';
import type { PartitionState } from '@samsa/controller';
import type { PartitionLog } from '@samsa/storage';
import { SamsaError, isSamsaError } from '@samsa/protocol';
import type { LeaderState } from './leader-state.js';

interface AckWaiter {
  readonly offset: number;
  /** The leadership the records were appended under: only its high watermark completes them. */
  readonly leader: LeaderState;
  readonly timer: NodeJS.Timeout;
  settle(err: SamsaError | undefined): void;
}

export const partitionKey = (topicIdString: string, partition: number): string => `${topicIdString}:${partition}`;

export class HostedPartition {
  readonly topicId: Buffer;
  readonly topicIdString: string;
  readonly partition: number;
  readonly key: string;
  readonly log: Logger;
  private readonly nodeId: number;
  /** Set once the reconciler has opened the log; undefined while it is being created or after removal. */
  private partitionLog: PartitionLog | undefined;
  /** Why the log could not be opened (KAFKA_STORAGE_ERROR); cleared by a later success. */
  failure: SamsaError | undefined;
  /** The partition's state in the metadata image the reconciler last applied. */
  state: PartitionState;
  private generationCount = 0;
  private readonly listeners = new Set<() => void>();
  private offAppend: (() => void) | undefined;
  private leaderState: LeaderState | undefined;
  /** acks=all requests waiting for the high watermark, in offset order. */
  private readonly ackWaiters: AckWaiter[] = [];

  constructor(nodeId: number, topicId: Buffer, topicIdString: string, partition: number, state: PartitionState, logger: Logger) {
    this.nodeId = nodeId;
    this.topicId = topicId;
    this.topicIdString = topicIdString;
    this.partition = partition;
    this.key = partitionKey(topicIdString, partition);
    this.state = state;
    this.log = logger;
  }

  get current(): PartitionLog | undefined {
    return this.partitionLog;
  }

  /** Counts changes (appends, state changes, removal): a waiter compares it with what it saw. */
  get generation(): number {
    return this.generationCount;
  }

  attach(partitionLog: PartitionLog): void {
    this.offAppend?.();
    this.partitionLog = partitionLog;
    this.failure = undefined;
    // Fired synchronously inside the commit that grew the log, so the high watermark has moved
    // before any fetch woken here, or the producer's response, can look at it.
    this.offAppend = partitionLog.onAppend(() => {
      this.advanceHighWatermark();
      this.completeAckWaiters();
      this.signal();
    });
    this.advanceHighWatermark();
    this.signal();
  }

  detach(): PartitionLog | undefined {
    const detached = this.partitionLog;
    this.leaderState = undefined;
    this.failAckWaiters(new SamsaError('NOT_LEADER_OR_FOLLOWER', 'the partition is no longer hosted here'));
    this.offAppend?.();
    this.offAppend = undefined;
    this.partitionLog = undefined;
    this.signal();
    return detached;
  }

  /**
   * The high watermark is the smallest log end offset in the (maximal) ISR, as the leader state
   * computes it from the followers' fetches; it only moves forward, and only on the leader (a
   * follower takes its leader's). Waiting acks=all requests complete as it passes them.
   */
  advanceHighWatermark(): void {
    const log = this.partitionLog;
    const leader = this.leaderState;
    if (log === undefined || log.offline || leader === undefined) return;
    const hw = leader.highWatermark(log.logEndOffset, log.highWatermark);
    if (hw <= log.highWatermark) return;
    try {
      log.setHighWatermark(hw); // fires onAppend: waiters and fetches wake there
    } catch (err) {
      // Deleted or gone offline since the check: nothing left to advance.
      if (!isSamsaError(err)) throw err;
    }
  }

  /** This broker's leadership of the partition, once it has taken it over (epoch start recorded). */
  get leader(): LeaderState | undefined {
    return this.leaderState;
  }

  /**
   * Takes over (a LeaderState) or gives up (undefined) leadership. Waiters of any other leadership
   * fail: their records were appended under an epoch that is over, and may be truncated.
   */
  setLeader(leader: LeaderState | undefined, reason?: SamsaError): void {
    this.leaderState = leader;
    this.failAckWaiters(reason ?? new SamsaError('NOT_LEADER_OR_FOLLOWER', 'this broker no longer leads the partition in the epoch the records were written'));
    this.advanceHighWatermark();
    this.signal();
  }

  /**
   * Resolves once the high watermark of `leader`'s leadership reaches `offset` (acks=all: the
   * offset after the batch); rejects with REQUEST_TIMED_OUT after `timeoutMs`, with
   * NOT_LEADER_OR_FOLLOWER when that leadership is not (or no longer) this broker's, or when
   * `signal` aborts. A high watermark of a later leadership, or a follower's, never completes it:
   * the records may have been truncated meanwhile and the offsets reused. Waiters are kept in
   * offset order, so each advance completes a prefix of them.
   */
  waitForHighWatermark(offset: number, leader: LeaderState, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.leaderState !== leader) {
      return Promise.reject(new SamsaError('NOT_LEADER_OR_FOLLOWER', 'this broker lost the leadership the records were written under; they may or may not survive'));
    }
    const log = this.partitionLog;
    if (log !== undefined && log.highWatermark >= offset) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: AckWaiter = {
        offset,
        leader,
        settle: (err) => {
          clearTimeout(waiter.timer);
          signal.removeEventListener('abort', onAbort);
          const i = this.ackWaiters.indexOf(waiter);
          if (i >= 0) this.ackWaiters.splice(i, 1);
          if (err === undefined) resolve();
          else reject(err);
        },
        timer: setTimeout(() => waiter.settle(new SamsaError('REQUEST_TIMED_OUT', `the in-sync replicas did not all have the records within ${timeoutMs} ms; they were written on the leader and may still become visible`)), timeoutMs),
      };
      const onAbort = (): void => waiter.settle(new SamsaError('BROKER_NOT_AVAILABLE', 'the call ended (cancelled, or the broker is stopping) before the in-sync replicas had the records; they were written on the leader and may still become visible'));
      signal.addEventListener('abort', onAbort, { once: true });
      // Appends complete in offset order, so this is almost always a push.
      let at = this.ackWaiters.length;
      while (at > 0 && this.ackWaiters[at - 1]!.offset > offset) at--;
      this.ackWaiters.splice(at, 0, waiter);
    });
  }

  private completeAckWaiters(): void {
    // Every waiter belongs to the current leadership (setLeader fails the others).
    if (this.leaderState === undefined) return;
    const hw = this.partitionLog?.highWatermark ?? -1;
    let n = 0;
    while (n < this.ackWaiters.length && this.ackWaiters[n]!.offset <= hw) n++;
    if (n === 0) return;
    for (const w of this.ackWaiters.slice(0, n)) w.settle(undefined);
  }

  private failAckWaiters(err: SamsaError): void {
    for (const w of [...this.ackWaiters]) w.settle(err);
  }

  /** Wakes everything waiting on this partition. */
  signal(): void {
    this.generationCount++;
    for (const listener of [...this.listeners]) listener();
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The hosted partitions by key. Only the reconciler adds and removes entries. */
export class PartitionRegistry {
  private readonly byKey = new Map<string, HostedPartition>();

  get(topicIdString: string, partition: number): HostedPartition | undefined {
    return this.byKey.get(partitionKey(topicIdString, partition));
  }

  getByKey(key: string): HostedPartition | undefined {
    return this.byKey.get(key);
  }

  add(p: HostedPartition): void {
    this.byKey.set(p.key, p);
  }

  remove(key: string): void {
    this.byKey.delete(key);
  }

  ofTopic(topicIdString: string): HostedPartition[] {
    return [...this.byKey.values()].filter((p) => p.topicIdString === topicIdString);
  }

  all(): IterableIterator<HostedPartition> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }
}

/**
 * Resolves when any of `partitions` changes after the generations in `seen`, when `timeoutMs`
 * passes (Infinity: never), or when `signal` aborts. Listeners are removed in every case.
 */
export function waitForChange(partitions: readonly HostedPartition[], seen: readonly number[], timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || timeoutMs <= 0 || partitions.some((p, i) => p.generation !== seen[i])) return resolve();
    const offs: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      for (const off of offs) off();
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    for (const p of partitions) offs.push(p.listen(done));
    if (Number.isFinite(timeoutMs)) timer = setTimeout(done, timeoutMs);
    signal.addEventListener('abort', done, { once: true });
  });
}
