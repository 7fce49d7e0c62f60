// The gRPC transport of the metadata quorum (service samsa.v1.RaftQuorum, proto/samsa/v1/quorum.proto).
//
// Sending: one long-lived client stream per peer, opened on the first message and kept open. A
// stream that breaks is reopened after a backoff (doubling, jittered); while it is down, messages
// to that peer are dropped (Raft retries: heartbeats, appends and votes are all resent). Each peer
// has a bounded queue of writes waiting for the stream to drain; beyond its limits the oldest are
// dropped, with a log line. Receiving: the service is registered on the process's one grpc.Server
// (which also carries the client API); every batch is decoded, checked and handed to the driver.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { GRPC_CHANNEL_OPTIONS, PROTO_LOADER_OPTIONS, SamsaError, assert, protoDir } from '@samsa/protocol';
import type {
  RaftBatch as WireBatch,
  RaftBatch__Output as WireBatchOutput,
  RaftIdentifyResponse__Output as WireIdentifyResponse,
  RaftQuorumClient,
  RaftQuorumDefinition,
  RaftQuorumHandlers,
} from '@samsa/protocol';
import type { Message, NodeId } from '../core/types.js';
import { messageBytes, messageFromWire, messageToWire } from './convert.js';
import type { PeerIdentity, RaftEnvelope, RaftTransport } from './transport.js';

export interface GrpcTransportConfig {
  /** Writes (batches) waiting per peer, at most. */
  queueWritesMax: number;
  /** Bytes waiting per peer, at most (a bound of the encoded size). */
  queueBytesMax: number;
  /** Bytes of messages in one stream write, at most (a single larger message goes alone). */
  writeBytesMax: number;
  /** Backoff before reopening a broken stream: from min, doubling to max, jittered down by up to half. */
  reconnectBackoffMsMin: number;
  reconnectBackoffMsMax: number;
  /** Repeated warnings (drops, bad batches) are logged at most once per this interval per peer. */
  warnIntervalMs: number;
}

export const TRANSPORT_DEFAULTS: Readonly<GrpcTransportConfig> = Object.freeze({
  queueWritesMax: 1024,
  queueBytesMax: 64 * 1024 * 1024,
  writeBytesMax: 16 * 1024 * 1024,
  reconnectBackoffMsMin: 50,
  reconnectBackoffMsMax: 1000,
  warnIntervalMs: 10_000,
});

export interface GrpcRaftTransportOptions extends Partial<GrpcTransportConfig> {
  /** This node. */
  nodeId: NodeId;
  /** The process's gRPC server; RaftQuorum is added to it, so create the transport before the server binds. */
  server: grpc.Server;
  /** Initial peer addresses ('host:port'); the driver updates them as membership changes. */
  peers?: ReadonlyMap<NodeId, string>;
  logger: Logger;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Extra client channel options (tests). */
  channelOptions?: grpc.ChannelOptions;
}

export function validateTransportConfig(config: Partial<GrpcTransportConfig>): Readonly<GrpcTransportConfig> {
  const c = { ...TRANSPORT_DEFAULTS, ...config };
  for (const [key, value] of Object.entries(c)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new SamsaError('INVALID_CONFIG', `raft transport: ${key} must be a positive integer, got ${String(value)}`);
  }
  if (c.reconnectBackoffMsMax < c.reconnectBackoffMsMin) throw new SamsaError('INVALID_CONFIG', `raft transport: reconnectBackoffMsMax (${c.reconnectBackoffMsMax}) is below reconnectBackoffMsMin (${c.reconnectBackoffMsMin})`);
  if (c.queueBytesMax < c.writeBytesMax) throw new SamsaError('INVALID_CONFIG', `raft transport: queueBytesMax (${c.queueBytesMax}) must hold at least one write (writeBytesMax ${c.writeBytesMax})`);
  return Object.freeze(c);
}

/** Client channels reconnect quickly: a restarted controller must be reachable well within an election. */
const CLIENT_CHANNEL_OPTIONS: grpc.ChannelOptions = Object.freeze({
  ...GRPC_CHANNEL_OPTIONS,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
});

type QuorumServiceConstructor = (new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => RaftQuorumClient) & { service: RaftQuorumDefinition };

let quorumService: QuorumServiceConstructor | undefined;

/** samsa.v1.RaftQuorum, loaded once per process with the options the committed types were generated with. */
export function loadQuorumService(): QuorumServiceConstructor {
  if (quorumService === undefined) {
    const definition = protoLoader.loadSync('samsa/v1/quorum.proto', { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDir()] });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { samsa: { v1: { RaftQuorum: QuorumServiceConstructor } } };
    quorumService = loaded.samsa.v1.RaftQuorum;
  }
  return quorumService;
}

