// Proves that the gRPC transport carries the core's messages between real servers on 127.0.0.1:
// every field of a Message survives the trip, envelopes keep both ends' identity, Identify answers
// who serves at an address, a message with no known address or to a dead peer is dropped without
// an error, a stream reopens by itself after the receiving server restarts on the same port, and a
// batch for another node is refused. Each test starts its own servers on port 0.
import { createServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { GRPC_CHANNEL_OPTIONS } from '@samsa/protocol';
import { EntryType, MessageType } from '../core/types.js';
import type { Message } from '../core/types.js';
import { GrpcRaftTransport } from './grpc-transport.js';
import type { GrpcRaftTransportOptions } from './grpc-transport.js';
import type { RaftEnvelope } from './transport.js';

const logger = pino({ level: 'silent' });
const WAIT_MS_MAX = 15_000;

interface TestNode {
  id: number;
  server: grpc.Server;
  transport: GrpcRaftTransport;
  address: string;
  received: RaftEnvelope[];
  waiters: (() => void)[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
}

async function startNode(id: number, port = 0, options: Partial<GrpcRaftTransportOptions> = {}): Promise<TestNode> {
  const server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
  const transport = new GrpcRaftTransport({ nodeId: id, server, logger, random: () => 0.5, ...options });
  const bound = await bind(server, port);
  const node: TestNode = { id, server, transport, address: `127.0.0.1:${bound}`, received: [], waiters: [] };
  transport.onReceive((e) => {
    node.received.push(e);
    for (const w of node.waiters.splice(0)) w();
  });
  transport.setIdentity(id === 1 ? { clusterId: 'c1', nodeId: id, directoryId: `dir-${id}`, replaces: 'lost-1' } : { clusterId: 'c1', nodeId: id, directoryId: `dir-${id}` });
  cleanups.push(() => stopNode(node));
  return node;
}

async function stopNode(node: TestNode): Promise<void> {
  await node.transport.close();
  node.server.forceShutdown();
}

/** Resolves once `predicate` holds, re-checked on every receipt; fails after WAIT_MS_MAX. */
function receivedUntil(node: TestNode, predicate: () => boolean, onWait?: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${node.id}: condition not met after ${WAIT_MS_MAX} ms (${node.received.length} envelopes)`)), WAIT_MS_MAX);
    const check = (): void => {
      if (predicate()) {
        clearTimeout(timer);
        resolve();
        return;
      }
      onWait?.();
      node.waiters.push(check);
    };
    check();
  });
}

function message(from: number, to: number, overrides: Partial<Message> = {}): Message {
  return {
    type: MessageType.HEARTBEAT,
    from,
    to,
    term: 3,
    index: 0,
    logTerm: 0,
    entries: [],
    commit: 5,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    snapshotOffset: 0,
    snapshotChunk: new Uint8Array(),
    snapshotDone: false,
    transfer: false,
    ...overrides,
  };
}

const envelope = (messages: Message[], toDirectoryId = ''): RaftEnvelope => ({ clusterId: 'c1', fromDirectoryId: `dir-${messages[0]!.from}`, toDirectoryId, fromReplaces: '', messages });

describe('GrpcRaftTransport', () => {
  it('carries every field of the core messages, with both ends identity', async () => {
    const [a, b, c] = [await startNode(1), await startNode(2), await startNode(3)];
    for (const n of [a, b, c]) for (const p of [a, b, c]) n.transport.setPeerAddress(p.id, p.address);

    const append = message(1, 2, {
      type: MessageType.APPEND,
      index: 41,
      logTerm: 2,
      commit: 40,
      entries: [
        { index: 42, term: 3, type: EntryType.NORMAL, data: Buffer.from('hello') },
        { index: 43, term: 3, type: EntryType.CONF_CHANGE, data: Buffer.from([1, 2, 3]) },
        { index: 44, term: 3, type: EntryType.EMPTY, data: new Uint8Array() },
      ],
    });
    const reply = message(1, 2, { type: MessageType.APPEND_RESPONSE, reject: true, rejectHint: 17, rejectHintTerm: 2, index: 9_007_199_254_740_000 });
    const chunk = message(1, 3, {
      type: MessageType.SNAPSHOT,
      snapshotMeta: { index: 100, term: 3, voters: [1, 2, 3] },
      snapshotOffset: 65_536,
      snapshotChunk: Buffer.alloc(70_000, 7),
      snapshotDone: true,
    });
    const vote = message(1, 3, { type: MessageType.VOTE, transfer: true, index: 44, logTerm: 3 });
    a.transport.send([envelope([append, reply], 'dir-2'), envelope([chunk, vote])]);

    await receivedUntil(b, () => b.received.length >= 1);
    await receivedUntil(c, () => c.received.length >= 1);
    expect(b.received[0]).toMatchObject({ clusterId: 'c1', fromDirectoryId: 'dir-1', toDirectoryId: 'dir-2', fromReplaces: '' });
    const [gotAppend, gotReply] = b.received[0]!.messages;
    expect(gotAppend).toEqual({ ...append, entries: append.entries.map((e) => ({ ...e, data: Buffer.from(e.data) })), snapshotChunk: new Uint8Array() });
    expect(gotReply).toMatchObject({ type: 'append-response', reject: true, rejectHint: 17, rejectHintTerm: 2, index: 9_007_199_254_740_000 });
    expect(gotReply!.snapshotMeta).toBeUndefined();
    const [gotChunk, gotVote] = c.received[0]!.messages;
    expect(gotChunk).toMatchObject({ type: 'snapshot', snapshotMeta: { index: 100, term: 3, voters: [1, 2, 3] }, snapshotOffset: 65_536, snapshotDone: true });
    expect(Buffer.from(gotChunk!.snapshotChunk).equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(gotVote).toMatchObject({ type: 'vote', transfer: true, index: 44, logTerm: 3, from: 1, to: 3 });

    // And back, on the other direction's own stream.
    c.transport.send([envelope([message(3, 1, { type: MessageType.VOTE_RESPONSE })])]);
    await receivedUntil(a, () => a.received.length >= 1);
    expect(a.received[0]!.messages[0]).toMatchObject({ type: 'vote-response', from: 3, to: 1 });
  });

  it('keeps the order of messages to one peer', async () => {
    const [a, b] = [await startNode(1), await startNode(2)];
    a.transport.setPeerAddress(2, b.address);
    for (let i = 1; i <= 200; i++) a.transport.send([envelope([message(1, 2, { commit: i })])]);
    await receivedUntil(b, () => b.received.length >= 200);
    expect(b.received.flatMap((e) => e.messages.map((m) => m.commit))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('splits an envelope into writes of bounded size', async () => {
    const a = await startNode(1, 0, { writeBytesMax: 4096, queueBytesMax: 1 << 20 });
    const receiver = await startNode(2);
    a.transport.setPeerAddress(2, receiver.address);
    const big = Array.from({ length: 10 }, (_, i) => message(1, 2, { type: MessageType.APPEND, entries: [{ index: i + 1, term: 1, type: EntryType.NORMAL, data: Buffer.alloc(3000, i) }] }));
    a.transport.send([envelope(big)]);
    await receivedUntil(receiver, () => receiver.received.flatMap((e) => e.messages).length >= 10);
    expect(receiver.received.length).toBe(10);
    expect(receiver.received.flatMap((e) => e.messages.map((m) => m.entries[0]!.index))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('answers Identify, and refuses before the driver set an identity', async () => {
    const a = await startNode(1);
    const server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
    const bare = new GrpcRaftTransport({ nodeId: 9, server, logger });
    const port = await bind(server, 0);
    cleanups.push(async () => {
      await bare.close();
      server.forceShutdown();
    });
    const b = await startNode(2);
    await expect(b.transport.identify(a.address, 5000)).resolves.toEqual({ clusterId: 'c1', nodeId: 1, directoryId: 'dir-1', replaces: 'lost-1' });
    await expect(a.transport.identify(b.address, 5000)).resolves.toEqual({ clusterId: 'c1', nodeId: 2, directoryId: 'dir-2' });
    await expect(b.transport.identify(`127.0.0.1:${port}`, 5000)).rejects.toMatchObject({ code: 'NETWORK_EXCEPTION' });
  });

  it('drops messages for a peer without an address, or whose server is down, without an error', async () => {
    const a = await startNode(1);
    const dead = await startNode(2);
    const deadAddress = dead.address;
    await stopNode(dead);
    expect(() => a.transport.send([envelope([message(1, 5)])])).not.toThrow();
    a.transport.setPeerAddress(2, deadAddress);
    // Send until the link has seen its stream fail and dropped what came meanwhile.
    const deadline = Date.now() + WAIT_MS_MAX;
    while (a.transport.droppedMessages(2) === 0 && Date.now() < deadline) {
      a.transport.send([envelope([message(1, 2)])]);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(a.transport.droppedMessages(2)).toBeGreaterThan(0);
  });

  it('reopens the stream after the receiving server restarts on the same port', async () => {
    const a = await startNode(1);
    const b = await startNode(2);
    a.transport.setPeerAddress(2, b.address);
    a.transport.send([envelope([message(1, 2, { commit: 1 })])]);
    await receivedUntil(b, () => b.received.length >= 1);

    const port = Number(b.address.split(':')[1]);
    await stopNode(b);
    const b2 = await startNode(2, port);
    // Keep sending, as Raft does with heartbeats, until the new server hears one.
    let commit = 2;
    const ticker = setInterval(() => a.transport.send([envelope([message(1, 2, { commit: commit++ })])]), 20);
    try {
      await receivedUntil(b2, () => b2.received.length >= 1);
    } finally {
      clearInterval(ticker);
    }
    expect(b2.received[0]!.messages[0]!.commit).toBeGreaterThan(1);
  });

  it('refuses a batch addressed to another node (a stale address)', async () => {
    const a = await startNode(1);
    const b = await startNode(2);
    const c = await startNode(3);
    // Node 1 believes node 3 lives at node 2's address.
    a.transport.setPeerAddress(3, b.address);
    a.transport.setPeerAddress(2, b.address);
    a.transport.send([envelope([message(1, 3, { commit: 1 })])]);
    a.transport.send([envelope([message(1, 2, { commit: 2 })])]);
    await receivedUntil(b, () => b.received.length >= 1);
    expect(b.received.flatMap((e) => e.messages.map((m) => m.commit))).toEqual([2]);
    expect(c.received).toEqual([]);
  });

  it('bounds the queue towards a peer that accepts connections but never reads', async () => {
    // A TCP server that never speaks HTTP/2: the stream never opens, writes pile up.
    const sockets: Socket[] = [];
    const hole: NetServer = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    });
    const port = (hole.address() as { port: number }).port;
    const a = await startNode(1, 0, { queueWritesMax: 8 });
    a.transport.setPeerAddress(2, `127.0.0.1:${port}`);
    for (let i = 0; i < 500; i++) a.transport.send([envelope([message(1, 2, { commit: i })])]);
    expect(a.transport.droppedMessages(2)).toBeGreaterThan(400);
  });
});
