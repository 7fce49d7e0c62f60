// A node that joins a running metadata quorum (controller.quorum.join) must carry the quorum's
// cluster id before it opens its Raft storage: the quorum drops messages of another cluster, and
// the active controller refuses to add a node of another cluster. Started without --cluster-id on a
// fresh data directory, the node adopts the id the running voters report (DescribeQuorum); an id it
// was given, or the one its directory holds, is used as it is (a wrong one is refused at add-voter).
import type { Logger } from 'pino';
import { isValidClusterId } from '@samsa/controller';
import { SamsaError } from '@samsa/protocol';
import { ControllerClient } from './controller-client.js';
import type { Voter } from './voters.js';

/** Backoff between rounds over the voters while none answers: from the first, doubling to the max. */
export const JOIN_RETRY_BACKOFF_MS_FIRST = 100;
export const JOIN_RETRY_BACKOFF_MS_MAX = 2000;
/** Deadline of one DescribeQuorum attempt. */
const DESCRIBE_TIMEOUT_MS = 5000;
/** A warning while the voters do not answer, at most this often. */
const WARN_EVERY_MS = 10_000;

/**
 * The cluster id of the running quorum, asked of `voters` (DescribeQuorum answers on any node),
 * retried with backoff until one answers or `signal` aborts (BROKER_NOT_AVAILABLE).
 */
export async function discoverClusterId(voters: readonly Voter[], options: { logger: Logger; signal: AbortSignal }): Promise<string> {
  const log = options.logger.child({ component: 'quorum-join' });
  const channel = new ControllerClient({ voters, logger: options.logger });
  let backoffMs = JOIN_RETRY_BACKOFF_MS_FIRST;
  let lastWarning = -Infinity;
  try {
    for (;;) {
      if (options.signal.aborted) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the start was abandoned while looking for the quorum to join');
      try {
        const answer = await channel.unary('DescribeQuorum', {}, { signal: options.signal, timeoutMs: DESCRIBE_TIMEOUT_MS });
        if (isValidClusterId(answer.cluster_id)) {
          log.info({ clusterId: answer.cluster_id, answeredBy: answer.node_id }, 'joining the cluster the running quorum reports');
          return answer.cluster_id;
        }
        log.warn({ answeredBy: answer.node_id, clusterId: answer.cluster_id }, 'a voter reported no usable cluster id; asking again');
      } catch (err) {
        if (options.signal.aborted) continue;
        if (Date.now() - lastWarning >= WARN_EVERY_MS) {
          lastWarning = Date.now();
          log.warn({ err, voters: voters.map((v) => `${v.id}@${v.address}`) }, 'no voter of the quorum to join answers yet; retrying');
        }
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          options.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, backoffMs);
        options.signal.addEventListener('abort', done, { once: true });
      });
      backoffMs = Math.min(backoffMs * 2, JOIN_RETRY_BACKOFF_MS_MAX);
    }
  } finally {
    channel.close();
  }
}
