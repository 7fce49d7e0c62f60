// `samsa broker` settings from four places, later ones winning: the broker's defaults, a
// server.properties-style file (--config FILE: `key=value` lines with the dotted property names,
// `#` or `!` comments), environment variables (SAMSA_NODE_ID, ...) and command-line flags
// (--node-id, ...). Every key, property, variable and flag comes from the broker's own
// BROKER_CONFIG_KEYS table, so a new broker setting needs no change here.
import { BROKER_CONFIG_KEYS, ConfigError, DEFAULTS, validateConfig } from '@samsa/broker';
import type { BrokerConfig } from '@samsa/broker';
import { CliError, EXIT_USAGE } from './errors.js';

type Key = keyof BrokerConfig;

/** nodeId -> --node-id */
export const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The commander attribute name of a flag: --node-id -> nodeId (the key itself). */
export const BROKER_FLAGS: ReadonlyArray<{ key: Key; flag: string; property: string; env: string; description: string }> = BROKER_CONFIG_KEYS.map((k) => ({
  key: k.key,
  flag: flagOf(k.key),
  property: k.property,
  env: k.env,
  description: k.description,
}));

/** Parses server.properties text into property -> value (with the line each came from). */
export function parseProperties(text: string, source: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const at = line.search(/[=:]/);
    if (at <= 0) throw new CliError(`${source}:${i + 1}: expected key=value, got ${JSON.stringify(raw)}`, EXIT_USAGE);
    out.set(line.slice(0, at).trim(), { value: line.slice(at + 1).trim(), line: i + 1 });
  });
  return out;
}

export interface BrokerConfigSources {
  /** The properties file's text and its path (for messages). */
  file?: { path: string; text: string };
  env: Readonly<Record<string, string | undefined>>;
  /** Flag values as given (strings), by config key. */
  flags: Partial<Record<Key, string>>;
}

/** Turns a string into the type the key has in DEFAULTS; a clear error naming its origin otherwise. */
function convert(key: Key, raw: string, origin: string): BrokerConfig[Key] {
  const kind = typeof DEFAULTS[key];
  const value = raw.trim();
  if (kind === 'number') {
    const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) throw new CliError(`invalid broker setting ${key} from ${origin}: must be an integer, got ${JSON.stringify(raw)}`, EXIT_USAGE);
    return n;
  }
  if (kind === 'boolean') {
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new CliError(`invalid broker setting ${key} from ${origin}: must be true or false, got ${JSON.stringify(raw)}`, EXIT_USAGE);
  }
  return value;
}

/**
 * The validated broker config and where each setting came from. Bad values, unknown properties
 * and impossible combinations are CliErrors (usage exit code) that name the setting and origin.
 */
export function resolveBrokerConfig(sources: BrokerConfigSources): { config: BrokerConfig; origins: Map<Key, string> } {
  const fileValues = sources.file === undefined ? new Map<string, { value: string; line: number }>() : parseProperties(sources.file.text, sources.file.path);
  const known = new Set(BROKER_FLAGS.map((f) => f.property));
  for (const [property, { line }] of fileValues) {
    if (!known.has(property)) {
      throw new CliError(`${sources.file!.path}:${line}: unknown property ${JSON.stringify(property)} (known: ${[...known].join(', ')})`, EXIT_USAGE);
    }
  }
  const partial: Partial<Record<Key, BrokerConfig[Key]>> = {};
  const origins = new Map<Key, string>();
  for (const f of BROKER_FLAGS) {
    let raw: string | undefined;
    let origin = '';
    const flag = sources.flags[f.key];
    const env = sources.env[f.env];
    const file = fileValues.get(f.property);
    if (flag !== undefined) {
      raw = flag;
      origin = `flag ${f.flag}`;
    } else if (env !== undefined && env !== '') {
      raw = env;
      origin = `environment variable ${f.env}`;
    } else if (file !== undefined) {
      raw = file.value;
      origin = `${sources.file!.path}:${file.line} (${f.property})`;
    }
    if (raw === undefined) continue;
    partial[f.key] = convert(f.key, raw, origin);
    origins.set(f.key, origin);
  }
  try {
    return { config: validateConfig(partial as Partial<BrokerConfig>), origins };
  } catch (error) {
    if (error instanceof ConfigError) {
      const origin = error.key !== undefined ? origins.get(error.key as Key) : undefined;
      throw new CliError(`invalid broker config: ${error.message}${origin !== undefined ? ` (from ${origin})` : ''}`, EXIT_USAGE);
    }
    throw error;
  }
}
