// A broker-only node's metadata: an image built by applying, with the controller's own pure
// apply(), the committed records the active controller streams (WatchMetadata). The stream starts
// at the offset after the last one applied, so a reconnect resumes where it stopped; when the
// controller no longer holds those records (or this node has none yet and a snapshot exists), it
// sends a snapshot of the image first, in chunks, which replaces the image whole.
//
// Subscribers get the same MetadataUpdate a metadata log gives (entries, or `restored` for a
// snapshot), so the reconciler and the request handlers do not care where the image comes from.
import type { Logger } from 'pino';
import { ImageDelta, decodeImage, emptyImage } from '@samsa/controller';
import type { Clock, MetadataImage, MetadataListener, MetadataLogEntry, MetadataUpdate, TimerHandle } from '@samsa/controller';
import { SamsaError, decodeMetadataRecord, int64ToNumber } from '@samsa/protocol';
import type { MetadataEntry__Output, MetadataSnapshotChunk__Output, WatchMetadataResponse__Output } from '@samsa/protocol';
import type { ControllerChannel, WatchStream } from './controller-client.js';
import type { MetadataView } from './metadata-view.js';

/** The largest snapshot a follower assembles (an image of 10 000s of partitions is a few MiB). */
export const METADATA_SNAPSHOT_BYTES_MAX = 512 * 1024 * 1024;
export const WATCH_BACKOFF_MS_FIRST = 50;
export const WATCH_BACKOFF_MS_MAX = 1000;

export interface MetadataFollowerOptions {
  readonly brokerId: number;
  /** The cluster the images must belong to. */
  readonly clusterId: string;
  readonly channel: ControllerChannel;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface Assembly {
  offset: number;
  total: number;
  received: number;
  parts: Buffer[];
}

export class MetadataFollower implements MetadataView {
  private readonly o: MetadataFollowerOptions;
  private readonly log: Logger;
  private current: MetadataImage;
  private readonly listeners = new Set<MetadataListener>();
  private watch: WatchStream | undefined;
  private assembly: Assembly | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private backoffMs = WATCH_BACKOFF_MS_FIRST;
  private started = false;
  private stopped = false;

  constructor(options: MetadataFollowerOptions) {
    this.o = options;
    this.log = options.logger.child({ component: 'metadata-follower' });
    this.current = emptyImage(options.clusterId);
  }

  get image(): MetadataImage {
    return this.current;
  }

  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.open();
  }

  /** Moves the watch to the active controller when it is known to be elsewhere. */
  retarget(): void {
    const active = this.o.channel.activeControllerId;
    if (this.watch === undefined || active < 0 || this.watch.voterId === active) return;
    this.log.info({ from: this.watch.voterId, to: active }, 'moving the metadata watch to the active controller');
    this.restart(0);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reconnectTimer !== undefined) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.watch?.close();
    this.watch = undefined;
  }

  private open(): void {
    if (this.stopped || this.watch !== undefined) return;
    this.assembly = undefined;
    const from = this.current.appliedIndex + 1;
    const watch = this.o.channel.openWatch(
      { from_offset: from, broker_id: this.o.brokerId },
      {
        onMessage: (m) => {
          if (this.watch === watch) this.message(m);
        },
        onClose: (error) => {
          if (this.watch !== watch) return;
          this.watch = undefined;
          const e = error ?? new SamsaError('NETWORK_EXCEPTION', 'the metadata watch ended');
          this.o.channel.noteFailure(watch.voterId, e);
          this.log.info({ err: e, voterId: watch.voterId, appliedIndex: this.current.appliedIndex, retryInMs: this.backoffMs }, 'metadata watch closed; reconnecting');
          this.schedule(this.backoffMs);
          this.backoffMs = Math.min(this.backoffMs * 2, WATCH_BACKOFF_MS_MAX);
        },
      },
    );
    this.watch = watch;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open();
    }, delayMs);
  }

  /** Drops the watch and opens another after `delayMs` (from the offset after the last applied). */
  private restart(delayMs: number): void {
    this.watch?.close();
    this.watch = undefined;
    this.schedule(delayMs);
  }

  private message(m: WatchMetadataResponse__Output): void {
    this.backoffMs = WATCH_BACKOFF_MS_FIRST;
    try {
      if (m.records !== undefined && m.records !== null) this.applyEntries(m.records.entries);
      else if (m.snapshot !== undefined && m.snapshot !== null) this.snapshotChunk(m.snapshot);
    } catch (err) {
      // The stream is the controller's committed log: what does not apply here means the stream
      // is damaged or out of step. Start again from what this node has.
      this.log.error({ err, appliedIndex: this.current.appliedIndex }, 'a metadata watch message does not apply; restarting the watch');
      this.restart(this.backoffMs);
    }
  }

  private applyEntries(entries: readonly MetadataEntry__Output[]): void {
    const previous = this.current;
    const delta = new ImageDelta(previous);
    const applied: MetadataLogEntry[] = [];
    let last = previous.appliedIndex;
    for (const e of entries) {
      const offset = int64ToNumber(e.offset, 'offset');
      if (offset <= last) continue; // already applied (a resumed stream may repeat)
      if (offset !== last + 1) throw new SamsaError('CORRUPT_MESSAGE', `metadata offset ${offset} where ${last + 1} was expected`);
      const record = decodeMetadataRecord(e.record);
      delta.replay(record, offset);
      applied.push({ index: offset, record });
      last = offset;
    }
    if (applied.length === 0) return;
    this.publish({ previous, image: delta.build(), entries: Object.freeze(applied) });
  }

  private snapshotChunk(chunk: MetadataSnapshotChunk__Output): void {
    const offset = int64ToNumber(chunk.offset, 'offset');
    const total = int64ToNumber(chunk.total_bytes, 'total_bytes');
    const position = int64ToNumber(chunk.position, 'position');
    if (position === 0) this.assembly = { offset, total, received: 0, parts: [] };
    const a = this.assembly;
    if (a === undefined || a.offset !== offset || a.total !== total || a.received !== position) throw new SamsaError('CORRUPT_MESSAGE', `snapshot chunk at ${position} of the image at ${offset} is out of order`);
    if (total > METADATA_SNAPSHOT_BYTES_MAX || a.received + chunk.data.length > total) throw new SamsaError('CORRUPT_MESSAGE', `snapshot of ${total} bytes is too large or overflows`);
    a.parts.push(Buffer.from(chunk.data));
    a.received += chunk.data.length;
    if (!chunk.last) return;
    this.assembly = undefined;
    if (a.received !== total) throw new SamsaError('CORRUPT_MESSAGE', `snapshot ended at ${a.received} of ${total} bytes`);
    const image = decodeImage(Buffer.concat(a.parts));
    if (image.appliedIndex !== offset) throw new SamsaError('CORRUPT_MESSAGE', `snapshot says offset ${offset}, its image ${image.appliedIndex}`);
    if (image.clusterId !== this.o.clusterId) throw new SamsaError('INCONSISTENT_CLUSTER_ID', `snapshot of cluster ${image.clusterId}, this node belongs to ${this.o.clusterId}`);
    if (offset <= this.current.appliedIndex) return; // this node is already past it
    this.log.info({ offset, bytes: total, from: this.current.appliedIndex }, 'metadata image loaded from a snapshot');
    this.publish({ previous: this.current, image, entries: Object.freeze([]), restored: true });
  }

  private publish(update: MetadataUpdate): void {
    this.current = update.image;
    for (const listener of [...this.listeners]) {
      try {
        listener(update);
      } catch (err) {
        this.log.error({ err }, 'metadata listener threw');
      }
    }
  }
}
