// An in-memory stand-in for a node's durable storage: exactly what the Ready contract says to
// persist, nothing more. A crashed node restarts from initialState(), so whatever the core held in
// memory but never handed out in a persisted Ready is gone, as after a real crash.
import type { Entry, HardState, InitialState, NodeId, Ready, Snapshot } from '../core/types.js';

export class MemoryStorage {
  hardState: HardState = { term: 0, vote: 0, commit: 0 };
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];

  /** Step 1 of the IO contract: persist a Ready's hard state, snapshot and entries (one write). */
  persist(rd: Pick<Ready, 'hardState' | 'snapshot' | 'entries'>): void {
    if (rd.snapshot !== undefined) {
      // A snapshot from the leader replaces the whole log: entries after it belong to the old log.
      this.snapshot = rd.snapshot;
      this.entries = [];
    }
    const snapIndex = this.snapshot?.meta.index ?? 0;
    // Entries the driver's own snapshot already covers are committed and applied: nothing to write.
    const entries = rd.entries.length > 0 && rd.entries[0]!.index <= snapIndex ? rd.entries.filter((e) => e.index > snapIndex) : rd.entries;
    if (entries.length > 0) {
      const first = entries[0]!.index;
      if (first <= snapIndex || first > this.lastIndex() + 1) {
        throw new Error(`storage: entries from ${first} do not attach to the stored log (snapshot ${snapIndex}, last ${this.lastIndex()})`);
      }
      this.entries.length = first - snapIndex - 1;
      for (const e of entries) this.entries.push(e);
    }
    if (rd.hardState !== undefined) this.hardState = rd.hardState;
  }

  /** The driver's own snapshot of its state machine (after compact()): drop what it covers. */
  compact(snapshot: Snapshot): void {
    if (snapshot.meta.index <= (this.snapshot?.meta.index ?? 0)) return;
    this.snapshot = snapshot;
    this.entries = this.entries.filter((e) => e.index > snapshot.meta.index);
  }

  lastIndex(): number {
    return (this.snapshot?.meta.index ?? 0) + this.entries.length;
  }

  initialState(bootstrapVoters: readonly NodeId[]): InitialState {
    const s: InitialState = { hardState: this.hardState, entries: [...this.entries], bootstrapVoters };
    return this.snapshot === undefined ? s : { ...s, snapshot: this.snapshot };
  }

  clone(): MemoryStorage {
    const c = new MemoryStorage();
    c.hardState = this.hardState;
    c.snapshot = this.snapshot;
    c.entries = [...this.entries];
    return c;
  }
}
