// Proves the command line's contract without a broker: help exits 0; bad flags and invalid values
// (partitions 0, negative offsets, bad --acks, bad formats, bad bootstrap lists, configs without
// exactly one of --broker / --topic or with malformed key=value pairs, elect-leaders without
// --unclean or --topic, --partition without one --topic) exit 2 with
// commander's message on stderr; an unreachable broker exits 1 naming the address.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { run } from './program.js';
import { captureIo } from './testing/io.js';

async function samsa(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = captureIo({ env });
  const code = await run(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('samsa (flags and usage)', () => {
  it('prints help and exits 0', async () => {
    const r = await samsa(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: samsa');
    const sub = await samsa(['produce', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--key-separator <sep>');
    expect(sub.stdout).toContain('--bootstrap <host:port,...>');
  });

  it.each([
    [['nope'], /unknown command 'nope'/],
    [['topics', 'create', 'x', '--partitions', '0'], /option '--partitions <n>' argument '0' is invalid\. must be an integer from 1/],
    [['topics', 'create', 'x'], /required option '--partitions <n>' not specified/],
    [['topics', 'create', 'x', '--partitions', '2', '--config', 'novalue'], /must be key=value/],
    [['produce', 't', '--acks', '2'], /argument '2' is invalid\. must be 0, 1, -1 or all/],
    [['produce', 't', '--partition', '-1'], /--partition <n>' argument '-1' is invalid/],
    [['consume', 't', '--offset', '-5', '--partition', '0'], /--offset <n>' argument '-5' is invalid/],
    [['consume', 't', '--format', 'yaml'], /must be one of text, json/],
    [['consume', 't', '--max-messages', 'ten'], /--max-messages <n>' argument 'ten' is invalid/],
    [['topics', 'list', '--bootstrap', 'no-port'], /"no-port" is not host:port/],
    [['topics', 'list', '--unknown'], /unknown option '--unknown'/],
    [['configs', 'set', 'follower.replication.throttled.rate=1'], /^error: name the resource with exactly one of --broker <id> or --topic <name>\n$/],
    [['configs', 'set', '--broker', '1', '--topic', 't', 'a=1'], /exactly one of --broker <id> or --topic <name>/],
    [['configs', 'set', '--broker', 'two', 'a=1'], /option '--broker <id>' argument 'two' is invalid/],
    [['configs', 'set', '--broker', '1', 'novalue'], /^error: "novalue" is not key=value\n$/],
    [['configs', 'set', '--broker', '1', 'follower.replication.throttled.rate='], /follower\.replication\.throttled\.rate has no value; to remove it use `samsa configs delete/],
    [['configs', 'set', '--broker', '1'], /missing required argument 'key=value'/],
    [['configs', 'delete', '--broker', '1', 'k=v'], /delete takes config names only/],
    [['configs', 'delete', '--topic', '', 'k'], /--topic must not be empty/],
    [['topics', 'elect-leaders', '--topic', 't'], /^error: elect-leaders runs unclean elections only, which may lose acknowledged records: add --unclean/],
    [['topics', 'elect-leaders', '--unclean'], /elect-leaders --unclean needs --topic/],
    [['topics', 'elect-leaders', '--unclean', '--topic', 't', '--partition', 'x'], /option '--partition <n>' argument 'x' is invalid/],
    [['topics', 'rebalance-leaders', '--partition', '0'], /^error: --partition needs exactly one --topic\n$/],
    [['topics', 'rebalance-leaders', '--topic', 'a', '--topic', 'b', '--partition', '0'], /--partition needs exactly one --topic/],
    [['topics', 'rebalance-leaders', '--topic', 't', '--partition', '-1'], /option '--partition <n>' argument '-1' is invalid/],
    [['topics', 'rebalance-leaders', '--format', 'xml'], /must be one of text, json/],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const r = await samsa(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('rejects --offset without --partition, and with --from-beginning', async () => {
    expect(await samsa(['consume', 't', '--offset', '3'])).toMatchObject({ code: 2, stderr: 'error: --offset needs --partition\n' });
    expect((await samsa(['consume', 't', '--offset', '3', '--partition', '0', '--from-beginning'])).stderr).toMatch(/exclude each other/);
  });

  it('rejects an invalid SAMSA_BOOTSTRAP', async () => {
    const r = await samsa(['topics', 'list'], { SAMSA_BOOTSTRAP: 'a:b:c' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: SAMSA_BOOTSTRAP "a:b:c" is invalid/);
  });

  it('exits 1 naming the address when no broker answers', async () => {
    const port = await closedPort();
    for (const argv of [
      ['topics', 'list', '--bootstrap', `127.0.0.1:${port}`, '--retries', '0'],
      ['consume', 't', '--retries', '0'],
    ]) {
      const r = await samsa(argv, { SAMSA_BOOTSTRAP: `127.0.0.1:${port}` });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: NETWORK_EXCEPTION: cannot reach broker 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    }
  });

  it('exits 2 when the broker config is invalid, before starting anything', async () => {
    const r = await samsa(['broker', '--node-id', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: invalid broker setting nodeId from flag --node-id: must be an integer, got "x"\n');
  });
});
