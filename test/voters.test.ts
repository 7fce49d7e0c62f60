// Quorum membership across real processes, through the CLI: a fourth node started with
// --controller-quorum-join is added with `samsa cluster add-voter`, after which every node lists it
// among the voters and it catches up to the same applied offset and image hash; then
// `samsa cluster remove-voter` removes it and a follower (each then stopped, as an operator does),
// and the quorum still commits (a topic is created) after each change.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerNode, Cluster, freePort, runCli, waitUntil } from './harness/cluster.js';

let cluster: Cluster;

const voterIds = async (node: BrokerNode): Promise<number[]> => (await node.quorum()).voters.map((v) => v.node_id).sort();

async function createTopic(name: string): Promise<void> {
  const res = await runCli(['topics', 'create', name, '--partitions', '1', '--bootstrap', cluster.running().map((n) => n.address).join(',')]);
  expect(res.code, res.stderr).toBe(0);
}

beforeAll(async () => {
  cluster = await Cluster.start(3, { quorum: true });
  await cluster.waitAllUnfenced([1, 2, 3]);
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('changing the metadata quorum with samsa cluster add-voter / remove-voter', () => {
  it('adds a joining node as a voter, then removes it and a follower; the quorum commits after each change', async () => {
    const status = await cluster.node(1).quorum();
    const port = await freePort();
    const voters = [...status.voters.map((v) => `${v.node_id}@${v.address}`), `4@127.0.0.1:${port}`].join(',');
    const joiner = new BrokerNode(4, port, join(cluster.root, 'node-4'), {
      nodeId: 4,
      args: ['--roles', 'broker,controller', '--controller-voters', voters, '--controller-quorum-join', 'true', '--cluster-id', status.cluster_id],
    });
    cluster.nodes.push(joiner);
    await joiner.start();

    const add = await runCli(['cluster', 'add-voter', '--node-id', '4', '--address', joiner.address, '--bootstrap', cluster.node(1).address]);
    expect(add.code, add.stderr).toBe(0);
    await waitUntil(async () => (await Promise.all(cluster.nodes.map(voterIds))).every((ids) => ids.join() === '1,2,3,4'), {
      what: 'every node to list voters 1, 2, 3, 4',
      dump: () => cluster.describe(),
    });
    await createTopic('after-add');
    await waitUntil(
      async () => {
        const views = await cluster.quorumViews();
        return views.length === 4 && new Set(views.map((v) => `${v.applied_offset}/${v.image_hash}`)).size === 1;
      },
      { what: 'the new voter to reach the same applied offset and image hash', dump: () => cluster.describe() },
    );

    const removeJoiner = await runCli(['cluster', 'remove-voter', '--node-id', '4', '--bootstrap', cluster.node(1).address]);
    expect(removeJoiner.code, removeJoiner.stderr).toBe(0);
    // A removed node is then stopped, as the README says (it no longer follows the quorum's log).
    expect(await joiner.stop()).toBe(0);
    await createTopic('after-remove-4');

    const active = (await cluster.activeController())!;
    const follower = cluster.nodes.find((n) => n.nodeId !== active.nodeId && n.nodeId !== 4)!;
    const removeFollower = await runCli(['cluster', 'remove-voter', '--node-id', String(follower.nodeId), '--bootstrap', active.address]);
    expect(removeFollower.code, removeFollower.stderr).toBe(0);
    await waitUntil(async () => (await voterIds(active)).length === 2, { what: 'two voters left', dump: () => cluster.describe() });
    expect(await follower.stop()).toBe(0);
    await createTopic('after-remove-follower');

    // Bad input: removing a node that is not a voter changes nothing.
    const bad = await runCli(['cluster', 'remove-voter', '--node-id', '4', '--bootstrap', active.address]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not a voter|INVALID/i);
    expect((await voterIds(active)).length).toBe(2);
  });
});
