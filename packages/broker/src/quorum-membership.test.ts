// Proves quorum membership changes through ControllerService (AddVoter / RemoveVoter) on a running
// cluster in one process: three combined nodes form the metadata quorum; a fourth, started with
// controllerQuorumJoin and no cluster id, adopts the quorum's cluster id, bootstraps no
// configuration, and still serves as a broker (following the metadata by watch). Bad requests get
// typed errors (NOT_CONTROLLER with the active controller on a follower, INVALID_REQUEST,
// INCONSISTENT_CLUSTER_ID for a node of another cluster) and change no node's voters. AddVoter(4)
// answers once committed; every node then reports four voters in DescribeQuorum, node 4's metadata
// log catches up to the same image, and the quorum commits (topics created). Leadership moves to
// node 4, which the other brokers find although it is not in their configured voters; node 4 then
// removes itself (it steps down once committed), and a follower is removed; after each change the
// quorum still commits a topic; the removed follower, restarted as it was, comes back as a broker
// that follows the metadata by watch (its own log no longer advances). Waits are bounded polls of real state (a configuration change
// publishes no event) or waits on metadata updates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageHash } from '@samsa/controller';
import type { MetadataLog, RaftMetadataLog } from '@samsa/controller';
import type { ControllerServiceClient, DescribeQuorumResponse__Output } from '@samsa/protocol';
import type * as grpc from '@grpc/grpc-js';
import { brokerInternals } from './broker.js';
import type { Broker } from './broker.js';
import type { BrokerConfig } from './config.js';
import { call, connect, connectController, controllerCall, freePort, startTestBroker, tempDir, waitForImage } from './testing.js';

const LIVENESS: Partial<BrokerConfig> = { brokerSessionTimeoutMs: 1500, brokerHeartbeatIntervalMs: 250 };
const WAIT_MS = 20_000;

const dirs = new Map<number, { path: string; remove: () => Promise<void> }>();
const nodes = new Map<number, Broker>();
const ports = new Map<number, number>();
const clients = new Map<number, ControllerServiceClient>();
let votersConfig = '';

/** Voters 1-3 listen on ports chosen up front (each lists the others); nodes 4 and 5 on port 0. */
const addressOf = (id: number): string => nodes.get(id)?.address ?? `127.0.0.1:${ports.get(id)!}`;
const ctl = (id: number): ControllerServiceClient => {
  let c = clients.get(id);
  if (c === undefined) {
    c = connectController(addressOf(id));
    clients.set(id, c);
  }
  return c;
};
const describeQuorum = (id: number): Promise<DescribeQuorumResponse__Output> => controllerCall(ctl(id), 'DescribeQuorum', {});
const metadataLogOf = (id: number): MetadataLog => brokerInternals(nodes.get(id)!).metadataLog!;
const raftOf = (id: number): RaftMetadataLog['raft'] => (metadataLogOf(id) as RaftMetadataLog).raft;
const voterIds = (r: { voters: { node_id: number }[] }): number[] => r.voters.map((v) => v.node_id).sort((a, b) => a - b);

/** Polls `predicate` (bounded) until it holds; a configuration change publishes no event to await. */
async function waitUntil(predicate: () => Promise<boolean> | boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function activeController(among: readonly number[]): Promise<number> {
  let active = -1;
  await waitUntil(async () => {
    const views = await Promise.all(among.map((id) => describeQuorum(id)));
    const leader = views.find((v) => v.liveness_known);
    active = leader?.node_id ?? -1;
    return leader !== undefined && views.every((v) => v.active_controller_id === active);
  }, `an active controller among ${among.join(', ')}`);
  return active;
}

/** A failed call's typed code and controller hint. */
async function failure(promise: Promise<unknown>): Promise<{ code: string | undefined; controllerId: string | undefined; message: string }> {
  const err = (await promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  )) as grpc.ServiceError;
  return { code: err.metadata?.get('samsa-error-code')[0]?.toString(), controllerId: err.metadata?.get('samsa-controller-id')[0]?.toString(), message: err.details };
}

async function startNode(id: number, overrides: Partial<BrokerConfig> = {}): Promise<Broker> {
  dirs.set(id, dirs.get(id) ?? (await tempDir(`samsa-membership-${id}-`)));
  const b = await startTestBroker(dirs.get(id)!.path, { nodeId: id, listen: ports.has(id) ? addressOf(id) : '127.0.0.1:0', controllerVoters: votersConfig, ...LIVENESS, ...overrides });
  nodes.set(id, b);
  return b;
}

