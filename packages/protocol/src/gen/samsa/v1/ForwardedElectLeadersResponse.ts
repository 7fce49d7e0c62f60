// Original file: proto/samsa/v1/controller.proto

import type { ElectLeadersResponse as _samsa_v1_ElectLeadersResponse, ElectLeadersResponse__Output as _samsa_v1_ElectLeadersResponse__Output } from '../../samsa/v1/ElectLeadersResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface ForwardedElectLeadersResponse {
  'response'?: (_samsa_v1_ElectLeadersResponse | null);
  'metadata_offset'?: (number | string | Long);
}

export interface ForwardedElectLeadersResponse__Output {
  'response': (_samsa_v1_ElectLeadersResponse__Output | null);
  'metadata_offset': (string);
}
