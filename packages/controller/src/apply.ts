// The pure apply(): metadata image + record -> new image. No I/O, no clock, no randomness, so every
// node that applies the same log gets the same image (the Raft state machine of the next issue).
//
// A record that contradicts the image (a second topic with a taken name, a PartitionChanged for a
// missing topic, a leader outside the ISR) can only come from a bug in the frontend that proposed
// it: apply() asserts. The log applies a record before it persists it, so such a record is refused
// and never reaches the disk.
//
// Copy-on-write: an ImageDelta copies the maps and the topics it touches once, then mutates its
// copies for the rest of the records it applies (a topic of 10 000 partitions is 10 001 records,
// applied in one delta with one copy of the partition array, not 10 000 copies). build() freezes
// the result into a new image that shares every untouched topic and broker with the base.
import { assert, int64ToNumber, topicIdToString } from '@samsa/protocol';
import type { BrokerRegistration, MetadataImage, PartitionState, TopicImage } from './image.js';
import { NO_LEADER } from './image.js';
import { recordType } from './records.js';
import type {
  BrokerFencedRecord__Output,
  ConfigChangedRecord__Output,
  MetadataRecord__Output,
  PartitionChangedRecord__Output,
  ProducerIdsAllocatedRecord__Output,
  RegisterBrokerRecord__Output,
  TopicCreatedRecord__Output,
  TopicDeletedRecord__Output,
} from './records.js';

export interface MetadataLogEntry {
  readonly index: number;
  readonly record: MetadataRecord__Output;
}

interface MutableTopic {
  id: Buffer;
  idString: string;
  name: string;
  internal: boolean;
  configs: Map<string, string>;
  partitions: PartitionState[];
}

/** Accumulates records on top of a base image; build() returns the new image. */
export class ImageDelta {
  private readonly base: MetadataImage;
  private appliedIndex: number;
  private nextProducerId: number;
  private brokers: Map<number, BrokerRegistration> | undefined;
  private brokerConfigs: Map<number, ReadonlyMap<string, string>> | undefined;
  /** Topics created or changed in this delta, by id string. */
  private readonly touched = new Map<string, MutableTopic>();
  /** Ids (and names) of base topics deleted in this delta. */
  private readonly deletedIds = new Set<string>();
  private readonly deletedNames = new Set<string>();

  constructor(base: MetadataImage) {
    this.base = base;
    this.appliedIndex = base.appliedIndex;
    this.nextProducerId = base.nextProducerId;
  }

  /** Applies one record at `index`, which must be the next index. */
  replay(record: MetadataRecord__Output, index: number): void {
    assert(Number.isSafeInteger(index) && index === this.appliedIndex + 1, `apply() expects index ${this.appliedIndex + 1}, got ${index}`);
    const type = recordType(record);
    switch (type) {
      case 'register_broker':
        this.registerBroker(record.register_broker!, index);
        break;
      case 'broker_fenced':
        this.setFenced(record.broker_fenced!, true);
        break;
      case 'broker_unfenced':
        this.setFenced(record.broker_unfenced!, false);
        break;
      case 'topic_created':
        this.topicCreated(record.topic_created!);
        break;
      case 'topic_deleted':
        this.topicDeleted(record.topic_deleted!);
        break;
      case 'partition_changed':
        this.partitionChanged(record.partition_changed!);
        break;
      case 'config_changed':
        this.configChanged(record.config_changed!);
        break;
      case 'producer_ids_allocated':
        this.producerIdsAllocated(record.producer_ids_allocated!);
        break;
    }
    this.appliedIndex = index;
  }

  build(): MetadataImage {
    let topicsById = this.base.topicsById;
    let topicsByName = this.base.topicsByName;
    if (this.touched.size > 0 || this.deletedIds.size > 0) {
      const byId = new Map(topicsById);
      const byName = new Map(topicsByName);
      for (const id of this.deletedIds) byId.delete(id);
      for (const name of this.deletedNames) byName.delete(name);
      for (const t of this.touched.values()) {
        const image: TopicImage = Object.freeze({
          id: t.id,
          idString: t.idString,
          name: t.name,
          internal: t.internal,
          configs: new Map(t.configs),
          partitions: Object.freeze([...t.partitions]),
        });
        byId.set(t.idString, image);
        byName.set(t.name, image);
      }
      topicsById = byId;
      topicsByName = byName;
    }
    return Object.freeze({
      clusterId: this.base.clusterId,
      brokers: this.brokers ?? this.base.brokers,
      topicsById,
      topicsByName,
      nextProducerId: this.nextProducerId,
      brokerConfigs: this.brokerConfigs ?? this.base.brokerConfigs,
      appliedIndex: this.appliedIndex,
    });
  }

