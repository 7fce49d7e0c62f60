// Binary encoding of the controller's metadata records (proto/samsa/v1/controller.proto) for the
// metadata log. The same toObject options as the gRPC loader, so decoded records have exactly the
// generated `MetadataRecord__Output` shape.
import protobuf from 'protobufjs';
import { PROTO_LOADER_OPTIONS, protoDir } from './grpc.js';
import type { MetadataRecord, MetadataRecord__Output } from './gen/samsa/v1/MetadataRecord.js';
import { SamsaError } from './errors.js';

let recordType: protobuf.Type | undefined;

function type(): protobuf.Type {
  if (recordType === undefined) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => `${protoDir()}/${target}`;
    root.loadSync('samsa/v1/controller.proto', { keepCase: true });
    recordType = root.lookupType('samsa.v1.MetadataRecord');
  }
  return recordType;
}

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const t = type();
  // fromObject (not verify) accepts int64 fields as strings, as the generated types allow.
  const bytes = t.encode(t.fromObject(record)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeMetadataRecord(bytes: Uint8Array): MetadataRecord__Output {
  const t = type();
  let message: protobuf.Message;
  try {
    message = t.decode(bytes);
  } catch (cause) {
    throw new SamsaError('CORRUPT_MESSAGE', 'a metadata record does not decode', { cause });
  }
  const { keepCase: _k, ...conversion } = PROTO_LOADER_OPTIONS;
  return t.toObject(message, { ...conversion, bytes: Buffer }) as MetadataRecord__Output;
}