/** Logs a repeated condition at most once per interval, with how many were not logged. */
class Throttle {
  private lastAt = -Infinity;
  private suppressed = 0;
  private readonly intervalMs: number;
  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }
  /** Returns how many occurrences this log line stands for, or 0 when it must not be logged. */
  hit(): number {
    const now = Date.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed++;
      return 0;
    }
    const count = this.suppressed + 1;
    this.lastAt = now;
    this.suppressed = 0;
    return count;
  }
}

interface QueuedWrite {
  readonly batch: WireBatch;
  readonly messages: number;
  readonly bytes: number;
}

interface LinkContext {
  readonly Service: QuorumServiceConstructor;
  readonly config: Readonly<GrpcTransportConfig>;
  readonly channelOptions: grpc.ChannelOptions;
  readonly random: () => number;
  readonly log: Logger;
}

/** The sending side towards one peer: its channel, its stream, its queue, its backoff. */
class PeerLink {
  private client: RaftQuorumClient | undefined;
  private call: grpc.ClientWritableStream<WireBatch> | undefined;
  private callOpenedAt = 0;
  private waitingForDrain = false;
  private readonly queue: QueuedWrite[] = [];
  private queuedBytes = 0;
  private backoffMs: number;
  private backoffTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly dropWarning: Throttle;
  private readonly log: Logger;
  /** Messages dropped since the link was made (for tests and status). */
  droppedMessages = 0;

  readonly peerId: NodeId;
  private address: string;
  private readonly ctx: LinkContext;

  constructor(peerId: NodeId, address: string, ctx: LinkContext) {
    this.peerId = peerId;
    this.address = address;
    this.ctx = ctx;
    this.backoffMs = ctx.config.reconnectBackoffMsMin;
    this.dropWarning = new Throttle(ctx.config.warnIntervalMs);
    this.log = ctx.log.child({ peerId });
  }

  get peerAddress(): string {
    return this.address;
  }

  enqueue(write: QueuedWrite): void {
    if (this.closed) return;
    if (this.backoffTimer !== undefined) {
      this.drop(write.messages, 'stream down');
      return;
    }
    this.queue.push(write);
    this.queuedBytes += write.bytes;
    const { queueWritesMax, queueBytesMax } = this.ctx.config;
    let dropped = 0;
    while (this.queue.length > 1 && (this.queue.length > queueWritesMax || this.queuedBytes > queueBytesMax)) {
      const oldest = this.queue.shift()!;
      this.queuedBytes -= oldest.bytes;
      dropped += oldest.messages;
    }
    if (dropped > 0) this.drop(dropped, 'queue full');
    if (this.call === undefined) this.open();
    this.flush();
  }

  setAddress(address: string): void {
    if (address === this.address) return;
    this.log.info({ from: this.address, to: address }, 'raft peer address changed');
    this.address = address;
    this.reset();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  /** Forgets the stream, the channel, the queue and any backoff. */
  private reset(): void {
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    const call = this.call;
    this.call = undefined;
    this.waitingForDrain = false;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (call !== undefined) call.end();
    this.client?.close();
    this.client = undefined;
  }

  private open(): void {
    this.client ??= new this.ctx.Service(this.address, grpc.credentials.createInsecure(), this.ctx.channelOptions);
    const call = this.client.Send((err) => this.ended(call, err));
    // A write after the stream failed emits 'error'; the callback above reports the failure.
    call.on('error', () => undefined);
    this.call = call;
    this.callOpenedAt = Date.now();
    this.waitingForDrain = false;
  }

  private flush(): void {
    const call = this.call;
    while (call !== undefined && !this.waitingForDrain && this.queue.length > 0) {
      const write = this.queue.shift()!;
      this.queuedBytes -= write.bytes;
      if (!call.write(write.batch)) {
        this.waitingForDrain = true;
        call.once('drain', () => {
          if (this.call !== call) return;
          this.waitingForDrain = false;
          this.flush();
        });
      }
    }
  }

  /** The stream ended (it broke, or the server closed it): back off, then reopen on the next message. */
  private ended(call: grpc.ClientWritableStream<WireBatch>, err: grpc.ServiceError | null): void {
    if (this.call !== call || this.closed) return;
    this.call = undefined;
    this.waitingForDrain = false;
    const { reconnectBackoffMsMin, reconnectBackoffMsMax } = this.ctx.config;
    // A stream that lived long was healthy: start the backoff over.
    if (Date.now() - this.callOpenedAt > reconnectBackoffMsMax) this.backoffMs = reconnectBackoffMsMin;
    const delayMs = Math.max(1, Math.round(this.backoffMs * (1 - this.ctx.random() / 2)));
    this.backoffMs = Math.min(this.backoffMs * 2, reconnectBackoffMsMax);
    const pending = this.queue.reduce((n, w) => n + w.messages, 0);
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (pending > 0) this.drop(pending, 'stream down');
    this.log.debug({ address: this.address, code: err?.code, details: err?.details, delayMs }, 'raft stream to peer ended; reopening after a backoff');
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
    }, delayMs);
  }

  private drop(messages: number, why: string): void {
    this.droppedMessages += messages;
    const times = this.dropWarning.hit();
    if (times > 0) this.log.warn({ address: this.address, why, droppedMessages: this.droppedMessages }, 'raft messages to peer dropped');
  }
}

