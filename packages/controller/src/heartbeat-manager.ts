// Broker liveness as the active controller sees it (ARCHITECTURE.md, "Broker liveness"). Each
// broker holds one heartbeat stream to the active controller; this manager keeps, per registered
// broker, when it was last heard from, which stream is its current one, and the metadata offset
// it reports, and calls `onExpired` when a broker must be fenced:
//
// - its stream closed (its process died and the kernel closed the socket) and no stream of the
//   same incarnation came back within `streamCloseGraceMs`;
// - its stream stayed open but silent (paused, partitioned) for `sessionTimeoutMs`.
//
// A new active controller calls activate() at its election: every broker's session clock starts
// then, not at a heartbeat this controller never saw. The manager decides nothing about the image
// (whether a broker is already fenced, or caught up): the QuorumController does, with it.
//
// The clock is injected (tests drive it by hand). One timer is armed at the earliest deadline. A
// timer that fires far later than it was due means this process itself stalled (a long pause of
// the event loop, SIGSTOP): every session clock then starts again, as at an election, so a
// controller does not fence healthy brokers for its own pause.
import type { Clock, TimerHandle } from './clock.js';

export type ExpiryReason = 'session-timeout' | 'stream-closed';

export interface BrokerHeartbeatManagerOptions {
  readonly sessionTimeoutMs: number;
  readonly streamCloseGraceMs: number;
  readonly clock: Clock;
  /** How late the timer may fire before the lateness is taken for a stall of this process. */
  readonly stallToleranceMs?: number;
  /** A broker must be fenced. Called once per expiry; again only after new contact or retryLater(). */
  readonly onExpired: (brokerId: number, incarnationId: string, reason: ExpiryReason) => void;
  /** Told when a stall of this process moved every deadline (for a log line). */
  readonly onStall?: (stallMs: number) => void;
}

/** What the manager knows of one broker (for cluster status). */
export interface BrokerLiveness {
  readonly brokerId: number;
  readonly incarnationId: string;
  /** A heartbeat stream of this incarnation is open and it was heard from within the session. */
  readonly alive: boolean;
  readonly streamOpen: boolean;
  /** The last metadata offset it reported; -1 before its first heartbeat to this controller. */
  readonly appliedOffset: number;
  /** When it last heartbeat to this controller; undefined before the first. */
  readonly lastHeartbeatMs: number | undefined;
  /** When it will be fenced unless heard from. */
  readonly deadlineMs: number;
}

interface Session {
  brokerId: number;
  incarnationId: string;
  /** The stream its latest heartbeat came on; undefined before the first. */
  streamId: number | undefined;
  /** Last heartbeat, registration or activation: the session clock's start. */
  lastContactMs: number;
  lastHeartbeatMs: number | undefined;
  appliedOffset: number;
  /** When its current stream closed (the grace runs); undefined while open or unknown. */
  closedAtMs: number | undefined;
  /** Reported to onExpired and not heard from since. */
  expired: boolean;
  /** After retryLater(): not reported again before this time. */
  notBeforeMs: number;
}

/** A timer that fires this much later than due is a stall of this process, not of the brokers. */
export const HEARTBEAT_STALL_TOLERANCE_MS_DEFAULT = 1000;

export class BrokerHeartbeatManager {
  private readonly o: BrokerHeartbeatManagerOptions;
  private readonly stallToleranceMs: number;
  private readonly sessions = new Map<number, Session>();
  /** stream id -> broker id, for the streams whose heartbeats were heard. */
  private readonly streams = new Map<number, number>();
  private isActive = false;
  private timer: TimerHandle | undefined;
  private timerDueMs = Number.POSITIVE_INFINITY;

  constructor(options: BrokerHeartbeatManagerOptions) {
    this.o = options;
    this.stallToleranceMs = options.stallToleranceMs ?? HEARTBEAT_STALL_TOLERANCE_MS_DEFAULT;
  }

  get active(): boolean {
    return this.isActive;
  }

  /** This node became the active controller: every registered broker's session starts now. */
  activate(brokers: Iterable<{ readonly id: number; readonly incarnationId: string }>): void {
    this.clear();
    this.isActive = true;
    const now = this.o.clock.now();
    for (const b of brokers) this.sessions.set(b.id, this.newSession(b.id, b.incarnationId, now));
    this.arm();
  }

  /** This node no longer leads: forget everything, fence nobody. */
  deactivate(): void {
    this.clear();
    this.isActive = false;
  }

  /** A broker registered (a new incarnation replaces the old one's session and streams). */
  registered(brokerId: number, incarnationId: string): void {
    if (!this.isActive) return;
    const current = this.sessions.get(brokerId);
    if (current !== undefined && current.incarnationId === incarnationId) return;
    if (current?.streamId !== undefined) this.streams.delete(current.streamId);
    this.sessions.set(brokerId, this.newSession(brokerId, incarnationId, this.o.clock.now()));
    this.arm();
  }

