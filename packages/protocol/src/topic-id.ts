// Topic ids: 16 random bytes given at creation (a version-4 UUID), so that a topic deleted and
// created again under the same name is a different topic. Names never appear in storage keys.
import { randomUUID } from 'node:crypto';
import { SamsaError } from './errors.js';

export const TOPIC_ID_BYTES = 16;

export const newTopicId = (): Buffer => Buffer.from(randomUUID().replaceAll('-', ''), 'hex');

/** 16 bytes to the canonical 8-4-4-4-12 form. */
export function topicIdToString(id: Uint8Array): string {
  if (id.length !== TOPIC_ID_BYTES) throw new SamsaError('UNKNOWN_TOPIC_ID', `a topic id has 16 bytes, got ${id.length}`);
  const h = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function topicIdFromString(s: string): Buffer {
  const hex = s.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new SamsaError('UNKNOWN_TOPIC_ID', `not a topic id: ${s}`);
  return Buffer.from(hex, 'hex');
}
