// Proves the byte layouts the driver puts in the log and in snapshots: an application payload and
// a voter record round-trip through their tag, the state machine gets its bytes back untouched,
// and data this build cannot read (an unknown tag, a damaged record or snapshot) is an error, never
// silently skipped.
import { describe, expect, it } from 'vitest';
import { PayloadTag, decodePayload, encodeApplicationPayload, encodeVoterPayload, unwrapSnapshot, wrapSnapshot } from './quorum-state.js';

describe('entry payloads', () => {
  it('round-trips application data, empty included', () => {
    for (const data of [Buffer.from('records'), new Uint8Array(0), new Uint8Array([0, 1, 255])]) {
      const encoded = encodeApplicationPayload(data);
      expect(encoded[0]).toBe(PayloadTag.APPLICATION);
      const decoded = decodePayload(encoded, 7);
      expect(decoded.kind).toBe('application');
      expect(Buffer.from((decoded as { data: Uint8Array }).data).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('round-trips a voter record', () => {
    const voter = { nodeId: 3, directoryId: '6f1c7f4e-0d1e-4a8b-9a55-1f2e3d4c5b6a', address: '127.0.0.1:9094' };
    expect(decodePayload(encodeVoterPayload(voter), 9)).toEqual({ kind: 'voter', voter });
  });

  it('refuses an unknown tag and a malformed voter record', () => {
    expect(() => decodePayload(new Uint8Array([7, 1, 2]), 4)).toThrow(/unknown payload tag 7/);
    expect(() => decodePayload(new Uint8Array(0), 4)).toThrow(/unknown payload tag/);
    expect(() => decodePayload(new Uint8Array([PayloadTag.VOTER, 0x7b]), 5)).toThrow(/does not parse/);
    const bad = Buffer.concat([Buffer.from([PayloadTag.VOTER]), Buffer.from(JSON.stringify({ nodeId: 0, directoryId: 'd', address: '' }))]);
    expect(() => decodePayload(bad, 6)).toThrow(/malformed voter record/);
  });
});

describe('snapshot wrapper', () => {
  it('carries the voters and the state machine bytes', () => {
    const voters = [
      { nodeId: 1, directoryId: 'd1', address: 'h1:1' },
      { nodeId: 2, directoryId: 'd2', address: '' },
    ];
    const image = Buffer.from('the state machine image');
    const unwrapped = unwrapSnapshot(wrapSnapshot(voters, image), 10);
    expect(unwrapped.voters).toEqual(voters);
    expect(Buffer.from(unwrapped.stateMachine).equals(image)).toBe(true);
    expect(unwrapSnapshot(wrapSnapshot([], new Uint8Array()), 1)).toEqual({ voters: [], stateMachine: expect.any(Uint8Array) });
  });

  it('refuses a snapshot it did not write', () => {
    expect(() => unwrapSnapshot(Buffer.from('plain state machine bytes'), 3)).toThrow(/unknown format/);
    const truncated = Buffer.from(wrapSnapshot([{ nodeId: 1, directoryId: 'd1', address: '' }], new Uint8Array())).subarray(0, 12);
    expect(() => unwrapSnapshot(truncated, 3)).toThrow(/truncated/);
  });
});
