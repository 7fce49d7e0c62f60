// Parsers for command-line values. Each throws commander's InvalidArgumentError, so a bad value
// ends as `error: option '--x <n>' argument 'y' is invalid. <why>` with the usage exit code.
import { InvalidArgumentError } from 'commander';

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

export const integerOption =
  (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`);
    }
    return n;
  };

/** --acks: 0, 1, -1 or all. */
export function acksOption(value: string): 0 | 1 | -1 {
  switch (value.trim().toLowerCase()) {
    case '0':
      return 0;
    case '1':
      return 1;
    case '-1':
    case 'all':
      return -1;
    default:
      throw new InvalidArgumentError('must be 0, 1, -1 or all');
  }
}

export const choiceOption =
  <T extends string>(choices: readonly T[]) =>
  (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
    return value as T;
  };

/** host:port[,host:port...]. */
export function bootstrapOption(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new InvalidArgumentError('must list at least one host:port');
  for (const a of list) {
    const m = /^(?:\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(a);
    const port = m === null ? NaN : Number(m[1]);
    if (m === null || port < 1 || port > 65535) throw new InvalidArgumentError(`"${a}" is not host:port`);
  }
  return list;
}

/** Repeatable key=value (topic configs): collects into an object. */
export function keyValueOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1) };
}

/** Repeatable integers in [min, max]. */
export const collectIntegerOption = (min: number, max: number) => {
  const parse = integerOption(min, max);
  return (value: string, previous: number[] = []): number[] => [...previous, parse(value)];
};

/** Repeatable plain values. */
export const collectOption = (value: string, previous: string[] = []): string[] => [...previous, value];

export function nonEmptyOption(value: string): string {
  if (value.length === 0) throw new InvalidArgumentError('must not be empty');
  return value;
}
