// Admin requests (create and delete topics, alter configs) go to the active controller: straight
// to the local QuorumController when this node is it (no network hop), otherwise forwarded over
// ControllerService to the voter that is, following NOT_CONTROLLER redirects. Either way the
// answer comes with the metadata offset that has the change, so the handler can wait for this
// node's own image (and its reconciler) to have it before it answers the client.
//
// The conversions between the client API's messages and the controller's calls live here too,
// once, for the local path and for the ControllerService handlers that serve forwarded requests.
import type { CreateTopicSpec, QuorumController } from '@samsa/controller';
import { SamsaError, int64ToNumber } from '@samsa/protocol';
import type {
  AlterConfigsRequest__Output,
  AlterConfigsResponse,
  CreateTopicsRequest__Output,
  CreateTopicsResponse,
  DeleteTopicsRequest__Output,
  DeleteTopicsResponse,
  ElectLeadersRequest__Output,
  ElectLeadersResponse,
} from '@samsa/protocol';
import type { ControllerChannel } from './controller-client.js';
import { errorFields } from './errors.js';

const EMPTY = Buffer.alloc(0);

export interface AdminResult<T> {
  readonly response: T;
  /** The metadata offset that has the change (this node waits for it before answering). */
  readonly offset: number;
}

/** CreateTopics on the local active controller. Throws NOT_CONTROLLER when it is not active. */
export async function createTopicsOn(controller: QuorumController, req: CreateTopicsRequest__Output): Promise<AdminResult<CreateTopicsResponse>> {
  const specs: CreateTopicSpec[] = req.topics.map((t) => ({ name: t.name, numPartitions: t.num_partitions, replicationFactor: t.replication_factor, configs: t.configs }));
  const { outcomes, offset } = await controller.createTopics(specs, { validateOnly: req.validate_only });
  return {
    offset,
    response: {
      results: outcomes.map((o) => ({
        name: o.name,
        topic_id: o.topicId ?? EMPTY,
        ...(o.error === undefined ? { error_code: 'NONE' as const, error_message: '' } : errorFields(o.error)),
        num_partitions: o.numPartitions,
        replication_factor: o.replicationFactor,
      })),
    },
  };
}

export async function deleteTopicsOn(controller: QuorumController, req: DeleteTopicsRequest__Output): Promise<AdminResult<DeleteTopicsResponse>> {
  const { outcomes, offset } = await controller.deleteTopics(req.names);
  return { offset, response: { results: outcomes.map((o) => ({ name: o.name, ...(o.error === undefined ? { error_code: 'NONE' as const, error_message: '' } : errorFields(o.error)) })) } };
}

/** A per-topic failure (unknown topic, bad config) is the answer; NOT_CONTROLLER and the like are thrown. */
export async function alterConfigsOn(controller: QuorumController, req: AlterConfigsRequest__Output): Promise<AdminResult<AlterConfigsResponse>> {
  controller.requireActive();
  const resource = { topic: req.topic, broker: req.broker };
  try {
    let offset: number;
    if (req.broker !== '') {
      if (req.topic !== '') throw new SamsaError('INVALID_REQUEST', 'alter the configs of a topic or of a broker, not both');
      if (!/^\d{1,10}$/.test(req.broker) || Number(req.broker) > 0x7fffffff) throw new SamsaError('INVALID_REQUEST', `broker ${JSON.stringify(req.broker)} is not a broker id`);
      offset = await controller.alterBrokerConfigs(Number(req.broker), { set: req.set, delete: req.delete }, { validateOnly: req.validate_only });
    } else {
      offset = await controller.alterConfigs(req.topic, { set: req.set, delete: req.delete }, { validateOnly: req.validate_only });
    }
    return { offset, response: { ...resource, error_code: 'NONE', error_message: '' } };
  } catch (err) {
    if (err instanceof SamsaError && (err.code === 'UNKNOWN_TOPIC_OR_PARTITION' || err.code === 'INVALID_CONFIG' || err.code === 'INVALID_REQUEST' || err.code === 'BROKER_ID_NOT_REGISTERED')) {
      return { offset: controller.image.appliedIndex, response: { ...resource, ...errorFields(err) } };
    }
    throw err;
  }
}

