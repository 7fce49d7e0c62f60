// Dynamic broker configs: settings of one broker that an operator changes at run time through
// AlterConfigs (`samsa configs set --broker N ...`), kept in the metadata (ConfigChanged records
// with a broker id) so every node sees them and they survive restarts. One row per key, as the
// topic config table.
import { SamsaError } from '@samsa/protocol';
import type { MetadataImage } from './image.js';

export interface BrokerConfigDef {
  readonly name: string;
  readonly doc: string;
  /** Throws SamsaError INVALID_CONFIG naming the key. */
  readonly validate: (value: string) => void;
}

export const FOLLOWER_THROTTLE_KEY = 'follower.replication.throttled.rate';

export const BROKER_DYNAMIC_CONFIGS: readonly BrokerConfigDef[] = Object.freeze([
  Object.freeze({
    name: FOLLOWER_THROTTLE_KEY,
    doc: 'The most bytes per second this broker fetches as a follower, over all the partitions it follows (unset: no limit).',
    validate: (v: string) => {
      if (!/^\d{1,16}$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < 1) {
        throw new SamsaError('INVALID_CONFIG', `invalid value ${JSON.stringify(v)} for ${FOLLOWER_THROTTLE_KEY}: must be a whole number of bytes per second, at least 1 (delete the key to lift the throttle)`);
      }
    },
  }),
]);

const BY_NAME: ReadonlyMap<string, BrokerConfigDef> = new Map(BROKER_DYNAMIC_CONFIGS.map((d) => [d.name, d]));

export const brokerConfigDef = (name: string): BrokerConfigDef | undefined => BY_NAME.get(name);

/** follower.replication.throttled.rate of a broker in bytes/s; 0 when unset (no throttle). */
export function followerThrottleBytesPerSec(image: MetadataImage, brokerId: number): number {
  const v = image.brokerConfigs.get(brokerId)?.get(FOLLOWER_THROTTLE_KEY);
  return v === undefined ? 0 : Number(v);
}
