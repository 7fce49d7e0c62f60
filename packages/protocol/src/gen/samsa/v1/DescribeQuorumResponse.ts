// Original file: proto/samsa/v1/controller.proto

import type { QuorumVoter as _samsa_v1_QuorumVoter, QuorumVoter__Output as _samsa_v1_QuorumVoter__Output } from '../../samsa/v1/QuorumVoter.js';
import type { BrokerStatus as _samsa_v1_BrokerStatus, BrokerStatus__Output as _samsa_v1_BrokerStatus__Output } from '../../samsa/v1/BrokerStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface DescribeQuorumResponse {
  'cluster_id'?: (string);
  'node_id'?: (number);
  'active_controller_id'?: (number);
  'leader_epoch'?: (number | string | Long);
  'commit_offset'?: (number | string | Long);
  'applied_offset'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  'voters'?: (_samsa_v1_QuorumVoter)[];
  'brokers'?: (_samsa_v1_BrokerStatus)[];
  'liveness_known'?: (boolean);
  'image_hash'?: (string);
}

export interface DescribeQuorumResponse__Output {
  'cluster_id': (string);
  'node_id': (number);
  'active_controller_id': (number);
  'leader_epoch': (string);
  'commit_offset': (string);
  'applied_offset': (string);
  'log_start_offset': (string);
  'voters': (_samsa_v1_QuorumVoter__Output)[];
  'brokers': (_samsa_v1_BrokerStatus__Output)[];
  'liveness_known': (boolean);
  'image_hash': (string);
}
