// Proves that LevelRaftStorage keeps the Raft state the core hands it: hard state, entries and the
// bootstrap voters survive close and reopen; entries replace a conflicting suffix; a snapshot from
// the leader replaces the whole log, a snapshot taken locally (compaction) keeps the entries after
// it; a large snapshot is chunked and a smaller one leaves no stale chunk behind; the identity is
// checked, or re-created when the state was lost (a new directory id that `replaces` the old). Each
// test uses a real LevelDB database in a temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntryType } from '../core/types.js';
import type { Entry, Snapshot } from '../core/types.js';
import { IDENTITY_KEY } from './codec.js';
import { LevelRaftStorage } from './level-storage.js';
import type { LevelRaftStorageOptions } from './level-storage.js';
import { RaftStorageError } from './storage.js';

const logger = pino({ level: 'silent' });

const entry = (index: number, term: number, text = `e${index}@${term}`): Entry => ({ index, term, type: EntryType.NORMAL, data: Buffer.from(text) });
const entries = (from: number, to: number, term: number): Entry[] => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term));
const snapshot = (index: number, term: number, data: Uint8Array = Buffer.from(`image@${index}`)): Snapshot => ({ meta: { index, term, voters: [1, 2, 3] }, data });
const summary = (list: readonly Entry[]): string[] => list.map((e) => `${e.index}@${e.term}:${Buffer.from(e.data).toString()}`);

let dir: string;
let path: string;
const open = (extra: Partial<LevelRaftStorageOptions> = {}): Promise<LevelRaftStorage> => LevelRaftStorage.open({ path, nodeId: 1, clusterId: 'cluster-a', logger, ...extra });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-raft-storage-'));
  path = join(dir, 'metadata');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LevelRaftStorage: log and hard state', () => {
  it('round-trips hard state and entries across a reopen', async () => {
    const a = await open();
    const fresh = await a.load();
    expect(fresh.hardState).toEqual({ term: 0, vote: 0, commit: 0 });
    expect(fresh.entries).toEqual([]);
    expect(fresh.snapshot).toBeUndefined();
    await a.persist({ hardState: { term: 2, vote: 3, commit: 1 }, entries: [...entries(1, 2, 1), { index: 3, term: 2, type: EntryType.EMPTY, data: new Uint8Array() }] });
    await a.persist({ hardState: { term: 2, vote: 3, commit: 3 }, entries: [] });
    await a.close();
    await a.close();

    const b = await open();
    const state = await b.load();
    expect(state.identity).toEqual(a.identity);
    expect(state.hardState).toEqual({ term: 2, vote: 3, commit: 3 });
    expect(state.entries.map((e) => [e.index, e.term, e.type])).toEqual([[1, 1, 'normal'], [2, 1, 'normal'], [3, 2, 'empty']]);
    expect(summary(state.entries.slice(0, 2))).toEqual(['1@1:e1@1', '2@1:e2@1']);
    await b.close();
  });

  it('records the bootstrap voters', async () => {
    const s = await open();
    expect((await s.load()).bootstrapRecorded).toBe(false);
    await s.recordBootstrapVoters([1, 2, 3]);
    await s.close();
    const r = await open();
    const state = await r.load();
    expect(state).toMatchObject({ bootstrapVoters: [1, 2, 3], bootstrapRecorded: true });
    await r.close();
  });

  it('replaces the stored suffix from the first index of new entries', async () => {
    const s = await open();
    await s.load();
    await s.persist({ hardState: { term: 1, vote: 1, commit: 0 }, entries: entries(1, 5, 1) });
    await s.persist({ hardState: { term: 2, vote: 2, commit: 2 }, entries: entries(3, 4, 2) });
    await s.close();
    const reopened = await open();
    const state = await reopened.load();
    expect(summary(state.entries)).toEqual(['1@1:e1@1', '2@1:e2@1', '3@2:e3@2', '4@2:e4@2']);
    // Appending after a truncation continues from the new end.
    await reopened.persist({ entries: entries(5, 6, 2) });
    await reopened.close();
    const again = await open();
    expect(summary((await again.load()).entries)).toEqual(['1@1:e1@1', '2@1:e2@1', '3@2:e3@2', '4@2:e4@2', '5@2:e5@2', '6@2:e6@2']);
    await again.close();
  });

  it('refuses entries that would leave a gap (a core bug)', async () => {
    const s = await open();
    await s.load();
    await s.persist({ entries: entries(1, 2, 1) });
    await expect(s.persist({ entries: entries(4, 4, 1) })).rejects.toThrow(/assertion failed/);
    await s.close();
  });
});

