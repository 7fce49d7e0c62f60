// The voter configuration. Thesis §4.1: "a server always uses the latest configuration in its log,
// regardless of whether the entry is committed". So the configuration is a function of the log: the
// voters of the last CONF_CHANGE entry, or, before any, those of the snapshot (or the bootstrap set).
// When a conflicting suffix is truncated, the configuration falls back to the last change before it.
import { decodeConfChange } from './confchange.js';
import type { Entry, NodeId, RaftLogger } from './types.js';

interface ConfigAt {
  /** Index of the entry (or snapshot) that set this configuration. */
  readonly index: number;
  readonly voters: readonly NodeId[];
}

const sorted = (voters: readonly NodeId[]): readonly NodeId[] => Object.freeze([...new Set(voters)].sort((a, b) => a - b));

export class Membership {
  /** The configuration as of the snapshot (or the bootstrap set at index 0). */
  private base: ConfigAt;
  /** One per CONF_CHANGE entry still in the log, ascending by index. */
  private changes: ConfigAt[] = [];
  private readonly logger: RaftLogger;

  constructor(baseIndex: number, voters: readonly NodeId[], logger: RaftLogger) {
    this.base = { index: baseIndex, voters: sorted(voters) };
    this.logger = logger;
  }

  voters(): readonly NodeId[] {
    return (this.changes.at(-1) ?? this.base).voters;
  }

  isVoter(id: NodeId): boolean {
    return this.voters().includes(id);
  }

  /** Index of the latest CONF_CHANGE entry in the log, 0 when there is none after the snapshot. */
  lastChangeIndex(): number {
    return this.changes.at(-1)?.index ?? 0;
  }

  votersAt(index: number): readonly NodeId[] {
    let voters = this.base.voters;
    for (const c of this.changes) {
      if (c.index > index) break;
      voters = c.voters;
    }
    return voters;
  }

  /** An entry was appended to the log. Returns whether the configuration changed. */
  onAppend(entry: Entry): boolean {
    if (entry.type !== 'conf-change') return false;
    let voters: readonly NodeId[];
    try {
      const change = decodeConfChange(entry.data);
      if (change.voters !== undefined) voters = change.voters;
      else if (change.type === 'add-voter') voters = [...this.voters(), change.nodeId];
      else voters = this.voters().filter((id) => id !== change.nodeId);
    } catch (err) {
      // Only a leader writes these entries, encoded by encodeConfChange; a malformed one means a
      // corrupted log. Keep the configuration rather than crash on it.
      this.logger.error({ err, index: entry.index }, 'malformed conf change entry ignored');
      return false;
    }
    this.changes.push({ index: entry.index, voters: sorted(voters) });
    return true;
  }

  /** Entries from `index` on were removed. Returns whether the configuration changed. */
  truncateFrom(index: number): boolean {
    const before = this.changes.length;
    while (this.changes.length > 0 && this.changes.at(-1)!.index >= index) this.changes.pop();
    return this.changes.length !== before;
  }

  /** Entries up to `index` were compacted into a snapshot. */
  compact(index: number): void {
    this.base = { index, voters: this.votersAt(index) };
    this.changes = this.changes.filter((c) => c.index > index);
  }

  /** The log was replaced by a snapshot. */
  restore(index: number, voters: readonly NodeId[]): void {
    this.base = { index, voters: sorted(voters) };
    this.changes = [];
  }
}
