// The workload driver and the reader, on the SDK only (no harness, no broker code): they take
// bootstrap broker addresses, so a chaos suite can run them against any cluster.
//
// startWorkload: N producers (one SDK producer each, so each has its own connections and, with an
// idempotent SDK, its own producer id) send records with unique values that encode (producer,
// sequence); keys mix a small key space (many records share a partition) with null keys. Each
// producer keeps at most `maxOutstandingSends` sends unsettled, enough to keep the SDK's
// `maxInFlightRequests: 5` requests busy. Every send ends in the log as acked (partition, offset),
// failed (the SDK's code) or unknown (an ambiguous code, or still unsettled when the driver stopped
// waiting). It stops by itself (record count or deadline) or when told to.
//
// readBack: one full read of a topic, each partition from its log start to its high watermark as
// ListOffsets gives them when the read begins, bounded by a deadline; a partition the deadline cut
// short says where it stopped (the checker reports it).
import { Samsa, isSamsaError } from '@samsa/client';
import type { ConsumerConfig, ProducerConfig, SamsaConfig } from '@samsa/client';
import { encodeValue } from './checker.js';
import type { PartitionRead, ReadBack, ReadRecord, SendOutcome, SendRecord } from './checker.js';

/** Errors after which nobody knows whether the record was written: the send is 'unknown'. */
export const UNKNOWN_OUTCOME_CODES: ReadonlySet<string> = new Set([
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'BROKER_NOT_AVAILABLE',
  'UNKNOWN_SERVER_ERROR',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
]);

/** The errorCode of a send the driver stopped waiting for. */
export const NOT_SETTLED = 'NOT_SETTLED';

export const WORKLOAD_DEFAULTS = Object.freeze({
  producers: 3,
  recordsPerProducer: 1_000,
  /** Unsettled send() calls per producer: several batches per partition, so 5 requests can be in flight. */
  maxOutstandingSends: 100,
  /** Distinct keys of keyed records. */
  keySpace: 8,
  /** Every nth record of a producer has a null key (the others are keyed). */
  nullKeyEvery: 2,
  valuePadBytes: 0,
  /** Sending stops after this long even if records remain. */
  durationMsMax: 600_000,
  /** After sending stops, how long unsettled sends may take before they are logged as unknown. */
  settleTimeoutMs: 90_000,
  /** What every workload producer gets unless `producer` overrides it. */
  producer: Object.freeze({ maxInFlightRequests: 5, acks: 'all' as const }),
});

export const READ_DEFAULTS = Object.freeze({
  deadlineMs: 60_000,
  /** How often the reader also looks at the consumer's positions (a tail of batches without records moves them without a handler call). */
  progressCheckMs: 200,
  consumer: Object.freeze({ maxWaitTimeInMs: 100 }),
});

export interface WorkloadOptions {
  /** Bootstrap brokers, host:port. */
  brokers: readonly string[];
  /** The topic must exist. */
  topic: string;
  producers?: number;
  recordsPerProducer?: number;
  maxOutstandingSends?: number;
  keySpace?: number;
  nullKeyEvery?: number;
  /** Padding added to each value (to reach a record size). */
  valuePadBytes?: number;
  /** Tells this run's values apart; a fresh one by default. No '|'. */
  runId?: string;
  durationMsMax?: number;
  settleTimeoutMs?: number;
  /** Merged over WORKLOAD_DEFAULTS.producer; acks 0 is refused (no offsets to check). */
  producer?: ProducerConfig;
  /** SDK client options (logger, retry, requestTimeoutMs...). */
  client?: Omit<SamsaConfig, 'brokers'>;
  /** Aborting stops sending (as stop()). */
  signal?: AbortSignal;
  /** Milliseconds; Date.now by default. */
  now?: () => number;
}

export interface WorkloadProgress {
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly unknown: number;
  /** Sent, not settled yet. */
  readonly pending: number;
}

export interface WorkloadResult {
  readonly runId: string;
  /** Every send, in (producer, seq) order. */
  readonly sends: readonly SendRecord[];
  readonly stoppedBy: 'count' | 'deadline' | 'stop';
  readonly durationMs: number;
}

export interface Workload {
  readonly runId: string;
  /** Resolves once sending stopped and every send settled (or the settle timeout passed). Never rejects for a send's failure. */
  readonly done: Promise<WorkloadResult>;
  /** Stops sending; sends already made settle as usual. Safe twice. */
  stop(): void;
  progress(): WorkloadProgress;
}

/** The key of a producer's record: null for every `nullKeyEvery`th, else one of `keySpace` keys. */
export function workloadKey(producer: number, seq: number, keySpace: number, nullKeyEvery: number): string | null {
  if (seq % nullKeyEvery === 0) return null;
  return `k${(producer * 7 + seq) % keySpace}`;
}