/** ElectLeaders on the local active controller: a partition's failure is in its result. */
export async function electLeadersOn(controller: QuorumController, req: ElectLeadersRequest__Output): Promise<AdminResult<ElectLeadersResponse>> {
  const type = req.election_type === 'UNCLEAN' ? 'UNCLEAN' : 'PREFERRED';
  const targets = req.topics.length === 0 ? undefined : req.topics.map((t) => ({ topic: t.topic, ...(t.partitions.length > 0 ? { partitions: t.partitions } : {}) }));
  const { outcomes, index } = await controller.electLeaders(type, targets);
  return {
    offset: index,
    response: {
      results: outcomes.map((o) => ({
        topic: o.topic,
        partition: o.partition,
        ...(o.error === undefined ? { error_code: 'NONE' as const, error_message: '' } : errorFields(o.error)),
        leader_id: o.state?.leaderId ?? -1,
        leader_epoch: o.state?.leaderEpoch ?? -1,
      })),
    },
  };
}

export interface ControllerGatewayOptions {
  /** This node's controller, when it has the controller role. */
  readonly local?: QuorumController;
  /** The quorum, to forward to when this node is not the active controller. */
  readonly channel?: ControllerChannel;
  readonly signal: AbortSignal;
}

export class ControllerGateway {
  private readonly o: ControllerGatewayOptions;

  constructor(options: ControllerGatewayOptions) {
    this.o = options;
  }

  /** The active controller's id as this node knows it; -1 when unknown. */
  activeControllerId(): number {
    if (this.o.local !== undefined && this.o.local.isActive()) return this.o.local.activeControllerId();
    const fromLocal = this.o.local?.activeControllerId() ?? -1;
    return fromLocal >= 0 ? fromLocal : (this.o.channel?.activeControllerId ?? -1);
  }

  private localActive(): QuorumController | undefined {
    const local = this.o.local;
    return local !== undefined && local.isActive() ? local : undefined;
  }

  private channel(): ControllerChannel {
    if (this.o.channel === undefined) throw new SamsaError('NOT_CONTROLLER', 'this node is not the active controller and knows no other', { details: { controllerId: -1 } });
    return this.o.channel;
  }

  async createTopics(req: CreateTopicsRequest__Output): Promise<AdminResult<CreateTopicsResponse>> {
    const local = this.localActive();
    if (local !== undefined) return createTopicsOn(local, req);
    const r = await this.channel().unary('CreateTopics', req, { signal: this.o.signal, timeoutMs: forwardTimeoutMs(req.timeout_ms) });
    return { response: r.response ?? { results: [] }, offset: int64ToNumber(r.metadata_offset, 'metadata_offset') };
  }

  async deleteTopics(req: DeleteTopicsRequest__Output): Promise<AdminResult<DeleteTopicsResponse>> {
    const local = this.localActive();
    if (local !== undefined) return deleteTopicsOn(local, req);
    const r = await this.channel().unary('DeleteTopics', req, { signal: this.o.signal, timeoutMs: forwardTimeoutMs(req.timeout_ms) });
    return { response: r.response ?? { results: [] }, offset: int64ToNumber(r.metadata_offset, 'metadata_offset') };
  }

  async electLeaders(req: ElectLeadersRequest__Output): Promise<AdminResult<ElectLeadersResponse>> {
    const local = this.localActive();
    if (local !== undefined) return electLeadersOn(local, req);
    const r = await this.channel().unary('ElectLeaders', req, { signal: this.o.signal, timeoutMs: 30_000 });
    return { response: r.response ?? { results: [] }, offset: int64ToNumber(r.metadata_offset, 'metadata_offset') };
  }

  async alterConfigs(req: AlterConfigsRequest__Output): Promise<AdminResult<AlterConfigsResponse>> {
    const local = this.localActive();
    if (local !== undefined) return alterConfigsOn(local, req);
    const r = await this.channel().unary('AlterConfigs', req, { signal: this.o.signal });
    return { response: r.response ?? { topic: req.topic, broker: req.broker, error_code: 'UNKNOWN_SERVER_ERROR', error_message: 'empty forwarded response' }, offset: int64ToNumber(r.metadata_offset, 'metadata_offset') };
  }
}

/** The forwarded call's deadline: the client's timeout (if it gave one) plus room for the answer. */
const forwardTimeoutMs = (timeoutMs: number): number => (timeoutMs > 0 ? timeoutMs + 5000 : 30_000);
