// Proves the error table is complete (a row for every code of the proto enum but NONE) and that
// per-partition codes from a response become typed SamsaErrors, unknown codes included.
import { describe, expect, it } from 'vitest';
import { ERRORS, ErrorCode, SamsaError, errorFromCode } from './errors.js';
import { int64ToNumber } from './offsets.js';
import { newTopicId, topicIdFromString, topicIdToString } from './topic-id.js';

describe('errors', () => {
  it('has one row per proto error code', () => {
    const codes = Object.keys(ErrorCode).filter((c) => c !== 'NONE').sort();
    expect(Object.keys(ERRORS).sort()).toEqual(codes);
    for (const [code, row] of Object.entries(ERRORS)) expect(row.code).toBe(code);
  });

  it('maps response codes to typed errors', () => {
    expect(errorFromCode('NONE')).toBeUndefined();
    const e = errorFromCode('NOT_LEADER_OR_FOLLOWER', 'moved', { leaderId: 2 })!;
    expect(e).toBeInstanceOf(SamsaError);
    expect([e.code, e.retriable, e.details['leaderId']]).toEqual(['NOT_LEADER_OR_FOLLOWER', true, 2]);
    expect(errorFromCode('SOMETHING_NEW')!.code).toBe('UNKNOWN_SERVER_ERROR');
  });
});

describe('wire conversions', () => {
  it('checks int64 values', () => {
    expect(int64ToNumber('9007199254740991', 'x')).toBe(2 ** 53 - 1);
    expect(int64ToNumber('-2', 'x')).toBe(-2);
    expect(() => int64ToNumber('9007199254740993', 'offset')).toThrow(/offset/);
    expect(() => int64ToNumber('1.5', 'x')).toThrow(SamsaError);
  });

  it('round-trips topic ids', () => {
    const id = newTopicId();
    expect(topicIdFromString(topicIdToString(id))).toEqual(id);
    expect(() => topicIdFromString('nope')).toThrow(SamsaError);
  });
});
