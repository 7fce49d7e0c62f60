// The identity of a data directory, as Kafka's meta.properties: written once, when the directory
// is first formatted, and checked on every start. A node refuses a directory that belongs to
// another cluster or another node id, so a misplaced volume cannot join (or poison) the wrong
// cluster, and a directory id tells a voter that lost its state apart from its former self.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export const META_PROPERTIES_FILE = 'meta.properties';
export const META_PROPERTIES_VERSION = 1;

export interface MetaProperties {
  readonly version: number;
  readonly clusterId: string;
  readonly nodeId: number;
  readonly directoryId: string;
}

/** A data directory that cannot be used as it is (another cluster's, another node's, damaged). */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/** A new cluster id: 16 random bytes in URL-safe base64 (22 characters), as Kafka makes them. */
export const newClusterId = (): string => randomBytes(16).toString('base64url');

export const newDirectoryId = (): string => randomUUID();

const CLUSTER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidClusterId(id: string): boolean {
  return CLUSTER_ID_PATTERN.test(id);
}

function parse(text: string, path: string): MetaProperties {
  const map = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new DataDirError(`${path}: malformed line ${JSON.stringify(line)}`);
    map.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const version = Number(map.get('version'));
  const clusterId = map.get('cluster.id') ?? '';
  const nodeId = Number(map.get('node.id'));
  const directoryId = map.get('directory.id') ?? '';
  if (version !== META_PROPERTIES_VERSION) throw new DataDirError(`${path}: unsupported version ${map.get('version')} (this build reads version ${META_PROPERTIES_VERSION})`);
  if (!isValidClusterId(clusterId)) throw new DataDirError(`${path}: invalid cluster.id ${JSON.stringify(clusterId)}`);
  if (!Number.isSafeInteger(nodeId) || nodeId < 0) throw new DataDirError(`${path}: invalid node.id ${JSON.stringify(map.get('node.id'))}`);
  if (directoryId === '') throw new DataDirError(`${path}: missing directory.id`);
  return Object.freeze({ version, clusterId, nodeId, directoryId });
}

export async function readMetaProperties(dataDir: string): Promise<MetaProperties | undefined> {
  const path = join(dataDir, META_PROPERTIES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parse(text, path);
}

/** Writes the file atomically and durably: a temporary file, fsync, rename, fsync of the directory. */
export async function writeMetaProperties(dataDir: string, props: MetaProperties): Promise<void> {
  const path = join(dataDir, META_PROPERTIES_FILE);
  const tmp = `${path}.tmp`;
  const text = [
    '# Written by samsa when this data directory was formatted. Do not edit: it ties the directory',
    '# to its cluster and node.',
    `version=${props.version}`,
    `cluster.id=${props.clusterId}`,
    `node.id=${props.nodeId}`,
    `directory.id=${props.directoryId}`,
    '',
  ].join('\n');
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dataDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * The identity of a node's data directory that holds no metadata log (a broker-only node): checks
 * an existing meta.properties against `nodeId` and `clusterId` (when given), or writes one. A
 * directory of another cluster or node is refused with a DataDirError. Returns the properties.
 */
export async function formatDataDir(dataDir: string, identity: { nodeId: number; clusterId: string }): Promise<MetaProperties> {
  await mkdir(dataDir, { recursive: true });
  const existing = await readMetaProperties(dataDir);
  const path = join(dataDir, META_PROPERTIES_FILE);
  if (existing !== undefined) {
    if (existing.nodeId !== identity.nodeId) throw new DataDirError(`${path}: this data directory belongs to node ${existing.nodeId}, not to node ${identity.nodeId}`);
    if (existing.clusterId !== identity.clusterId) throw new DataDirError(`${path}: this data directory belongs to cluster ${existing.clusterId}, not to cluster ${identity.clusterId}`);
    return existing;
  }
  if (!isValidClusterId(identity.clusterId)) throw new DataDirError(`invalid cluster id ${JSON.stringify(identity.clusterId)}: 1 to 64 characters of [A-Za-z0-9_-]`);
  const props: MetaProperties = { version: META_PROPERTIES_VERSION, clusterId: identity.clusterId, nodeId: identity.nodeId, directoryId: newDirectoryId() };
  await writeMetaProperties(dataDir, props);
  return props;
}
