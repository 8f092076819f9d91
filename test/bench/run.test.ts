/**
 * Smoke test for `npm run bench`: each benchmark RUNS with tiny parameters
 * and prints JSON with the expected figures. Never how fast: the numbers are
 * only checked to be numbers, and the bounded ring to be bounded.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function bench(args: string[], env: Record<string, string> = {}): Promise<{ code: number; json: Record<string, any>; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'bench', 'run.mjs'), ...args], { cwd: root, timeout: 90_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      try {
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, json: JSON.parse(stdout), stderr });
      } catch {
        reject(new Error(`no JSON on stdout: ${stdout.slice(0, 300)} / stderr: ${stderr.slice(-300)}`));
      }
    });
  });
}

const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
const stat = expect.objectContaining({ median: expect.any(Number), min: expect.any(Number), max: expect.any(Number) });

describe('npm run bench', () => {
  it('startup: first full frame, bare node and RSS after the soak', { timeout: 90_000 }, async () => {
    expect(existsSync(join(root, 'dist', 'opsdeck.js')), 'run `npm run build` first').toBe(true);
    const { code, json } = await bench(['--only', 'startup', '--runs', '1', '--soak-ms', '1500']);
    expect(code).toBe(0);
    expect(json.startup).toMatchObject({ runs: 1, terminal: '120x40', firstFullFrameMs: stat, bareNodeMs: stat, soakSeconds: 1.5 });
    expect(isNum(json.startup.firstFrameOverBareNode)).toBe(true);
    expect(json.startup.rssAfterSoakMB).toBeGreaterThan(0);
    expect(json.loadAverageAtStart).toHaveLength(3);
    expect(json).not.toHaveProperty('logs');
  });

  it('logs: ingested lines/s and key latency per offered rate', { timeout: 90_000 }, async () => {
    const { code, json } = await bench(['--only', 'logs', '--rates', '0,300', '--samples', '4', '--warmup-ms', '1200', '--window-ms', '2500']);
    expect(code).toBe(0);
    expect(json.logs.byRate.map((r: any) => r.offeredLinesPerSec)).toEqual([0, 300]);
    for (const r of json.logs.byRate) {
      expect(r.keyLatencyMs).toMatchObject({ samples: 4, timeouts: 0 });
      for (const k of ['p50', 'p99', 'max']) expect(isNum(r.keyLatencyMs[k])).toBe(true);
      expect(r.keyLatencyMs.max).toBeGreaterThanOrEqual(r.keyLatencyMs.p50);
      expect(isNum(r.ingestedLinesPerSec)).toBe(true);
      expect(typeof r.keptUp).toBe('boolean');
    }
    // the hook reaches the program: the loaded run takes in more than the quiet one
    expect(json.logs.byRate[1].ingestedLinesPerSec).toBeGreaterThan(json.logs.byRate[0].ingestedLinesPerSec);
    expect(json.logs).toHaveProperty('sustained');
  });

  it('memory: the ring stays at its capacity and the rest is counted as dropped', { timeout: 90_000 }, async () => {
    // a short soak of the calm demo (its default is 2 minutes)
    const { code, json } = await bench(['--only', 'memory', '--lines', '25000'], { OPSDECK_BENCH_SOAK_MINUTES: '0.1' });
    expect(code).toBe(0);
    expect(json.memory.feed).toMatchObject({ lines: 25_000, ringHeld: 10_000, dropped: 15_000, snapshotLines: 2_000 });
    expect(json.memory.feed.heapUsedMB).toBeGreaterThan(0);
    expect(json.memory.feed.rssMB).toBeGreaterThan(0);
    expect(json.memory.feed.checkpoints.at(-1).lines).toBe(25_000);
    expect(json.memory.feed.checkpoints.every((c: any) => c.ringHeld <= 10_000 && c.ringHeld + c.dropped === c.lines)).toBe(true);
    // the soak of the calm demo: RSS at its start and end, and how much it grew over its second half
    expect(json.memory.soak).toMatchObject({ minutes: 0.1, size: '120x40' });
    for (const k of ['rssAtStartMB', 'rssAtHalfMB', 'rssAtEndMB', 'growthOverLastHalfMB', 'cpuPercentOfCore', 'bytesPerSec']) expect(isNum(json.memory.soak[k]), k).toBe(true);
    expect(json.memory.soak.rssAtEndMB).toBeGreaterThan(0);
  });

  it('queues: reads queues from the real Redis', { timeout: 90_000 }, async () => {
    const { code, json } = await bench(['--only', 'queues', '--queues', '8', '--queue-runs', '2']);
    expect(code).toBe(0);
    expect(json.queues).toMatchObject({ queues: 8, runs: 2 });
    for (const k of ['firstReadMs', 'medianMs', 'p95Ms', 'maxMs']) expect(isNum(json.queues[k])).toBe(true);
  });

  it('frames: idle CPU, frames/s, bytes per frame and a CPU profile by phase; the targets beside them', { timeout: 90_000 }, async () => {
    const { code, json } = await bench(['--only', 'frames', '--sizes', '80x24', '--idle-ms', '2500', '--profile-ms', '2500']);
    expect(code).toBe(0);
    const f = json.frames['80x24'];
    for (const k of ['idleCpuPercentOfCore', 'framesPerSec', 'bytesPerSec', 'framesThatChangedNothing']) expect(isNum(f.idle[k]), k).toBe(true);
    expect(f.profile.busyMs).toBeGreaterThan(0);
    // the phases are found in the profile through dist's source maps: a frame has output building in it
    expect(f.profile.phaseMs.output).toBeGreaterThan(0);
    expect(f.profile.phaseMs.react).toBeGreaterThan(0);
    expect(f.profile.renders).toBeGreaterThan(0);
    expect(isNum(f.profile.cpuMsPerRender.median)).toBe(true);
    // every issue-12 target is printed, measured or saying it was not measured in this run
    expect(json.targets.length).toBeGreaterThanOrEqual(10);
    for (const t of json.targets) expect(t.measured !== null || typeof t.note === 'string').toBe(true);
  });

  it('refuses an unknown benchmark in one line', async () => {
    const { code, stderr } = await new Promise<{ code: unknown; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(root, 'bench', 'run.mjs'), '--only', 'disk'], (err, _out, stderr) => resolve({ code: err?.code, stderr })),
    );
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual(['bench: --only takes startup|logs|memory|queues|frames|fleet250|profile (or a comma list), got "disk"']);
  });
});