interface MutableSend {
  producer: number;
  seq: number;
  key: string | null;
  value: string;
  outcome: SendOutcome;
  partition?: number;
  offset?: number;
  errorCode?: string;
}

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`workload option ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Starts the producers. */
export function startWorkload(options: WorkloadOptions): Workload {
  const d = WORKLOAD_DEFAULTS;
  const producers = positiveInt('producers', options.producers ?? d.producers);
  const records = positiveInt('recordsPerProducer', options.recordsPerProducer ?? d.recordsPerProducer, 0);
  const window = positiveInt('maxOutstandingSends', options.maxOutstandingSends ?? d.maxOutstandingSends);
  const keySpace = positiveInt('keySpace', options.keySpace ?? d.keySpace);
  const nullKeyEvery = positiveInt('nullKeyEvery', options.nullKeyEvery ?? d.nullKeyEvery);
  const pad = positiveInt('valuePadBytes', options.valuePadBytes ?? d.valuePadBytes, 0);
  const durationMsMax = positiveInt('durationMsMax', options.durationMsMax ?? d.durationMsMax);
  const settleTimeoutMs = positiveInt('settleTimeoutMs', options.settleTimeoutMs ?? d.settleTimeoutMs, 0);
  const producerConfig: ProducerConfig = { ...d.producer, ...options.producer };
  if (producerConfig.acks === 0) throw new Error('workload producers need acks 1 or all: acks 0 gives no offsets to check');
  const now = options.now ?? Date.now;
  const runId = options.runId ?? `${now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  encodeValue({ runId, producer: 0, seq: 0 }); // validates runId

  const samsa = new Samsa({ ...options.client, brokers: options.brokers });
  const logs: MutableSend[][] = Array.from({ length: producers }, () => []);
  const counts = { sent: 0, acked: 0, failed: 0, unknown: 0 };
  let stoppedBy: WorkloadResult['stoppedBy'] | undefined;
  // Each producer waiting for a free slot parks its wake-up here (a send settling or the stop calls
  // it): no Promise.race against long-lived promises, whose reactions would pile up over a long run.
  const waiting = new Set<() => void>();
  const stopWith = (why: WorkloadResult['stoppedBy']): void => {
    if (stoppedBy !== undefined) return;
    stoppedBy = why;
    for (const wake of waiting) wake();
    waiting.clear();
  };
  const onAbort = (): void => stopWith('stop');
  if (options.signal?.aborted === true) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => stopWith('deadline'), durationMsMax);
  const startedAtMs = now();

  const runProducer = async (index: number): Promise<void> => {
    const producer = samsa.producer(producerConfig);
    const log = logs[index]!;
    const outstanding = new Set<Promise<void>>();
    let wake: (() => void) | undefined;
    const slotFreed = (): void => {
      const w = wake;
      wake = undefined;
      if (w !== undefined) waiting.delete(w);
      w?.();
    };
    for (let seq = 0; seq < records && stoppedBy === undefined; seq++) {
      // Bounded: wait for a slot (a send settling) or for the stop.
      while (outstanding.size >= window && stoppedBy === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          waiting.add(resolve);
        });
      }
      if (stoppedBy !== undefined) break;
      const key = workloadKey(index, seq, keySpace, nullKeyEvery);
      const entry: MutableSend = { producer: index, seq, key, value: encodeValue({ runId, producer: index, seq }, pad), outcome: 'unknown', errorCode: NOT_SETTLED };
      log.push(entry);
      counts.sent++;
      const p: Promise<void> = producer.send({ topic: options.topic, messages: [{ key, value: entry.value }] }).then(
        (meta) => {
          const m = meta[0];
          if (m === undefined || !(Number(m.baseOffset) >= 0)) {
            // Cannot happen with acks 1 or all; logged as unknown rather than crash the run.
            entry.errorCode = 'NO_OFFSET_IN_ACK';
            counts.unknown++;
            return;
          }
          entry.outcome = 'acked';
          entry.partition = m.partition;
          entry.offset = Number(m.baseOffset);
          delete entry.errorCode;
          counts.acked++;
        },
        (error: unknown) => {
          const code = isSamsaError(error) ? error.code : 'UNKNOWN';
          entry.outcome = UNKNOWN_OUTCOME_CODES.has(code) || !isSamsaError(error) ? 'unknown' : 'failed';
          entry.errorCode = code;
          counts[entry.outcome]++;
        },
      );
      const tracked = p.finally(() => {
        outstanding.delete(tracked);
        slotFreed();
      });
      outstanding.add(tracked);
    }
    // One budget for both: sends settling, then disconnect() (which flushes; with a dead cluster
    // that may take the SDK's whole retry budget, and the producer is left to finish on its own).
    let settleTimer: NodeJS.Timeout | undefined;
    const settleTimeUp = new Promise<void>((r) => (settleTimer = setTimeout(r, settleTimeoutMs)));
    try {
      await Promise.race([Promise.all(outstanding), settleTimeUp]);
      await Promise.race([producer.disconnect().catch(() => {}), settleTimeUp]);
    } finally {
      clearTimeout(settleTimer);
    }
  };

  const done = (async (): Promise<WorkloadResult> => {
    try {
      await Promise.all(logs.map((_, i) => runProducer(i)));
      stopWith('count');
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
    }
    // A snapshot: sends that settle after this stay 'unknown' in the result.
    const sends: SendRecord[] = logs.flat().map((e) => {
      const base = { producer: e.producer, seq: e.seq, key: e.key, value: e.value };
      if (e.outcome === 'acked') return { ...base, outcome: 'acked', partition: e.partition!, offset: e.offset! };
      return { ...base, outcome: e.outcome, errorCode: e.errorCode ?? NOT_SETTLED };
    });
    return { runId, sends, stoppedBy: stoppedBy ?? 'count', durationMs: now() - startedAtMs };
  })();

  return {
    runId,
    done,
    stop: () => stopWith('stop'),
    progress: () => ({ ...counts, pending: counts.sent - counts.acked - counts.failed - counts.unknown }),
  };
}

