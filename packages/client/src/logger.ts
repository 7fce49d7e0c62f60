// The SDK logs through a pino-compatible interface so that applications can pass their own pino
// logger (its child bindings then ride on every SDK line) without the SDK depending on pino.

/** A log method in pino's shape: fields first, then a constant message. */
export interface LogFn {
  (fields: Record<string, unknown>, message: string): void;
  (message: string): void;
}

/** The subset of pino's Logger the SDK uses. A pino logger satisfies it as it is. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** The default: the SDK is silent unless the application gives it a logger. */
export const NOOP_LOGGER: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: (): Logger => NOOP_LOGGER,
});