  // -------------------------------------------------------------------------------------------
  // The current view (base + this delta)

  private broker(id: number): BrokerRegistration | undefined {
    return (this.brokers ?? this.base.brokers).get(id);
  }

  private topicByIdString(idString: string): MutableTopic | TopicImage | undefined {
    const t = this.touched.get(idString);
    if (t !== undefined) return t;
    if (this.deletedIds.has(idString)) return undefined;
    return this.base.topicsById.get(idString);
  }

  private nameTaken(name: string): boolean {
    for (const t of this.touched.values()) if (t.name === name) return true;
    return !this.deletedNames.has(name) && this.base.topicsByName.has(name);
  }

  /** The topic as a mutable copy owned by this delta (copied on first touch). */
  private mutableTopic(idString: string, what: string): MutableTopic {
    const touched = this.touched.get(idString);
    if (touched !== undefined) return touched;
    const base = this.deletedIds.has(idString) ? undefined : this.base.topicsById.get(idString);
    assert(base !== undefined, `${what} for unknown topic ${idString}`);
    const copy: MutableTopic = {
      id: base.id,
      idString: base.idString,
      name: base.name,
      internal: base.internal,
      configs: new Map(base.configs),
      partitions: [...base.partitions],
    };
    this.touched.set(idString, copy);
    return copy;
  }

  private writableBrokers(): Map<number, BrokerRegistration> {
    this.brokers ??= new Map(this.base.brokers);
    return this.brokers;
  }

  // -------------------------------------------------------------------------------------------
  // Records

  private registerBroker(r: RegisterBrokerRecord__Output, index: number): void {
    assert(Number.isInteger(r.broker_id) && r.broker_id >= 0, `RegisterBroker with broker id ${r.broker_id}`);
    assert(r.incarnation_id !== '', `RegisterBroker ${r.broker_id} without an incarnation id`);
    for (const e of r.endpoints) assert(e.host !== '' && e.port > 0 && e.port <= 65535, `RegisterBroker ${r.broker_id} with endpoint ${e.host}:${e.port}`);
    // A re-registration (a restart: new incarnation) replaces the old registration.
    this.writableBrokers().set(
      r.broker_id,
      Object.freeze({
        id: r.broker_id,
        incarnationId: r.incarnation_id,
        endpoints: Object.freeze(r.endpoints.map((e) => Object.freeze({ name: e.name, host: e.host, port: e.port }))),
        rack: r.rack,
        fenced: r.fenced,
        epoch: index,
      }),
    );
  }

  private setFenced(r: BrokerFencedRecord__Output, fenced: boolean): void {
    const b = this.broker(r.broker_id);
    assert(b !== undefined, `${fenced ? 'BrokerFenced' : 'BrokerUnfenced'} for unregistered broker ${r.broker_id}`);
    assert(b.incarnationId === r.incarnation_id, `${fenced ? 'BrokerFenced' : 'BrokerUnfenced'} for broker ${r.broker_id} names incarnation ${r.incarnation_id}, registered is ${b.incarnationId}`);
    this.writableBrokers().set(r.broker_id, Object.freeze({ ...b, fenced }));
  }

  private topicCreated(r: TopicCreatedRecord__Output): void {
    assert(r.topic_id.length === 16, `TopicCreated with a topic id of ${r.topic_id.length} bytes`);
    assert(r.name !== '', 'TopicCreated without a name');
    const idString = topicIdToString(r.topic_id);
    assert(this.topicByIdString(idString) === undefined && !this.deletedIds.has(idString), `TopicCreated reuses topic id ${idString}`);
    assert(!this.nameTaken(r.name), `TopicCreated for existing topic name ${r.name}`);
    this.touched.set(idString, {
      // A copy: decoded bytes may be views into a larger buffer (the whole log entry).
      id: Buffer.from(r.topic_id),
      idString,
      name: r.name,
      internal: r.internal,
      configs: new Map(Object.entries(r.configs)),
      partitions: [],
    });
  }

  private topicDeleted(r: TopicDeletedRecord__Output): void {
    assert(r.topic_id.length === 16, `TopicDeleted with a topic id of ${r.topic_id.length} bytes`);
    const idString = topicIdToString(r.topic_id);
    const topic = this.topicByIdString(idString);
    assert(topic !== undefined, `TopicDeleted for unknown topic ${idString}`);
    assert(topic.name === r.name, `TopicDeleted names ${r.name}, topic ${idString} is ${topic.name}`);
    this.touched.delete(idString);
    if (this.base.topicsById.has(idString)) {
      this.deletedIds.add(idString);
      this.deletedNames.add(r.name);
    }
  }

