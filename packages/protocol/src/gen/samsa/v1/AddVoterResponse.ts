// Original file: proto/samsa/v1/controller.proto

import type { QuorumVoter as _samsa_v1_QuorumVoter, QuorumVoter__Output as _samsa_v1_QuorumVoter__Output } from '../../samsa/v1/QuorumVoter.js';

export interface AddVoterResponse {
  'voters'?: (_samsa_v1_QuorumVoter)[];
}

export interface AddVoterResponse__Output {
  'voters': (_samsa_v1_QuorumVoter__Output)[];
}
