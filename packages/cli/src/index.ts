// @samsa/cli: the `samsa` command. main.ts runs it; tests call run() in-process.
export { VERSION, buildProgram, run } from './program.js';
export type { CliIo, RunContext } from './io.js';
export { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, formatError } from './errors.js';
export { LineSplitter, readLines, splitKeyValue } from './lines.js';
export { bytesToJson, electionOutcome, formatElectionResults, formatJsonRecord, formatReplicaLogEndOffsets, formatTextRecord, formatTopicDescription, recordToJson } from './format.js';
export type { ElectionOutcome, JsonBytes, JsonRecord } from './format.js';
export { parseConfigPairs } from './commands/configs.js';
export { UNCLEAN_ELECTION_WARNING } from './commands/topics.js';
export { BROKER_FLAGS, flagOf, parseProperties, resolveBrokerConfig } from './broker-config.js';
export type { BrokerConfigSources } from './broker-config.js';
export { DEFAULT_BOOTSTRAP, acksOption, bootstrapOption, collectIntegerOption, integerOption, keyValueOption } from './options.js';
export { MAX_UNACKED_BYTES, MAX_UNACKED_RECORDS } from './commands/produce.js';
