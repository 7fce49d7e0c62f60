import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { RaftBatch as _samsa_v1_RaftBatch, RaftBatch__Output as _samsa_v1_RaftBatch__Output } from './samsa/v1/RaftBatch.js';
import type { RaftEntry as _samsa_v1_RaftEntry, RaftEntry__Output as _samsa_v1_RaftEntry__Output } from './samsa/v1/RaftEntry.js';
import type { RaftIdentifyRequest as _samsa_v1_RaftIdentifyRequest, RaftIdentifyRequest__Output as _samsa_v1_RaftIdentifyRequest__Output } from './samsa/v1/RaftIdentifyRequest.js';
import type { RaftIdentifyResponse as _samsa_v1_RaftIdentifyResponse, RaftIdentifyResponse__Output as _samsa_v1_RaftIdentifyResponse__Output } from './samsa/v1/RaftIdentifyResponse.js';
import type { RaftMessage as _samsa_v1_RaftMessage, RaftMessage__Output as _samsa_v1_RaftMessage__Output } from './samsa/v1/RaftMessage.js';
import type { RaftQuorumClient as _samsa_v1_RaftQuorumClient, RaftQuorumDefinition as _samsa_v1_RaftQuorumDefinition } from './samsa/v1/RaftQuorum.js';
import type { RaftSendResponse as _samsa_v1_RaftSendResponse, RaftSendResponse__Output as _samsa_v1_RaftSendResponse__Output } from './samsa/v1/RaftSendResponse.js';
import type { RaftSnapshotMeta as _samsa_v1_RaftSnapshotMeta, RaftSnapshotMeta__Output as _samsa_v1_RaftSnapshotMeta__Output } from './samsa/v1/RaftSnapshotMeta.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  samsa: {
    v1: {
      RaftBatch: MessageTypeDefinition<_samsa_v1_RaftBatch, _samsa_v1_RaftBatch__Output>
      RaftEntry: MessageTypeDefinition<_samsa_v1_RaftEntry, _samsa_v1_RaftEntry__Output>
      RaftEntryType: EnumTypeDefinition
      RaftIdentifyRequest: MessageTypeDefinition<_samsa_v1_RaftIdentifyRequest, _samsa_v1_RaftIdentifyRequest__Output>
      RaftIdentifyResponse: MessageTypeDefinition<_samsa_v1_RaftIdentifyResponse, _samsa_v1_RaftIdentifyResponse__Output>
      RaftMessage: MessageTypeDefinition<_samsa_v1_RaftMessage, _samsa_v1_RaftMessage__Output>
      RaftMessageType: EnumTypeDefinition
      RaftQuorum: SubtypeConstructor<typeof grpc.Client, _samsa_v1_RaftQuorumClient> & { service: _samsa_v1_RaftQuorumDefinition }
      RaftSendResponse: MessageTypeDefinition<_samsa_v1_RaftSendResponse, _samsa_v1_RaftSendResponse__Output>
      RaftSnapshotMeta: MessageTypeDefinition<_samsa_v1_RaftSnapshotMeta, _samsa_v1_RaftSnapshotMeta__Output>
    }
  }
}

