// Memory, two ways, each in its own process so nothing else shares the heap:
//
//   soak   the calm demo (`node bin/opsdeck.js demo`) on a 120x40 pty, no key
//          pressed: RSS at the first frame, at the middle and at the end of
//          the soak, and the growth over the second half (bounded memory
//          grows ~0 there). Default 2 minutes; OPSDECK_BENCH_SOAK_MINUTES=10
//          for the 10-minute figure the budget is set on (RSS at 5 and 10
//          minutes). OPSDECK_BENCH_SOAK_HEAP=DIR also writes a heap snapshot
//          of the process at the end into DIR (what it keeps, for Chrome's
//          memory tab).
//   feed   heap and RSS after a million log lines through the runtime's log
//          tail (memoryFeed.ts).
import { readdirSync } from 'node:fs';
import { bin, progress } from './pty.mjs';
import { runBundled } from './bundle.mjs';
import { soakOnPty } from './soak.mjs';

function soakMinutes() {
  const raw = process.env.OPSDECK_BENCH_SOAK_MINUTES;
  if (raw === undefined || raw.trim() === '') return 2;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`OPSDECK_BENCH_SOAK_MINUTES must be a number of minutes above 0, got "${raw}"`);
  return n;
}

export async function benchSoak({ minutes = soakMinutes(), heapDir = process.env.OPSDECK_BENCH_SOAK_HEAP } = {}) {
  progress(`memory: the calm demo at 120x40 for ${minutes} min, no key`);
  const flags = heapDir ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir} ` : '';
  const run = await soakOnPty(`${process.execPath} ${flags}${bin} demo --scenario calm`, {
    totalMs: minutes * 60_000,
    // every 30 s, so the second half's trend is more than two points
    everyMs: 30_000,
    atEnd: heapDir ? (pid) => heapSnapshotOf(pid, heapDir) : undefined,
  });
  return {
    minutes,
    size: '120x40',
    rssAtStartMB: run.samples[0].rssMB,
    rssAtHalfMB: run.half.rssMB,
    rssAtEndMB: run.end.rssMB,
    halfAtS: run.half.atS,
    endAtS: run.end.atS,
    // bounded memory: ~0 over the second half
    growthOverLastHalfMB: run.growthOverLastHalfMB,
    cpuPercentOfCore: run.cpuPercentOfCore,
    bytesPerSec: run.bytesPerSec,
    samples: run.samples,
    ...(run.atEnd ? { heapSnapshot: `${heapDir}/${run.atEnd}` } : {}),
  };
}

/** Asks the process for a heap snapshot (SIGUSR2) and waits for its file in `heapDir`. */
async function heapSnapshotOf(pid, heapDir) {
  const before = new Set(readdirSync(heapDir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const found = readdirSync(heapDir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (found) return found;
  }
  return undefined;
}

export async function benchMemory({ lines = 1_000_000 } = {}) {
  const soak = await benchSoak();
  progress(`memory: feeding ${lines.toLocaleString('en-US')} log lines through the runtime`);
  const feed = await runBundled('bench/memoryFeed.ts', { args: ['--lines', String(lines)], nodeArgs: ['--expose-gc'] });
  return { soak, feed };
}
