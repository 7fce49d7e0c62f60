// The core's own assert: the core imports nothing from outside core/ (the dependency-cruiser rule
// raft-core-is-pure), so it cannot use a shared helper. A failed assertion is a bug in the core or in
// its driver, never bad input: input from the network is validated and dropped instead.

export class RaftAssertionError extends Error {
  override readonly name = 'RaftAssertionError';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new RaftAssertionError(`raft invariant violated: ${message}`);
}
