// V8 flags a broker process should be started with (`node <flags> main.js broker ...`). They are
// launch flags: V8 reads them at start-up only (v8.setFlagsFromString is too late for heap sizing)
// and Node refuses this one in NODE_OPTIONS, so every launcher passes them: `samsa cluster start`,
// the `samsa` and `start` scripts, the test harness, the benchmarks.
//
// --initial-old-space-size=128: a broker's live heap is small (about 17 MB) but it churns Buffers
// (batches in, batches out to consumers and followers); with V8's small initial old-generation
// limit that restarts full mark-compacts every 100-200 ms per broker, about half of its CPU under
// replicated load. Starting the limit at 128 MB cut full GCs from ~159 to 12 per benchmark run and
// took RF=3 acks=all produce from 19.9 to 33.3 MB/s (bench/replication.mjs, 2 cores).
export const BROKER_NODE_FLAGS: readonly string[] = Object.freeze(['--initial-old-space-size=128']);
