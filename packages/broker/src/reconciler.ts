// The reconciler: the backend of the controller triad. It follows the metadata image (the metadata
// log on a controller node, the watch stream's image on a broker-only node) and makes this node's
// local state match it: opens the logs of the partitions it is a replica of, hands each one's
// state to the replica manager (which makes it lead or follow), passes config changes on (a
// partition led elsewhere now wakes its waiting fetches, which then answer
// NOT_LEADER_OR_FOLLOWER), and deletes the logs of partitions it no longer hosts (deleted topics,
// reassigned replicas). Work is sequential per partition and concurrent across partitions. On
// start it also reconciles what is on disk: a log whose topic is gone is deleted.
import type { Logger } from 'pino';
import { topicSettings } from '@samsa/controller';
import type { MetadataImage, MetadataUpdate, TopicImage } from '@samsa/controller';
import type { LogManager, PartitionConfig } from '@samsa/storage';
import { SamsaError, topicIdToString } from '@samsa/protocol';
import { HostedPartition, partitionKey } from './partitions.js';
import type { PartitionRegistry } from './partitions.js';
import type { MetadataView } from './metadata-view.js';
import type { ReplicaManager } from './replica-manager.js';

export interface ReconcilerOptions {
  nodeId: number;
  /** The image to follow: the metadata log, or a broker-only node's follower. */
  metadata: MetadataView;
  logManager: LogManager;
  registry: PartitionRegistry;
  /** The broker-wide max.message.bytes (a topic's settings depend on it). */
  maxMessageBytes: number;
  /** Makes each partition lead or follow; absent in tests of the reconciler alone. */
  replicas?: Pick<ReplicaManager, 'apply' | 'remove'>;
  logger: Logger;
}

interface Target {
  topicId: Buffer;
  topicIdString: string;
  partition: number;
  /** Found on disk at start (so there is a log to delete even if it was never opened). */
  onDisk?: boolean;
}

export class Reconciler {
  private readonly o: ReconcilerOptions;
  private readonly log: Logger;
  private readonly rootLogger: Logger;
  /** The tail of each partition's work queue. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Settles when all work queued so far has finished. */
  private settled: Promise<void> = Promise.resolve();
  private reconciledIndex = 0;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** The last config given to each partition log, to pass on changes only. */
  private readonly configs = new Map<string, PartitionConfig>();

  constructor(options: ReconcilerOptions) {
    this.o = options;
    this.rootLogger = options.logger;
    this.log = options.logger.child({ component: 'reconciler' });
  }

  /** Reconciles the current image with the disk, then follows the log. */
  async start(): Promise<void> {
    this.unsubscribe = this.o.metadata.subscribe((update) => this.onUpdate(update));
    const image = this.o.metadata.image;
    const targets = new Map<string, Target>();
    for (const { topicId, partition } of this.o.logManager.list()) {
      const topicIdString = topicIdToString(topicId);
      targets.set(partitionKey(topicIdString, partition), { topicId, topicIdString, partition, onDisk: true });
    }
    for (const topic of image.topicsById.values()) {
      topic.partitions.forEach((_, partition) => {
        const key = partitionKey(topic.idString, partition);
        targets.set(key, { ...targets.get(key), topicId: topic.id, topicIdString: topic.idString, partition });
      });
    }
    this.schedule([...targets.values()], image, image.appliedIndex);
    await this.settled;
    this.log.info({ hosted: this.o.registry.size, appliedIndex: image.appliedIndex }, 'local partitions reconciled with the metadata image');
  }

  /** Resolves once the work of every update up to `index` has finished. */
  async waitFor(index: number): Promise<void> {
    // Bounded: each turn waits for the work queued so far; when nothing new was queued, no
    // queued work covers `index` (it is not applied yet) and waiting longer would not help.
    while (this.reconciledIndex < index && !this.stopped) {
      const settled = this.settled;
      await settled;
      if (settled === this.settled) return;
    }
  }

