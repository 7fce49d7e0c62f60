// The controller quorum as configured: `id@host:port,...` (Kafka's controller.quorum.voters).
import { formatHostPort, parseHostPort } from './address.js';

export interface Voter {
  readonly id: number;
  /** host:port of the voter's gRPC server. */
  readonly address: string;
}

/** Most voters a quorum may list (a quorum of 2f + 1 tolerates f failures; 9 is plenty). */
export const VOTERS_MAX = 9;

/** Parses `1@h:9092,2@h:9093`; throws an Error saying what is wrong. */
export function parseVoters(value: string): Voter[] {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new Error('no voters: expected id@host:port,...');
  if (parts.length > VOTERS_MAX) throw new Error(`${parts.length} voters; at most ${VOTERS_MAX}`);
  const voters = parts.map((part) => {
    const at = part.indexOf('@');
    const idText = at > 0 ? part.slice(0, at) : '';
    if (!/^\d{1,10}$/.test(idText) || Number(idText) > 2 ** 31 - 1) throw new Error(`${JSON.stringify(part)} is not id@host:port`);
    const { host, port } = parseHostPort(part.slice(at + 1));
    if (port === 0) throw new Error(`voter ${idText} has port 0`);
    return { id: Number(idText), address: formatHostPort(host, port) };
  });
  const ids = new Set(voters.map((v) => v.id));
  if (ids.size !== voters.length) throw new Error('a voter id appears twice');
  return voters;
}

export const formatVoters = (voters: readonly Voter[]): string => voters.map((v) => `${v.id}@${v.address}`).join(',');
