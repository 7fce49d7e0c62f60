// Original file: proto/samsa/v1/client.proto

import type { ElectLeadersPartitionResult as _samsa_v1_ElectLeadersPartitionResult, ElectLeadersPartitionResult__Output as _samsa_v1_ElectLeadersPartitionResult__Output } from '../../samsa/v1/ElectLeadersPartitionResult.js';

export interface ElectLeadersResponse {
  'results'?: (_samsa_v1_ElectLeadersPartitionResult)[];
}

export interface ElectLeadersResponse__Output {
  'results': (_samsa_v1_ElectLeadersPartitionResult__Output)[];
}
