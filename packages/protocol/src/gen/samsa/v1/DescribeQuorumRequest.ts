// Original file: proto/samsa/v1/controller.proto


export interface DescribeQuorumRequest {
}

export interface DescribeQuorumRequest__Output {
}