/** Creates a topic through node `via`'s client API (forwarded to the active controller) and checks it committed. */
async function createTopic(via: number, name: string): Promise<void> {
  const client = connect(nodes.get(via)!.address);
  try {
    const res = await call(client, 'createTopics', { topics: [{ name, num_partitions: 1, replication_factor: 1 }] });
    expect(res.results.map((t) => [t.name, t.error_code])).toEqual([[name, 'NONE']]);
  } finally {
    client.close();
  }
}

/** Every node in `ids` has voters `expected` in its own DescribeQuorum. */
function votersEverywhere(ids: readonly number[], expected: readonly number[]): Promise<void> {
  return waitUntil(async () => (await Promise.all(ids.map((id) => describeQuorum(id)))).every((r) => voterIds(r).join() === expected.join()), `voters ${expected.join(',')} on nodes ${ids.join(',')}`);
}

beforeAll(async () => {
  for (const id of [1, 2, 3]) ports.set(id, await freePort());
  votersConfig = [1, 2, 3].map((id) => `${id}@${addressOf(id)}`).join(',');
  // The three voters must run together: each waits for the quorum to register its broker.
  await Promise.all([1, 2, 3].map((id) => startNode(id)));
  // Node 4 joins: it lists the running voters (not itself) and is given no cluster id.
  await startNode(4, { controllerQuorumJoin: true });
}, 60_000);

afterAll(async () => {
  for (const c of clients.values()) c.close();
  for (const b of nodes.values()) await b.stop();
  for (const d of dirs.values()) await d.remove();
});

