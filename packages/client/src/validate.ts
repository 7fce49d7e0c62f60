// Checks of user-given options. Bad values are operating errors of the caller: they get a typed
// INVALID_CONFIG (or INVALID_REQUEST for arguments) with a message naming the option.
import { SamsaError } from '@samsa/protocol';

export function checkInteger(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SamsaError('INVALID_CONFIG', `${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SamsaError('INVALID_CONFIG', `${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** An offset given by a user: a non-negative safe integer, as a number or a decimal string. */
export function parseOffset(name: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new SamsaError('INVALID_REQUEST', `${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function checkTopicName(topic: unknown): string {
  if (typeof topic !== 'string' || topic.length === 0) throw new SamsaError('INVALID_TOPIC', `a topic name is a non-empty string, got ${JSON.stringify(topic)}`);
  return topic;
}

export function checkPartition(name: string, partition: unknown): number {
  if (typeof partition !== 'number' || !Number.isSafeInteger(partition) || partition < 0 || partition > 0x7fffffff) {
    throw new SamsaError('INVALID_REQUEST', `${name} must be a non-negative integer, got ${JSON.stringify(partition)}`);
  }
  return partition;
}
