// The sandbox keeps its own state directory: `--demo` commands (actions, an
// incident, the checklist) leave the real state directory exactly as it was,
// an open real incident included, and their records land beside it in
// <state>-demo. Through the built binary, as an operator would run them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { opsdeck } from '../cli/run.js';
import { demoStateDir, stateDir } from '../../src/state/paths.js';

let root: string;
let real: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-demo-state-'));
  real = join(root, 'state');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = (...args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: real }, cwd: root });

/** Every file under `dir` with its mode and the SHA-256 of its bytes, directories included. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      const key = relative(dir, p);
      if (st.isDirectory()) {
        out[`${key}/`] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(p);
      } else {
        out[key] = `${(st.mode & 0o777).toString(8)} ${st.size} ${createHash('sha256').update(readFileSync(p)).digest('hex')} ${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

describe('the demo state directory', () => {
  it('is the real one\'s name with -demo, beside it', () => {
    expect(demoStateDir({ OPSDECK_STATE_DIR: '/x/state' })).toBe('/x/state-demo');
    expect(demoStateDir({ OPSDECK_STATE_DIR: '/x/state/' })).toBe('/x/state-demo');
    expect(demoStateDir({ HOME: '/home/a' })).toBe('/home/a/.local/state/opsdeck-demo');
    expect(stateDir({ HOME: '/home/a' })).toBe('/home/a/.local/state/opsdeck');
  });

  it('--demo actions, an incident and the checklist leave the real state directory untouched, an open real incident included', () => {
    // the real state: an open incident about every environment, and a real journal record
    const realIncident = run('incident', 'start', 'real outage');
    expect(realIncident.code, realIncident.stderr).toBe(0);
    expect(run('incident', 'note', 'a real note').code).toBe(0);
    const before = snapshot(real);
    expect(Object.keys(before).some((k) => k.endsWith('timeline.jsonl'))).toBe(true);

    const scale = run('scale', 'worker', '1', '--demo', '--confirm', 'worker');
    expect(scale.code, scale.stderr).toBe(0);
    const refused = run('scale', 'api', '0', '--demo', '--confirm', 'ap');
    expect(refused.code).toBe(1);
    const demoIncident = run('incident', 'start', 'demo outage', '--demo');
    expect(demoIncident.code, demoIncident.stderr).toBe(0);
    expect(demoIncident.stdout).toContain(join(`${real}-demo`, 'incidents'));
    expect(run('redeploy', 'api', '--demo', '--confirm', 'y').code).toBe(0);
    expect(run('incident', 'note', 'demo note', '--demo').code).toBe(0);
    expect(run('incident', 'status', '--demo').code).toBe(0);
    expect(run('check', '--demo').code).not.toBeNull();
    const ended = run('incident', 'end', '--demo', '--print');
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toContain('redeploy');

    expect(snapshot(real)).toEqual(before);
    // the demo's records are where the demo said, and nowhere else
    expect(readdirSync(root).sort()).toEqual(['state', 'state-demo']);
    const journal = readFileSync(join(`${real}-demo`, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { target: string; phase: string });
    expect(new Set(journal.map((r) => r.target))).toEqual(new Set(['demo/worker', 'demo/api']));
    expect(journal.some((r) => r.phase === 'refusal')).toBe(true);

    // the real incident's review names nothing of the demo
    const realEnd = run('incident', 'end', '--print');
    expect(realEnd.code, realEnd.stderr).toBe(0);
    expect(realEnd.stdout).toContain('a real note');
    expect(realEnd.stdout).not.toMatch(/demo\//);
    expect(realEnd.stdout).toContain('No action was run through opsdeck during this incident.');
    expect(existsSync(join(real, 'audit.jsonl'))).toBe(false);
  }, 120_000);
});
