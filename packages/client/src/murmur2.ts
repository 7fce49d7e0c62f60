// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): MurmurHash2, 32-bit, seed
// 0x9747b28c, over the key's bytes. The default partitioner puts a keyed record on
// (murmur2(key) & 0x7fffffff) % partitions, so the same key lands on the same partition whether a
// Java, librdkafka, KafkaJS (default partitioner) or Samsa client wrote it.
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** The hash as Java's signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const tail = length & 3;
  const body = length - tail;
  for (let i = 0; i < body; i += 4) {
    // Little-endian 4-byte word; Math.imul multiplies modulo 2^32 as Java's int arithmetic does.
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The remaining 1-3 bytes, as Java's fall-through switch folds them in.
  if (tail === 3) h ^= data[body + 2]! << 16;
  if (tail >= 2) h ^= data[body + 1]! << 8;
  if (tail >= 1) {
    h ^= data[body]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's toPositive: clears the sign bit (not Math.abs, which differs at -2^31). */
export const toPositive = (n: number): number => n & 0x7fffffff;

/** The partition Kafka's default partitioner gives a keyed record. */
export const partitionForKey = (key: Uint8Array, partitionCount: number): number => toPositive(murmur2(key)) % partitionCount;
