// A process recording into an incident is killed with SIGKILL: everything it
// was told had been written is in the timeline, in order, and the timeline
// stays readable, also with a torn last line, which is left out and reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentIncident, endIncident, IncidentRecorder, readTimeline, startIncident } from '../../src/incident/index.js';
import { bundleForNode } from '../support/bundle.js';
import { LineChild } from '../support/lineChild.js';
import { useTempStateDir } from '../support/tempState.js';

const state = useTempStateDir();
let buildDir = '';
let script = '';

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'opsdeck-bundle-'));
  script = await bundleForNode('test/incident/appendChild.ts', buildDir);
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

function child(mode: 'run' | 'tear', count: number): LineChild {
  return new LineChild(script, [mode, String(count)], { ...process.env, OPSDECK_STATE_DIR: state.dir });
}

/** Kills the child with SIGKILL and returns the highest note number it reported as written. */
async function killAndCount(c: LineChild, acked: number): Promise<number> {
  c.proc.kill('SIGKILL');
  for (;;) {
    const line = await c.next<{ acked?: number; exited?: boolean; error?: string }>();
    if (line.exited) break;
    expect(line.error).toBeUndefined();
    if (line.acked) acked = Math.max(acked, line.acked);
  }
  expect(c.proc.signalCode).toBe('SIGKILL');
  return acked;
}

const noteNumbers = (path: string) => readTimeline(path).entries.flatMap((e) => (e.kind === 'note' ? [Number(e.text.replace('note ', ''))] : []));

describe('a crash in the middle of an incident', () => {
  it('SIGKILL while appending loses nothing that was acknowledged', async () => {
    const inc = startIncident('api down');
    const c = child('run', 0);
    let acked = 0;
    try {
      while (acked < 150) {
        const line = await c.next<{ acked?: number; error?: string; exited?: boolean }>();
        expect(line.exited, c.errors).toBeUndefined();
        expect(line.error).toBeUndefined();
        acked = line.acked ?? acked;
      }
      acked = await killAndCount(c, acked);
    } finally {
      c.kill();
    }

    const { entries, problems } = readTimeline(inc.timelinePath);
    const notes = noteNumbers(inc.timelinePath);
    expect(notes.length).toBeGreaterThanOrEqual(acked);
    expect(notes).toEqual(Array.from({ length: notes.length }, (_, i) => i + 1));
    expect(entries[0]).toMatchObject({ kind: 'start', title: 'api down' });
    // a kill that landed inside a write could at most tear the last line
    expect(problems.length).toBeLessThanOrEqual(1);
    for (const p of problems) expect(p).toMatch(/was cut short/);
    // the incident is still open and takes more entries after the crash
    expect(currentIncident()?.id).toBe(inc.id);
    expect(new IncidentRecorder().note('after the crash')).toBeDefined();
    expect(readTimeline(inc.timelinePath).entries.at(-1)).toMatchObject({ kind: 'note', text: 'after the crash' });
  });

  it('a torn last line is left out and reported; the next entry starts on its own line; the review says so', async () => {
    const inc = startIncident('api down');
    const c = child('tear', 20);
    let torn = 0;
    let acked = 0;
    try {
      for (;;) {
        const line = await c.next<{ acked?: number; torn?: number; exited?: boolean }>();
        expect(line.exited, c.errors).toBeUndefined();
        acked = line.acked ?? acked;
        if (line.torn) {
          torn = line.torn;
          break;
        }
      }
      acked = await killAndCount(c, acked);
    } finally {
      c.kill();
    }
    expect([acked, torn]).toEqual([20, 21]);
    const raw = readFileSync(inc.timelinePath, 'utf8');
    expect(raw.endsWith('\n')).toBe(false);

    const before = readTimeline(inc.timelinePath);
    expect(noteNumbers(inc.timelinePath)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(before.problems).toEqual(['line 22 was cut short (opsdeck stopped while writing it); it is left out']);
    expect(currentIncident()?.problems).toEqual(before.problems);

    expect(new IncidentRecorder().note('written after the torn line')).toBeDefined();
    const after = readTimeline(inc.timelinePath);
    expect(after.entries.at(-1)).toMatchObject({ kind: 'note', text: 'written after the torn line' });
    expect(after.problems).toEqual(['line 22 was cut short (opsdeck stopped while writing it); it is left out']);

    const ended = endIncident();
    expect(ended.incident.problems).toHaveLength(1);
    expect(ended.review).toContain('> The timeline had 1 unreadable line(s), left out below: line 22 was cut short');
    expect(ended.review).toContain('note (');
    expect(ended.review.match(/\| note \|/g)).toHaveLength(21);
  });
});
