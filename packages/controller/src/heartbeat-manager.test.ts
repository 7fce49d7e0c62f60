// Proves the broker liveness rules on a manual clock (no sleeps): a silent broker expires after the
// session timeout and not a millisecond before; a closed stream expires after the grace unless a
// stream of the same incarnation comes back; a heartbeat of another incarnation counts for
// nothing; a new active controller starts every session clock at its election; a registration
// replaces the old incarnation's session; a failed fence is reported again later; a stall of the
// controller's own process restarts the session clocks instead of fencing everyone; a deactivated
// manager fences nobody.
import { describe, expect, it } from 'vitest';
import { BrokerHeartbeatManager } from './heartbeat-manager.js';
import type { ExpiryReason } from './heartbeat-manager.js';
import { ManualClock } from './testing.js';

function setup(options: { sessionTimeoutMs?: number; streamCloseGraceMs?: number } = {}) {
  const clock = new ManualClock(0);
  const expired: [number, string, ExpiryReason, number][] = [];
  const stalls: number[] = [];
  const manager = new BrokerHeartbeatManager({
    sessionTimeoutMs: options.sessionTimeoutMs ?? 3000,
    streamCloseGraceMs: options.streamCloseGraceMs ?? 500,
    clock,
    onExpired: (id, inc, reason) => expired.push([id, inc, reason, clock.now()]),
    onStall: (ms) => stalls.push(ms),
  });
  return { clock, manager, expired, stalls };
}

describe('BrokerHeartbeatManager', () => {
  it('expires a silent broker after the session timeout', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }]);
    await clock.advance(1000);
    expect(manager.heartbeat(10, 1, 'a', 5)).toBe(true);
    expect(manager.isAlive(1)).toBe(true);
    await clock.advance(2999);
    expect(expired).toEqual([]);
    expect(manager.isAlive(1)).toBe(true);
    await clock.advance(1);
    expect(expired).toEqual([[1, 'a', 'session-timeout', 4000]]);
    expect(manager.isAlive(1)).toBe(false);
    expect(manager.isExpired(1, 'a')).toBe(true);
    // Reported once; a later heartbeat makes it alive again.
    await clock.advance(10_000);
    expect(expired).toHaveLength(1);
    manager.heartbeat(10, 1, 'a', 6);
    expect(manager.isAlive(1)).toBe(true);
    expect(manager.liveness(1)).toMatchObject({ alive: true, streamOpen: true, appliedOffset: 6, lastHeartbeatMs: 14_000, deadlineMs: 17_000 });
  });

  it('expires a broker whose stream closed after the grace', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }, { id: 2, incarnationId: 'b' }]);
    manager.heartbeat(1, 1, 'a', 0);
    manager.heartbeat(2, 2, 'b', 0);
    await clock.advance(100);
    manager.streamClosed(1);
    expect(manager.isAlive(1)).toBe(false);
    await clock.advance(499);
    expect(expired).toEqual([]);
    await clock.advance(1);
    expect(expired).toEqual([[1, 'a', 'stream-closed', 600]]);
    manager.streamClosed(99); // unknown streams are ignored
    expect(manager.isAlive(2)).toBe(true);
  });

  it('keeps a broker that reconnects with the same incarnation within the grace', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }]);
    manager.heartbeat(1, 1, 'a', 0);
    manager.streamClosed(1);
    await clock.advance(300);
    // Another incarnation's heartbeat does not count.
    expect(manager.heartbeat(2, 1, 'not-a', 0)).toBe(false);
    expect(manager.heartbeat(3, 1, 'a', 0)).toBe(true);
    await clock.advance(1000);
    expect(expired).toEqual([]);
    // The old stream's late close is not the current stream's.
    manager.streamClosed(1);
    await clock.advance(1000);
    expect(expired).toEqual([]);
    expect(manager.isAlive(1)).toBe(true);
  });

  it('starts every session clock at the election, not at a heartbeat it never saw', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }]);
    manager.heartbeat(1, 1, 'a', 0);
    manager.deactivate();
    await clock.advance(10_000);
    expect(expired).toEqual([]);
    manager.activate([{ id: 1, incarnationId: 'a' }, { id: 2, incarnationId: 'b' }]);
    expect(manager.isAlive(1)).toBe(false); // no stream to this controller yet
    await clock.advance(2999);
    expect(expired).toEqual([]);
    manager.heartbeat(7, 2, 'b', 0);
    await clock.advance(1);
    expect(expired).toEqual([[1, 'a', 'session-timeout', 13_000]]);
  });

  it('lets a registration replace the old incarnation', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'old' }]);
    manager.heartbeat(1, 1, 'old', 3);
    await clock.advance(2000);
    manager.registered(1, 'new');
    expect(manager.heartbeat(1, 1, 'old', 3)).toBe(false);
    expect(manager.liveness(1)).toMatchObject({ incarnationId: 'new', appliedOffset: -1, streamOpen: false });
    await clock.advance(2999);
    expect(expired).toEqual([]);
    await clock.advance(1);
    expect(expired).toEqual([[1, 'new', 'session-timeout', 5000]]);
  });

  it('reports an expiry again after retryLater', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }]);
    await clock.advance(3000);
    expect(expired).toHaveLength(1);
    manager.retryLater(1, 1000);
    await clock.advance(999);
    expect(expired).toHaveLength(1);
    await clock.advance(1);
    expect(expired).toHaveLength(2);
  });

  it('restarts every session clock after a stall of its own process instead of fencing', async () => {
    const { clock, manager, expired, stalls } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }]);
    manager.heartbeat(1, 1, 'a', 0);
    // The process does not run for 10 s (its timer was due at 3000), then runs again.
    clock.jump(10_000);
    await clock.advance(0);
    expect(expired).toEqual([]);
    expect(stalls).toEqual([7000]);
    // A broker that stays silent after the stall is fenced a session timeout later.
    await clock.advance(2999);
    expect(expired).toEqual([]);
    await clock.advance(1);
    expect(expired).toEqual([[1, 'a', 'session-timeout', 13_000]]);
  });

  it('fences nobody once deactivated', async () => {
    const { clock, manager, expired } = setup();
    manager.activate([{ id: 1, incarnationId: 'a' }]);
    manager.deactivate();
    expect(manager.heartbeat(1, 1, 'a', 0)).toBe(false);
    manager.registered(2, 'b');
    await clock.advance(60_000);
    expect(expired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    expect(manager.liveness(1)).toBeUndefined();
  });
});