  private partitionChanged(r: PartitionChangedRecord__Output): void {
    assert(r.topic_id.length === 16, `PartitionChanged with a topic id of ${r.topic_id.length} bytes`);
    const topic = this.mutableTopic(topicIdToString(r.topic_id), 'PartitionChanged');
    const where = `PartitionChanged ${topic.name}-${r.partition}`;
    assert(Number.isInteger(r.partition) && r.partition >= 0 && r.partition <= topic.partitions.length, `${where}: partitions are created in order (topic has ${topic.partitions.length})`);
    assert(r.replicas.length > 0, `${where}: no replicas`);
    assert(new Set(r.replicas).size === r.replicas.length, `${where}: duplicate replicas ${r.replicas.join(',')}`);
    for (const id of r.replicas) assert(this.broker(id) !== undefined, `${where}: replica ${id} is not a registered broker`);
    assert(new Set(r.isr).size === r.isr.length, `${where}: duplicate ISR members ${r.isr.join(',')}`);
    for (const id of r.isr) assert(r.replicas.includes(id), `${where}: ISR member ${id} is not a replica`);
    assert(r.leader_id === NO_LEADER || r.isr.includes(r.leader_id), `${where}: leader ${r.leader_id} is not in the ISR`);
    assert(r.leader_epoch >= 0 && r.partition_epoch >= 0, `${where}: negative epoch`);
    const old = topic.partitions[r.partition];
    if (old !== undefined) {
      assert(r.partition_epoch > old.partitionEpoch, `${where}: partition epoch ${r.partition_epoch} does not follow ${old.partitionEpoch}`);
      assert(r.leader_epoch >= old.leaderEpoch, `${where}: leader epoch ${r.leader_epoch} goes back from ${old.leaderEpoch}`);
      assert(r.leader_id === old.leaderId || r.leader_epoch > old.leaderEpoch, `${where}: leader changed without a new leader epoch`);
    }
    topic.partitions[r.partition] = Object.freeze({
      replicas: Object.freeze([...r.replicas]),
      leaderId: r.leader_id,
      leaderEpoch: r.leader_epoch,
      isr: Object.freeze([...r.isr]),
      partitionEpoch: r.partition_epoch,
    });
  }

  private configChanged(r: ConfigChangedRecord__Output): void {
    if (r.topic_id.length === 0) {
      // A broker's dynamic configs.
      this.brokerConfigs ??= new Map(this.base.brokerConfigs);
      const configs = new Map(this.brokerConfigs.get(r.broker_id) ?? []);
      for (const key of r.deleted) {
        assert(!Object.hasOwn(r.set, key), `ConfigChanged both sets and deletes ${key}`);
        configs.delete(key);
      }
      for (const [key, value] of Object.entries(r.set)) configs.set(key, value);
      if (configs.size === 0) this.brokerConfigs.delete(r.broker_id);
      else this.brokerConfigs.set(r.broker_id, configs);
      return;
    }
    assert(r.topic_id.length === 16, `ConfigChanged with a topic id of ${r.topic_id.length} bytes`);
    const topic = this.mutableTopic(topicIdToString(r.topic_id), 'ConfigChanged');
    for (const key of r.deleted) {
      assert(!Object.hasOwn(r.set, key), `ConfigChanged both sets and deletes ${key}`);
      topic.configs.delete(key);
    }
    for (const [key, value] of Object.entries(r.set)) topic.configs.set(key, value);
  }

  private producerIdsAllocated(r: ProducerIdsAllocatedRecord__Output): void {
    const first = int64ToNumber(r.first_producer_id, 'first_producer_id');
    assert(first === this.nextProducerId, `ProducerIdsAllocated from ${first}, next is ${this.nextProducerId}`);
    assert(Number.isInteger(r.block_size) && r.block_size > 0, `ProducerIdsAllocated of ${r.block_size} ids`);
    this.nextProducerId = first + r.block_size;
  }
}

/** The pure transition: the image after `record` is applied at `index` (= image.appliedIndex + 1). */
export function apply(image: MetadataImage, record: MetadataRecord__Output, index: number): MetadataImage {
  const delta = new ImageDelta(image);
  delta.replay(record, index);
  return delta.build();
}

/** apply() over consecutive entries, copying what they touch once. */
export function applyAll(image: MetadataImage, entries: Iterable<MetadataLogEntry>): MetadataImage {
  const delta = new ImageDelta(image);
  for (const e of entries) delta.replay(e.record, e.index);
  return delta.build();
}
