// Proves how `samsa broker` settles its config: flags beat environment variables, which beat the
// properties file, which beats the broker's defaults; the file format (comments, `=` or `:`,
// spaces); and that every bad value is a usage error naming the setting and where it came from.
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@samsa/broker';
import { BROKER_FLAGS, flagOf, parseProperties, resolveBrokerConfig } from './broker-config.js';
import { CliError, EXIT_USAGE } from './errors.js';

const file = (text: string): { path: string; text: string } => ({ path: 'server.properties', text });

describe('parseProperties', () => {
  it('reads key=value and key: value lines, skipping comments and blanks', () => {
    const props = parseProperties('# a comment\n! another\n\nnode.id = 4\r\nlog.dirs: /var/lib/samsa\nlisteners=0.0.0.0:9092\n', 'f');
    expect([...props.entries()].map(([k, v]) => [k, v.value, v.line])).toEqual([
      ['node.id', '4', 4],
      ['log.dirs', '/var/lib/samsa', 5],
      ['listeners', '0.0.0.0:9092', 6],
    ]);
  });

  it('rejects a line that is not key=value, naming the line', () => {
    expect(() => parseProperties('node.id=1\njust words\n', 'f.properties')).toThrow(/f.properties:2: expected key=value/);
  });
});

describe('resolveBrokerConfig', () => {
  it('derives a flag for every broker setting', () => {
    expect(flagOf('nodeId')).toBe('--node-id');
    expect(flagOf('logFlushSync')).toBe('--log-flush-sync');
    expect(BROKER_FLAGS.map((f) => f.flag)).toContain('--data-dir');
  });

  it('lets flags beat the environment, the environment beat the file, the file beat defaults', () => {
    const { config, origins } = resolveBrokerConfig({
      file: file('node.id=2\nlog.flush.sync=false\nnum.partitions=3\nlog.dirs=/tmp/from-file\n'),
      env: { SAMSA_NODE_ID: '5', SAMSA_NUM_PARTITIONS: '7', SAMSA_LOG_DIRS: '' },
      flags: { nodeId: '9' },
    });
    expect(config.nodeId).toBe(9);
    expect(config.defaultPartitions).toBe(7);
    expect(config.logFlushSync).toBe(false);
    expect(config.dataDir).toBe('/tmp/from-file');
    expect(config.maxMessageBytes).toBe(DEFAULTS.maxMessageBytes);
    expect(origins.get('nodeId')).toBe('flag --node-id');
    expect(origins.get('defaultPartitions')).toBe('environment variable SAMSA_NUM_PARTITIONS');
    expect(origins.get('logFlushSync')).toBe('server.properties:2 (log.flush.sync)');
  });

  const usageError = (f: () => unknown): CliError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(EXIT_USAGE);
      return e as CliError;
    }
    throw new Error('expected a CliError');
  };

  it('rejects values of the wrong type, naming the origin', () => {
    expect(usageError(() => resolveBrokerConfig({ env: { SAMSA_NODE_ID: 'one' }, flags: {} })).message).toBe(
      'invalid broker setting nodeId from environment variable SAMSA_NODE_ID: must be an integer, got "one"',
    );
    expect(usageError(() => resolveBrokerConfig({ env: {}, flags: { logFlushSync: 'yes' } })).message).toMatch(/logFlushSync from flag --log-flush-sync: must be true or false/);
  });

  it("passes the broker's own validation errors on, with the origin", () => {
    expect(usageError(() => resolveBrokerConfig({ env: {}, flags: { maxMessageBytes: '10' } })).message).toMatch(/^invalid broker config: maxMessageBytes \(message.max.bytes\) must be an integer from 64.*\(from flag --max-message-bytes\)$/);
    expect(usageError(() => resolveBrokerConfig({ env: {}, flags: { listen: 'nonsense' } })).message).toMatch(/listen \(listeners\)/);
  });

  it('rejects unknown properties in the file', () => {
    expect(usageError(() => resolveBrokerConfig({ file: file('node.id=1\nbogus=2\n'), env: {}, flags: {} })).message).toMatch(/server.properties:2: unknown property "bogus"/);
  });
});
