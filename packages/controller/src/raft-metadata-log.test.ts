// Proves the metadata log on the Raft quorum: three voters in one process, each with its own gRPC
// server and LevelDB storage, elect an active controller; its appends reach every voter's image
// with the same metadata offsets and the same image hash; a follower's append is refused with
// NOT_CONTROLLER naming the leader; when the leader stops (handing leadership over), another voter
// leads and appends continue; a restarted voter comes back with the whole image.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { newTopicId } from '@samsa/protocol';
import { imageHash } from './image-codec.js';
import { RaftMetadataLog } from './raft-metadata-log.js';
import { Records } from './records.js';

const logger = pino({ level: 'silent' });
const FAST_RAFT = { tickMs: 20, electionTicks: 10 };

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Member {
  id: number;
  log: RaftMetadataLog;
  server: grpc.Server;
}

let root: string;
let members: Member[] = [];

async function startMember(id: number, voters: Map<number, string>): Promise<Member> {
  const server = new grpc.Server();
  const log = await RaftMetadataLog.open({ dataDir: join(root, `node-${id}`), nodeId: id, clusterId: 'test-cluster', voters, server, logger, raft: FAST_RAFT });
  await new Promise<void>((resolve, reject) => server.bindAsync(voters.get(id)!, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  return { id, log, server };
}

async function stopMember(m: Member): Promise<void> {
  await m.log.close();
  m.server.forceShutdown();
}

afterEach(async () => {
  await Promise.all(members.map((m) => stopMember(m).catch(() => {})));
  members = [];
  if (root) rmSync(root, { recursive: true, force: true });
});

const leaderOf = (ms: Member[]): Member | undefined => ms.find((m) => m.log.isLeader());

describe('RaftMetadataLog', () => {
  it('replicates appends to every voter, fails over, and restores after a restart', async () => {
    root = mkdtempSync(join(tmpdir(), 'samsa-raft-metadata-'));
    const voters = new Map<number, string>();
    for (const id of [1, 2, 3]) voters.set(id, `127.0.0.1:${await freePort()}`);
    members = await Promise.all([1, 2, 3].map((id) => startMember(id, voters)));
    await waitFor(() => leaderOf(members) !== undefined, 'an active controller');
    const leader = leaderOf(members)!;

    const offset = await leader.log.append([Records.topicCreated({ name: 'a', topicId: newTopicId() })]);
    expect(offset).toBe(1);
    await waitFor(() => members.every((m) => m.log.appliedIndex === 1), 'every voter to apply offset 1');
    expect(new Set(members.map((m) => imageHash(m.log.image))).size).toBe(1);
    expect(members.every((m) => m.log.leaderId() === leader.id)).toBe(true);

    const follower = members.find((m) => m !== leader)!;
    await expect(follower.log.append([Records.topicCreated({ name: 'b', topicId: newTopicId() })])).rejects.toMatchObject({ code: 'NOT_CONTROLLER' });

    // The leader stops: it hands leadership over; the others go on.
    await stopMember(leader);
    const rest = members.filter((m) => m !== leader);
    await waitFor(() => leaderOf(rest) !== undefined, 'a new active controller');
    const next = leaderOf(rest)!;
    expect(await next.log.append([Records.topicCreated({ name: 'b', topicId: newTopicId() })])).toBe(2);
    const replayed: number[] = [];
    for await (const e of next.log.replay(1)) replayed.push(e.index);
    expect(replayed).toEqual([1, 2]);

    // The stopped voter restarts and catches up.
    const back = await startMember(leader.id, voters);
    members = [...rest, back];
    await waitFor(() => back.log.appliedIndex === 2, 'the restarted voter to catch up');
    expect(imageHash(back.log.image)).toBe(imageHash(next.log.image));
    expect([...back.log.image.topicsByName.keys()].sort()).toEqual(['a', 'b']);
  });
});
