// Original file: proto/samsa/v1/quorum.proto


export interface RaftSendResponse {
}

export interface RaftSendResponse__Output {
}
