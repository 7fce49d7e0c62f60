// The partitions this broker hosts: each one's log (once the reconciler has opened it), its state
// as the metadata image last gave it, and a change signal that wakes long-polling fetches.
import type { Logger } from 'pino';
import type { PartitionState } from '@samsa/controller';
import type { PartitionLog } from '@samsa/storage';
import { isSamsaError } from '@samsa/protocol';
import type { SamsaError } from '@samsa/protocol';

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
      this.signal();
    });
    this.advanceHighWatermark();
    this.signal();
  }

  detach(): PartitionLog | undefined {
    const detached = this.partitionLog;
    this.offAppend?.();
    this.offAppend = undefined;
    this.partitionLog = undefined;
    this.signal();
    return detached;
  }

  /**
   * The high watermark is the smallest log end offset in the ISR. While this leader is the ISR's
   * only member (every partition of a cluster of one), that is its own log end offset. With
   * followers (next issue), their fetches move it instead.
   */
  advanceHighWatermark(): void {
    const log = this.partitionLog;
    if (log === undefined || log.offline) return;
    const { leaderId, isr } = this.state;
    if (leaderId !== this.nodeId || isr.length !== 1 || isr[0] !== this.nodeId) return;
    if (log.highWatermark >= log.logEndOffset) return;
    try {
      log.setHighWatermark(log.logEndOffset);
    } catch (err) {
      // Deleted or gone offline since the check: nothing left to advance.
      if (!isSamsaError(err)) throw err;
    }
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
