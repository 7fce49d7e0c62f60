// Offsets, timestamps and producer ids are int64 on the wire (strings in the generated types, so
// they round-trip exactly). Inside Samsa they are checked safe integers: 2^53 offsets is centuries
// of appends at a million records a second, and numbers keep the hot path free of bigint. Every
// conversion from the wire goes through here, so a value that is not a safe integer is rejected
// at the edge with a typed error instead of silently losing precision.
import { SamsaError } from './errors.js';

/** A position in a partition's log. */
export type Offset = number;

/** Wire int64 (string | number | Long-like) to a checked safe integer; INVALID_REQUEST otherwise. */
export function int64ToNumber(value: unknown, field: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') n = value === '' ? 0 : Number(value);
  else if (typeof value === 'bigint') n = Number(value);
  else if (value === undefined || value === null) n = 0;
  else n = Number(String(value));
  if (!Number.isSafeInteger(n)) throw new SamsaError('INVALID_REQUEST', `${field} must be an integer within ±2^53, got ${String(value)}`);
  return n;
}

/** A number to the wire's int64 string form. */
export const numberToInt64 = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`assertion failed: ${n} is not a safe integer`);
  return String(n);
};

/** Special timestamps of ListOffsets, as Kafka defines them. */
export const ListOffsetsTimestamp = Object.freeze({ LATEST: -1, EARLIEST: -2, MAX_TIMESTAMP: -3 });
