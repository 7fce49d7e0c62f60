// The broker's side of liveness (ARCHITECTURE.md, "Broker liveness"), as Kafka's
// BrokerLifecycleManager: register with the active controller under a new incarnation id per
// process start, then keep one heartbeat stream to it, a heartbeat every
// broker.heartbeat.interval.ms carrying the metadata offset this broker has applied. The
// controller unfences the broker once that offset reaches its registration (it caught up), and
// answers every heartbeat with whether the broker is fenced.
//
// The write lease: a broker accepts writes only while a heartbeat answered "not fenced" was *sent*
// less than broker.session.timeout.ms ago, and only once its own image has reached the metadata
// offset that answer carried. The controller fences a broker at least a session timeout after it
// last heard from it, later than that send, so a paused or partitioned broker (a zombie) stops
// acknowledging writes before anyone replaces it; and a broker coming back cannot take writes on
// a stale image, since the answer's offset includes every change made while it was away.
//
// A stream that fails or goes unanswered for half a session is dropped and reopened at the voter
// the channel now believes active (NOT_CONTROLLER names it), with backoff.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BrokerEndpointInfo, Clock, TimerHandle } from '@samsa/controller';
import { SamsaError, int64ToNumber, isSamsaError } from '@samsa/protocol';
import type { BrokerHeartbeatResponse__Output } from '@samsa/protocol';
import type { ControllerChannel, HeartbeatStream } from './controller-client.js';
import { isRedirectable } from './controller-client.js';
import type { MetadataView } from './metadata-view.js';

export interface BrokerLifecycleOptions {
  readonly nodeId: number;
  readonly endpoints: readonly BrokerEndpointInfo[];
  readonly rack?: string;
  readonly channel: ControllerChannel;
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default: a new random id (one per process start). */
  readonly incarnationId?: string;
}

/** Reconnect backoff of the heartbeat stream and of registration: from the first, doubling to the max. */
export const LIFECYCLE_BACKOFF_MS_FIRST = 50;
export const LIFECYCLE_BACKOFF_MS_MAX = 1000;
/** Heartbeats sent and not yet answered before the stream is taken for dead (besides the timeout). */
export const HEARTBEATS_IN_FLIGHT_MAX = 16;

export class BrokerLifecycle {
  readonly incarnationId: string;
  private readonly o: BrokerLifecycleOptions;
  private readonly log: Logger;
  /** A heartbeat unanswered this long means the stream (or its controller) is gone. */
  private readonly responseTimeoutMs: number;
  private epoch = -1;
  private view: MetadataView | undefined;
  private offView: (() => void) | undefined;
  private stream: HeartbeatStream | undefined;
  /** Send times of the heartbeats not answered yet, oldest first (answers come in order). */
  private sentAtMs: number[] = [];
  private tickTimer: TimerHandle | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private backoffMs = LIFECYCLE_BACKOFF_MS_FIRST;
  private fencedByController = true;
  private leaseUntilMs = Number.NEGATIVE_INFINITY;
  private pendingLease: { untilMs: number; offset: number } | undefined;
  private controller = -1;
  private lastError: string | undefined;
  private leaseWasValid = false;
  private stopped = false;
  /** pauseHeartbeats() was called (tests of a paused broker). */
  private paused = false;
  private readonly waiters = new Set<() => void>();
  /** Controlled shutdown asked for, and the metadata offset at which the controller said it is done. */
  private wantShutDown = false;
  private shutDownOffset: number | undefined;
  private readonly controllerListeners = new Set<(id: number) => void>();

  constructor(options: BrokerLifecycleOptions) {
    this.o = options;
    this.incarnationId = options.incarnationId ?? randomUUID();
    this.log = options.logger.child({ component: 'broker-lifecycle' });
    this.responseTimeoutMs = Math.max(2 * options.heartbeatIntervalMs, Math.floor(options.sessionTimeoutMs / 2));
  }

  /** The broker epoch of this incarnation's registration; -1 before it registered. */
  get brokerEpoch(): number {
    return this.epoch;
  }

  /** As the controller last said (true until it says otherwise). */
  get fenced(): boolean {
    return this.fencedByController;
  }

  /** The active controller's id as the heartbeats last named it; -1 when unknown. */
  get controllerId(): number {
    return this.controller >= 0 ? this.controller : this.o.channel.activeControllerId;
  }

  /** Until when the write lease holds (ms since the epoch); -Infinity when it never did. */
  get leaseUntil(): number {
    return this.leaseUntilMs;
  }

  /** True while this broker may acknowledge writes: unfenced, and its lease is current. */
  canAcceptWrites(): boolean {
    return !this.stopped && !this.fencedByController && this.o.clock.now() < this.leaseUntilMs;
  }

  onControllerChange(listener: (controllerId: number) => void): () => void {
    this.controllerListeners.add(listener);
    return () => this.controllerListeners.delete(listener);
  }