  /**
   * A heartbeat on stream `streamId`. Returns false when it is not from the broker's current
   * incarnation (a stale process), which then counts for nothing.
   */
  heartbeat(streamId: number, brokerId: number, incarnationId: string, appliedOffset: number): boolean {
    const s = this.sessions.get(brokerId);
    if (!this.isActive || s === undefined || s.incarnationId !== incarnationId) return false;
    const now = this.o.clock.now();
    if (s.streamId !== streamId) {
      if (s.streamId !== undefined) this.streams.delete(s.streamId);
      s.streamId = streamId;
      this.streams.set(streamId, brokerId);
    }
    s.closedAtMs = undefined;
    s.lastContactMs = now;
    s.lastHeartbeatMs = now;
    s.appliedOffset = Math.max(s.appliedOffset, appliedOffset);
    s.expired = false;
    s.notBeforeMs = 0;
    this.arm();
    return true;
  }

  /** A heartbeat stream closed; only the broker's current stream starts the grace. */
  streamClosed(streamId: number): void {
    const brokerId = this.streams.get(streamId);
    this.streams.delete(streamId);
    if (brokerId === undefined) return;
    const s = this.sessions.get(brokerId);
    if (s === undefined || s.streamId !== streamId) return;
    s.streamId = undefined;
    s.closedAtMs = this.o.clock.now();
    this.arm();
  }

  /** A fence that was reported could not be done (say, a write failed): report it again after `delayMs`. */
  retryLater(brokerId: number, delayMs: number): void {
    const s = this.sessions.get(brokerId);
    if (s === undefined || !s.expired) return;
    s.expired = false;
    s.notBeforeMs = this.o.clock.now() + delayMs;
    this.arm();
  }

  /** True when the broker's current incarnation has an open stream and was heard within the session. */
  isAlive(brokerId: number): boolean {
    const s = this.sessions.get(brokerId);
    return s !== undefined && this.aliveAt(s, this.o.clock.now());
  }

  /** True when the broker's session has run out (the fence it calls for is still due). */
  isExpired(brokerId: number, incarnationId: string): boolean {
    const s = this.sessions.get(brokerId);
    return s !== undefined && s.incarnationId === incarnationId && this.deadline(s) <= this.o.clock.now();
  }

  liveness(brokerId: number): BrokerLiveness | undefined {
    const s = this.sessions.get(brokerId);
    if (s === undefined) return undefined;
    const now = this.o.clock.now();
    return {
      brokerId,
      incarnationId: s.incarnationId,
      alive: this.aliveAt(s, now),
      streamOpen: s.streamId !== undefined,
      appliedOffset: s.appliedOffset,
      lastHeartbeatMs: s.lastHeartbeatMs,
      deadlineMs: this.deadline(s),
    };
  }

  private aliveAt(s: Session, now: number): boolean {
    return !s.expired && s.streamId !== undefined && now < this.deadline(s);
  }

  private newSession(brokerId: number, incarnationId: string, now: number): Session {
    return { brokerId, incarnationId, streamId: undefined, lastContactMs: now, lastHeartbeatMs: undefined, appliedOffset: -1, closedAtMs: undefined, expired: false, notBeforeMs: 0 };
  }

  private deadline(s: Session): number {
    let d = s.lastContactMs + this.o.sessionTimeoutMs;
    if (s.closedAtMs !== undefined) d = Math.min(d, s.closedAtMs + this.o.streamCloseGraceMs);
    return Math.max(d, s.notBeforeMs);
  }

  private clear(): void {
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueMs = Number.POSITIVE_INFINITY;
    this.sessions.clear();
    this.streams.clear();
  }

  /**
   * Keeps one timer at (or before) the earliest deadline. A timer already due earlier stays: it
   * fires, finds nothing expired, and arms again, so a heartbeat costs no timer churn.
   */
  private arm(): void {
    if (!this.isActive) return;
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.sessions.values()) if (!s.expired) next = Math.min(next, this.deadline(s));
    if (next === Number.POSITIVE_INFINITY) return;
    if (this.timer !== undefined && this.timerDueMs <= next) return;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    const now = this.o.clock.now();
    this.timerDueMs = next;
    this.timer = this.o.clock.setTimeout(() => this.check(), Math.max(0, next - now));
  }

  private check(): void {
    this.timer = undefined;
    const now = this.o.clock.now();
    const lateMs = now - this.timerDueMs;
    this.timerDueMs = Number.POSITIVE_INFINITY;
    if (!this.isActive) return;
    if (lateMs > this.stallToleranceMs) {
      // This process did not run for lateMs: the brokers could not have been heard meanwhile
      // (their heartbeats wait in the sockets). As after an election, every clock starts now.
      for (const s of this.sessions.values()) {
        s.lastContactMs = Math.max(s.lastContactMs, now);
        if (s.closedAtMs !== undefined) s.closedAtMs = Math.max(s.closedAtMs, now);
      }
      this.o.onStall?.(lateMs);
      this.arm();
      return;
    }
    const due: Session[] = [];
    for (const s of this.sessions.values()) {
      if (!s.expired && this.deadline(s) <= now) {
        s.expired = true;
        due.push(s);
      }
    }
    for (const s of due) this.o.onExpired(s.brokerId, s.incarnationId, s.closedAtMs !== undefined && s.closedAtMs + this.o.streamCloseGraceMs <= now ? 'stream-closed' : 'session-timeout');
    this.arm();
  }
}
