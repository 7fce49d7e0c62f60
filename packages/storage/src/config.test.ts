// Proves that the storage configuration has the documented defaults and that validateConfig and
// validatePartitionConfig reject impossible values with messages naming the setting.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, validateConfig, validatePartitionConfig } from './config.js';

describe('validateConfig', () => {
  it('fills the defaults', () => {
    const cfg = validateConfig({ dataDir: '/tmp/x' });
    expect(cfg).toEqual({ ...DEFAULTS, dataDir: '/tmp/x' });
    expect(cfg.logFlushSync).toBe(true);
    expect(cfg.logWriteBufferBytes).toBe(8 * 1024 * 1024);
    expect(cfg.groupCommitBytesMax).toBe(8 * 1024 * 1024);
    expect(cfg.retentionCheckIntervalMs).toBe(30_000);
    expect(cfg.highWatermarkCheckpointIntervalMs).toBe(1000);
    expect(cfg.tailCacheBytes).toBe(64 * 1024 * 1024);
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('keeps valid overrides and allows 0 to disable the retention timer and the tail cache', () => {
    const cfg = validateConfig({ dataDir: 'd', logFlushSync: false, groupCommitBytesMax: 1, retentionCheckIntervalMs: 0, tailCacheBytes: 0 });
    expect(cfg.tailCacheBytes).toBe(0);
    expect(cfg.logFlushSync).toBe(false);
    expect(cfg.groupCommitBytesMax).toBe(1);
    expect(cfg.retentionCheckIntervalMs).toBe(0);
  });

  it.each([
    [{ dataDir: '' }, /dataDir/],
    [{ dataDir: 'd', logFlushSync: 'yes' }, /logFlushSync/],
    [{ dataDir: 'd', logWriteBufferBytes: 1024 }, /logWriteBufferBytes/],
    [{ dataDir: 'd', logWriteBufferBytes: 1.5e6 + 0.5 }, /logWriteBufferBytes/],
    [{ dataDir: 'd', groupCommitBytesMax: 0 }, /groupCommitBytesMax/],
    [{ dataDir: 'd', retentionCheckIntervalMs: 5 }, /retentionCheckIntervalMs/],
    [{ dataDir: 'd', highWatermarkCheckpointIntervalMs: 0 }, /highWatermarkCheckpointIntervalMs/],
    [{ dataDir: 'd', tailCacheBytes: -1 }, /tailCacheBytes/],
    [{ dataDir: 'd', tailCacheBytes: 2 ** 40 }, /tailCacheBytes/],
    [{ dataDir: 'd', retentionMs: 5 }, /unknown setting "retentionMs"/],
  ])('rejects %j', (config, message) => {
    expect(() => validateConfig(config as never)).toThrow(message);
  });
});

describe('validatePartitionConfig', () => {
  it('accepts -1 and non-negative integers', () => {
    expect(validatePartitionConfig({ retentionMs: -1, retentionBytes: 0 })).toEqual({ retentionMs: -1, retentionBytes: 0 });
  });

  it('rejects other values with INVALID_CONFIG', () => {
    expect(() => validatePartitionConfig({ retentionMs: -2, retentionBytes: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => validatePartitionConfig({ retentionMs: 1, retentionBytes: 0.5 })).toThrow(/retentionBytes/);
  });
});