export class GrpcRaftTransport implements RaftTransport {
  readonly nodeId: NodeId;
  private readonly config: Readonly<GrpcTransportConfig>;
  private readonly ctx: LinkContext;
  private readonly log: Logger;
  private readonly addresses = new Map<NodeId, string>();
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly inboundEnders = new Map<grpc.ServerReadableStream<WireBatchOutput, unknown>, () => void>();
  private handler: ((envelope: RaftEnvelope) => void) | undefined;
  private identity: PeerIdentity | undefined;
  private readonly noAddressWarning: Throttle;
  private readonly badBatchWarning: Throttle;
  private closing: Promise<void> | undefined;

  constructor(options: GrpcRaftTransportOptions) {
    assert(Number.isSafeInteger(options.nodeId) && options.nodeId > 0, `node id ${options.nodeId}`);
    const { nodeId, server, peers, logger, random, channelOptions, ...config } = options;
    this.nodeId = nodeId;
    this.config = validateTransportConfig(config);
    this.log = logger.child({ component: 'raft-transport' });
    const Service = loadQuorumService();
    this.ctx = Object.freeze({
      Service,
      config: this.config,
      channelOptions: { ...CLIENT_CHANNEL_OPTIONS, ...channelOptions },
      random: random ?? Math.random,
      log: this.log,
    });
    this.noAddressWarning = new Throttle(this.config.warnIntervalMs);
    this.badBatchWarning = new Throttle(this.config.warnIntervalMs);
    for (const [id, address] of peers ?? []) this.setPeerAddress(id, address);
    server.addService(Service.service, this.handlers());
  }

  send(envelopes: readonly RaftEnvelope[]): void {
    if (this.closing !== undefined) return;
    for (const envelope of envelopes) {
      const first = envelope.messages[0];
      assert(first !== undefined, 'an envelope without messages');
      const to = first.to;
      assert(envelope.messages.every((m) => m.to === to && m.from === first.from), 'an envelope with messages to or from different nodes');
      const link = this.link(to);
      if (link === undefined) {
        if (this.noAddressWarning.hit() > 0) this.log.warn({ peerId: to }, 'no address for raft peer; messages dropped');
        continue;
      }
      for (const write of this.writes(envelope)) link.enqueue(write);
    }
  }

  onReceive(handler: (envelope: RaftEnvelope) => void): void {
    this.handler = handler;
  }

  setIdentity(identity: PeerIdentity): void {
    assert(identity.nodeId === this.nodeId, `identity of node ${identity.nodeId} on the transport of node ${this.nodeId}`);
    this.identity = Object.freeze({ ...identity });
  }

  setPeerAddress(id: NodeId, address: string | undefined): void {
    assert(Number.isSafeInteger(id) && id > 0, `peer id ${id}`);
    if (id === this.nodeId) return;
    if (address === undefined || address === '') {
      this.addresses.delete(id);
      this.links.get(id)?.close();
      this.links.delete(id);
      return;
    }
    this.addresses.set(id, address);
    this.links.get(id)?.setAddress(address);
  }

  /** Messages dropped towards a peer so far (tests, status). */
  droppedMessages(id: NodeId): number {
    return this.links.get(id)?.droppedMessages ?? 0;
  }

