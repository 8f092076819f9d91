// Prints benchmark figures as JSON. Nothing here asserts on time: the
// figures are for people to read and compare across commits.
//
//   npm run bench                 all benchmarks
//   node bench/run.mjs --runs 20  more samples
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'opsdeck.js');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 12;
const soakMs = Number(args[args.indexOf('--soak-ms') + 1]) || 30_000;
const TITLES = ['ECS', 'RDS', 'Logs', 'Queues', 'Postgres', 'Health'];
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (n) => Math.round(n * 10) / 10;

/** Runs `command` on a pseudo-terminal of cols x rows (util-linux script). */
function onPty(command, cols, rows) {
  return spawn('script', ['-qfec', `stty cols ${cols} rows ${rows}; exec ${command}`, '/dev/null'], {
    cwd: root,
    env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Time from spawn until the screen shows every panel title. */
function timeToFirstFullFrame() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = onPty(`node ${bin} demo`, 120, 40);
    let seen = '';
    let done = false;
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no full frame within 15 s; saw: ${seen.slice(-500)}`));
    }, 15_000);
    child.stdout.on('data', (chunk) => {
      if (done) return;
      seen += chunk.toString('utf8').replace(ANSI, '');
      if (TITLES.every((t) => seen.includes(t))) {
        done = true;
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        clearTimeout(timer);
        child.stdin.write('q');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        child.on('exit', () => resolve(ms));
      }
    });
  });
}

/** Time from spawn until a bare `node -e 0` exits, through the same pty wrapper. */
function timeBareNode() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = onPty('node -e 0', 120, 40);
    child.stdout.resume();
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
  });
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function memoryAfterSoak() {
  const child = onPty(`node ${bin} demo --scenario calm`, 120, 40);
  child.stdin.on('error', () => {});
  child.stdout.resume();
  await new Promise((r) => setTimeout(r, soakMs));
  // script → node (the shell exec'd into node)
  const pid = Number(execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n')[0]);
  const rss = rssOf(pid);
  child.stdin.write('q');
  await new Promise((r) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      r();
    }, 3000);
    child.on('exit', () => {
      clearTimeout(t);
      r();
    });
  });
  return rss;
}

const startup = [];
const bare = [];
for (let i = 0; i < runs; i++) {
  bare.push(await timeBareNode());
  startup.push(await timeToFirstFullFrame());
}
const rss = await memoryAfterSoak();

const result = {
  runs,
  firstFullFrameMs: { median: round(median(startup)), min: round(Math.min(...startup)), max: round(Math.max(...startup)) },
  bareNodeMs: { median: round(median(bare)), min: round(Math.min(...bare)), max: round(Math.max(...bare)) },
  firstFrameOverBareNode: round(median(startup) / median(bare)),
  rssAfterSoakMB: round(rss / 1024 / 1024),
  soakSeconds: soakMs / 1000,
  terminal: '120x40',
  node: process.version,
};
console.log(JSON.stringify(result, null, 2));
