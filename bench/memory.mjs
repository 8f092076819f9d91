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
import { readFileSync, readdirSync } from 'node:fs';
import { bin, onPty, progress, ptyChildPid, quit, round } from './pty.mjs';
import { runBundled } from './bundle.mjs';

const MB = 1024 * 1024;

function rssMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round((Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024) / MB, 1);
}

/** CPU seconds (user + system) the process has used, from /proc/PID/stat. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

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
  const child = onPty(`${process.execPath} ${flags}${bin} demo --scenario calm`, { cols: 120, rows: 40 });
  let bytes = 0;
  let firstFrame;
  const drawn = new Promise((resolve) => (firstFrame = resolve));
  child.stdout.on('data', (chunk) => {
    bytes += chunk.length;
    if (chunk.includes('\x1b[?2026l')) firstFrame();
  });
  try {
    await drawn;
    const pid = ptyChildPid(child);
    const totalMs = minutes * 60_000;
    const samples = [];
    const t0 = Date.now();
    const cpu0 = cpuSeconds(pid);
    const bytes0 = bytes;
    const sample = () => samples.push({ atS: round((Date.now() - t0) / 1000, 0), rssMB: rssMB(pid) });
    sample();
    // every 30 s, so the second half's trend is more than two points
    while (Date.now() - t0 < totalMs) {
      await new Promise((r) => setTimeout(r, Math.min(30_000, totalMs - (Date.now() - t0))));
      sample();
    }
    const elapsedS = (Date.now() - t0) / 1000;
    const cpuPct = round((100 * (cpuSeconds(pid) - cpu0)) / elapsedS, 2);
    const half = samples.reduce((best, s) => (Math.abs(s.atS - elapsedS / 2) < Math.abs(best.atS - elapsedS / 2) ? s : best), samples[0]);
    const end = samples.at(-1);
    let heapSnapshot;
    if (heapDir) {
      const before = new Set(readdirSync(heapDir));
      process.kill(pid, 'SIGUSR2');
      for (let i = 0; i < 120 && !heapSnapshot; i++) {
        await new Promise((r) => setTimeout(r, 500));
        heapSnapshot = readdirSync(heapDir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
      }
    }
    return {
      minutes,
      size: '120x40',
      rssAtStartMB: samples[0].rssMB,
      rssAtHalfMB: half.rssMB,
      rssAtEndMB: end.rssMB,
      halfAtS: half.atS,
      endAtS: end.atS,
      // bounded memory: ~0 over the second half
      growthOverLastHalfMB: round(end.rssMB - half.rssMB, 1),
      cpuPercentOfCore: cpuPct,
      bytesPerSec: round((bytes - bytes0) / elapsedS, 0),
      samples,
      ...(heapSnapshot ? { heapSnapshot: `${heapDir}/${heapSnapshot}` } : {}),
    };
  } finally {
    await quit(child);
  }
}

export async function benchMemory({ lines = 1_000_000 } = {}) {
  const soak = await benchSoak();
  progress(`memory: feeding ${lines.toLocaleString('en-US')} log lines through the runtime`);
  const feed = await runBundled('bench/memoryFeed.ts', { args: ['--lines', String(lines)], nodeArgs: ['--expose-gc'] });
  return { soak, feed };
}
