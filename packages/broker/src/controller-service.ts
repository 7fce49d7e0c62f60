// samsa.v1.ControllerService on grpc-js: what brokers (and the CLI) call on the controller quorum.
// Every node serves it. A node without the controller role answers NOT_CONTROLLER naming the
// active controller it knows; a controller that is not active does the same for what only the
// active one decides (QuorumController.requireActive), but serves WatchMetadata (its committed
// log is as good as the leader's) and DescribeQuorum (its own view).
//
// WatchMetadata: subscribe to the log first (buffering what commits meanwhile), send a snapshot
// when the watcher's offset is below the log start (or it has nothing and a snapshot exists),
// then the backlog from the log, then every new entry as it commits. Each message waits for the
// previous one to be written out (flow control), so a slow watcher holds little memory; a watcher
// so slow that WATCH_BUFFER_ENTRIES_MAX entries pile up is cut off and resumes from its offset.
// A controller that is not a voter of its own log (a node joining the quorum, not added yet, or one
// that removed itself) has nothing to serve: it answers the watch with NOT_CONTROLLER, and ends the
// watches it serves when it leaves the quorum, so the watchers go elsewhere.
//
// AddVoter / RemoveVoter: the active controller only, answered once the configuration change has
// committed, with the voters then.
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { imageHash, leadershipCounts } from '@samsa/controller';
import type { ClusterStatus, MetadataLog, MetadataLogEntry, MetadataLogVoter, QuorumController } from '@samsa/controller';
import { SamsaError, encodeMetadataRecord, int64ToNumber, loadControllerProto } from '@samsa/protocol';
import type {
  BrokerHeartbeatRequest__Output,
  BrokerHeartbeatResponse,
  ControllerServiceHandlers,
  DescribeQuorumResponse,
  MetadataEntry,
  QuorumVoter,
  WatchMetadataRequest__Output,
  WatchMetadataResponse,
} from '@samsa/protocol';
import { formatHostPort, parseHostPort } from './address.js';
import { alterConfigsOn, createTopicsOn, deleteTopicsOn, electLeadersOn } from './controller-gateway.js';
import { ERROR_CODE_METADATA_KEY, callError } from './errors.js';
import { isMalformed, malformedReason, tolerantDefinition } from './service.js';
import type { MetadataView } from './metadata-view.js';
import type { Voter } from './voters.js';

/** A snapshot travels in chunks of this size, well under gRPC's message limit. */
export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;
/** Entries per WatchMetadata message. */
export const WATCH_BATCH_ENTRIES_MAX = 1024;
/** Entries committed while a watcher is still being served, before it is cut off to catch up from the log. */
export const WATCH_BUFFER_ENTRIES_MAX = 100_000;

export interface ControllerServiceContext {
  readonly nodeId: number;
  readonly log: Logger;
  /** Present on a node with the controller role. */
  readonly controller?: QuorumController;
  readonly metadataLog?: MetadataLog;
  /** The configured voters (their addresses fill in DescribeQuorum when the log does not know them). */
  readonly voters: readonly Voter[];
  /** The active controller as this node knows it, for NOT_CONTROLLER answers; -1 when unknown. */
  readonly knownControllerId: () => number;
  /** A broker-only node's metadata view, for DescribeQuorum (its own applied offset and image hash). */
  readonly metadata?: MetadataView;
  /** Aborted when the node stops: streams end. */
  readonly stopSignal: AbortSignal;
  /** Size of snapshot chunks (tests use small ones); default SNAPSHOT_CHUNK_BYTES. */
  readonly snapshotChunkBytes?: number;
}

export function controllerServiceDefinition(): grpc.ServiceDefinition {
  return tolerantDefinition(loadControllerProto().samsa.v1.ControllerService.service as unknown as grpc.ServiceDefinition);
}

function notController(ctx: ControllerServiceContext): SamsaError {
  // This node's own id is never the answer of a node that says it is not the controller (a broker's
  // last heartbeat may still name this node after it left the quorum).
  const known = ctx.knownControllerId();
  const controllerId = known === ctx.nodeId ? -1 : known;
  return new SamsaError('NOT_CONTROLLER', `node ${ctx.nodeId} is not a controller${controllerId >= 0 ? `; node ${controllerId} is the active one` : ''}`, { details: { controllerId } });
}

