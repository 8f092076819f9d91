// Log throughput: the real program on a pty, its sandbox writing log lines at
// a set rate (OPSDECK_SANDBOX_LOG_RATE), the log view open full-screen. For
// each rate: the lines/s the view actually took in (its line counter), and
// how long a key press takes to show (? opens the help, ? closes it).
import { loadavg } from 'node:os';
import { bin, onFrames, onPty, percentile, progress, ptyChildPid, quit, round } from './pty.mjs';
import { cpuMsOf } from './proc.mjs';

export const LATENCY_BUDGET_MS = 100;
const HELP = 'esc or ? closes';
const TITLES = ['ECS', 'RDS', 'Logs', 'Queues', 'Postgres', 'Health'];
/** a key press not shown after this long counts as this long (and as a timeout) */
const GIVE_UP_MS = 5_000;

/** The log view's status row: "following · sandbox · errors 0.1% ▁▂ · 12,345 lines". */
function lineCounter(frame) {
  const m = /following · .*? · ([\d,]+) lines/.exec(frame);
  return m ? Number(m[1].replaceAll(',', '')) : undefined;
}

/**
 * Lines per second from the counter's steps: a least-squares fit, since each
 * step lands when a read does (about once a second, with jitter) and two
 * end points alone would be off by up to a read's worth of lines.
 */
function slopePerSec(points) {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.at, 0) / points.length;
  const my = points.reduce((a, p) => a + p.n, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.at - mx) * (p.n - my);
    den += (p.at - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

/** A running program and a way to wait for the next frame that satisfies a test. */
function session(rate, cols, rows) {
  const child = onPty(`node ${bin} demo --scenario calm`, { cols, rows, env: { OPSDECK_SANDBOX_LOG_RATE: String(rate) } });
  const waiters = new Set();
  const counts = [];
  let sampled = false;
  let frames = 0;
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  onFrames(child, (text, at) => {
    frames++;
    const n = lineCounter(text);
    if (n !== undefined && n !== counts.at(-1)?.n) counts.push({ n, at });
    if (text.includes('sampled: some lines were not delivered')) sampled = true;
    for (const w of [...waiters]) {
      if (w.test(text)) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(at);
      }
    }
  });
  const exited = new Promise((r) => child.on('exit', r));
  /** Resolves with the arrival time of the first later frame that passes `test`, or undefined after `timeoutMs`. */
  const frame = (test, timeoutMs = GIVE_UP_MS) =>
    new Promise((resolve) => {
      const w = { test, resolve, timer: setTimeout(() => (waiters.delete(w), resolve(undefined)), timeoutMs) };
      waiters.add(w);
    });
  const must = async (what, test, timeoutMs = 15_000) => {
    const at = await Promise.race([frame(test, timeoutMs), exited.then(() => 'exited')]);
    if (at === undefined || at === 'exited') throw new Error(`logs bench at ${rate} lines/s: ${at === 'exited' ? 'the program ended' : 'no frame'} while waiting for ${what}${stderr ? `; stderr: ${stderr.trim().slice(-300)}` : ''}`);
    return at;
  };
  return { child, frame, must, counts, sampled: () => sampled, frames: () => frames };
}

