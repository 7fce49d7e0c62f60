// The CONF_CHANGE entry codec: what encodeConfChange writes decodeConfChange reads back exactly, and
// malformed bytes are refused with a RangeError (never decoded into a wrong configuration).
import { describe, it, expect } from 'vitest';
import { decodeConfChange, encodeConfChange } from './confchange.js';

describe('conf change codec', () => {
  it('round-trips changes with and without the resulting voters', () => {
    for (const c of [
      { type: 'add-voter', nodeId: 4, voters: [1, 2, 3, 4] },
      { type: 'remove-voter', nodeId: 0xffff_ffff, voters: [7] },
      { type: 'remove-voter', nodeId: 2 },
    ] as const) {
      expect(decodeConfChange(encodeConfChange(c))).toEqual(c);
    }
  });

  it('refuses malformed data', () => {
    const good = encodeConfChange({ type: 'add-voter', nodeId: 4, voters: [1, 4] });
    expect(() => decodeConfChange(good.subarray(0, 5))).toThrow(RangeError);
    expect(() => decodeConfChange(good.subarray(0, good.length - 1))).toThrow(/length/);
    expect(() => decodeConfChange(Uint8Array.of(9, ...good.subarray(1)))).toThrow(/version/);
    expect(() => decodeConfChange(Uint8Array.of(1, 7, ...good.subarray(2)))).toThrow(/type/);
    expect(() => encodeConfChange({ type: 'add-voter', nodeId: 0 })).toThrow(/node id/);
  });
});