function requireController(ctx: ControllerServiceContext): { controller: QuorumController; metadataLog: MetadataLog } {
  if (ctx.controller === undefined || ctx.metadataLog === undefined) throw notController(ctx);
  return { controller: ctx.controller, metadataLog: ctx.metadataLog };
}

/** The node id of a membership request: a positive int32. */
function voterId(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new SamsaError('INVALID_REQUEST', `node_id must be a positive node id, got ${value}`);
  return value;
}

/** The address of an AddVoter request: host:port with a port that can be dialled. */
function voterAddress(value: string): string {
  try {
    const { host, port } = parseHostPort(value.trim());
    if (port === 0) throw new Error('port 0 cannot be dialled');
    return formatHostPort(host, port);
  } catch (err) {
    throw new SamsaError('INVALID_REQUEST', `address must be the host:port the node serves on: ${(err as Error).message}`);
  }
}

function checkRequest(ctx: ControllerServiceContext, request: unknown): void {
  if (isMalformed(request)) throw new SamsaError('INVALID_REQUEST', `the request body does not decode: ${malformedReason(request)}`);
  if (ctx.stopSignal.aborted) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the node is shutting down');
}

/** Writes one message and resolves once it is handed to HTTP/2, or when the call ends or the node stops. */
function send<T>(call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>, message: T, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('close', done);
    signal.addEventListener('abort', done, { once: true });
    call.write(message, done);
  });
}

/** A signal aborted when the node stops or the caller goes away; and its disposal. */
function callScope(ctx: ControllerServiceContext, call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (ctx.stopSignal.aborted) controller.abort();
  ctx.stopSignal.addEventListener('abort', abort, { once: true });
  call.once('cancelled', abort);
  call.once('close', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      ctx.stopSignal.removeEventListener('abort', abort);
      call.off('cancelled', abort);
      call.off('close', abort);
    },
  };
}