describe('quorum membership through ControllerService', () => {
  it('starts a joining node with the quorum cluster id, no configuration, and a working broker role', async () => {
    const [one, four] = await Promise.all([describeQuorum(1), describeQuorum(4)]);
    expect(four.cluster_id).toBe(one.cluster_id);
    expect(voterIds(one)).toEqual([1, 2, 3]);
    expect(voterIds(four)).toEqual([]);
    expect(raftOf(4).status().voters).toEqual([]);
    // Its broker registered and was unfenced through the running quorum.
    const active = await activeController([1, 2, 3]);
    await waitUntil(async () => (await describeQuorum(active)).brokers.some((b) => b.broker_id === 4 && !b.fenced && b.alive), 'broker 4 unfenced and alive');
  });

  it('refuses bad changes with typed errors and changes nothing', async () => {
    const active = await activeController([1, 2, 3]);
    const follower = [1, 2, 3].find((id) => id !== active)!;
    expect(await failure(controllerCall(ctl(follower), 'AddVoter', { node_id: 4, address: addressOf(4) }))).toMatchObject({ code: 'NOT_CONTROLLER', controllerId: String(active) });
    expect(await failure(controllerCall(ctl(follower), 'RemoveVoter', { node_id: active }))).toMatchObject({ code: 'NOT_CONTROLLER', controllerId: String(active) });
    // Node 4 is a controller but not a voter: it cannot decide either.
    expect((await failure(controllerCall(ctl(4), 'AddVoter', { node_id: 4, address: addressOf(4) }))).code).toBe('NOT_CONTROLLER');

    const leader = ctl(active);
    const add = (node_id: number, address: string) => failure(controllerCall(leader, 'AddVoter', { node_id, address }));
    const remove = (node_id: number) => failure(controllerCall(leader, 'RemoveVoter', { node_id }));
    expect(await add(0, addressOf(4))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/node_id/) });
    expect(await add(-3, addressOf(4))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await add(4, 'not-an-address')).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/host:port/) });
    expect(await add(4, '127.0.0.1:0')).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/port 0/) });
    expect(await add(5, addressOf(4))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/is node 4, not node 5/) });
    // Nothing listens there.
    expect(await add(5, `127.0.0.1:${await freePort()}`)).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/does not answer/) });
    expect(await add(follower, addressOf(follower))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/already a voter/) });
    expect(await remove(9)).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/not a voter/) });
    expect(await remove(0)).toMatchObject({ code: 'INVALID_REQUEST' });

    // Node 5 is a cluster of one of its own: it cannot be added here, and cannot remove its only voter.
    await startNode(5, { controllerVoters: undefined });
    expect(await add(5, addressOf(5))).toMatchObject({ code: 'INCONSISTENT_CLUSTER_ID', message: expect.stringMatching(/belongs to cluster/) });
    expect(await failure(controllerCall(ctl(5), 'RemoveVoter', { node_id: 5 }))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/last voter/) });
    expect(voterIds(await describeQuorum(5))).toEqual([5]);
    await nodes.get(5)!.stop();
    nodes.delete(5);

    await votersEverywhere([1, 2, 3], [1, 2, 3]);
    expect(voterIds(await describeQuorum(4))).toEqual([]);
  });

  it('adds node 4: every node reports four voters, node 4 catches up, and the quorum commits', async () => {
    const active = await activeController([1, 2, 3]);
    await createTopic(1, 'before-add');
    const added = await controllerCall(ctl(active), 'AddVoter', { node_id: 4, address: addressOf(4) });
    expect(added.voters.map((v) => [v.node_id, v.address]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([1, 2, 3, 4].map((id) => [id, addressOf(id)]));
    await votersEverywhere([1, 2, 3, 4], [1, 2, 3, 4]);

    // Node 4's own metadata log catches up with the leader's (by entries or a snapshot).
    const target = metadataLogOf(active).image;
    const caughtUp = await waitForImage(metadataLogOf(4), (i) => i.appliedIndex >= target.appliedIndex, 'node 4 to catch up');
    expect(caughtUp.topicsByName.has('before-add')).toBe(true);
    const four = await describeQuorum(4);
    expect(Number(four.applied_offset)).toBeGreaterThanOrEqual(target.appliedIndex);
    expect(four.active_controller_id).toBe(active);

    // The quorum of four commits; node 4's log has it too.
    await createTopic(4, 'after-add');
    const leaderImage = metadataLogOf(active).image;
    for (const id of [1, 2, 3, 4]) {
      const image = await waitForImage(metadataLogOf(id), (i) => i.appliedIndex >= leaderImage.appliedIndex, `node ${id} to apply ${leaderImage.appliedIndex}`);
      expect(imageHash(image)).toBe(imageHash(metadataLogOf(active).image));
    }
    // Adding it again is refused.
    expect(await failure(controllerCall(ctl(active), 'AddVoter', { node_id: 4, address: addressOf(4) }))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/already a voter/) });
  });

  it('follows node 4 as the active controller, and lets it remove itself', async () => {
    const active = await activeController([1, 2, 3, 4]);
    if (active !== 4) await raftOf(active).transferLeadership(4);
    expect(await activeController([1, 2, 3, 4])).toBe(4);
    // Brokers 1-3 were configured with voters 1-3 only: they find node 4 and heartbeat to it.
    await waitUntil(async () => {
      const s = await describeQuorum(4);
      return s.liveness_known && [1, 2, 3, 4].every((id) => s.brokers.some((b) => b.broker_id === id && b.alive && !b.fenced));
    }, 'every broker alive and unfenced at node 4');
    await createTopic(1, 'led-by-4');

    // The active controller removes itself: answered once committed, then it steps down.
    const removed = await controllerCall(ctl(4), 'RemoveVoter', { node_id: 4 });
    expect(voterIds(removed)).toEqual([1, 2, 3]);
    const next = await activeController([1, 2, 3]);
    expect([1, 2, 3]).toContain(next);
    await votersEverywhere([1, 2, 3], [1, 2, 3]);
    expect(raftOf(4).status().voters).toEqual([1, 2, 3]);
    await createTopic(next, 'after-remove-4');
    // Node 4 goes on as a broker: its metadata comes by watch, not from its own log.
    await waitForImage(brokerInternals(nodes.get(4)!).metadata!, (i) => i.topicsByName.has('after-remove-4'), 'broker 4 to see the topic created after its removal');
  });

  it('removes a follower; the quorum of two still commits, and the removed node comes back as a broker', async () => {
    const active = await activeController([1, 2, 3]);
    const follower = [1, 2, 3].find((id) => id !== active)!;
    const rest = [1, 2, 3].filter((id) => id !== follower);
    const removed = await controllerCall(ctl(active), 'RemoveVoter', { node_id: follower });
    expect(voterIds(removed)).toEqual(rest);
    await votersEverywhere(rest, rest);
    // A removed voter is stopped (its own log gets nothing more); the two left commit alone.
    await nodes.get(follower)!.stop();
    nodes.delete(follower);
    await createTopic(active, 'after-remove-follower');
    for (const id of rest) await waitForImage(metadataLogOf(id), (i) => i.topicsByName.has('after-remove-follower'), `node ${id} to apply the topic`);
    expect(await failure(controllerCall(ctl(active), 'RemoveVoter', { node_id: follower }))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/not a voter/) });

    // Restarted as it was, the removed node's own log gets nothing from the leader (it may not even
    // know it was removed): its broker role falls back to the watch and is unfenced.
    const back = await startNode(follower);
    const view = brokerInternals(back).metadata!;
    expect(view).not.toBe(metadataLogOf(follower));
    await waitForImage(view, (i) => i.topicsByName.has('after-remove-follower'), 'the restarted node to follow the metadata');
    await waitUntil(async () => (await describeQuorum(active)).brokers.some((b) => b.broker_id === follower && b.alive && !b.fenced), 'the restarted broker unfenced');
    expect(voterIds(await describeQuorum(active))).toEqual(rest);
    await createTopic(active, 'after-restart');
    await waitForImage(view, (i) => i.topicsByName.has('after-restart'), 'the restarted node to see a new topic');
  });
});
