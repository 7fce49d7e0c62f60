// The broker's connection to the controller quorum (samsa.v1.ControllerService over gRPC). It knows
// the voters, keeps one channel per voter, and tracks which voter is the active controller: a
// NOT_CONTROLLER answer names it (the `samsa-controller-id` trailer), a voter that cannot be
// reached is skipped for the next. Unary calls follow those redirects by themselves (bounded);
// streams (heartbeat, metadata watch) are opened at the voter it believes active, and their owner
// reports how they failed (noteFailure) before opening the next.
//
// The quorum's membership can change (AddVoter / RemoveVoter): a NOT_CONTROLLER may name an active
// controller that is not among the voters this client was configured with, or none at all (a voter
// that was removed no longer hears from the leader). It then asks the node that answered for the
// quorum (DescribeQuorum, at most once per DISCOVERY_INTERVAL_MS) and learns the voters' addresses,
// so brokers follow an active controller that joined after they started.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { GRPC_CHANNEL_OPTIONS, SamsaError, isErrorCodeName, isSamsaError, loadControllerProto } from '@samsa/protocol';
import type {
  AddVoterRequest,
  AddVoterResponse__Output,
  AllocateProducerIdsRequest,
  AllocateProducerIdsResponse__Output,
  AlterConfigsRequest,
  AlterPartitionRequest,
  AlterPartitionResponse__Output,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResponse__Output,
  ControllerServiceClient,
  CreateTopicsRequest,
  DeleteTopicsRequest,
  DescribeQuorumRequest,
  DescribeQuorumResponse__Output,
  ElectLeadersRequest,
  ErrorCodeName,
  ForwardedAlterConfigsResponse__Output,
  ForwardedCreateTopicsResponse__Output,
  ForwardedDeleteTopicsResponse__Output,
  ForwardedElectLeadersResponse__Output,
  RegisterBrokerRequest,
  RegisterBrokerResponse__Output,
  RemoveVoterRequest,
  RemoveVoterResponse__Output,
  WatchMetadataRequest,
  WatchMetadataResponse__Output,
} from '@samsa/protocol';
import type { Clock } from '@samsa/controller';
import { SYSTEM_CLOCK } from '@samsa/controller';
import { CONTROLLER_ID_METADATA_KEY, ERROR_CODE_METADATA_KEY } from './errors.js';
import type { Voter } from './voters.js';

/** Request and response types of the unary methods. */
export interface ControllerUnaryTypes {
  RegisterBroker: [RegisterBrokerRequest, RegisterBrokerResponse__Output];
  AlterPartition: [AlterPartitionRequest, AlterPartitionResponse__Output];
  AllocateProducerIds: [AllocateProducerIdsRequest, AllocateProducerIdsResponse__Output];
  CreateTopics: [CreateTopicsRequest, ForwardedCreateTopicsResponse__Output];
  DeleteTopics: [DeleteTopicsRequest, ForwardedDeleteTopicsResponse__Output];
  AlterConfigs: [AlterConfigsRequest, ForwardedAlterConfigsResponse__Output];
  ElectLeaders: [ElectLeadersRequest, ForwardedElectLeadersResponse__Output];
  DescribeQuorum: [DescribeQuorumRequest, DescribeQuorumResponse__Output];
  AddVoter: [AddVoterRequest, AddVoterResponse__Output];
  RemoveVoter: [RemoveVoterRequest, RemoveVoterResponse__Output];
}

export type ControllerUnaryMethod = keyof ControllerUnaryTypes;

export interface HeartbeatStreamHandlers {
  onResponse(response: BrokerHeartbeatResponse__Output): void;
  /** The stream is over (called once); `error` says why (undefined: it ended cleanly). */
  onClose(error: SamsaError | undefined): void;
}

export interface HeartbeatStream {
  /** The voter the stream went to. */
  readonly voterId: number;
  send(request: BrokerHeartbeatRequest): void;
  /** Ends the stream from this side; onClose is not called. */
  close(): void;
}

export interface WatchHandlers {
  onMessage(message: WatchMetadataResponse__Output): void;
  /** The stream is over (called once); `error` says why. */
  onClose(error: SamsaError | undefined): void;
}

export interface WatchStream {
  readonly voterId: number;
  close(): void;
}