export function createControllerHandlers(ctx: ControllerServiceContext): ControllerServiceHandlers {
  const log = ctx.log.child({ component: 'controller-service' });

  function unary<Req, Res>(method: string, handle: (request: Req) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      void (async () => {
        try {
          checkRequest(ctx, call.request);
          return callback(null, await handle(call.request));
        } catch (err) {
          const status = callError(err, log);
          log.debug({ method, code: status.metadata?.get(ERROR_CODE_METADATA_KEY)[0], details: status.details }, 'controller call failed');
          return callback(status);
        }
      })();
    };
  }

  const Heartbeat: grpc.handleBidiStreamingCall<BrokerHeartbeatRequest__Output, BrokerHeartbeatResponse> = (call) => {
    let closed = false;
    let streamId: number | undefined;
    let chain: Promise<void> = Promise.resolve();
    const scope = callScope(ctx, call as grpc.ServerDuplexStream<unknown, unknown>);
    const close = (): void => {
      if (closed) return;
      closed = true;
      scope.dispose();
      if (streamId !== undefined) ctx.controller?.heartbeatStreamClosed(streamId);
    };
    const fail = (err: unknown): void => {
      if (closed) return;
      const status = callError(err, log);
      close();
      if (!call.cancelled) call.emit('error', status);
    };
    scope.signal.addEventListener('abort', () => (ctx.stopSignal.aborted ? fail(new SamsaError('BROKER_NOT_AVAILABLE', 'the controller is shutting down')) : close()), { once: true });
    call.on('data', (request: BrokerHeartbeatRequest__Output) => {
      chain = chain.then(async () => {
        if (closed) return;
        try {
          checkRequest(ctx, request);
          const { controller } = requireController(ctx);
          streamId ??= controller.newHeartbeatStream();
          const answer = await controller.heartbeat(streamId, {
            brokerId: request.broker_id,
            incarnationId: request.incarnation_id,
            brokerEpoch: int64ToNumber(request.broker_epoch, 'broker_epoch'),
            appliedOffset: int64ToNumber(request.applied_offset, 'applied_offset'),
            wantShutDown: request.want_shut_down,
          });
          if (closed) return;
          await send(call, {
            error_code: answer.errorCode,
            error_message: answer.errorMessage,
            fenced: answer.fenced,
            controller_id: answer.controllerId,
            metadata_offset: answer.metadataOffset,
            should_shut_down: answer.shouldShutDown,
          }, scope.signal);
        } catch (err) {
          fail(err);
        }
      });
    });
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('error', close);
  };

  const WatchMetadata: grpc.handleServerStreamingCall<WatchMetadataRequest__Output, WatchMetadataResponse> = (call) => {
    void (async () => {
      const scope = callScope(ctx, call as grpc.ServerWritableStream<unknown, unknown>);
      try {
        checkRequest(ctx, call.request);
        const { metadataLog } = requireController(ctx);
        const isVoter = (): boolean => metadataLog.status().voters.some((v) => v.id === ctx.nodeId);
        const notVoter = (): SamsaError => {
          const controllerId = metadataLog.leaderId() === ctx.nodeId ? -1 : metadataLog.leaderId();
          return new SamsaError('NOT_CONTROLLER', `node ${ctx.nodeId} is not a voter of the metadata quorum; watch a voter`, { details: { controllerId } });
        };
        if (!isVoter()) throw notVoter();
        await watch(metadataLog, call, scope.signal, log.child({ watcher: call.request.broker_id }), ctx.snapshotChunkBytes ?? SNAPSHOT_CHUNK_BYTES, () => (isVoter() ? undefined : notVoter()));
        if (call.cancelled) return;
        if (ctx.stopSignal.aborted) throw new SamsaError('BROKER_NOT_AVAILABLE', 'the controller is shutting down');
        call.end();
      } catch (err) {
        const status = callError(err, log);
        log.debug({ details: status.details }, 'metadata watch ended');
        if (!call.cancelled) call.emit('error', status);
      } finally {
        scope.dispose();
      }
    })();
  };

  /** Voters on the wire, addresses the log does not know filled from the configured ones. */
  const wireVoters = (voters: readonly MetadataLogVoter[]): QuorumVoter[] =>
    voters.map((v) => ({ node_id: v.id, address: v.address !== '' ? v.address : (ctx.voters.find((c) => c.id === v.id)?.address ?? '') }));

  return {
    RegisterBroker: unary('RegisterBroker', async (req) => {
      const { controller } = requireController(ctx);
      const brokerEpoch = await controller.registerBroker({
        brokerId: req.broker_id,
        incarnationId: req.incarnation_id,
        endpoints: req.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })),
        rack: req.rack,
        clusterId: req.cluster_id,
      });
      return { broker_epoch: brokerEpoch, cluster_id: controller.image.clusterId };
    }),
    Heartbeat,
    WatchMetadata,
    AlterPartition: unary('AlterPartition', async (req) => {
      const { controller } = requireController(ctx);
      const { outcomes, index } = await controller.alterPartition(
        req.broker_id,
        int64ToNumber(req.broker_epoch, 'broker_epoch'),
        req.partitions.map((p) => ({ topicId: Buffer.from(p.topic_id), partition: p.partition, leaderEpoch: p.leader_epoch, partitionEpoch: p.partition_epoch, newIsr: p.new_isr })),
      );
      return {
        metadata_offset: index,
        partitions: outcomes.map((o) => ({
          topic_id: o.topicId,
          partition: o.partition,
          error_code: o.error?.code ?? 'NONE',
          error_message: o.error?.message ?? '',
          leader_id: o.state?.leaderId ?? -1,
          leader_epoch: o.state?.leaderEpoch ?? -1,
          isr: [...(o.state?.isr ?? [])],
          partition_epoch: o.state?.partitionEpoch ?? -1,
        })),
      };
    }),
    AllocateProducerIds: unary('AllocateProducerIds', async (req) => {
      const { controller } = requireController(ctx);
      const block = await controller.allocateProducerIds(req.broker_id, int64ToNumber(req.broker_epoch, 'broker_epoch'));
      return { first_producer_id: block.firstProducerId, block_size: block.blockSize };
    }),
    CreateTopics: unary('CreateTopics', async (req) => {
      const r = await createTopicsOn(requireController(ctx).controller, req);
      return { response: r.response, metadata_offset: r.offset };
    }),
    DeleteTopics: unary('DeleteTopics', async (req) => {
      const r = await deleteTopicsOn(requireController(ctx).controller, req);
      return { response: r.response, metadata_offset: r.offset };
    }),
    AlterConfigs: unary('AlterConfigs', async (req) => {
      const r = await alterConfigsOn(requireController(ctx).controller, req);
      return { response: r.response, metadata_offset: r.offset };
    }),
    ElectLeaders: unary('ElectLeaders', async (req) => {
      const r = await electLeadersOn(requireController(ctx).controller, req);
      return { response: r.response, metadata_offset: r.offset };
    }),
    DescribeQuorum: unary('DescribeQuorum', (): DescribeQuorumResponse => {
      const s = ctx.controller !== undefined ? ctx.controller.describe() : brokerView(ctx);
      return {
        cluster_id: s.clusterId,
        node_id: s.nodeId,
        active_controller_id: s.activeControllerId,
        leader_epoch: s.leaderEpoch,
        commit_offset: s.commitOffset,
        applied_offset: s.appliedOffset,
        log_start_offset: s.logStartOffset,
        voters: wireVoters(s.voters),
        brokers: s.brokers.map((b) => ({
          broker_id: b.brokerId,
          incarnation_id: b.incarnationId,
          broker_epoch: b.brokerEpoch,
          endpoints: b.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })),
          rack: b.rack,
          fenced: b.fenced,
          alive: b.alive,
          applied_offset: b.appliedOffset,
          last_heartbeat_age_ms: b.lastHeartbeatAgeMs,
          leader_count: b.leaderCount,
          replica_count: b.replicaCount,
        })),
        liveness_known: s.livenessKnown,
        image_hash: s.imageHash,
      };
    }),
    AddVoter: unary('AddVoter', async (req) => {
      const { controller } = requireController(ctx);
      const nodeId = voterId(req.node_id);
      const address = voterAddress(req.address);
      const voters = await controller.addVoter(nodeId, address);
      log.info({ nodeId, address, voters: voters.map((v) => v.id) }, 'voter added');
      return { voters: wireVoters(voters) };
    }),
    RemoveVoter: unary('RemoveVoter', async (req) => {
      const { controller } = requireController(ctx);
      const nodeId = voterId(req.node_id);
      const voters = await controller.removeVoter(nodeId);
      log.info({ nodeId, voters: voters.map((v) => v.id) }, 'voter removed');
      return { voters: wireVoters(voters) };
    }),
  };
}

