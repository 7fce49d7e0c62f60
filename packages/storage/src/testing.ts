// Helpers for this package's tests (not exported from index.ts): temp dirs, loggers that keep
// their lines, and record batches.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { encodeBatch, newTopicId } from '@samsa/protocol';
import type { RecordInput } from '@samsa/protocol';
import { LogManager } from './log-manager.js';
import type { StorageConfig } from './config.js';

export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'samsa-storage-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A pino logger whose lines are kept (parsed) in `lines`. */
export function captureLogger(level: pino.Level = 'warn'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

export const silentLogger = (): Logger => pino({ level: 'silent' });

/** Opens a LogManager in `dir` with timers effectively off unless the test sets them. */
export function openManager(dir: string, overrides: Partial<StorageConfig> = {}, options: { logger?: Logger; now?: () => number } = {}): Promise<LogManager> {
  return LogManager.open(
    { dataDir: dir, retentionCheckIntervalMs: 0, highWatermarkCheckpointIntervalMs: 60_000, ...overrides },
    { logger: options.logger ?? silentLogger(), ...(options.now === undefined ? {} : { now: options.now }) },
  );
}

export interface BatchOptions {
  valueBytes?: number;
  timestamps?: number[];
  nowMs?: number;
  /** An idempotent producer's batch: producer id, epoch and base sequence. */
  producer?: { id: number; epoch: number; sequence: number };
}

/** One batch of `count` records; record i has value `${label}-${i}` padded to `valueBytes`. */
export function batchOf(label: string, count = 1, options: BatchOptions = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const text = `${label}-${i}`;
    const value = options.valueBytes === undefined ? Buffer.from(text) : Buffer.concat([Buffer.from(text), Buffer.alloc(Math.max(0, options.valueBytes - text.length), 0x61)]);
    const ts = options.timestamps?.[i];
    records.push(ts === undefined ? { value } : { value, timestamp: ts });
  }
  const producer = options.producer === undefined ? {} : { producerId: options.producer.id, producerEpoch: options.producer.epoch, baseSequence: options.producer.sequence };
  return encodeBatch(records, { nowMs: options.nowMs ?? 1_700_000_000_000, ...producer });
}

export { newTopicId };
