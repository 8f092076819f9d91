// Frame cost: the calm demo on a pty at each size, no key pressed.
//
// 1. A plain run: the program's CPU over the window (/proc/PID/stat), the
//    frames it writes (one synchronized-update block each), the bytes, and
//    how many frames left the visible screen as it was.
// 2. A profiled run (node --cpu-prof): every sample is put in one phase by
//    what its stack holds, mapped back to source files through dist's source
//    maps: write (log-update, the stream) > output (Ink's renderer: Output,
//    widths, ANSI slicing) > layout (Yoga) > react (reconciler and our views)
//    > gc > other. "CPU per frame" is the phase samples from the end of one
//    render's output to the end of the next (its commits, layout, output and
//    write, and the GC in between).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bin, median, onFrames, onPty, percentile, progress, ptyChildPid, quit, round } from './pty.mjs';
import { cpuMsOf } from './proc.mjs';

const TITLES = ['ECS', 'RDS', 'Logs', 'Queues', 'Postgres', 'Health'];
const SAMPLE_US = 500;

async function waitFor(test, what, timeoutMs = 20_000) {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`profile bench: no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the calm demo, waits for every panel and `settleMs` more, then watches it for `windowMs`. */
async function watch({ cols, rows, windowMs, settleMs, nodeArgs = '' }) {
  const child = onPty(`node ${nodeArgs} ${bin} demo --scenario calm`, { cols, rows });
  const frames = [];
  let last = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  onFrames(child, (text, at, bytes) => {
    frames.push({ at, bytes, changed: text !== last });
    last = text;
  });
  try {
    await waitFor(() => TITLES.every((t) => last.includes(t)), `full frame${stderr ? ` (stderr: ${stderr.trim().slice(-200)})` : ''}`);
    await new Promise((r) => setTimeout(r, settleMs));
    const pid = ptyChildPid(child);
    const from = frames.length;
    const cpu0 = cpuMsOf(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const cpuMs = cpuMsOf(pid) - cpu0;
    const elapsed = performance.now() - t0;
    const seen = frames.slice(from);
    const bytes = seen.map((f) => f.bytes);
    const total = bytes.reduce((a, b) => a + b, 0);
    return {
      seconds: round(elapsed / 1000),
      idleCpuPercentOfCore: round((100 * cpuMs) / elapsed),
      framesPerSec: round((seen.length * 1000) / elapsed, 2),
      framesThatChangedNothing: seen.filter((f) => !f.changed).length,
      appCpuMsPerFrame: seen.length ? round(cpuMs / seen.length) : null,
      bytesPerSec: Math.round((total * 1000) / elapsed),
      bytesPerFrame: seen.length ? { median: median(bytes), p95: percentile(bytes, 95), max: Math.max(...bytes) } : null,
    };
  } finally {
    await quit(child);
  }
}

// ---- the CPU profile ------------------------------------------------------

const PHASES = [
  ['write', /node_modules\/ink\/build\/(log-update|write-synchronized|cursor-helpers)\.js|node_modules\/ansi-escapes\//],
  ['output', /node_modules\/ink\/build\/(renderer|output|render-node-to-output|render-border|render-background|colorize|squash-text-nodes|wrap-text|get-max-width|measure-text|sanitize-ansi)\.js|node_modules\/(string-width|slice-ansi|@alcalzone\/ansi-tokenize|wrap-ansi|cli-truncate|strip-ansi|ansi-regex|widest-line|get-east-asian-width|emoji-regex|chalk|ansi-styles|is-fullwidth-code-point|indent-string)\//],
  ['layout', /node_modules\/yoga-layout\/|node_modules\/ink\/build\/(layout|dom)\.js/],
  ['react', /node_modules\/(react-reconciler|react|scheduler)\/|(^|\/)views\//],
];

/** The original source file of each profile node, through the bundle's source maps. */
async function sourcesOf(nodes) {
  const maps = new Map();
  const out = new Map();
  for (const n of nodes) {
    const { url, lineNumber, columnNumber } = n.callFrame;
    let file = url;
    if (url.startsWith('file://') && url.includes('/dist/')) {
      if (!maps.has(url)) {
        try {
          maps.set(url, new SourceMap(JSON.parse(await readFile(`${fileURLToPath(url)}.map`, 'utf8'))));
        } catch {
          maps.set(url, undefined);
        }
      }
      const entry = maps.get(url)?.findEntry(lineNumber, columnNumber);
      if (entry?.originalSource) file = entry.originalSource;
    }
    out.set(n.id, file);
  }
  return out;
}

function phaseOf(files) {
  for (const [phase, re] of PHASES) if (files.some((f) => re.test(f))) return phase;
  return undefined;
}

/** Samples per phase, and the CPU of each render (see the top of this file). */
async function analyse(profile) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const source = await sourcesOf(profile.nodes);
  const phase = new Map();
  for (const n of profile.nodes) {
    const name = n.callFrame.functionName;
    if (name === '(idle)') phase.set(n.id, 'idle');
    else if (name === '(garbage collector)') phase.set(n.id, 'gc');
    else if (name === '(program)') phase.set(n.id, 'program');
    else {
      const files = [];
      for (let id = n.id; id !== undefined; id = parent.get(id)) files.push(source.get(id) ?? '');
      phase.set(n.id, phaseOf(files) ?? 'other');
    }
  }
  const ms = {};
  const perFrame = [];
  let acc = 0;
  let inOutput = false;
  for (let i = 0; i < profile.samples.length; i++) {
    const p = phase.get(profile.samples[i]) ?? 'other';
    const dt = (profile.timeDeltas[i + 1] ?? SAMPLE_US) / 1000;
    ms[p] = (ms[p] ?? 0) + dt;
    const framePart = p === 'write' || p === 'output';
    if (inOutput && !framePart) {
      perFrame.push(acc);
      acc = 0;
    }
    if (framePart || p === 'react' || p === 'layout' || p === 'gc') acc += dt;
    inOutput = framePart;
  }
  if (inOutput) perFrame.push(acc);
  return { ms, perFrame };
}

async function profiled({ cols, rows, windowMs, settleMs }) {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-prof-'));
  try {
    const plain = await watch({ cols, rows, windowMs, settleMs, nodeArgs: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=${SAMPLE_US}` });
    const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the profiled run wrote no .cpuprofile (did it exit through q?)');
    const { ms, perFrame } = await analyse(JSON.parse(await readFile(join(dir, file), 'utf8')));
    const busy = Object.entries(ms).filter(([p]) => p !== 'idle').reduce((a, [, v]) => a + v, 0);
    return {
      // the whole run (start-up included): where the busy time went
      busyMs: Math.round(busy),
      phaseMs: Object.fromEntries(['react', 'layout', 'output', 'write', 'gc', 'other', 'program'].map((p) => [p, Math.round(ms[p] ?? 0)])),
      renders: perFrame.length,
      // from the steady window only: the first renders draw the whole screen at start-up
      cpuMsPerRender: perFrame.length ? { median: round(median(perFrame.slice(3)), 2), p95: round(percentile(perFrame.slice(3), 95), 2) } : null,
      profiledWindow: { framesPerSec: plain.framesPerSec, idleCpuPercentOfCore: plain.idleCpuPercentOfCore },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchFrames({ sizes = [[120, 40], [200, 60]], windowMs = 60_000, profileMs = 20_000, settleMs = 3_000 } = {}) {
  const out = {};
  for (const [cols, rows] of sizes) {
    const key = `${cols}x${rows}`;
    progress(`frames at ${key}: calm demo, no key, ${windowMs / 1000} s`);
    const idle = await watch({ cols, rows, windowMs, settleMs });
    progress(`frames at ${key}: CPU profile over ${profileMs / 1000} s`);
    const profile = await profiled({ cols, rows, windowMs: profileMs, settleMs });
    out[key] = { idle, profile };
  }
  return out;
}
