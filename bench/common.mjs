// Helpers shared by the benchmarks: ports, timing summaries, payloads and the produce driver.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
// The V8 flags every launcher gives a broker process (see packages/broker/src/node-flags.ts).
export { BROKER_NODE_FLAGS } from '../packages/broker/dist/index.js';

export const RECORD_BYTES = 1024;
/** Records handed to one send() call by the throughput driver. */
export const SEND_RECORDS = 1000;
/** send() calls outstanding at once in the throughput driver (the producer batches underneath). */
export const SENDS_IN_FLIGHT = 16;

/** 4096 random 1 KiB payloads, reused round-robin so nothing compresses or dedups. */
export const payloads = Array.from({ length: 4096 }, () => randomBytes(RECORD_BYTES));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `median unit [min..max]`. */
export const fmt = (xs, unit, digits = 1) =>
  `${median(xs).toFixed(digits)} ${unit} [${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}]`;

/** Sum of the partitions' high watermarks (`high` is the high watermark). */
export async function endOffsetsSum(admin, topic) {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Sends `records` records of 1 KiB through one producer, SENDS_IN_FLIGHT send() calls at a time. */
export async function produce(producer, topic, records) {
  let next = 0;
  let sent = 0;
  async function lane() {
    while (next < records) {
      const n = Math.min(SEND_RECORDS, records - next);
      next += n;
      const messages = new Array(n);
      for (let i = 0; i < n; i++) messages[i] = { value: payloads[(sent + i) & 4095] };
      sent += n;
      await producer.send({ topic, messages });
    }
  }
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, lane));
}
