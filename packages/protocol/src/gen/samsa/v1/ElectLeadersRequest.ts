// Original file: proto/samsa/v1/client.proto

import type { ElectionType as _samsa_v1_ElectionType, ElectionType__Output as _samsa_v1_ElectionType__Output } from '../../samsa/v1/ElectionType.js';
import type { ElectLeadersPartitions as _samsa_v1_ElectLeadersPartitions, ElectLeadersPartitions__Output as _samsa_v1_ElectLeadersPartitions__Output } from '../../samsa/v1/ElectLeadersPartitions.js';

export interface ElectLeadersRequest {
  'election_type'?: (_samsa_v1_ElectionType);
  'topics'?: (_samsa_v1_ElectLeadersPartitions)[];
}

export interface ElectLeadersRequest__Output {
  'election_type': (_samsa_v1_ElectionType__Output);
  'topics': (_samsa_v1_ElectLeadersPartitions__Output)[];
}
