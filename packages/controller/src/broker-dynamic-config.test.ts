// Proves the dynamic broker config table: follower.replication.throttled.rate accepts a whole
// number of bytes per second of at least 1 and refuses anything else with INVALID_CONFIG naming
// the key, and followerThrottleBytesPerSec reads a broker's value from an image built by apply()
// (0, no throttle, for a broker without it).
import { describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { BROKER_DYNAMIC_CONFIGS, FOLLOWER_THROTTLE_KEY, brokerConfigDef, followerThrottleBytesPerSec } from './broker-dynamic-config.js';
import { emptyImage } from './image.js';
import type { MetadataImage } from './image.js';
import { Records, normalizeRecord } from './records.js';
import type { MetadataRecord } from './records.js';

function run(image: MetadataImage, ...records: MetadataRecord[]): MetadataImage {
  let out = image;
  for (const r of records) out = apply(out, normalizeRecord(r).record, out.appliedIndex + 1);
  return out;
}

describe('dynamic broker configs', () => {
  it('has one documented row per key', () => {
    expect(BROKER_DYNAMIC_CONFIGS.map((d) => d.name)).toEqual([FOLLOWER_THROTTLE_KEY]);
    expect(FOLLOWER_THROTTLE_KEY).toBe('follower.replication.throttled.rate');
    for (const d of BROKER_DYNAMIC_CONFIGS) expect(d.doc.length).toBeGreaterThan(10);
    expect(brokerConfigDef('no.such.key')).toBeUndefined();
  });

  it('accepts whole numbers of at least 1 and refuses the rest with INVALID_CONFIG', () => {
    const def = brokerConfigDef(FOLLOWER_THROTTLE_KEY)!;
    for (const ok of ['1', '1048576', '9007199254740991']) expect(() => def.validate(ok), ok).not.toThrow();
    for (const bad of ['0', '-1', '1.5', '1e6', ' 1', '1 ', '', 'fast', '0x10', '99999999999999999']) {
      expect(() => def.validate(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining(FOLLOWER_THROTTLE_KEY) }));
    }
  });

  it('reads a broker throttle from the image, 0 when unset', () => {
    let image = run(emptyImage('c'), Records.registerBroker({ brokerId: 1, incarnationId: 'a', endpoints: [] }));
    expect(followerThrottleBytesPerSec(image, 1)).toBe(0);
    image = run(image, Records.brokerConfigChanged(1, { [FOLLOWER_THROTTLE_KEY]: '65536' }, []));
    expect(followerThrottleBytesPerSec(image, 1)).toBe(65_536);
    expect(followerThrottleBytesPerSec(image, 2)).toBe(0);
    image = run(image, Records.brokerConfigChanged(1, {}, [FOLLOWER_THROTTLE_KEY]));
    expect(followerThrottleBytesPerSec(image, 1)).toBe(0);
  });
});