/** Runs a workload to its end. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  return await startWorkload(options).done;
}

export interface ReadOptions {
  brokers: readonly string[];
  topic: string;
  /** The whole read, offsets included; partitions not finished by then are returned incomplete. */
  deadlineMs?: number;
  client?: Omit<SamsaConfig, 'brokers'>;
  /** Merged over READ_DEFAULTS.consumer. */
  consumer?: ConsumerConfig;
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

/**
 * Reads every partition of `topic` from its log start to its high watermark (as ListOffsets gives
 * them when the read begins). Rejects if the offsets cannot be had before the deadline or the
 * consumer crashes; a partition the deadline cut short comes back with endOffset < highWatermark.
 */
export async function readBack(options: ReadOptions): Promise<ReadBack> {
  const deadlineMs = positiveInt('deadlineMs', options.deadlineMs ?? READ_DEFAULTS.deadlineMs);
  const samsa = new Samsa({ ...options.client, brokers: options.brokers });
  const admin = samsa.admin();
  const consumer = samsa.consumer({ ...READ_DEFAULTS.consumer, ...options.consumer });
  const timers: NodeJS.Timeout[] = [];
  const timeUp = new Promise<'deadline'>((r) => timers.push(setTimeout(() => r('deadline'), deadlineMs)));
  try {
    const offsets = await Promise.race([admin.fetchTopicOffsets(options.topic), timeUp]);
    if (offsets === 'deadline') throw new Error(`readBack(${options.topic}): no offsets within ${deadlineMs} ms`);
    const parts = offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high), next: Number(o.low), records: [] as ReadRecord[] }));
    const byPartition = new Map(parts.map((p) => [p.partition, p]));
    const toRead = parts.filter((p) => p.next < p.high);
    if (toRead.length > 0) {
      let finish!: () => void;
      let fail!: (e: Error) => void;
      const finished = new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      const check = (): void => {
        for (const a of consumer.assignment()) {
          const p = byPartition.get(a.partition);
          if (p !== undefined && a.position !== undefined) p.next = Math.max(p.next, a.position);
        }
        if (toRead.every((p) => p.next >= p.high)) finish();
      };
      consumer.on('consumer.crash', (e) => fail(e.payload.error));
      // fromBeginning: should retention move the log start past `low` mid-read, the consumer resets
      // to the new start (the skipped offsets then show as gaps), never to the end.
      consumer.assign(toRead.map((p) => ({ topic: options.topic, partition: p.partition, offset: p.low, fromBeginning: true })));
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const p = byPartition.get(batch.partition);
          if (p === undefined) return;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            // Records the high watermark reached after the read began are not part of this read.
            if (offset >= p.high) continue;
            p.records.push({ offset, key: text(m.key), value: text(m.value) });
            p.next = Math.max(p.next, offset + 1);
          }
          if (p.next >= p.high) consumer.pause([{ topic: options.topic, partitions: [p.partition] }]);
          check();
        },
      });
      const poll = setInterval(check, READ_DEFAULTS.progressCheckMs);
      try {
        check();
        await Promise.race([finished, timeUp]);
      } finally {
        clearInterval(poll);
      }
    }
    const partitions: PartitionRead[] = parts.map((p) => ({
      partition: p.partition,
      logStartOffset: p.low,
      highWatermark: p.high,
      endOffset: Math.min(p.next, p.high),
      records: p.records,
    }));
    return { partitions };
  } finally {
    for (const t of timers) clearTimeout(t);
    await consumer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
