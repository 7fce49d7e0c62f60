// Proves the broker config: defaults as the contract states them, the data directory resolved at
// validation, string forms accepted (environment, properties), every key in BROKER_CONFIG_KEYS,
// and a ConfigError naming the setting for each impossible value or combination.
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BROKER_CONFIG_KEYS, ConfigError, DEFAULTS, validateConfig } from './config.js';

describe('broker config', () => {
  it('has the contract defaults', () => {
    expect(DEFAULTS).toEqual({
      nodeId: 1,
      roles: ['broker', 'controller'],
      controllerQuorumJoin: false,
      brokerSessionTimeoutMs: 3000,
      brokerHeartbeatIntervalMs: 500,
      listen: '127.0.0.1:9092',
      dataDir: '',
      logFlushSync: true,
      maxMessageBytes: 1048576,
      maxRequestBytes: 104857600,
      fetchMaxBytes: 52428800,
      fetchWaitMsMax: 30000,
      defaultPartitions: 1,
      defaultReplicationFactor: 1,
      retentionCheckIntervalMs: 30000,
      replicaLagTimeMaxMs: 10000,
      tailCacheBytes: 67108864,
      logLevel: 'info',
    });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('resolves the data directory from the node id', () => {
    expect(validateConfig({}).dataDir).toBe(`${homedir()}/.samsa/data-1`);
    expect(validateConfig({ nodeId: 7 }).dataDir).toBe(`${homedir()}/.samsa/data-7`);
    expect(validateConfig({ dataDir: '/tmp/x/../y' }).dataDir).toBe('/tmp/y');
  });

  it('accepts the string forms of numbers and booleans', () => {
    const c = validateConfig({ nodeId: '4' as unknown as number, logFlushSync: 'false' as unknown as boolean, listen: '[::1]:0' });
    expect(c).toMatchObject({ nodeId: 4, logFlushSync: false, listen: '[::1]:0' });
  });

  it('lists every setting with a property name and an environment variable', () => {
    const keys = BROKER_CONFIG_KEYS.map((k) => k.key).sort();
    expect(keys).toEqual([...Object.keys(DEFAULTS), 'advertisedAddress', 'clusterId', 'controllerVoters'].sort());
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'roles')).toMatchObject({ property: 'process.roles', env: 'SAMSA_PROCESS_ROLES' });
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'controllerVoters')).toMatchObject({ property: 'controller.quorum.voters', env: 'SAMSA_CONTROLLER_QUORUM_VOTERS' });
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'brokerSessionTimeoutMs')).toMatchObject({ property: 'broker.session.timeout.ms' });
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'brokerHeartbeatIntervalMs')).toMatchObject({ property: 'broker.heartbeat.interval.ms' });
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'nodeId')).toMatchObject({ property: 'node.id', env: 'SAMSA_NODE_ID' });
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'dataDir')).toMatchObject({ property: 'log.dirs', env: 'SAMSA_LOG_DIRS' });
    for (const k of BROKER_CONFIG_KEYS) expect(k.env).toMatch(/^SAMSA_[A-Z_]+$/);
  });

  it('reads roles and voters', () => {
    expect(validateConfig({ roles: 'controller, broker' as unknown as ['broker'] }).roles).toEqual(['broker', 'controller']);
    expect(validateConfig({ roles: ['broker'], controllerVoters: '1@localhost:9093, 2@[::1]:9094' })).toMatchObject({ roles: ['broker'], controllerVoters: '1@localhost:9093,2@[::1]:9094' });
    expect(validateConfig({ nodeId: 2, roles: ['controller'], controllerVoters: '1@h:1,2@h:2,3@h:3' }).controllerVoters).toBe('1@h:1,2@h:2,3@h:3');
    expect(validateConfig({}).controllerVoters).toBeUndefined();
  });

  it('joins a running quorum whose voters may or may not list this node', () => {
    expect(BROKER_CONFIG_KEYS.find((k) => k.key === 'controllerQuorumJoin')).toMatchObject({ property: 'controller.quorum.join', env: 'SAMSA_CONTROLLER_QUORUM_JOIN' });
    expect(validateConfig({ nodeId: 4, controllerQuorumJoin: true, controllerVoters: '1@h:1,2@h:2,3@h:3' })).toMatchObject({ controllerQuorumJoin: true, controllerVoters: '1@h:1,2@h:2,3@h:3' });
    expect(validateConfig({ nodeId: 4, controllerQuorumJoin: 'true' as unknown as boolean, controllerVoters: '1@h:1,4@h:4' }).controllerQuorumJoin).toBe(true);
    expect(validateConfig({}).controllerQuorumJoin).toBe(false);
  });

  const bad: [Record<string, unknown>, RegExp][] = [
    [{ roles: [] }, /roles \(process.roles\)/],
    [{ roles: 'broker,broker' }, /roles/],
    [{ roles: 'zookeeper' }, /roles/],
    [{ roles: ['broker'] }, /controllerVoters .* is required when the node has no controller role/],
    [{ controllerVoters: '2@h:1' }, /must list this node \(1\)/],
    [{ controllerQuorumJoin: true }, /must list the running quorum's voters when joining/],
    [{ controllerQuorumJoin: true, controllerVoters: '1@h:1' }, /must list the running quorum's voters when joining/],
    [{ controllerQuorumJoin: true, roles: ['broker'], controllerVoters: '2@h:1' }, /controllerQuorumJoin \(controller.quorum.join\) needs the controller role/],
    [{ controllerQuorumJoin: 'yes', controllerVoters: '2@h:1' }, /controllerQuorumJoin .*true or false/],
    [{ controllerVoters: '1@h' }, /controllerVoters .*not id@host:port|controllerVoters/],
    [{ controllerVoters: '1@h:1,1@h:2' }, /appears twice/],
    [{ controllerVoters: 'x@h:1' }, /is not id@host:port/],
    [{ controllerVoters: '1@h:0' }, /port 0/],
    [{ brokerSessionTimeoutMs: 1000, brokerHeartbeatIntervalMs: 600 }, /at most half/],
    [{ brokerSessionTimeoutMs: 0 }, /brokerSessionTimeoutMs \(broker.session.timeout.ms\)/],
    [{ nodeId: -1 }, /nodeId \(node.id\)/],
    [{ nodeId: 1.5 }, /nodeId/],
    [{ listen: 'localhost' }, /listen \(listeners\).*host:port/],
    [{ listen: 'localhost:70000' }, /out of range/],
    [{ advertisedAddress: 'host:0' }, /advertisedAddress/],
    [{ logFlushSync: 'yes' }, /logFlushSync/],
    [{ maxMessageBytes: 10 }, /maxMessageBytes/],
    [{ maxRequestBytes: 1000, maxMessageBytes: 2000 }, /must be at least maxMessageBytes/],
    [{ fetchMaxBytes: 0 }, /fetchMaxBytes/],
    [{ fetchMaxBytes: 255 * 1024 * 1024 }, /gRPC message limit/],
    [{ fetchWaitMsMax: -1 }, /fetchWaitMsMax/],
    [{ defaultPartitions: 0 }, /defaultPartitions \(num.partitions\)/],
    [{ retentionCheckIntervalMs: 5 }, /0 \(off\) or at least 10/],
    [{ logLevel: 'loud' }, /logLevel/],
    [{ clusterId: 'has space' }, /clusterId/],
    [{ port: 9092 }, /unknown broker setting "port"/],
  ];
  for (const [partial, message] of bad) {
    it(`refuses ${JSON.stringify(partial)}`, () => {
      expect(() => validateConfig(partial as never)).toThrow(message);
      expect(() => validateConfig(partial as never)).toThrow(ConfigError);
    });
  }
});
