// Loggers for tests: one that discards everything, one that keeps the lines for assertions.
import type { RaftLogger } from '../core/types.js';

export const silentLogger: RaftLogger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

export function recordingLogger(lines: LogLine[]): RaftLogger {
  return {
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}
