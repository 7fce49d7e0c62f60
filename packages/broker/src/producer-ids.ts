// Producer ids for idempotent producers (InitProducerId). The active controller hands each broker
// blocks of ids in committed ProducerIdsAllocated records, so no id is ever given twice, even
// across controller failovers; the broker hands them out one per InitProducerId from its current
// block and asks for the next block when it runs out. Ids of a block not handed out before a
// restart are simply never used.
import type { Logger } from 'pino';
import { SamsaError, int64ToNumber } from '@samsa/protocol';
import type { ControllerChannel } from './controller-client.js';

export interface ProducerIdManagerOptions {
  readonly nodeId: number;
  brokerEpoch(): number;
  readonly channel: ControllerChannel;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

export class ProducerIdManager {
  private readonly o: ProducerIdManagerOptions;
  private next = 0;
  private end = 0;
  private fetching: Promise<void> | undefined;

  constructor(options: ProducerIdManagerOptions) {
    this.o = options;
  }

  /** A producer id never handed out before (the epoch of a new idempotent producer is 0). */
  async nextProducerId(): Promise<number> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.next < this.end) return this.next++;
      this.fetching ??= this.fetchBlock().finally(() => (this.fetching = undefined));
      await this.fetching;
    }
    throw new SamsaError('BROKER_NOT_AVAILABLE', 'producer id blocks run out faster than the controller hands them out');
  }

  private async fetchBlock(): Promise<void> {
    const r = await this.o.channel.unary('AllocateProducerIds', { broker_id: this.o.nodeId, broker_epoch: this.o.brokerEpoch() }, { signal: this.o.signal, timeoutMs: 10_000 });
    const first = int64ToNumber(r.first_producer_id, 'first_producer_id');
    this.next = first;
    this.end = first + r.block_size;
    this.o.logger.info({ firstProducerId: first, blockSize: r.block_size }, 'producer id block allocated');
  }
}
