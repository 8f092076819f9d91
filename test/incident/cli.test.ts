// `opsdeck incident start|note|status|end` through the built binary (npm run
// build first), with a temporary state directory, as an operator in a second
// terminal would run them.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opsdeck } from '../cli/run.js';
import { useTempStateDir } from '../support/tempState.js';

const state = useTempStateDir();
const run = (...args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: state.dir } });

/** Moves the open incident's start back by `minutes`, as if it had been open that long. */
function age(id: string, minutes: number): void {
  const path = join(state.dir, 'incidents', id, 'timeline.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = JSON.parse(lines[0]!);
  start.time = new Date(Date.parse(start.time) - minutes * 60_000).toISOString();
  lines[0] = JSON.stringify(start);
  writeFileSync(path, lines.join('\n'));
}

describe('opsdeck incident', () => {
  it('start, note, status, end: a round trip with the review written and printed', () => {
    const none = run('incident', 'status');
    expect([none.code, none.stdout]).toEqual([1, 'no incident is open\n']);

    const start = run('incident', 'start', 'api returns 502', '--env', 'prod');
    expect(start.code, start.stderr).toBe(0);
    const id = /^incident (\S+) started at \d\d:\d\d:\d\d UTC: api returns 502$/m.exec(start.stdout)?.[1];
    expect(id).toMatch(/^\d{8}-\d{6}-api-returns-502$/);

    const second = run('incident', 'start', 'db slow');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^opsdeck: incident "api returns 502" \\(${id}, open since \\d\\d:\\d\\d:\\d\\d UTC\\) is still open; end it first with: opsdeck incident end\\n$`));

    const note = run('incident', 'note', 'rolled', 'back', 'api', 'to', '41');
    expect(note.code, note.stderr).toBe(0);
    expect(note.stdout).toMatch(/^noted at \d\d:\d\d:\d\d UTC \(\+00:0\d\)\n$/);

    age(id!, 11);
    const status = run('incident', 'status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`incident ${id}: api returns 502`);
    expect(status.stdout).toMatch(/started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, 11 min 0\d s ago, environment prod/);
    expect(status.stdout).toMatch(/next escalation mark: 30 min, in 1\d:\d\d \(bring in management/);
    // status recorded the marks that passed while nobody had the dashboard open
    expect(status.stdout).toMatch(/\+02:00 {2}escalate: 2 min — page the secondary/);
    expect(status.stdout).toMatch(/\+10:00 {2}escalate: 10 min/);
    expect(status.stdout).toMatch(/note \(.+\): rolled back api to 41/);

    const json = JSON.parse(run('incident', 'status', '--json').stdout);
    expect(json).toMatchObject({ open: true, id, title: 'api returns 502', environment: 'prod', nextMark: { minutes: 30 } });
    expect(json.lastEntries.map((e: { kind: string }) => e.kind)).toEqual(['start', 'escalation', 'escalation', 'escalation', 'note']);

    const end = run('incident', 'end', '--json');
    expect(end.code, end.stderr).toBe(0);
    const ended = JSON.parse(end.stdout);
    expect(ended).toMatchObject({ id, title: 'api returns 502', entries: 6 });
    expect(ended.durationMs).toBeGreaterThanOrEqual(11 * 60_000);
    expect(ended.reviewPath).toBe(join(state.dir, 'incidents', id!, 'review.md'));
    const review = readFileSync(ended.reviewPath, 'utf8');
    expect(review).toMatch(/^# Post-incident review: api returns 502\n/);
    // the review states the duration the JSON gives, to the second, however
    // long the commands took on a busy machine (under a minute here)
    const seconds = Math.round(ended.durationMs / 1000) - 11 * 60;
    expect(seconds).toBeLessThan(60);
    expect(review).toContain(`| Duration | 11 min ${String(seconds).padStart(2, '0')} s |`);
    expect(review).toContain('rolled back api to 41');

    expect(run('incident', 'status').code).toBe(1);
    const again = run('incident', 'end');
    expect([again.code, again.stderr]).toEqual([1, 'opsdeck: no incident is open; start one with: opsdeck incident start "what is wrong"\n']);
    const lateNote = run('incident', 'note', 'hello');
    expect(lateNote.code).toBe(1);
    // ten runs of the binary, a few seconds each on a loaded machine
  }, 60_000);

  it('end --print puts the review on stdout and the path on stderr', () => {
    expect(run('incident', 'start', 'queue backs up').code).toBe(0);
    const end = run('incident', 'end', '--print');
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toMatch(/^# Post-incident review: queue backs up\n/);
    expect(end.stdout).toContain('## Status page updates');
    const path = /review: (\S+\/review\.md)\n$/.exec(end.stderr)?.[1];
    expect(path && existsSync(path)).toBe(true);
    expect(readFileSync(path!, 'utf8')).toBe(end.stdout);
  });

  it('end without --print prints only the path line', () => {
    expect(run('incident', 'start', 'x').code).toBe(0);
    const end = run('incident', 'end');
    expect(end.stdout).toMatch(/^incident \S+-x ended after \d+ s; review: \S+review\.md\n$/);
    expect(end.stderr).toBe('');
  });

  it('of several terminals starting the same incident at once, exactly one wins', async () => {
    const bin = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
    const start = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'incident', 'start', 'api down'], { env: { ...process.env, OPSDECK_STATE_DIR: state.dir }, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([start(), start(), start(), start()]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1, 1, 1]);
    for (const r of results.filter((x) => x.code === 1)) expect(r.stderr).toMatch(/^opsdeck: incident "api down" \(.*\) is still open/);
    // the losers removed what they had created
    expect(readdirSync(join(state.dir, 'incidents')).filter((n) => n !== 'current')).toHaveLength(1);
  });

  it('an empty title is a usage error', () => {
    const r = run('incident', 'start', ' ');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^opsdeck: an incident needs a title/);
  });
});
