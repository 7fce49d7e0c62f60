// @samsa/broker: the server process's core. startBroker() runs a node with its roles: a
// controller (the metadata log and the active controller's work, served as ControllerService), a
// broker (storage and the client API, following the metadata the controllers commit), or both.
// The CLI wires `samsa broker` to it.
export { startBroker, SHUTDOWN_GRACE_MS } from './broker.js';
export type { Broker, OpenMetadataLogArgs, StartBrokerOptions } from './broker.js';
export { BROKER_CONFIG_KEYS, ConfigError, DEFAULTS, PROCESS_ROLES, validateConfig } from './config.js';
export type { BrokerConfig, BrokerConfigKey, ProcessRole } from './config.js';
export { CONTROLLER_ID_METADATA_KEY, ERROR_CODE_METADATA_KEY } from './errors.js';
export { ControllerClient, controllerError } from './controller-client.js';
export type { ControllerChannel, ControllerClientOptions, ControllerUnaryMethod, ControllerUnaryTypes, UnaryOptions } from './controller-client.js';
export { VOTERS_MAX, formatVoters, parseVoters } from './voters.js';
export type { Voter } from './voters.js';
export { BROKER_NODE_FLAGS } from './node-flags.js';
