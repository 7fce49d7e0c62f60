// Level 4 of the Raft tests: transcripts. Scripted scenarios on the synchronous network whose every
// message (one line each: from->to, type, term, payload; DROP for messages lost to a fault) is
// compared with a file under transcripts/. A change in the core's behaviour shows up as a readable
// diff of the conversation; review it, then accept it with `vitest -u`.
import { describe, it, expect } from 'vitest';
import { Network } from './network.js';

describe('transcripts', () => {
  it('election, replication, partition of a follower and its repair', async () => {
    const net = new Network({ ids: [1, 2, 3], trace: true });
    net.trace.push('# node 1 campaigns (pre-vote, then vote)');
    net.core(1).campaign();
    net.deliver();
    net.trace.push('# a proposal is replicated and committed');
    net.propose(1, 'x');
    net.deliver();
    net.tickAll(1);
    net.trace.push('# node 3 is cut off while two more entries commit');
    net.isolate(3);
    net.propose(1, 'y');
    net.propose(1, 'z');
    net.deliver();
    net.trace.push('# healed: the heartbeat answer leads the leader to repair node 3');
    net.heal();
    net.tickAll(2);
    expect(net.values(3)).toEqual(['x', 'y', 'z']);
    await expect(`${net.trace.join('\n')}\n`).toMatchFileSnapshot('./transcripts/replication.txt');
  });

  it('leadership transfer, then a snapshot sent in chunks to a new voter', async () => {
    const net = new Network({ ids: [1, 2, 3], trace: true, config: { maxSnapshotChunkBytes: 24 } });
    net.core(1).campaign();
    net.deliver();
    net.propose(1, 'a');
    net.propose(1, 'b');
    net.deliver();
    net.tickAll(1);
    net.trace.length = 0;
    net.trace.push('# node 1 hands leadership to node 2 (TIMEOUT_NOW, vote with transfer: true)');
    expect(net.core(1).transferLeadership(2)).toBe(true);
    net.deliver();
    net.trace.push('# node 2 compacts its log; node 4 joins and gets the snapshot in chunks');
    net.tickAll(1);
    net.compact(2);
    net.add(4, []);
    expect(net.proposeConfChange(2, { type: 'add-voter', nodeId: 4 }).ok).toBe(true);
    net.deliver();
    net.tickAll(2);
    expect(net.values(4)).toEqual(['a', 'b']);
    await expect(`${net.trace.join('\n')}\n`).toMatchFileSnapshot('./transcripts/transfer-and-snapshot.txt');
  });
});