/** What the broker needs of the quorum; ControllerClient is the gRPC one, tests bring their own. */
export interface ControllerChannel {
  /** The active controller as last learnt; -1 when unknown. */
  readonly activeControllerId: number;
  unary<M extends ControllerUnaryMethod>(method: M, request: ControllerUnaryTypes[M][0], options?: UnaryOptions): Promise<ControllerUnaryTypes[M][1]>;
  openHeartbeat(handlers: HeartbeatStreamHandlers): HeartbeatStream;
  openWatch(request: WatchMetadataRequest, handlers: WatchHandlers): WatchStream;
  /** A stream to `voterId` failed with `error`: learn where the active controller is. */
  noteFailure(voterId: number, error: SamsaError): void;
  /** An answer named the active controller. */
  noteActive(controllerId: number): void;
  /** Tells listeners when the believed active controller changes; returns the unsubscribe function. */
  onActiveChange(listener: (controllerId: number) => void): () => void;
  close(): void;
}

export interface UnaryOptions {
  readonly signal?: AbortSignal;
  /** Deadline of each attempt; default UNARY_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

export const UNARY_TIMEOUT_MS = 30_000;
/** Backoff between rounds over the voters: from the first, doubling to the max. */
export const CONTROLLER_RETRY_BACKOFF_MS_FIRST = 50;
export const CONTROLLER_RETRY_BACKOFF_MS_MAX = 1000;
/** Deadline of the DescribeQuorum that learns the voters' addresses. */
export const DISCOVERY_TIMEOUT_MS = 5000;
/** At most one DescribeQuorum to learn the voters per this period (it encodes the whole image). */
export const DISCOVERY_INTERVAL_MS = 1000;
/** Voters learnt beyond the configured ones, at most (a quorum has at most VOTERS_MAX). */
export const LEARNED_VOTERS_MAX = 16;

/** Failures after which another voter (or the same one later) may well answer. */
const REDIRECTABLE: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>(['NOT_CONTROLLER', 'NETWORK_EXCEPTION', 'BROKER_NOT_AVAILABLE']);

export const isRedirectable = (e: SamsaError): boolean => REDIRECTABLE.has(e.code);

// Reconnect quickly: a controller that restarted should be found within a session timeout.
const CHANNEL_OPTIONS: grpc.ChannelOptions = Object.freeze({
  ...GRPC_CHANNEL_OPTIONS,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
});

/** A failed call as a SamsaError, with the controller id hint of a NOT_CONTROLLER in its details. */
export function controllerError(err: unknown, address: string): SamsaError {
  if (isSamsaError(err)) return err;
  const e = err as Partial<grpc.ServiceError>;
  const named = e.metadata?.get(ERROR_CODE_METADATA_KEY)[0]?.toString();
  const hint = e.metadata?.get(CONTROLLER_ID_METADATA_KEY)[0]?.toString();
  const details: Record<string, unknown> = { controller: address };
  if (hint !== undefined && /^-?\d+$/.test(hint)) details['controllerId'] = Number(hint);
  const text = e.details ?? e.message ?? String(err);
  if (named !== undefined && isErrorCodeName(named)) return new SamsaError(named, text, { cause: err, details });
  let code: ErrorCodeName;
  switch (e.code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.CANCELLED:
      code = 'NETWORK_EXCEPTION';
      break;
    case grpc.status.DEADLINE_EXCEEDED:
      code = 'REQUEST_TIMED_OUT';
      break;
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.UNIMPLEMENTED:
      code = 'INVALID_REQUEST';
      break;
    default:
      code = 'UNKNOWN_SERVER_ERROR';
  }
  return new SamsaError(code, `controller ${address}: ${text}`, { cause: err, details });
}

type UnaryFn = (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response?: unknown) => void) => grpc.ClientUnaryCall;

export interface ControllerClientOptions {
  readonly voters: readonly Voter[];
  readonly logger: Logger;
  readonly clock?: Clock;
}

export class ControllerClient implements ControllerChannel {
  /** The configured voters, then any learnt from the quorum (addresses updated in place). */
  private readonly voters: Voter[];
  private readonly configuredCount: number;
  /** The DescribeQuorum in flight that learns voters, if any (one at a time). */
  private discovering: Promise<void> | undefined;
  private lastDiscoveryMs = -Infinity;
  private readonly clients = new Map<number, ControllerServiceClient>();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly listeners = new Set<(id: number) => void>();
  private hint = -1;
  /** Round-robin position for when no hint is known. */
  private next = 0;
  private closed = false;