  /**
   * Registers this incarnation with the active controller, retrying (with backoff) while no
   * controller answers; a refusal (another cluster, a bad request) throws. `clusterId` is this
   * data directory's ('' when it has none yet). Resolves with the broker epoch and the cluster id.
   */
  async register(clusterId: string, signal: AbortSignal): Promise<{ brokerEpoch: number; clusterId: string }> {
    let backoffMs = LIFECYCLE_BACKOFF_MS_FIRST;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted || this.stopped) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the broker stopped before it registered');
      try {
        const response = await this.o.channel.unary(
          'RegisterBroker',
          { cluster_id: clusterId, broker_id: this.o.nodeId, incarnation_id: this.incarnationId, endpoints: [...this.o.endpoints], rack: this.o.rack ?? '' },
          { signal },
        );
        this.epoch = int64ToNumber(response.broker_epoch, 'broker_epoch');
        this.log.info({ brokerEpoch: this.epoch, incarnationId: this.incarnationId, controllerId: this.o.channel.activeControllerId }, 'registered with the controller');
        return { brokerEpoch: this.epoch, clusterId: response.cluster_id };
      } catch (err) {
        const e = isSamsaError(err) ? err : new SamsaError('UNKNOWN_SERVER_ERROR', String(err), { cause: err });
        if (!e.retriable && !isRedirectable(e)) throw e;
        // A cluster still electing its controller is normal at start: say so now and then.
        if (attempt === 1 || attempt % 20 === 0) this.log.warn({ err: e, attempt }, 'registration with the controller failed; retrying');
        await this.sleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, LIFECYCLE_BACKOFF_MS_MAX);
      }
    }
  }

  /** Starts the heartbeat stream (after register()); `view` is the image whose offset it reports. */
  startHeartbeats(view: MetadataView): void {
    if (this.stopped || this.view !== undefined) return;
    this.view = view;
    this.offView = view.subscribe(() => {
      this.promote();
      this.notify();
    });
    this.open();
    this.scheduleTick();
  }

  /** Resolves once this broker may take writes; rejects when `signal` aborts first. */
  waitUntilWritable(signal: AbortSignal): Promise<void> {
    if (this.canAcceptWrites()) return Promise.resolve();
    if (this.stopped || signal.aborted) return Promise.reject(new SamsaError('BROKER_NOT_AVAILABLE', 'the broker stopped before it was unfenced'));
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.canAcceptWrites()) {
          cleanup();
          resolve();
        } else if (signal.aborted || this.stopped) {
          cleanup();
          reject(new SamsaError('BROKER_NOT_AVAILABLE', 'the broker stopped before it was unfenced'));
        }
      };
      const cleanup = (): void => {
        this.waiters.delete(check);
        signal.removeEventListener('abort', check);
      };
      this.waiters.add(check);
      signal.addEventListener('abort', check, { once: true });
    });
  }

  /**
   * Controlled shutdown: asks the active controller (in the heartbeats) to move this broker's
   * leaderships away and take it out of the ISRs, and resolves once it said that is done and this
   * broker's image has the change, or after `timeoutMs` (then the broker stops anyway; its
   * partitions fail over as after a crash). Returns whether it completed.
   */
  async controlledShutdown(timeoutMs: number): Promise<boolean> {
    if (this.stopped || this.epoch < 0 || this.view === undefined || this.fencedByController) return false;
    this.wantShutDown = true;
    this.log.info({ timeoutMs }, 'controlled shutdown: asking the controller to move leaderships away');
    this.send();
    const done = (): boolean => this.shutDownOffset !== undefined && this.view !== undefined && this.view.image.appliedIndex >= this.shutDownOffset;
    const completed = await new Promise<boolean>((resolve) => {
      if (done()) return resolve(true);
      const check = (): void => {
        if (done()) finish(true);
        // No controller answering (no stream, heartbeats unanswered for two intervals, the lease
        // lapsed) or fenced already: nothing will move, stop without waiting longer.
        else if (this.stopped || !this.canAcceptWrites() || this.stream === undefined || this.o.clock.now() - (this.sentAtMs[0] ?? Infinity) > 2 * this.o.heartbeatIntervalMs) finish(false);
      };
      const timer = this.o.clock.setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean): void => {
        this.o.clock.clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      this.waiters.add(check);
    });
    if (completed) this.log.info({ metadataOffset: this.shutDownOffset }, 'controlled shutdown: leaderships moved');
    else this.log.warn({ timeoutMs }, 'controlled shutdown did not complete in time; stopping anyway');
    return completed;
  }

  /** Stops heartbeating; the controller sees the stream close (and fences after its grace). Safe twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tickTimer !== undefined) this.o.clock.clearTimeout(this.tickTimer);
    if (this.reconnectTimer !== undefined) this.o.clock.clearTimeout(this.reconnectTimer);
    this.tickTimer = this.reconnectTimer = undefined;
    this.offView?.();
    this.stream?.close();
    this.stream = undefined;
    this.notify();
  }

  /** For tests of a paused broker: keeps the stream open but stops sending. */
  pauseHeartbeats(): void {
    if (this.tickTimer !== undefined) this.o.clock.clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    this.paused = true;
  }

  private scheduleTick(): void {
    if (this.stopped || this.paused) return;
    this.tickTimer = this.o.clock.setTimeout(() => this.tick(), this.o.heartbeatIntervalMs);
  }

  private tick(): void {
    this.tickTimer = undefined;
    if (this.stopped) return;
    const now = this.o.clock.now();
    if (this.stream !== undefined) {
      const oldest = this.sentAtMs[0];
      if ((oldest !== undefined && now - oldest > this.responseTimeoutMs) || this.sentAtMs.length >= HEARTBEATS_IN_FLIGHT_MAX) {
        const stream = this.stream;
        stream.close();
        this.closed(stream, new SamsaError('REQUEST_TIMED_OUT', `no heartbeat answered for ${now - (oldest ?? now)} ms`));
      } else {
        this.send();
      }
    }
    if (this.wantShutDown) this.notify(); // a controlled shutdown re-checks its wait each tick
    if (this.leaseWasValid && !this.canAcceptWrites()) {
      this.leaseWasValid = false;
      this.log.warn({ leaseUntil: this.leaseUntilMs, fenced: this.fencedByController }, 'write lease lapsed: not accepting writes until the controller answers again');
      this.notify();
    }
    this.scheduleTick();
  }

  private open(): void {
    if (this.stopped || this.stream !== undefined) return;
    const stream = this.o.channel.openHeartbeat({
      onResponse: (response) => this.answered(stream, response),
      onClose: (error) => this.closed(stream, error),
    });
    this.stream = stream;
    this.sentAtMs = [];
    this.send();
  }

  private send(): void {
    const stream = this.stream;
    if (stream === undefined || this.paused) return;
    this.sentAtMs.push(this.o.clock.now());
    stream.send({ broker_id: this.o.nodeId, incarnation_id: this.incarnationId, broker_epoch: this.epoch, applied_offset: this.view?.image.appliedIndex ?? 0, want_shut_down: this.wantShutDown });
  }

  private closed(stream: HeartbeatStream, error: SamsaError | undefined): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    this.sentAtMs = [];
    if (this.stopped) return;
    const e = error ?? new SamsaError('NETWORK_EXCEPTION', 'the heartbeat stream ended');
    this.o.channel.noteFailure(stream.voterId, e);
    this.log.info({ err: e, voterId: stream.voterId, retryInMs: this.backoffMs }, 'heartbeat stream closed; reconnecting');
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, LIFECYCLE_BACKOFF_MS_MAX);
  }

  private answered(stream: HeartbeatStream, r: BrokerHeartbeatResponse__Output): void {
    if (this.stream !== stream || this.stopped) return;
    const sentAtMs = this.sentAtMs.shift();
    if (sentAtMs === undefined) return;
    this.backoffMs = LIFECYCLE_BACKOFF_MS_FIRST;
    if (r.controller_id >= 0) this.o.channel.noteActive(r.controller_id);
    if (r.controller_id !== this.controller) {
      this.controller = r.controller_id;
      for (const l of [...this.controllerListeners]) l(r.controller_id);
    }
    if (r.error_code !== 'NONE') {
      this.revoke();
      const message = `${r.error_code}: ${r.error_message}`;
      if (this.lastError !== message) this.log.error({ code: r.error_code, message: r.error_message }, 'the controller refuses this broker incarnation; not serving writes');
      this.lastError = message;
    } else if (r.fenced) {
      if (!this.fencedByController) this.log.warn({ controllerId: r.controller_id }, 'fenced by the controller');
      this.revoke();
    } else {
      if (this.fencedByController) this.log.info({ controllerId: r.controller_id }, 'unfenced by the controller');
      this.fencedByController = false;
      this.lastError = undefined;
      this.pendingLease = { untilMs: sentAtMs + this.o.sessionTimeoutMs, offset: int64ToNumber(r.metadata_offset, 'metadata_offset') };
      this.promote();
    }
    if (this.wantShutDown && r.should_shut_down) this.shutDownOffset ??= int64ToNumber(r.metadata_offset, 'metadata_offset');
    this.notify();
  }

  private revoke(): void {
    this.fencedByController = true;
    this.pendingLease = undefined;
    this.leaseUntilMs = Number.NEGATIVE_INFINITY;
  }

  /** The pending lease holds once the image has what the controller had when it answered. */
  private promote(): void {
    const p = this.pendingLease;
    if (p === undefined || this.view === undefined || this.view.image.appliedIndex < p.offset) return;
    this.pendingLease = undefined;
    this.leaseUntilMs = Math.max(this.leaseUntilMs, p.untilMs);
    if (this.canAcceptWrites()) this.leaseWasValid = true;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.o.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.o.clock.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