async function atRate(rate, { samples, warmupMs, minWindowMs, cols, rows }) {
  const s = session(rate, cols, rows);
  try {
    await s.must('the dashboard', (t) => TITLES.every((x) => t.includes(x)));
    s.child.stdin.write('3');
    await s.must('a frame after 3 (focus the log panel)', () => true);
    s.child.stdin.write('\r');
    await s.must('the full-screen log view', (t) => lineCounter(t) !== undefined);
    // the first reads carry the 15-minute backlog; the rate is measured after it
    await new Promise((r) => setTimeout(r, warmupMs));
    const pid = ptyChildPid(s.child);
    const cpu0 = cpuMsOf(pid);
    const t0 = performance.now();
    const from = s.counts.length;
    const frames0 = s.frames();

    const latencies = [];
    let timeouts = 0;
    for (let i = 0; i < samples; i++) {
      const open = i % 2 === 0;
      const shown = s.frame((t) => t.includes(HELP) === open);
      const sent = performance.now();
      s.child.stdin.write('?');
      const at = await shown;
      if (at === undefined) timeouts++;
      latencies.push(at === undefined ? GIVE_UP_MS : at - sent);
      // Isolated presses: past Ink's 50 ms frame throttle, so a press does not
      // wait on the previous press's frame; random, so they spread over the
      // second between two log reads.
      await new Promise((r) => setTimeout(r, 60 + Math.random() * 100));
    }
    // keep counting (the help is closed now) until the window is long enough to fit a rate to
    const counted = () => s.counts.length - from;
    while ((performance.now() - t0 < minWindowMs || counted() < 3) && performance.now() - t0 < minWindowMs + 30_000) {
      if ((await s.frame((t) => lineCounter(t) !== undefined, 3_000)) === undefined) break;
    }
    const elapsedMs = performance.now() - t0;
    const cpuMs = cpuMsOf(pid) - cpu0;
    const frames = s.frames() - frames0;

    const ingested = slopePerSec(s.counts.slice(Math.max(0, from - 1)));
    return {
      offeredLinesPerSec: rate,
      ingestedLinesPerSec: Math.round(ingested),
      keptUp: ingested >= 0.95 * rate,
      sourceSampled: s.sampled(),
      keyLatencyMs: { samples: latencies.length, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)), timeouts },
      // the program's own CPU time (all of it: frames, polls, the simulated fleet), less at
      // the mercy of other load than the latencies
      appCpuPercent: Math.round((100 * cpuMs) / elapsedMs),
      framesPerSec: round((frames * 1000) / elapsedMs),
      appCpuMsPerFrame: frames ? round(cpuMs / frames) : null,
      seconds: round(elapsedMs / 1000),
      loadAverage1m: round(loadavg()[0], 2),
    };
  } finally {
    await quit(s.child);
  }
}

export async function benchLogs({ rates = [0, 100, 1_000, 5_000, 20_000], samples = 150, warmupMs = 4_000, minWindowMs = 10_000, cols = 120, rows = 40 } = {}) {
  // an even number of presses leaves the help closed, so the counter shows at the end
  const presses = samples + (samples % 2);
  const byRate = [];
  for (const rate of rates) {
    progress(`logs at ${rate} lines/s: ${presses} key presses`);
    byRate.push(await atRate(rate, { samples: presses, warmupMs, minWindowMs, cols, rows }));
  }
  return {
    terminal: `${cols}x${rows}`,
    view: 'logs full-screen, following',
    key: '? (help on, then off)',
    budget: `p99 key-to-screen < ${LATENCY_BUDGET_MS} ms`,
    // what the pty and this process add to every latency above
    ptyRoundTripMs: await ptyRoundTrip(),
    byRate,
    // the highest offered rate up to which every measured rate kept p99 in budget, and what the view took in at it
    sustained: summary(upTo(byRate, (r) => r.keyLatencyMs.p99 < LATENCY_BUDGET_MS)),
    // the same, also requiring the view to keep up (ingested >= 95 % of offered)
    sustainedKeepingUp: summary(upTo(byRate, (r) => r.keyLatencyMs.p99 < LATENCY_BUDGET_MS && r.keptUp)),
  };
}

/** The highest-rate result before the first (by rate) that fails `ok`. */
function upTo(byRate, ok) {
  let last;
  for (const r of [...byRate].sort((a, b) => a.offeredLinesPerSec - b.offeredLinesPerSec)) {
    if (!ok(r)) break;
    last = r;
  }
  return last;
}

const summary = (r) => (r ? { offeredLinesPerSec: r.offeredLinesPerSec, ingestedLinesPerSec: r.ingestedLinesPerSec, p99Ms: r.keyLatencyMs.p99 } : null);

/** A byte through `cat` on the same kind of pty and back. */
async function ptyRoundTrip(samples = 50) {
  const child = onPty('cat');
  const times = [];
  let arrived;
  child.stdout.on('data', (d) => d.includes('x') && arrived?.());
  try {
    // the first echo waits for the shell to exec cat; it is not timed
    for (let i = -1; i < samples; i++) {
      const t = performance.now();
      await new Promise((resolve) => {
        arrived = resolve;
        child.stdin.write('x');
      });
      if (i >= 0) times.push(performance.now() - t);
      // idle in between, as between the key presses, so each wakes a sleeping process
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGKILL');
  }
  return { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
}