/** A broker-only node's own view for DescribeQuorum: its image, no quorum or liveness knowledge. */
function brokerView(ctx: ControllerServiceContext): ClusterStatus {
  const image = ctx.metadata?.image;
  if (image === undefined) throw notController(ctx);
  const counts = leadershipCounts(image);
  return {
    clusterId: image.clusterId,
    nodeId: ctx.nodeId,
    activeControllerId: ctx.knownControllerId(),
    leaderEpoch: -1,
    commitOffset: -1,
    appliedOffset: image.appliedIndex,
    logStartOffset: -1,
    voters: ctx.voters.map((v) => ({ id: v.id, address: v.address })),
    brokers: [...image.brokers.values()]
      .sort((a, b) => a.id - b.id)
      .map((b) => ({
        brokerId: b.id,
        incarnationId: b.incarnationId,
        brokerEpoch: b.epoch,
        endpoints: b.endpoints,
        rack: b.rack,
        fenced: b.fenced,
        alive: false,
        appliedOffset: -1,
        lastHeartbeatAgeMs: -1,
        leaderCount: counts.get(b.id)?.leaders ?? 0,
        replicaCount: counts.get(b.id)?.replicas ?? 0,
      })),
    livenessKnown: false,
    imageHash: imageHash(image),
  };
}

/**
 * Serves one watcher until `signal` aborts (or it must be cut off: then throws, and it resumes
 * elsewhere). `stale()` is asked at every leadership change of the log: an error when this log
 * stopped following the quorum (this node left it), which ends the watch.
 */
