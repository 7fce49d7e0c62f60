// Original file: proto/samsa/v1/quorum.proto


export interface RaftIdentifyRequest {
}

export interface RaftIdentifyRequest__Output {
}
