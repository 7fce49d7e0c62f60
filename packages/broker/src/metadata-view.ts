// Where a broker reads the metadata from: the metadata log itself on a node that is a controller
// (its committed image), or the MetadataFollower's image, built from the active controller's watch
// stream, on a broker-only node. Both give an image and tell subscribers about every step.
import type { MetadataImage, MetadataListener } from '@samsa/controller';
import { SamsaError } from '@samsa/protocol';

export interface MetadataView {
  readonly image: MetadataImage;
  subscribe(listener: MetadataListener): () => void;
}

/**
 * Resolves once `view` has applied `index`; rejects with BROKER_NOT_AVAILABLE when `signal`
 * aborts first (the broker stops).
 */
export function waitForIndex(view: MetadataView, index: number, signal?: AbortSignal): Promise<void> {
  if (view.image.appliedIndex >= index) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      off();
      signal?.removeEventListener('abort', aborted);
    };
    const aborted = (): void => {
      done();
      reject(new SamsaError('BROKER_NOT_AVAILABLE', 'the broker is stopping'));
    };
    const off = view.subscribe((update) => {
      if (update.image.appliedIndex < index) return;
      done();
      resolve();
    });
    if (signal?.aborted === true) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
