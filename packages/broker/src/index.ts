// @samsa/broker: the server process's core. startBroker() opens storage and the metadata log,
// serves samsa.v1.SamsaClient over gRPC, registers with the controller and keeps its partitions
// reconciled with the metadata image. The CLI wires `samsa broker` to it.
export { startBroker, SHUTDOWN_GRACE_MS } from './broker.js';
export type { Broker, StartBrokerOptions } from './broker.js';
export { BROKER_CONFIG_KEYS, ConfigError, DEFAULTS, validateConfig } from './config.js';
export type { BrokerConfig, BrokerConfigKey } from './config.js';
export { ERROR_CODE_METADATA_KEY } from './errors.js';
