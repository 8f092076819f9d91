// Start-up: time from spawn to the first frame with every panel, against a
// bare `node -e 0` through the same pty wrapper; and the resident memory of
// the demo after a calm soak.
import { bin, median, onPty, progress, ptyChildPid, quit, round } from './pty.mjs';
import { rssOf } from './proc.mjs';

const TITLES = ['ECS', 'RDS', 'Logs', 'Queues', 'Postgres', 'Health'];
const COLS = 120;
const ROWS = 40;

/** Time from spawn until the screen shows every panel title. */
function timeToFirstFullFrame() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = onPty(`node ${bin} demo`, { cols: COLS, rows: ROWS });
    let seen = '';
    let done = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no full frame within 15 s; saw: ${seen.slice(-500)}`));
    }, 15_000);
    // The titles are matched in the raw stream (colours stripped), not in whole
    // frames: the first frame counts from its last byte, whatever wraps it.
    child.stdout.on('data', (chunk) => {
      if (done) return;
      seen += chunk.toString('utf8').replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '');
      if (TITLES.every((t) => seen.includes(t))) {
        done = true;
        const ms = performance.now() - t0;
        clearTimeout(timer);
        quit(child).then(() => resolve(ms));
      }
    });
  });
}

/** Time from spawn until a bare `node -e 0` exits, through the same pty wrapper. */
function timeBareNode() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = onPty('node -e 0', { cols: COLS, rows: ROWS });
    child.stdout.resume();
    child.on('exit', () => resolve(performance.now() - t0));
  });
}

async function memoryAfterSoak(soakMs) {
  const child = onPty(`node ${bin} demo --scenario calm`, { cols: COLS, rows: ROWS });
  child.stdout.resume();
  await new Promise((r) => setTimeout(r, soakMs));
  const rss = rssOf(ptyChildPid(child));
  await quit(child);
  return rss;
}

const stats = (xs) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) });

export async function benchStartup({ runs = 12, soakMs = 30_000 } = {}) {
  const startup = [];
  const bare = [];
  for (let i = 0; i < runs; i++) {
    progress(`startup run ${i + 1}/${runs}`);
    bare.push(await timeBareNode());
    startup.push(await timeToFirstFullFrame());
  }
  progress(`startup: soaking the calm demo for ${soakMs / 1000} s`);
  const rss = await memoryAfterSoak(soakMs);
  return {
    runs,
    terminal: `${COLS}x${ROWS}`,
    firstFullFrameMs: stats(startup),
    bareNodeMs: stats(bare),
    firstFrameOverBareNode: round(median(startup) / median(bare)),
    rssAfterSoakMB: round(rss / 1024 / 1024),
    soakSeconds: soakMs / 1000,
  };
}