describe('LevelRaftStorage: snapshots', () => {
  it('a received snapshot past the log replaces the whole log', async () => {
    const s = await open();
    await s.load();
    await s.persist({ hardState: { term: 1, vote: 1, commit: 3 }, entries: entries(1, 5, 1) });
    await s.persist({ hardState: { term: 3, vote: 0, commit: 8 }, snapshot: snapshot(8, 3), entries: [entry(9, 3)] });
    await s.close();
    const state = await (async () => {
      const r = await open();
      const st = await r.load();
      await r.close();
      return st;
    })();
    expect(state.snapshot?.meta).toEqual({ index: 8, term: 3, voters: [1, 2, 3] });
    expect(Buffer.from(state.snapshot!.data).toString()).toBe('image@8');
    expect(summary(state.entries)).toEqual(['9@3:e9@3']);
    expect(state.hardState.commit).toBe(8);
  });

  it('a received snapshot inside the log replaces the whole log too, as the core does', async () => {
    const s = await open();
    await s.load();
    await s.persist({ entries: entries(1, 5, 1) });
    await s.persist({ snapshot: snapshot(3, 2), entries: [entry(4, 2)] });
    await s.close();
    const r = await open();
    const state = await r.load();
    expect(state.snapshot?.meta).toMatchObject({ index: 3, term: 2 });
    expect(summary(state.entries)).toEqual(['4@2:e4@2']);
    await r.persist({ entries: entries(5, 5, 2) });
    await r.close();
  });

  it('compaction deletes the covered entries; a large snapshot is chunked and a smaller one leaves no stale chunk', async () => {
    const s = await open();
    await s.load();
    await s.persist({ hardState: { term: 1, vote: 1, commit: 10 }, entries: entries(1, 10, 1) });
    const big = Buffer.alloc(3.5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    await s.compact(snapshot(6, 1, big));
    await s.close();

    const r = await open();
    const state = await r.load();
    expect(state.snapshot?.meta.index).toBe(6);
    expect(Buffer.from(state.snapshot!.data).equals(big)).toBe(true);
    expect(summary(state.entries)).toEqual(['7@1:e7@1', '8@1:e8@1', '9@1:e9@1', '10@1:e10@1']);
    await r.compact(snapshot(9, 1, Buffer.from('small')));
    await r.close();

    // Count what is left in the database: entry 10, and the meta records with one snapshot chunk.
    const db = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const keys = await db.keys().all();
    await db.close();
    const chunkKeys = keys.filter((k) => k.toString('latin1').includes('raft/snapshot/'));
    const entryKeys = keys.filter((k) => k[0] !== 0xff);
    expect(chunkKeys).toHaveLength(1);
    expect(entryKeys).toHaveLength(1);

    const last = await open();
    const after = await last.load();
    expect(Buffer.from(after.snapshot!.data).toString()).toBe('small');
    expect(summary(after.entries)).toEqual(['10@1:e10@1']);
    await last.close();
  });

  it('an empty snapshot (an empty state machine) round-trips', async () => {
    const s = await open();
    await s.load();
    await s.persist({ entries: entries(1, 2, 1) });
    await s.compact(snapshot(2, 1, new Uint8Array()));
    await s.close();
    const r = await open();
    const state = await r.load();
    expect(state.snapshot?.data.byteLength).toBe(0);
    expect(state.entries).toEqual([]);
    await r.close();
  });
});

describe('LevelRaftStorage: identity', () => {
  it('keeps its directory id across reopens and refuses another node or cluster', async () => {
    const s = await open();
    const { identity } = s;
    expect(identity).toMatchObject({ clusterId: 'cluster-a', nodeId: 1 });
    expect(identity.directoryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity.replaces).toBeUndefined();
    await s.close();

    const again = await open({ recorded: { clusterId: 'cluster-a', nodeId: 1, directoryId: identity.directoryId } });
    expect(again.identity).toEqual(identity);
    await again.close();

    await expect(open({ nodeId: 2 })).rejects.toMatchObject({ name: 'RaftStorageError', reason: 'identity-mismatch' });
    await expect(open({ clusterId: 'cluster-b' })).rejects.toMatchObject({ reason: 'identity-mismatch' });
    await expect(open({ recorded: { clusterId: 'cluster-a', nodeId: 1, directoryId: 'another' } })).rejects.toMatchObject({ reason: 'identity-mismatch' });
  });

  it('adopts a cluster id it did not have', async () => {
    const s = await open({ clusterId: undefined });
    expect(s.identity.clusterId).toBe('');
    await s.close();
    const r = await open({ clusterId: 'cluster-z' });
    expect(r.identity).toMatchObject({ clusterId: 'cluster-z', directoryId: s.identity.directoryId });
    await r.close();
  });

  it('a lost database under a formatted directory comes back as a new incarnation that replaces the old', async () => {
    const s = await open();
    await s.load();
    await s.persist({ hardState: { term: 7, vote: 2, commit: 0 }, entries: entries(1, 1, 7) });
    const old = s.identity;
    await s.close();
    await rm(path, { recursive: true, force: true });

    const recorded = { clusterId: old.clusterId, nodeId: 1, directoryId: old.directoryId };
    const r = await open({ recorded });
    expect(r.identity.directoryId).not.toBe(old.directoryId);
    expect(r.identity).toMatchObject({ clusterId: 'cluster-a', nodeId: 1, replaces: old.directoryId });
    const state = await r.load();
    expect(state.hardState.term).toBe(0);
    await r.close();

    // The replacement is remembered: the new directory id is now the recorded one, and `replaces` stays.
    const again = await open({ recorded: { ...recorded, directoryId: r.identity.directoryId } });
    expect(again.identity).toEqual(r.identity);
    await again.close();
  });

  it('refuses a database that is in use, or that was written by the single-voter metadata log', async () => {
    const s = await open();
    await expect(open()).rejects.toMatchObject({ reason: 'in-use' });
    await s.close();

    const otherPath = join(dir, 'old-metadata');
    const db = new Level<Buffer, Buffer>(otherPath, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const key = Buffer.alloc(8);
    key.writeBigUInt64BE(1n);
    await db.batch([
      { type: 'put', key: IDENTITY_KEY, value: Buffer.from(JSON.stringify({ clusterId: 'cluster-a', nodeId: 1, directoryId: 'd-1' })) },
      { type: 'put', key, value: Buffer.from([0x0a, 0x02, 0x08, 0x01]) },
    ]);
    await db.close();
    const err = await LevelRaftStorage.open({ path: otherPath, nodeId: 1, logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RaftStorageError);
    expect(err).toMatchObject({ reason: 'unsupported-format' });
  });

  it('accepts the identity record of the single-voter metadata log when it holds no entries', async () => {
    const db = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.put(IDENTITY_KEY, Buffer.from(JSON.stringify({ clusterId: 'cluster-a', nodeId: 1, directoryId: 'd-1' })));
    await db.close();
    const s = await open();
    expect(s.identity).toEqual({ clusterId: 'cluster-a', nodeId: 1, directoryId: 'd-1' });
    await s.close();
  });
});
