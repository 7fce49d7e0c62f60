// The default partitioner, as Kafka's (KIP-480): a record with a key goes to
// murmur2(key) % partitions; records without a key stick to one random partition until a batch
// for it is sent, then move to another, so that null-keyed records fill batches instead of
// spreading one record per partition per linger period.
import type { Random } from './clock.js';
import { partitionForKey } from './murmur2.js';
import type { Partitioner, PartitionerArgs, PartitionerFactory } from './types.js';

export class DefaultPartitioner implements Partitioner {
  /** Per topic: the partition null-keyed records go to now. */
  private readonly sticky = new Map<string, number>();
  /** Per topic: the sticky partition whose batch was sent last (the next pick avoids it). */
  private readonly previous = new Map<string, number>();

  private readonly random: Random;

  constructor(random: Random = Math.random) {
    this.random = random;
  }

  partition(args: PartitionerArgs): number {
    if (args.key !== null) return partitionForKey(args.key, args.partitionCount);
    const current = this.sticky.get(args.topic);
    if (current !== undefined && current < args.partitionCount) return current;
    const next = this.pick(args, this.previous.get(args.topic));
    this.sticky.set(args.topic, next);
    return next;
  }

  onBatchSent(topic: string, partition: number): void {
    // Only the sticky partition's batch ends the stickiness: batches of keyed records going to
    // other partitions do not.
    if (this.sticky.get(topic) !== partition) return;
    this.sticky.delete(topic);
    this.previous.set(topic, partition);
  }

  private pick(args: PartitionerArgs, avoid: number | undefined): number {
    const all = args.availablePartitions.filter((p) => p < args.partitionCount);
    const choices = all.length > 0 ? all : Array.from({ length: args.partitionCount }, (_, i) => i);
    const others = choices.length > 1 && avoid !== undefined ? choices.filter((p) => p !== avoid) : choices;
    return others[Math.min(others.length - 1, Math.floor(this.random() * others.length))]!;
  }
}

export const Partitioners = Object.freeze({
  /** Kafka's default: murmur2 for keys, sticky for null keys. */
  DefaultPartitioner: ((): Partitioner => new DefaultPartitioner()) as PartitionerFactory,
});
