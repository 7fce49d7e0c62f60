// Proves the consumer's fetching rules against an in-memory cluster on a manual clock: records come
// in offset order with KafkaJS's message shape; a fetch that starts mid-batch skips the records
// before the position; subscribe starts at the beginning or the end; OFFSET_OUT_OF_RANGE resets
// per the reset policy (and is logged); NOT_LEADER_OR_FOLLOWER makes it follow the new leader;
// seek, pause and resume act at once; eachBatch and the async iterator work; a throwing handler
// crashes the consumer; stop() from inside a handler does not deadlock.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '@samsa/protocol';
import { Samsa } from './client.js';
import type { Consumer } from './consumer.js';
import type { Logger } from './logger.js';
import { FakeCluster } from './testing/fake-cluster.js';
import { ManualClock, seededRandom } from './testing/manual-clock.js';
import type { ConsumerConfig, EachBatchPayload, EachMessagePayload } from './types.js';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

function capturingLogger(lines: LogLine[]): Logger {
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: string) =>
      (a: Record<string, unknown> | string, b?: string): void => {
        lines.push(typeof a === 'string' ? { level, fields: bindings, message: a } : { level, fields: { ...bindings, ...a }, message: b ?? '' });
      };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return make({});
}

function setup(config: ConsumerConfig = {}) {
  const clock = new ManualClock();
  const fake = new FakeCluster(clock);
  const b1 = fake.addBroker(1);
  fake.addBroker(2);
  const lines: LogLine[] = [];
  const samsa = new Samsa({ brokers: [b1], retry: { retries: 3 }, logger: capturingLogger(lines) }, { transport: fake, clock, random: seededRandom(9) });
  const consumer = samsa.consumer({ maxWaitTimeInMs: 500, ...config });
  return { clock, fake, consumer, lines };
}

const batchOf = (values: string[], key: string | null = null): Buffer =>
  encodeBatch(
    values.map((v, i) => ({ key, value: v, timestamp: 1_000 + i, headers: { h: 'x' } })),
    { nowMs: 1_000 },
  );

/** Advances the clock in steps until `done()` (bounded). */
async function until(clock: ManualClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await clock.advance(25);
  expect(done()).toBe(true);
}

function collect(consumer: Consumer): { seen: string[]; run: () => Promise<void> } {
  const seen: string[] = [];
  return {
    seen,
    run: () =>
      consumer.run({
        eachMessage: async ({ topic, partition, message }: EachMessagePayload) => {
          seen.push(`${topic}/${partition}@${message.offset}=${message.value?.toString()}`);
        },
      }),
  };
}