  identify(address: string, timeoutMs: number): Promise<PeerIdentity> {
    if (this.closing !== undefined) return Promise.reject(new SamsaError('NETWORK_EXCEPTION', 'the raft transport is closed'));
    const client = new this.ctx.Service(address, grpc.credentials.createInsecure(), this.ctx.channelOptions);
    return new Promise<PeerIdentity>((resolve, reject) => {
      client.Identify({}, { deadline: Date.now() + timeoutMs }, (err, response?: WireIdentifyResponse) => {
        client.close();
        if (err !== null || response === undefined) {
          reject(new SamsaError(err?.code === grpc.status.DEADLINE_EXCEEDED ? 'REQUEST_TIMED_OUT' : 'NETWORK_EXCEPTION', `cannot identify the node at ${address}: ${err?.details ?? 'no response'}`, { cause: err }));
          return;
        }
        const identity: PeerIdentity = { clusterId: response.cluster_id, nodeId: response.node_id, directoryId: response.directory_id };
        resolve(Object.freeze(response.replaces === '' ? identity : { ...identity, replaces: response.replaces }));
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const link of this.links.values()) link.close();
      this.links.clear();
      for (const end of [...this.inboundEnders.values()]) end();
    })();
    return this.closing;
  }

  private link(id: NodeId): PeerLink | undefined {
    let link = this.links.get(id);
    if (link === undefined) {
      const address = this.addresses.get(id);
      if (address === undefined) return undefined;
      link = new PeerLink(id, address, this.ctx);
      this.links.set(id, link);
    }
    return link;
  }

  /** Splits an envelope into stream writes of at most writeBytesMax (one oversized message goes alone). */
  private *writes(envelope: RaftEnvelope): Generator<QueuedWrite> {
    const head = { cluster_id: envelope.clusterId, from_directory_id: envelope.fromDirectoryId, to_directory_id: envelope.toDirectoryId, from_replaces: envelope.fromReplaces };
    let messages: Message[] = [];
    let bytes = 0;
    for (const m of envelope.messages) {
      const size = messageBytes(m);
      if (messages.length > 0 && bytes + size > this.config.writeBytesMax) {
        yield { batch: { ...head, messages: messages.map(messageToWire) }, messages: messages.length, bytes };
        messages = [];
        bytes = 0;
      }
      messages.push(m);
      bytes += size;
    }
    if (messages.length > 0) yield { batch: { ...head, messages: messages.map(messageToWire) }, messages: messages.length, bytes };
  }

  private handlers(): RaftQuorumHandlers {
    return {
      Send: (call, callback) => {
        if (this.closing !== undefined) {
          callback({ code: grpc.status.UNAVAILABLE, details: 'the raft transport is closed' });
          return;
        }
        let done = false;
        const end = (error: Partial<grpc.StatusObject> | null): void => {
          if (done) return;
          done = true;
          this.inboundEnders.delete(call);
          callback(error, error === null ? {} : undefined);
        };
        this.inboundEnders.set(call, () => end({ code: grpc.status.UNAVAILABLE, details: 'the raft transport is closed' }));
        call.on('data', (batch: WireBatchOutput) => this.receive(batch, call.getPeer()));
        call.on('end', () => end(null));
        call.on('error', () => end({ code: grpc.status.CANCELLED, details: 'stream failed' }));
        call.on('cancelled', () => end({ code: grpc.status.CANCELLED, details: 'cancelled' }));
      },
      Identify: (_call, callback) => {
        const identity = this.identity;
        if (identity === undefined || this.closing !== undefined) {
          callback({ code: grpc.status.UNAVAILABLE, details: 'the raft node is not running' });
          return;
        }
        callback(null, { cluster_id: identity.clusterId, node_id: identity.nodeId, directory_id: identity.directoryId, replaces: identity.replaces ?? '' });
      },
    };
  }

  private receive(batch: WireBatchOutput, peer: string): void {
    if (this.closing !== undefined || this.handler === undefined) return;
    let messages: Message[];
    try {
      messages = batch.messages.map(messageFromWire);
      const first = messages[0];
      if (first === undefined) throw new SamsaError('INVALID_REQUEST', 'a raft batch without messages');
      if (!messages.every((m) => m.from === first.from && m.to === first.to)) throw new SamsaError('INVALID_REQUEST', 'a raft batch with messages to or from different nodes');
      if (first.to !== this.nodeId) throw new SamsaError('INVALID_REQUEST', `a raft batch for node ${first.to} arrived at node ${this.nodeId} (a stale address?)`);
      if (first.from === this.nodeId) throw new SamsaError('INVALID_REQUEST', `a raft batch claims to come from this node (${this.nodeId})`);
    } catch (err) {
      if (this.badBatchWarning.hit() > 0) this.log.warn({ err, peer }, 'raft batch refused');
      return;
    }
    const envelope: RaftEnvelope = Object.freeze({
      clusterId: batch.cluster_id,
      fromDirectoryId: batch.from_directory_id,
      toDirectoryId: batch.to_directory_id,
      fromReplaces: batch.from_replaces,
      messages: Object.freeze(messages),
    });
    try {
      this.handler(envelope);
    } catch (err) {
      // The driver's bug, not the peer's: make it loud, keep the stream.
      this.log.error({ err, peer }, 'raft receive handler threw');
    }
  }
}
