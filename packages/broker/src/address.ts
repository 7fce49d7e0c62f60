// host:port strings, IPv6 in brackets ('[::1]:9092'), as listeners and endpoints are written.

export interface HostPort {
  host: string;
  port: number;
}

/** Parses 'host:port' or '[v6]:port'; throws an Error saying what is wrong. */
export function parseHostPort(value: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]\s]+):(\d+)$/.exec(value);
  if (m === null) throw new Error(`${JSON.stringify(value)} is not host:port (IPv6 as [addr]:port)`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port ${m[2]} is out of range 0..65535`);
  return { host: m[1]!, port };
}

export const formatHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** True for addresses that mean "every interface": not something a client can connect to. */
export const isWildcardHost = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === '[::]';
