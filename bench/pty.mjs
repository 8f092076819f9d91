// The real program on a pseudo-terminal (util-linux `script`; node-pty is not
// a dependency), and the frames it draws, read back as plain text.
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StringDecoder } from 'node:string_decoder';
import { Screen } from './screen.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = join(root, 'bin', 'opsdeck.js');

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;
// Ink wraps every frame it writes in a synchronized-update block.
const END_FRAME = '\x1b[?2026l';

export const plain = (s) => s.replace(ANSI, '');

/** Runs `command` on a pseudo-terminal of cols x rows; `env` is added to this process's. */
export function onPty(command, { cols = 120, rows = 40, env = {} } = {}) {
  const childEnv = { ...process.env, TERM: 'xterm-256color', NO_COLOR: '', ...env };
  // Ink draws nothing in CI (is-in-ci); a bench run from a CI job must still draw.
  delete childEnv.CI;
  delete childEnv.CONTINUOUS_INTEGRATION;
  const child = spawn('script', ['-qfec', `stty cols ${cols} rows ${rows}; exec ${command}`, '/dev/null'], {
    cwd: root,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  child.ptySize = { cols, rows };
  return child;
}

/**
 * Calls `onFrame(screen, atMs, bytes)` for each complete frame the child
 * draws: the whole screen as plain text after the frame (a frame may rewrite
 * only the rows that changed), the time (performance.now) its last byte
 * arrived, and the bytes written since the previous frame.
 */
export function onFrames(child, onFrame) {
  const { cols, rows } = child.ptySize;
  const screen = new Screen(cols, rows);
  const utf8 = new StringDecoder('utf8');
  let pending = '';
  let bytes = 0;
  child.stdout.on('data', (chunk) => {
    const at = performance.now();
    bytes += chunk.length;
    pending += utf8.write(chunk);
    let end;
    while ((end = pending.indexOf(END_FRAME)) !== -1) {
      screen.write(pending.slice(0, end));
      pending = pending.slice(end + END_FRAME.length);
      const size = bytes - Buffer.byteLength(pending);
      bytes -= size;
      onFrame(screen.text(), at, size);
    }
  });
  return screen;
}

/** Sends q, then SIGKILL if the program has not ended within `graceMs`. */
export function quit(child, graceMs = 3000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin.write('q');
  });
}

/** The process the pty runs: `script` → the shell exec'd into node. */
export function ptyChildPid(child) {
  return Number(execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n')[0]);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export const progress = (msg) => process.stderr.write(`bench: ${msg}\n`);
