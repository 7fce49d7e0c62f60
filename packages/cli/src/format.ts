// Output formats. JSON lines for consumed records: key, value and header values are UTF-8 strings
// when their bytes are valid UTF-8, otherwise an object {"base64": "..."} (so a script can tell a
// string from bytes with one typeof check); null stays null.
import { isUtf8 } from 'node:buffer';
import type { ElectLeadersPartitionResult, ElectionType, KafkaMessage, PartitionDescription, TopicDescription } from '@samsa/client';

export type JsonBytes = string | { base64: string } | null;

export function bytesToJson(b: Buffer | null): JsonBytes {
  if (b === null) return null;
  return isUtf8(b) ? b.toString('utf8') : { base64: b.toString('base64') };
}

export interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: JsonBytes;
  value: JsonBytes;
  headers: Record<string, JsonBytes | JsonBytes[]>;
}

export function recordToJson(topic: string, partition: number, message: KafkaMessage): JsonRecord {
  const headers: Record<string, JsonBytes | JsonBytes[]> = {};
  for (const [k, v] of Object.entries(message.headers)) {
    headers[k] = Array.isArray(v) ? (v as (Buffer | null)[]).map(bytesToJson) : bytesToJson(v as Buffer | null);
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: bytesToJson(message.key),
    value: bytesToJson(message.value),
    headers,
  };
}

/** One JSON line for a consumed record. */
export const formatJsonRecord = (topic: string, partition: number, message: KafkaMessage): string => `${JSON.stringify(recordToJson(topic, partition, message))}\n`;

/** A text line: the value, or key, separator and value; a null key or value prints as "null". */
export function formatTextRecord(message: KafkaMessage, printKey: boolean, separator: string): Buffer {
  const value = message.value ?? Buffer.from('null');
  if (!printKey) return Buffer.concat([value, Buffer.from('\n')]);
  return Buffer.concat([message.key ?? Buffer.from('null'), Buffer.from(separator, 'utf8'), value, Buffer.from('\n')]);
}

/**
 * Each replica's log end offset as the leader last saw it: `1:1000*,2:1000*,3:950`, `*` marking
 * the in-sync replicas and `?` an offset the leader does not know yet; `unknown` when the leader
 * did not answer.
 */
export function formatReplicaLogEndOffsets(p: PartitionDescription): string {
  if (p.replicaStates.length === 0) return 'unknown';
  return p.replicaStates.map((r) => `${r.brokerId}:${r.logEndOffset === '-1' ? '?' : r.logEndOffset}${r.inSync ? '*' : ''}`).join(',');
}

/** `topics describe` as Kafka's kafka-topics.sh prints it: a topic line, then a line per partition. */
export function formatTopicDescription(t: TopicDescription): string {
  const rf = t.partitions[0]?.replicas.length ?? 0;
  const overrides = t.configs.filter((c) => !c.isDefault).map((c) => `${c.name}=${c.value}`);
  const lines = [`Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${overrides.join(',')}`];
  for (const p of t.partitions) {
    const error = p.errorCode === 'NONE' ? '' : `\tError: ${p.errorCode}`;
    lines.push(
      `\tPartition: ${p.partitionId}\tLeader: ${p.leader}\tLeaderEpoch: ${p.leaderEpoch}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}` +
        `\tLogStartOffset: ${p.logStartOffset}\tHighWatermark: ${p.highWatermark}\tLogEndOffset: ${p.logEndOffset}` +
        `\tReplicaLogEndOffsets: ${formatReplicaLogEndOffsets(p)}\tSizeBytes: ${p.sizeBytes}${error}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** How one partition's election ended, in the words the CLI prints. */
export type ElectionOutcome = 'moved' | 'elected' | 'not needed' | 'not available' | 'failed';

export function electionOutcome(r: ElectLeadersPartitionResult, type: ElectionType): ElectionOutcome {
  switch (r.errorCode) {
    case 'NONE':
      return type === 'unclean' ? 'elected' : 'moved';
    case 'ELECTION_NOT_NEEDED':
      return 'not needed';
    case 'PREFERRED_LEADER_NOT_AVAILABLE':
    case 'ELIGIBLE_LEADERS_NOT_AVAILABLE':
      return 'not available';
    default:
      return 'failed';
  }
}

/**
 * An election's results in the style of `topics describe`: a line per partition (its outcome,
 * the leader and epoch after it, and why when it did not move), then a count of each outcome.
 */
export function formatElectionResults(results: readonly ElectLeadersPartitionResult[], type: ElectionType): string {
  const lines = results.map((r) => {
    const outcome = electionOutcome(r, type);
    const where = r.partition < 0 ? `Topic: ${r.topic}` : `Topic: ${r.topic}\tPartition: ${r.partition}`;
    const leader = r.partition < 0 ? '' : `\tLeader: ${r.leader}\tLeaderEpoch: ${r.leaderEpoch}`;
    const why = outcome === 'moved' || outcome === 'elected' || outcome === 'not needed' ? '' : `\tReason: ${r.errorCode}${r.errorMessage === '' ? '' : `: ${r.errorMessage}`}`;
    return `${where}\tResult: ${outcome}${leader}${why}`;
  });
  const counts = new Map<ElectionOutcome, number>();
  for (const r of results) counts.set(electionOutcome(r, type), (counts.get(electionOutcome(r, type)) ?? 0) + 1);
  const order: ElectionOutcome[] = [type === 'unclean' ? 'elected' : 'moved', 'not needed', 'not available', 'failed'];
  const summary = order.filter((o) => o === order[0] || (counts.get(o) ?? 0) > 0).map((o) => `${o}: ${counts.get(o) ?? 0}`);
  lines.push(`${type} election: ${results.length === 0 ? 'no partitions' : summary.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
