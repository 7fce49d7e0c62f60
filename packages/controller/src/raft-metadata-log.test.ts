// Proves the metadata log on the Raft quorum: three voters in one process, each with its own gRPC
// server and LevelDB storage, elect an active controller; its appends reach every voter's image
// with the same metadata offsets and the same image hash; a follower's append is refused with
// NOT_CONTROLLER naming the leader; when the leader stops (handing leadership over), another voter
// leads and appends continue; a restarted voter comes back with the whole image. A node opened with
// `join` bootstraps no configuration, is added (addVoter: answered once committed, after checking
// who answers at the address) and catches up, then is removed; bad changes get typed errors and
// leave the voters as they were.
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

async function startMember(id: number, voters: Map<number, string>, options: { join?: boolean; address?: string; clusterId?: string } = {}): Promise<Member> {
  const server = new grpc.Server();
  const log = await RaftMetadataLog.open({
    dataDir: join(root, `node-${id}`),
    nodeId: id,
    clusterId: options.clusterId ?? 'test-cluster',
    voters,
    server,
    logger,
    raft: FAST_RAFT,
    ...(options.join === true ? { join: true } : {}),
  });
  const address = options.address ?? voters.get(id)!;
  await new Promise<void>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
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

  it('adds a node that joins with no configuration of its own, and removes it', async () => {
    root = mkdtempSync(join(tmpdir(), 'samsa-raft-metadata-'));
    const voters = new Map<number, string>();
    for (const id of [1, 2, 3]) voters.set(id, `127.0.0.1:${await freePort()}`);
    members = await Promise.all([1, 2, 3].map((id) => startMember(id, voters)));
    await waitFor(() => leaderOf(members) !== undefined, 'an active controller');
    const leader = leaderOf(members)!;
    await leader.log.append([Records.topicCreated({ name: 'a', topicId: newTopicId() })]);

    // A joining node needs the cluster's id, and some voter other than itself to reach.
    await expect(RaftMetadataLog.open({ dataDir: join(root, 'no-id'), nodeId: 4, voters, server: new grpc.Server(), logger, join: true })).rejects.toThrow(/needs the cluster's id/);
    await expect(RaftMetadataLog.open({ dataDir: join(root, 'alone'), nodeId: 4, clusterId: 'test-cluster', voters: new Map([[4, '127.0.0.1:1']]), server: new grpc.Server(), logger, join: true })).rejects.toThrow(/at least one voter other than itself/);

    const address4 = `127.0.0.1:${await freePort()}`;
    const four = await startMember(4, voters, { join: true, address: address4 });
    members.push(four);
    expect(four.log.status().voters).toEqual([]);
    expect(four.log.appliedIndex).toBe(0);

    const follower = members.find((m) => m !== leader && m.id !== 4)!;
    await expect(follower.log.addVoter(4, address4)).rejects.toMatchObject({ code: 'NOT_CONTROLLER', details: { controllerId: leader.id } });
    await expect(leader.log.addVoter(5, address4)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/is node 4, not node 5/) });
    await expect(leader.log.addVoter(follower.id, voters.get(follower.id)!)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/already a voter/) });
    await expect(leader.log.addVoter(0, address4)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(leader.log.removeVoter(7)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/not a voter/) });
    expect(leader.log.status().voters.map((v) => v.id)).toEqual([1, 2, 3]);

    const added = await leader.log.addVoter(4, address4);
    expect(added.map((v) => v.id)).toEqual([1, 2, 3, 4]);
    expect(added.find((v) => v.id === 4)?.address).toBe(address4);
    await waitFor(() => four.log.appliedIndex === leader.log.appliedIndex && four.log.status().voters.length === 4, 'node 4 to catch up');
    expect(imageHash(four.log.image)).toBe(imageHash(leader.log.image));
    expect(four.log.leaderId()).toBe(leader.id);
    // Four voters commit.
    await leader.log.append([Records.topicCreated({ name: 'b', topicId: newTopicId() })]);
    await waitFor(() => four.log.image.topicsByName.has('b'), 'node 4 to apply b');

    const left = await leader.log.removeVoter(4);
    expect(left.map((v) => v.id)).toEqual([1, 2, 3]);
    await waitFor(() => members.filter((m) => m.id !== 4).every((m) => m.log.status().voters.length === 3), 'three voters everywhere');
    await leader.log.append([Records.topicCreated({ name: 'c', topicId: newTopicId() })]);
  });
});