  constructor(options: ControllerClientOptions) {
    if (options.voters.length === 0) throw new Error('assertion failed: a controller client needs voters');
    this.voters = [...options.voters];
    this.configuredCount = this.voters.length;
    this.log = options.logger.child({ component: 'controller-client' });
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  get activeControllerId(): number {
    return this.hint;
  }

  onActiveChange(listener: (controllerId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setHint(id: number): void {
    if (id === this.hint) return;
    this.hint = id;
    if (id >= 0) this.log.info({ controllerId: id }, 'active controller found');
    for (const l of [...this.listeners]) l(id);
  }

  /** The voter to try: the known active one, else the next in turn. */
  private target(): Voter {
    const known = this.voters.find((v) => v.id === this.hint);
    if (known !== undefined) return known;
    return this.voters[this.next % this.voters.length]!;
  }

  noteFailure(voterId: number, error: SamsaError): void {
    const hinted = error.details['controllerId'];
    if (error.code === 'NOT_CONTROLLER' && typeof hinted === 'number' && hinted !== voterId && this.voters.some((v) => v.id === hinted)) {
      this.setHint(hinted);
      return;
    }
    if (error.code === 'NOT_CONTROLLER') {
      // No active controller this client can reach is named: the quorum may have changed since
      // this client started (a voter added, or this one removed). Ask the node that answered.
      const from = this.voters.find((v) => v.id === voterId);
      if (from !== undefined) this.maybeDiscover(from);
    }
    // Unknown, unreachable or a stale hint: try the voter after this one next.
    const at = this.voters.findIndex((v) => v.id === voterId);
    this.next = at < 0 ? this.next + 1 : at + 1;
    if (this.hint === voterId) this.setHint(-1);
  }

  /** Learns the active controller from a successful answer (a heartbeat names it). */
  noteActive(controllerId: number): void {
    if (this.voters.some((v) => v.id === controllerId)) this.setHint(controllerId);
  }

  /** The voters this client knows: the configured ones, then those learnt from the quorum. */
  knownVoters(): readonly Voter[] {
    return this.voters.map((v) => ({ ...v }));
  }

  /**
   * Asks `from` for the quorum (DescribeQuorum) and learns the voters' addresses, then the active
   * controller it names. One at a time; a failure is only logged (the next redirect asks again).
   */
  private maybeDiscover(from: Voter): void {
    if (this.discovering !== undefined || this.closed || this.clock.now() - this.lastDiscoveryMs < DISCOVERY_INTERVAL_MS) return;
    this.lastDiscoveryMs = this.clock.now();
    void this.discover(from);
  }

  private discover(from: Voter): Promise<void> {
    this.discovering ??= (async () => {
      try {
        const answer = await this.callOnce(from, 'DescribeQuorum', {}, DISCOVERY_TIMEOUT_MS, undefined);
        for (const v of answer.voters) this.learn({ id: v.node_id, address: v.address });
        if (answer.active_controller_id >= 0) this.noteActive(answer.active_controller_id);
      } catch (err) {
        this.log.debug({ err, from: from.id }, 'could not learn the quorum from a voter');
      } finally {
        this.discovering = undefined;
      }
    })();
    return this.discovering;
  }

  private learn(voter: Voter): void {
    if (this.closed || voter.id < 0 || voter.address === '') return;
    const at = this.voters.findIndex((v) => v.id === voter.id);
    if (at >= 0) {
      const known = this.voters[at]!;
      // Configured addresses are the operator's; a learnt one follows the quorum.
      if (at < this.configuredCount || known.address === voter.address) return;
      this.voters[at] = { id: voter.id, address: voter.address };
      this.clients.get(voter.id)?.close();
      this.clients.delete(voter.id);
    } else {
      if (this.voters.length - this.configuredCount >= LEARNED_VOTERS_MAX) return;
      this.voters.push({ id: voter.id, address: voter.address });
    }
    this.log.info({ voterId: voter.id, address: voter.address }, 'learnt a controller voter from the quorum');
  }

  private client(voter: Voter): ControllerServiceClient {
    if (this.closed) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the controller client is closed');
    let c = this.clients.get(voter.id);
    if (c === undefined) {
      const Client = loadControllerProto().samsa.v1.ControllerService;
      c = new Client(voter.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(voter.id, c);
    }
    return c;
  }

  private callOnce<M extends ControllerUnaryMethod>(voter: Voter, method: M, request: ControllerUnaryTypes[M][0], timeoutMs: number, signal: AbortSignal | undefined): Promise<ControllerUnaryTypes[M][1]> {
    return new Promise((resolve, reject) => {
      const fn = (this.client(voter) as unknown as Record<string, UnaryFn>)[method]!;
      const onAbort = (): void => call.cancel();
      const call = fn.call(this.client(voter), request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, response) => {
        signal?.removeEventListener('abort', onAbort);
        if (err !== null) return reject(controllerError(err, voter.address));
        return resolve(response as ControllerUnaryTypes[M][1]);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * A unary call at the active controller, following NOT_CONTROLLER redirects and skipping voters
   * that cannot be reached; rounds over the voters back off. Bounded: a few rounds, then the last
   * error (retriable) goes to the caller.
   */
  async unary<M extends ControllerUnaryMethod>(method: M, request: ControllerUnaryTypes[M][0], options: UnaryOptions = {}): Promise<ControllerUnaryTypes[M][1]> {
    const attemptsMax = Math.max(6, this.voters.length * 3);
    let backoffMs = CONTROLLER_RETRY_BACKOFF_MS_FIRST;
    let last: SamsaError | undefined;
    for (let attempt = 0; attempt < attemptsMax; attempt++) {
      if (options.signal?.aborted === true) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the call was abandoned (the broker is stopping)');
      const voter = this.target();
      try {
        const response = await this.callOnce(voter, method, request, options.timeoutMs ?? UNARY_TIMEOUT_MS, options.signal);
        this.noteActive(voter.id);
        return response;
      } catch (err) {
        const e = controllerError(err, voter.address);
        if (!isRedirectable(e)) throw e;
        last = e;
        const before = this.hint;
        this.noteFailure(voter.id, e);
        // A redirect to a voter not known yet: learn where it is before the next attempt.
        if (this.discovering !== undefined) await this.discovering;
        // A fresh hint is worth trying at once; otherwise wait a little before the next voter.
        if (this.hint < 0 || this.hint === before) {
          await this.sleep(backoffMs, options.signal);
          backoffMs = Math.min(backoffMs * 2, CONTROLLER_RETRY_BACKOFF_MS_MAX);
        }
      }
    }
    throw last ?? new SamsaError('NOT_CONTROLLER', 'no active controller found');
  }

  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        this.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  openHeartbeat(handlers: HeartbeatStreamHandlers): HeartbeatStream {
    const voter = this.target();
    const call = this.client(voter).Heartbeat();
    let done = false;
    const finish = (error: SamsaError | undefined): void => {
      if (done) return;
      done = true;
      handlers.onClose(error);
    };
    call.on('data', (response: BrokerHeartbeatResponse__Output) => {
      if (!done) handlers.onResponse(response);
    });
    call.on('error', (err: grpc.ServiceError) => finish(controllerError(err, voter.address)));
    call.on('end', () => finish(new SamsaError('NETWORK_EXCEPTION', `controller ${voter.address} ended the heartbeat stream`)));
    return {
      voterId: voter.id,
      send: (request) => {
        if (!done) call.write(request);
      },
      close: () => {
        done = true;
        call.cancel();
      },
    };
  }

  openWatch(request: WatchMetadataRequest, handlers: WatchHandlers): WatchStream {
    const voter = this.target();
    const call = this.client(voter).WatchMetadata(request);
    let done = false;
    const finish = (error: SamsaError | undefined): void => {
      if (done) return;
      done = true;
      handlers.onClose(error);
    };
    call.on('data', (message: WatchMetadataResponse__Output) => {
      if (!done) handlers.onMessage(message);
    });
    call.on('error', (err: grpc.ServiceError) => finish(controllerError(err, voter.address)));
    call.on('end', () => finish(new SamsaError('NETWORK_EXCEPTION', `controller ${voter.address} ended the metadata watch`)));
    return {
      voterId: voter.id,
      close: () => {
        done = true;
        call.cancel();
      },
    };
  }

  close(): void {
    this.closed = true;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    this.listeners.clear();
  }
}
