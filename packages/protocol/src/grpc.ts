// Loads proto/ at run time with options that match the flags the committed types were generated
// with (scripts/gen-proto.mjs): keepCase, longs as String, enums as String, defaults, oneofs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as ClientProtoGrpcType } from './gen/client.js';
import type { ProtoGrpcType as ControllerProtoGrpcType } from './gen/controller.js';
import type { ProtoGrpcType as ReplicationProtoGrpcType } from './gen/replication.js';

/** Loader options; they must match the generator flags or the generated types lie. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** Largest message either end accepts. Requests are bounded by the broker's max request size. */
export const GRPC_MESSAGE_BYTES_MAX = 256 * 1024 * 1024;

/** Channel options every Samsa client and server uses. */
export const GRPC_CHANNEL_OPTIONS: grpc.ChannelOptions = Object.freeze({
  'grpc.max_receive_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.max_send_message_length': GRPC_MESSAGE_BYTES_MAX,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
});

/** Where proto/ lives: beside the package when deployed, at the repo root in the workspace. */
export function protoDir(): string {
  const candidates = [
    process.env['SAMSA_PROTO_DIR'],
    fileURLToPath(new URL('../proto', import.meta.url)),
    fileURLToPath(new URL('../../../proto', import.meta.url)),
  ];
  for (const dir of candidates) {
    if (dir !== undefined && existsSync(`${dir}/samsa/v1/client.proto`)) return dir;
  }
  throw new Error(`cannot find proto/samsa/v1/client.proto (looked in ${candidates.filter(Boolean).join(', ')})`);
}

const loaded = new Map<string, unknown>();

/** A proto file of proto/samsa/v1 as grpc-js objects, loaded once per process. */
function loadOnce<T>(file: string): T {
  let proto = loaded.get(file);
  if (proto === undefined) {
    const definition = protoLoader.loadSync(`samsa/v1/${file}`, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDir()] });
    proto = grpc.loadPackageDefinition(definition);
    loaded.set(file, proto);
  }
  return proto as T;
}

/** The loaded client API (`samsa.v1.SamsaClient` and its messages). */
export const loadClientProto = (): ClientProtoGrpcType => loadOnce<ClientProtoGrpcType>('client.proto');

/** The loaded controller API (`samsa.v1.ControllerService`, the metadata records). */
export const loadControllerProto = (): ControllerProtoGrpcType => loadOnce<ControllerProtoGrpcType>('controller.proto');

/** The loaded replication API (`samsa.v1.ReplicaService`). */
export const loadReplicationProto = (): ReplicationProtoGrpcType => loadOnce<ReplicationProtoGrpcType>('replication.proto');
