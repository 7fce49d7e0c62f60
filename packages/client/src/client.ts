// The entry point: `new Samsa({ brokers })`, then .admin(), .producer(), .consumer(). Each of them
// owns its own cluster view and connections (as in KafkaJS), so disconnecting one leaves the
// others alone.
import { SamsaError } from '@samsa/protocol';
import { Admin } from './admin.js';
import type { Clock, Random } from './clock.js';
import { SYSTEM_CLOCK } from './clock.js';
import { Cluster, parseBrokerAddress } from './cluster.js';
import { Consumer, resolveConsumerConfig } from './consumer.js';
import { DEFAULTS, LIMITS } from './defaults.js';
import type { Logger } from './logger.js';
import { NOOP_LOGGER } from './logger.js';
import { Producer, resolveProducerConfig } from './producer.js';
import type { RetryPolicy } from './retry.js';
import { resolveRetryPolicy } from './retry.js';
import type { Transport } from './transport.js';
import { GRPC_TRANSPORT } from './transport.js';
import type { ConsumerConfig, ProducerConfig, SamsaConfig, SamsaInternals } from './types.js';
import { checkInteger } from './validate.js';

export interface ResolvedClientConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly metadataMaxAgeMs: number;
  readonly retry: RetryPolicy;
}

/** Fills in defaults and validates; INVALID_CONFIG with a clear message otherwise. */
export function resolveClientConfig(config: SamsaConfig): ResolvedClientConfig {
  if (typeof config !== 'object' || config === null || !Array.isArray(config.brokers) || config.brokers.length === 0) {
    throw new SamsaError('INVALID_CONFIG', 'brokers must list at least one bootstrap broker (host:port)');
  }
  const brokers = config.brokers.map((b) => {
    if (typeof b !== 'string') throw new SamsaError('INVALID_CONFIG', `a broker address is a host:port string, got ${JSON.stringify(b)}`);
    parseBrokerAddress(b);
    return b.trim();
  });
  return Object.freeze({
    brokers,
    clientId: config.clientId ?? DEFAULTS.client.clientId,
    requestTimeoutMs: checkInteger('requestTimeoutMs', config.requestTimeoutMs ?? DEFAULTS.client.requestTimeoutMs, 1, LIMITS.timeoutMsMax),
    metadataMaxAgeMs: checkInteger('metadataMaxAgeMs', config.metadataMaxAgeMs ?? DEFAULTS.client.metadataMaxAgeMs, 0, LIMITS.timeoutMsMax),
    retry: resolveRetryPolicy(config.retry),
  });
}

export class Samsa {
  readonly config: ResolvedClientConfig;
  private readonly logger: Logger;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly random: Random;

  constructor(config: SamsaConfig, internals: SamsaInternals = {}) {
    this.config = resolveClientConfig(config);
    this.logger = (config.logger ?? NOOP_LOGGER).child({ clientId: this.config.clientId });
    this.transport = internals.transport ?? GRPC_TRANSPORT;
    this.clock = internals.clock ?? SYSTEM_CLOCK;
    this.random = internals.random ?? Math.random;
  }

  private cluster(retry: RetryPolicy = this.config.retry): Cluster {
    return new Cluster({
      bootstrap: this.config.brokers,
      clientId: this.config.clientId,
      requestTimeoutMs: this.config.requestTimeoutMs,
      metadataMaxAgeMs: this.config.metadataMaxAgeMs,
      retry,
      transport: this.transport,
      clock: this.clock,
      random: this.random,
      logger: this.logger,
    });
  }

  admin(): Admin {
    return new Admin(this.cluster());
  }

  producer(config?: ProducerConfig): Producer {
    const resolved = resolveProducerConfig(config, this.config.retry);
    return new Producer(this.cluster(resolved.retry), resolved, config?.partitioner?.(), { clock: this.clock, random: this.random, logger: this.logger });
  }

  consumer(config?: ConsumerConfig): Consumer {
    const resolved = resolveConsumerConfig(config, this.config.retry);
    return new Consumer(this.cluster(resolved.retry), resolved, { clock: this.clock, random: this.random, logger: this.logger });
  }
}