describe('Consumer', () => {
  it('reads a topic from the beginning in offset order, with KafkaJS message shapes', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 2);
    fake.append('t', 0, batchOf(['a', 'b']));
    fake.append('t', 0, batchOf(['c']));
    fake.append('t', 1, batchOf(['x'], 'k'));
    const messages: EachMessagePayload[] = [];
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    await consumer.run({ eachMessage: async (m) => void messages.push(m) });
    await until(clock, () => messages.length === 4);
    const p0 = messages.filter((m) => m.partition === 0).map((m) => [m.message.offset, m.message.value!.toString()]);
    expect(p0).toEqual([
      ['0', 'a'],
      ['1', 'b'],
      ['2', 'c'],
    ]);
    const x = messages.find((m) => m.partition === 1)!.message;
    expect(x.key!.toString()).toBe('k');
    expect(x.timestamp).toBe('1000');
    expect(x.headers['h']!.toString()).toBe('x');
    await consumer.disconnect();
  });

  it('skips the records before the position when a fetch starts mid-batch', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['r0', 'r1', 'r2', 'r3', 'r4']));
    const { seen, run } = collect(consumer);
    consumer.assign([{ topic: 't', partition: 0, offset: 3 }]);
    await run();
    await until(clock, () => seen.length === 2);
    expect(seen).toEqual(['t/0@3=r3', 't/0@4=r4']);
    await consumer.stop();
  });

  it('starts at the end without fromBeginning and sees only later records', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['old']));
    const { seen, run } = collect(consumer);
    await consumer.subscribe({ topic: 't' });
    await run();
    fake.append('t', 0, batchOf(['new']));
    await until(clock, () => seen.length === 1);
    expect(seen).toEqual(['t/0@1=new']);
    await consumer.stop();
  });

  it('resets an out-of-range position per fromBeginning and logs it', async () => {
    const { clock, fake, consumer, lines } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['a', 'b']));
    const { seen, run } = collect(consumer);
    consumer.assign([{ topic: 't', partition: 0, offset: 50, fromBeginning: true }]);
    await run();
    await until(clock, () => seen.length === 2);
    expect(seen).toEqual(['t/0@0=a', 't/0@1=b']);
    const reset = lines.find((l) => l.message === 'offset out of range; resetting');
    expect(reset?.level).toBe('warn');
    expect(reset?.fields).toMatchObject({ component: 'consumer', topic: 't', partition: 0, offset: 50, resetTo: 'earliest' });
    await consumer.stop();
  });

  it('follows a partition to its new leader after NOT_LEADER_OR_FOLLOWER', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['before']));
    const { seen, run } = collect(consumer);
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    await run();
    await until(clock, () => seen.length === 1);
    fake.moveLeader('t', 0, 2);
    fake.append('t', 0, batchOf(['after']));
    await until(clock, () => seen.length === 2);
    expect(seen).toEqual(['t/0@0=before', 't/0@1=after']);
    expect(fake.callsOf('Fetch').some((c) => c.nodeId === 2)).toBe(true);
    await consumer.stop();
  });

  it('seeks, pauses and resumes while running', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 2);
    fake.append('t', 0, batchOf(['a0', 'a1', 'a2']));
    const { seen, run } = collect(consumer);
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    await run();
    await until(clock, () => seen.length === 3);
    consumer.seek({ topic: 't', partition: 0, offset: '1' });
    await until(clock, () => seen.length === 5);
    expect(seen.slice(3)).toEqual(['t/0@1=a1', 't/0@2=a2']);
    consumer.pause([{ topic: 't', partitions: [1] }]);
    expect(consumer.paused()).toEqual([{ topic: 't', partitions: [1] }]);
    fake.append('t', 1, batchOf(['b0']));
    fake.append('t', 0, batchOf(['a3']));
    await until(clock, () => seen.length === 6);
    await clock.advance(2_000);
    expect(seen.slice(5)).toEqual(['t/0@3=a3']);
    consumer.resume([{ topic: 't' }]);
    await until(clock, () => seen.length === 7);
    expect(seen[6]).toBe('t/1@0=b0');
    expect(() => consumer.seek({ topic: 't', partition: 0, offset: -1 })).toThrow(/non-negative integer/);
    await consumer.stop();
  });

  it('hands out whole partition batches with eachBatch and honours resolveOffset', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['a', 'b', 'c', 'd']));
    const batches: { offsets: string[]; hw: string; lag: string }[] = [];
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
        batches.push({ offsets: batch.messages.map((m) => m.offset), hw: batch.highWatermark, lag: batch.offsetLag() });
        // Process only the first two of the first batch: the rest comes again.
        resolveOffset(batches.length === 1 ? batch.messages[1]!.offset : batch.lastOffset());
      },
    });
    await until(clock, () => batches.length === 2);
    expect(batches[0]).toEqual({ offsets: ['0', '1', '2', '3'], hw: '4', lag: '0' });
    expect(batches[1]!.offsets).toEqual(['2', '3']);
    await consumer.stop();
  });

  it('iterates with for await and stops when the loop is left', async () => {
    const { clock, fake, consumer } = setup({ iteratorBufferMessages: 2 });
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']));
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const got: string[] = [];
    const reading = (async () => {
      for await (const { message } of consumer) {
        got.push(message.value!.toString());
        if (got.length === 4) break;
      }
    })();
    await until(clock, () => got.length === 4);
    await reading;
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3']);
    // Stopped: nothing more is fetched.
    const fetches = fake.callsOf('Fetch').length;
    await clock.advance(3_000);
    expect(fake.callsOf('Fetch').length).toBe(fetches);
  });

  it('crashes with the handler error and emits consumer.crash', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['boom']));
    const crashes: Error[] = [];
    let stopped = false;
    consumer.on('consumer.crash', (e) => crashes.push(e.payload.error));
    consumer.on('consumer.stop', () => (stopped = true));
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    await consumer.run({
      eachMessage: async () => {
        throw new Error('handler failed');
      },
    });
    await until(clock, () => crashes.length === 1 && stopped);
    expect(crashes[0]!.message).toBe('handler failed');
  });

  it('can be stopped from inside a handler', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('t', 1);
    fake.append('t', 0, batchOf(['one', 'two', 'three']));
    const seen: string[] = [];
    let stoppedFromHandler: Promise<void> | undefined;
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length === 2) stoppedFromHandler = consumer.stop();
      },
    });
    await until(clock, () => stoppedFromHandler !== undefined);
    await stoppedFromHandler;
    await consumer.stop();
    expect(seen).toEqual(['one', 'two']);
  });

  it('picks up a topic subscribed while running', async () => {
    const { clock, fake, consumer } = setup();
    fake.createTopic('a', 1);
    fake.createTopic('b', 1);
    fake.append('b', 0, batchOf(['b-old']));
    const { seen, run } = collect(consumer);
    await consumer.subscribe({ topic: 'a', fromBeginning: true });
    await run();
    await consumer.subscribe({ topic: 'b', fromBeginning: true });
    fake.append('a', 0, batchOf(['a-new']));
    await until(clock, () => seen.length === 2);
    expect(seen.sort()).toEqual(['a/0@0=a-new', 'b/0@0=b-old']);
    await consumer.stop();
  });

  it('fails run() for a topic that does not exist', async () => {
    const { clock, consumer } = setup();
    await consumer.subscribe({ topic: 'missing' });
    const running = consumer.run({ eachMessage: async () => {} }).catch((e: unknown) => e);
    await clock.advance(10_000);
    expect(await running).toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