async function watch(
  log: MetadataLog,
  call: grpc.ServerWritableStream<WatchMetadataRequest__Output, WatchMetadataResponse>,
  signal: AbortSignal,
  logger: Logger,
  chunkBytes: number,
  stale: () => SamsaError | undefined,
): Promise<void> {
  const requested = int64ToNumber(call.request.from_offset, 'from_offset');
  if (requested < 0) throw new SamsaError('INVALID_REQUEST', `from_offset must not be negative, got ${requested}`);
  let buffer: MetadataLogEntry[] = [];
  let restored = false;
  let wake: (() => void) | undefined;
  const off = log.subscribe((u) => {
    if (u.restored === true) restored = true;
    else for (const e of u.entries) buffer.push(e);
    wake?.();
  });
  let left: SamsaError | undefined;
  const offLeader = log.onLeaderChange(() => {
    left ??= stale();
    if (left !== undefined) wake?.();
  });
  try {
    let next = Math.max(1, requested);
    if (next < log.logStartIndex || next === 1) {
      const snapshot = await log.snapshot();
      if (snapshot !== undefined) {
        for (let position = 0; position === 0 || position < snapshot.bytes.length; position += chunkBytes) {
          const data = snapshot.bytes.subarray(position, position + chunkBytes);
          const last = position + chunkBytes >= snapshot.bytes.length;
          await send(call, { snapshot: { offset: snapshot.index, total_bytes: snapshot.bytes.length, position, data, last } }, signal);
          if (signal.aborted) return;
        }
        logger.debug({ offset: snapshot.index, bytes: snapshot.bytes.length }, 'sent a metadata snapshot to a watcher');
        next = snapshot.index + 1;
      } else if (next < log.logStartIndex) {
        throw new SamsaError('OFFSET_OUT_OF_RANGE', `metadata offset ${next} was compacted away and no snapshot is available`);
      }
    }
    const sendEntries = async (entries: readonly MetadataLogEntry[]): Promise<void> => {
      for (let i = 0; i < entries.length && !signal.aborted; i += WATCH_BATCH_ENTRIES_MAX) {
        const slice = entries.slice(i, i + WATCH_BATCH_ENTRIES_MAX);
        const wire: MetadataEntry[] = slice.map((e) => ({ offset: e.index, record: encodeMetadataRecord(e.record) }));
        await send(call, { records: { entries: wire } }, signal);
        next = slice[slice.length - 1]!.index + 1;
      }
    };
    // The backlog from the log, then what committed meanwhile and after (bounded rounds per wake).
    for (;;) {
      if (signal.aborted) return;
      if (left !== undefined) throw left;
      if (restored) throw new SamsaError('NOT_CONTROLLER', 'the metadata log was restored from a snapshot; resume the watch');
      if (buffer.length > WATCH_BUFFER_ENTRIES_MAX) throw new SamsaError('REQUEST_TIMED_OUT', 'the watcher fell too far behind; resume the watch');
      const pending = buffer.filter((e) => e.index >= next);
      buffer = [];
      if (pending.length > 0 && pending[0]!.index === next) {
        await sendEntries(pending);
        continue;
      }
      if (next <= log.appliedIndex) {
        // A gap between what was sent and what is buffered: read it from the log.
        if (next < log.logStartIndex) throw new SamsaError('OFFSET_OUT_OF_RANGE', `metadata offset ${next} was compacted away meanwhile; resume the watch from a snapshot`);
        const from = next;
        const backlog: MetadataLogEntry[] = [];
        for await (const e of log.replay(next)) {
          backlog.push(e);
          if (backlog.length === WATCH_BATCH_ENTRIES_MAX) {
            await sendEntries(backlog.splice(0));
            if (signal.aborted) return;
          }
        }
        await sendEntries(backlog);
        // A log that compacted the range while it was read gives nothing: the watcher resumes.
        if (next === from && !signal.aborted) throw new SamsaError('OFFSET_OUT_OF_RANGE', `metadata offset ${next} is no longer in the log; resume the watch from a snapshot`);
        buffer = pending.concat(buffer);
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        wake = done;
        signal.addEventListener('abort', done, { once: true });
        if (buffer.length > 0 || restored || left !== undefined || signal.aborted) done();
      });
    }
  } finally {
    off();
    offLeader();
  }
}
