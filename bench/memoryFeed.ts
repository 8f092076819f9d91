/**
 * Memory after a million log lines, in-process: the real Runtime (its log
 * tail, its capacity, its store) polls a log source that hands out the
 * sandbox's kind of lines in batches as fast as it is asked; the other
 * panels read the sandbox as in `opsdeck demo`. At checkpoints it collects
 * garbage and records heap and RSS with what the store's LogsSnapshot holds,
 * so the figures show whether memory stays flat once the ring is full.
 *
 * Bundled by bench/memory.mjs and run with `node --expose-gc`; prints JSON.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Runtime } from '../src/engine/runtime.js';
import { createSandbox } from '../src/sources/sandbox/index.js';
import { requestLine, severityOf, type RequestMix } from '../src/sources/sandbox/loglines.js';
import { MAX_BATCH } from '../src/sources/sandbox/logs.js';
import { Rng } from '../src/sources/sandbox/prng.js';
import type { LogBatch, LogEvent, LogsSnapshot } from '../src/model/logs.js';
import type { Sources } from '../src/sources/ports.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, batch: { type: 'string', default: String(MAX_BATCH) } } });
const LINES = Number(values.lines);
const BATCH = Number(values.batch);
if (!Number.isInteger(LINES) || LINES <= 0 || !Number.isInteger(BATCH) || BATCH <= 0) {
  console.error('memoryFeed: --lines and --batch must be positive integers');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('memoryFeed: run with node --expose-gc (bench/memory.mjs does)');
  process.exit(2);
}

const MB = 1024 * 1024;
const MIX: RequestMix = { errorRate: 0.01, warnRate: 0.03, errors: 'calm', dbWarnings: false };
const STREAMS = ['ecs/api/5f0c2a', 'ecs/api/9be1d7', 'ecs/api/c3a880'];

interface Checkpoint {
  lines: number;
  heapUsedMB: number;
  rssMB: number;
  /** lines in the ring: total - dropped */
  ringHeld: number;
  /** lines in the snapshot the view gets */
  snapshotLines: number;
  dropped: number;
}

const sandbox = createSandbox({ scenario: 'calm' });
const rng = new Rng(20_261_122);
const checkpoints: Checkpoint[] = [];
const marks = new Set([0, Math.min(LINES, 10_000), Math.min(LINES, 20_000), Math.floor(LINES / 10), Math.floor(LINES / 4), Math.floor(LINES / 2), LINES]);
let seq = 0;
let runtime: Runtime;
let finished: () => void;
const done = new Promise<void>((r) => (finished = r));

function measure(): void {
  gc!();
  const mem = process.memoryUsage();
  const snap = runtime.store.get('logs').data as LogsSnapshot | undefined;
  checkpoints.push({
    lines: seq,
    heapUsedMB: Math.round((mem.heapUsed / MB) * 10) / 10,
    rssMB: Math.round((mem.rss / MB) * 10) / 10,
    ringHeld: snap ? snap.total - snap.dropped : 0,
    snapshotLines: snap?.lines.length ?? 0,
    dropped: snap?.dropped ?? 0,
  });
}

// The runtime asks for the next batch only after the last one reached the
// store, so here every line handed out so far is in the tail and the snapshot.
async function read(): Promise<LogBatch> {
  if (marks.has(seq) && checkpoints.at(-1)?.lines !== seq) measure();
  if (seq >= LINES) {
    finished();
    return { events: [], cursor: { since: Date.now(), seenAtSince: [] }, mode: 'poll' };
  }
  // stop at the next checkpoint, so it is measured with exactly that many lines
  const next = Math.min(LINES, seq + BATCH, ...[...marks].filter((m) => m > seq));
  const events: LogEvent[] = [];
  const now = Date.now();
  while (seq < next) {
    seq++;
    const message = requestLine(rng, MIX);
    events.push({ id: String(seq), group: '/ecs/demo-api', stream: STREAMS[seq % STREAMS.length]!, timestamp: now, message, severity: severityOf(message) });
  }
  return { events, cursor: { since: now, seenAtSince: [String(seq)] }, mode: 'poll' };
}

const sources: Sources = { ...sandbox.sources, logs: { groups: ['/ecs/demo-api'], read } };
runtime = new Runtime({ sources, env: sandbox.info, intervals: { logs: 0 } });
const t0 = performance.now();
runtime.startNow();
await done;
const feedMs = performance.now() - t0;
const last = checkpoints.at(-1)!;
const full = checkpoints.find((c) => c.dropped > 0) ?? last;
await runtime.stop();
const half = checkpoints.find((c) => c.lines >= LINES / 2) ?? last;

console.log(
  JSON.stringify({
    lines: LINES,
    batch: BATCH,
    feedSeconds: Math.round(feedMs / 100) / 10,
    linesPerSecInProcess: Math.round(LINES / (feedMs / 1000)),
    heapUsedMB: last.heapUsedMB,
    rssMB: last.rssMB,
    ringHeld: last.ringHeld,
    snapshotLines: last.snapshotLines,
    dropped: last.dropped,
    // from the first checkpoint with a full ring to the end: ~0 when bounded
    heapGrowthAfterRingFullMB: Math.round((last.heapUsedMB - full.heapUsedMB) * 10) / 10,
    rssAtStartMB: checkpoints[0]!.rssMB,
    rssAtHalfMB: half.rssMB,
    // the second half of the lines: ~0 when the ring and the sparklines are bounded
    rssGrowthOverLastHalfMB: Math.round((last.rssMB - half.rssMB) * 10) / 10,
    checkpoints,
  }),
);
