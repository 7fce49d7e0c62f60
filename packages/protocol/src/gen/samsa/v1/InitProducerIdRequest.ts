// Original file: proto/samsa/v1/client.proto


export interface InitProducerIdRequest {
}

export interface InitProducerIdRequest__Output {
}