  /** Stops following the log and waits for work in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.settled;
  }

  private onUpdate(update: MetadataUpdate): void {
    if (this.stopped) return;
    const touched = new Map<string, Buffer>();
    if (update.restored === true) {
      // A snapshot replaced the image: every topic of either image, and every hosted one, may have changed.
      for (const image of [update.previous, update.image]) for (const t of image.topicsById.values()) touched.set(t.idString, t.id);
      for (const hosted of this.o.registry.all()) touched.set(hosted.topicIdString, hosted.topicId);
    }
    for (const { record } of update.entries) {
      const r = record.topic_created ?? record.topic_deleted ?? record.partition_changed ?? record.config_changed;
      if (r !== undefined && r !== null) touched.set(topicIdToString(r.topic_id), r.topic_id);
    }
    const targets: Target[] = [];
    for (const [topicIdString, topicId] of touched) {
      const keys = new Set<number>();
      const before = update.previous.topicsById.get(topicIdString);
      const after = update.image.topicsById.get(topicIdString);
      for (const t of [before, after]) t?.partitions.forEach((_, p) => keys.add(p));
      for (const hosted of this.o.registry.ofTopic(topicIdString)) keys.add(hosted.partition);
      for (const partition of keys) targets.push({ topicId: Buffer.from(topicId), topicIdString, partition });
    }
    this.schedule(targets, update.image, update.image.appliedIndex);
  }

  /** Queues one reconcile step per target (behind that partition's earlier work). */
  private schedule(targets: readonly Target[], image: MetadataImage, index: number): void {
    const work = targets.map((t) => {
      const key = partitionKey(t.topicIdString, t.partition);
      const step = (this.chains.get(key) ?? Promise.resolve()).then(() => this.reconcile(t, image));
      this.chains.set(key, step);
      void step.then(() => {
        if (this.chains.get(key) === step) this.chains.delete(key);
      });
      return step;
    });
    const previous = this.settled;
    this.settled = Promise.all([previous, ...work]).then(() => {
      this.reconciledIndex = Math.max(this.reconciledIndex, index);
    });
  }

  /** Makes one partition's local state match `image`. Never throws: failures are logged and kept. */
  private async reconcile(t: Target, image: MetadataImage): Promise<void> {
    const { nodeId, registry, logManager } = this.o;
    const topic: TopicImage | undefined = image.topicsById.get(t.topicIdString);
    const state = topic?.partitions[t.partition];
    const hostedHere = state !== undefined && state.replicas.includes(nodeId);
    const key = partitionKey(t.topicIdString, t.partition);
    let hosted = registry.getByKey(key);
    try {
      if (!hostedHere || topic === undefined) {
        if (hosted !== undefined) {
          registry.remove(key);
          await this.o.replicas?.remove(hosted);
          hosted.detach();
        }
        this.configs.delete(key);
        if (hosted !== undefined || t.onDisk === true || logManager.get(t.topicId, t.partition) !== undefined) {
          await logManager.delete(t.topicId, t.partition);
          this.log.info({ topicId: t.topicIdString, partition: t.partition, topic: topic?.name }, topic === undefined ? 'deleted the log of a deleted topic' : 'deleted the log of a partition no longer hosted here');
        }
        return;
      }
      const config = partitionConfig(topic, this.o.maxMessageBytes);
      if (hosted === undefined) {
        hosted = new HostedPartition(nodeId, topic.id, t.topicIdString, t.partition, state, this.rootLogger.child({ topic: topic.name, partition: t.partition }));
        registry.add(hosted);
      } else {
        hosted.state = state;
      }
      const current = hosted.current;
      if (current === undefined) {
        const partitionLog = await logManager.getOrCreate(topic.id, t.partition, config);
        this.configs.set(key, config);
        // The topic may have gone while the log was opening; the next queued step removes it.
        if (registry.getByKey(key) === hosted) hosted.attach(partitionLog);
        hosted.log.debug({ logEndOffset: partitionLog.logEndOffset, highWatermark: partitionLog.highWatermark }, 'partition log opened');
        await this.o.replicas?.apply(hosted, state);
      } else {
        const previous = this.configs.get(key);
        if (previous === undefined || previous.retentionMs !== config.retentionMs || previous.retentionBytes !== config.retentionBytes) {
          current.setConfig(config);
          this.configs.set(key, config);
          hosted.log.info({ ...config }, 'partition config changed');
        }
        await this.o.replicas?.apply(hosted, state);
        hosted.advanceHighWatermark();
        hosted.signal();
      }
    } catch (err) {
      this.log.error({ err, topicId: t.topicIdString, partition: t.partition }, 'reconciling a partition failed');
      if (hosted !== undefined && registry.getByKey(key) === hosted) {
        hosted.failure = new SamsaError('KAFKA_STORAGE_ERROR', `the partition's log could not be opened: ${(err as Error).message}`, { cause: err });
        hosted.signal();
      }
    }
  }

}

function partitionConfig(topic: TopicImage, maxMessageBytes: number): PartitionConfig {
  const s = topicSettings(topic, maxMessageBytes);
  return { retentionMs: s.retentionMs, retentionBytes: s.retentionBytes };
}
