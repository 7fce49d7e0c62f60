// Every default of the SDK, in one place. Values follow Kafka's Java client (and KafkaJS where the
// Java client has no counterpart), so that people who know Kafka find what they expect.
//
// - retry: ARCHITECTURE.md's failover budget: 100 ms doubling to 1 s, jittered by ±20%. Ten retries
//   give about 7 s of patience, enough to ride out a leader failover (target: under 3 s end to end)
//   while still failing a call to a dead cluster in seconds, not minutes.
// - producer.lingerMs 5: Kafka 4.0's linger.ms; a few ms of waiting turns many small sends into one
//   batch per partition at a cost no human notices.
// - producer.batchSize 16384: Kafka's batch.size. Batches are per partition; a larger size helps
//   only when one partition gets more than 16 KiB per linger period.
// - producer.maxInFlightRequests 5: Kafka's max.in.flight.requests.per.connection, per broker; with
//   idempotence also per partition (at most 5, Kafka's bound: the broker remembers a producer's last
//   5 batches per partition, so a retry is always recognised as a duplicate). Without idempotence a
//   partition has one request in flight (accumulator.ts says why).
// - producer.idempotent true: Kafka 3.0+'s enable.idempotence=true (KafkaJS spells it idempotent).
//   Retries never duplicate or reorder a partition's records.
// - producer.acks -1: Kafka 3.0+'s acks=all. Acknowledged means durable on the in-sync replicas.
//   Idempotence needs it: when the caller sets other acks (or more than 5 requests in flight)
//   without asking for idempotence, idempotence is off, as in Kafka; asking for both is an error.
// - producer.timeoutMs 30000: how long the broker may wait for acks=all (Kafka's request.timeout.ms).
// - producer.maxRequestBytes 1 MiB: Kafka's max.request.size; one request carries at most this many
//   bytes of batches (a single larger batch still goes, alone).
// - producer.bufferMemoryBytes 32 MiB: Kafka's buffer.memory; send() waits while this many bytes
//   are unacknowledged, so a fast producer cannot exhaust memory.
// - consumer: Kafka's fetch.min.bytes 1, fetch.max.bytes 50 MiB is large for Node, so KafkaJS's
//   10 MiB; max.partition.fetch.bytes 1 MiB; fetch.max.wait.ms 500; auto.offset.reset latest.
export const DEFAULTS = Object.freeze({
  client: Object.freeze({
    clientId: 'samsa',
    requestTimeoutMs: 30_000,
    /** Kafka's metadata.max.age.ms: metadata is refreshed at least this often while in use. */
    metadataMaxAgeMs: 300_000,
  }),
  retry: Object.freeze({
    retries: 10,
    initialRetryTimeMs: 100,
    maxRetryTimeMs: 1_000,
    multiplier: 2,
    /** Jitter: each wait is scaled by a random factor in [1 - factor, 1 + factor]. */
    factor: 0.2,
  }),
  producer: Object.freeze({
    lingerMs: 5,
    batchSize: 16_384,
    maxInFlightRequests: 5,
    acks: -1 as const,
    idempotent: true,
    timeoutMs: 30_000,
    maxRequestBytes: 1_048_576,
    bufferMemoryBytes: 33_554_432,
  }),
  consumer: Object.freeze({
    minBytes: 1,
    maxBytes: 10_485_760,
    maxWaitTimeInMs: 500,
    maxBytesPerPartition: 1_048_576,
    autoOffsetReset: 'latest' as const,
    /** Messages the async iterator reads ahead of the loop that consumes them. */
    iteratorBufferMessages: 1_000,
  }),
});

/** Bounds on configuration values (validate.ts rejects anything outside them). */
export const LIMITS = Object.freeze({
  retriesMax: 1_000,
  lingerMsMax: 60_000,
  batchSizeMax: 256 * 1024 * 1024,
  maxInFlightRequestsMax: 100,
  /** Requests in flight per partition of an idempotent producer (the broker dedups the last 5 batches). */
  maxInFlightRequestsIdempotentMax: 5,
  timeoutMsMax: 2_147_483_647,
});
