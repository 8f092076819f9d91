// An incident from start to end through the API the TUI and the CLI use:
// findings that change severity, notes, actions with outcomes, escalation
// marks, and the review drafted at the end.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { currentIncident, currentPointerPath, endIncident, IncidentError, IncidentRecorder, readTimeline, startIncident } from '../../src/incident/index.js';
import { useTempStateDir } from '../support/tempState.js';
import { at, clock, finding, plan, T0 } from './support.js';

const state = useTempStateDir();
const env = () => ({ OPSDECK_STATE_DIR: state.dir });

/** The review's sections, in order. */
const headings = (md: string) => md.split('\n').filter((l) => /^#{1,3} /.test(l)).map((l) => l.replace(/ \(.*\)$/, '').replace(/:.*$/, ''));

/** A section's text, from its heading to the next heading of the same level. */
function section(md: string, heading: string): string {
  const start = md.indexOf(`\n${heading}`);
  expect(start, `section ${heading}`).toBeGreaterThan(-1);
  const level = heading.split(' ')[0]!;
  const rest = md.slice(start + heading.length + 1);
  const next = rest.search(new RegExp(`\\n${level} `));
  return next === -1 ? rest : rest.slice(0, next);
}

function runIncident() {
  const c = clock();
  const recorder = new IncidentRecorder({ env: env(), now: c.now, by: 'alice@bastion' });
  const info = startIncident('api returns 502 | \x1b[31mred\x1b[0m', { env: env(), now: c.now, by: 'alice@bastion', environment: 'prod' });

  c.set(at(0, 10));
  recorder.findings([finding('ecs.running-below-desired', 'api', 'ok', 'running at desired count', '3/3 running')]);
  c.set(at(0, 41));
  recorder.findings([
    finding('ecs.running-below-desired', 'api', 'crit', '2 of 3 tasks not running', '1/3 running'),
    finding('ecs.crash-loop', 'worker', 'crit', 'crash loop: exit 137 (OOM)\nkilled'),
    finding('rds.snapshot-age', 'db', 'ok', 'backup is recent'),
  ]);
  c.set(at(2, 30));
  recorder.tick();
  c.set(at(3, 5));
  recorder.note('deploy 1.2 went out at 08:55');

  const rollback = plan('rollback', 'api', 'prod / cluster prod-cluster / service api: taskDefinition api:42 → api:41');
  c.set(at(4, 0));
  recorder.planned(rollback);
  c.set(at(4, 20));
  recorder.confirmed(rollback);
  c.set(at(5, 40));
  recorder.outcome(rollback, { outcome: 'done', message: 'prod/api: running 3/3 on api:41', requestIds: [] });

  const scale = plan('scale', 'worker', 'prod / cluster prod-cluster / service worker: desiredCount 2 → 0');
  c.set(at(6, 0));
  recorder.planned(scale);
  recorder.confirmed(scale);
  c.set(at(6, 3));
  recorder.outcome(scale, { outcome: 'failed', message: 'scale worker failed: AccessDenied\x1b]0;owned\x07 | not allowed', requestIds: [] });

  c.set(at(7, 10));
  recorder.findings([
    finding('ecs.running-below-desired', 'api', 'ok', 'running at desired count', '3/3 running'),
    finding('ecs.crash-loop', 'worker', 'crit', 'crash loop: exit 137 (OOM)\nkilled'),
    finding('rds.snapshot-age', 'db', 'ok', 'backup is recent'),
  ]);
  c.set(at(42, 13));
  const ended = endIncident({ env: env(), now: c.now, by: 'bob@bastion' });
  return { info, ended, recorder };
}

describe('an incident from start to end', () => {
  it('keeps a timeline of findings, notes, actions and escalation marks', () => {
    const { info, ended } = runIncident();
    expect(info.id).toBe('20260304-090000-api-returns-502-red');
    const { entries, problems } = readTimeline(info.timelinePath);
    expect(problems).toEqual([]);
    // file order: what was written when; the marks passed unseen (5, 10, 30) are written at the end
    expect(entries.map((e) => (e.kind === 'action' ? `${e.kind}:${e.phase}` : e.kind === 'escalation' ? `${e.kind}:${e.minutes}` : e.kind))).toEqual([
      'start', 'finding', 'finding', 'escalation:2', 'note',
      'action:planned', 'action:confirmed', 'action:done',
      'action:planned', 'action:confirmed', 'action:failed',
      'finding', 'escalation:5', 'escalation:10', 'escalation:30', 'end',
    ]);
    // a finding first seen during the incident has no "from"; an ok one first seen is not recorded
    expect(entries.filter((e) => e.kind === 'finding').map((e) => e.kind === 'finding' && [e.subject, e.from, e.to])).toEqual([
      ['prod/api', 'ok', 'crit'],
      ['prod/worker', null, 'crit'],
      ['prod/api', 'crit', 'ok'],
    ]);
    const marks = entries.filter((e) => e.kind === 'escalation');
    expect(marks.map((e) => e.time)).toEqual([at(2), at(5), at(10), at(30)].map((t) => new Date(t).toISOString()));
    expect(marks[0]).toMatchObject({ text: expect.stringMatching(/^escalate: 2 min — page the secondary/) });
    // outside text is stored on one line, without control sequences
    const raw = readFileSync(info.timelinePath, 'utf8');
    expect(raw).not.toMatch(/\\u001b|\\u0007|\\n/);
    expect(ended.incident.endedAt).toBe(at(42, 13));
  });

  it('drafts a review: sections, timeline in order, durations, actions and status-page texts', () => {
    const { ended, info } = runIncident();
    const md = ended.review;
    expect(readFileSync(info.reviewPath, 'utf8')).toBe(md);
    expect(headings(md)).toEqual([
      '# Post-incident review',
      '## Summary', '## Timeline', '## Actions', '## Impact', '## Root cause', '## Resolution', '## Prevention', '## Action items', '## Status page updates',
      '### Investigating', '### Identified', '### Resolved',
    ]);
    expect(md).toContain('# Post-incident review: api returns 502 \\| red\n');
    expect(md).toContain('| Started | 2026-03-04 09:00:00 UTC |');
    expect(md).toContain('| Ended | 2026-03-04 09:42:13 UTC |');
    expect(md).toContain('| Duration | 42 min 13 s |');
    expect(md).toContain('| Environment | prod |');
    expect(md).toContain('| Affected | prod/api, prod/worker |');

    // the timeline, sorted by time: the 5-minute mark lands between the confirmation and the outcome
    const rows = section(md, '## Timeline').split('\n').filter((l) => /^\| \d\d:/.test(l)).map((l) => l.split(' | ').slice(0, 3).join(' ').replace(/^\| /, ''));
    expect(rows).toEqual([
      '09:00:00 +00:00 start', '09:00:41 +00:41 finding', '09:00:41 +00:41 finding', '09:02:00 +02:00 escalation', '09:03:05 +03:05 note',
      '09:04:00 +04:00 action', '09:04:20 +04:20 action', '09:05:00 +05:00 escalation', '09:05:40 +05:40 action',
      '09:06:00 +06:00 action', '09:06:00 +06:00 action', '09:06:03 +06:03 action', '09:07:10 +07:10 finding',
      '09:10:00 +10:00 escalation', '09:30:00 +30:00 escalation', '09:42:13 +42:13 end',
    ]);
    expect(section(md, '## Timeline')).toContain('prod/api ecs.running-below-desired: ok → crit, 2 of 3 tasks not running (1/3 running)');
    expect(section(md, '## Timeline')).toContain('crit (already when first seen)');

    const actions = section(md, '## Actions');
    expect(actions).toContain('| 09:04:00 UTC (+04:00) | rollback | prod/api | prod / cluster prod-cluster / service api: taskDefinition api:42 → api:41 | done at 09:05:40 UTC (+05:40) | prod/api: running 3/3 on api:41 |');
    expect(actions).toMatch(/\| scale \| prod\/worker \| .* \| failed at 09:06:03 UTC \(\+06:03\) \| scale worker failed: AccessDenied \\\| not allowed \|/);

    expect(section(md, '## Impact')).toContain('- First sign: 09:00:41 UTC (+00:41), prod/api `ecs.running-below-desired` crit');
    expect(section(md, '## Impact')).toContain('- Escalation marks passed: 2 min, 5 min, 10 min, 30 min');
    expect(section(md, '## Impact')).toMatch(/Still failing when it ended: prod\/worker `ecs.crash-loop` crit/);
    expect(section(md, '## Root cause')).toContain('09:03:05 UTC (+03:05) alice@bastion: deploy 1.2 went out at 08:55');
    expect(section(md, '## Resolution')).toContain('- The last successful action: rollback of prod/api succeeded at 09:05:40 UTC (+05:40): prod/api: running 3/3 on api:41');
    expect(section(md, '## Resolution')).toContain('- Back to ok at 09:07:10 UTC (+07:10): prod/api `ecs.running-below-desired`');
    expect(section(md, '## Action items')).toContain('| 1 | Find out why scale of prod/worker failed: scale worker failed: AccessDenied \\| not allowed |');
    expect(section(md, '## Action items')).toContain('| 2 | Follow up on prod/worker `ecs.crash-loop`, still crit when the incident ended: crash loop: exit 137 (OOM) ⏎ killed |');

    const status = section(md, '## Status page updates');
    expect(section(status, '### Investigating')).toMatch(/^ \(09:00 UTC, \+00:41\)/);
    expect(section(status, '### Investigating')).toContain('We are investigating problems with api and worker.');
    expect(section(status, '### Investigating')).toContain('Posted: 09:00 UTC');
    expect(section(status, '### Identified')).toContain('We have found the cause of the problems with api and worker');
    expect(section(status, '### Identified')).toContain('Posted: 09:04 UTC');
    expect(section(status, '### Resolved')).toContain('The problems with api and worker between 09:00 and 09:42 UTC (42 min 13 s) have been resolved.');
    expect(section(status, '### Resolved')).toContain('Posted: 09:42 UTC');

    expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('closes the incident: no pointer, the recorder goes quiet, a new one may start', () => {
    const { recorder, info } = runIncident();
    expect(existsSync(currentPointerPath(env()))).toBe(false);
    expect(currentIncident({ env: env() })).toBeUndefined();
    const before = readFileSync(info.timelinePath, 'utf8');
    expect(recorder.note('too late')).toBeUndefined();
    expect(recorder.tick(at(90))).toEqual([]);
    expect(readFileSync(info.timelinePath, 'utf8')).toBe(before);
    expect(startIncident('db slow', { env: env(), now: () => at(50) }).id).toBe('20260304-095000-db-slow');
  });
});

describe('one open incident per state directory', () => {
  it('a second start is refused, naming the open one; its directory is not created', () => {
    startIncident('api down', { env: env(), now: () => T0 });
    let err: unknown;
    try {
      startIncident('something else', { env: env(), now: () => at(1) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IncidentError);
    expect((err as Error).message).toBe('incident "api down" (20260304-090000-api-down, open since 09:00:00 UTC) is still open; end it first with: opsdeck incident end');
    expect(currentIncident({ env: env() })?.title).toBe('api down');
  });

  it('the recorder does nothing while no incident is open', () => {
    const r = new IncidentRecorder({ env: env() });
    expect(r.open()).toBeUndefined();
    expect(r.note('hello')).toBeUndefined();
    expect(r.findings([finding('ecs.crash-loop', 'api', 'crit', 'x')])).toEqual([]);
    expect(r.planned(plan('scale', 'api', 's'))).toBeUndefined();
    expect(r.tick()).toEqual([]);
    expect(existsSync(`${state.dir}/incidents`)).toBe(false);
  });

  it('an empty title is refused', () => {
    expect(() => startIncident('  \x1b[0m ', { env: env() })).toThrow(/needs a title/);
  });

  it('the recorder picks up an incident started elsewhere, and marks are written once across recorders', () => {
    const c = clock();
    const a = new IncidentRecorder({ env: env(), now: c.now });
    const b = new IncidentRecorder({ env: env(), now: c.now });
    expect(a.open()).toBeUndefined();
    startIncident('api down', { env: env(), now: c.now });
    expect(a.status(at(3))).toMatchObject({ title: 'api down', elapsedMs: 180_000, next: { minutes: 5, inMs: 120_000 } });
    expect(a.tick(at(6)).map((e) => e.kind === 'escalation' && e.minutes)).toEqual([2, 5]);
    expect(b.tick(at(6))).toEqual([]);
    expect(a.tick(at(7))).toEqual([]);
    expect(b.tick(at(11)).map((e) => e.kind === 'escalation' && e.minutes)).toEqual([10]);
    const marks = currentIncident({ env: env() })!.entries.filter((e) => e.kind === 'escalation');
    expect(marks.map((e) => e.kind === 'escalation' && e.minutes)).toEqual([2, 5, 10]);
    expect(a.status(at(31))?.next).toBeUndefined();
  });
});

describe('ending after a crash half-way', () => {
  it('an end that stopped before removing the pointer is finished by the next start', () => {
    const info = startIncident('api down', { env: env(), now: () => T0 });
    const pointer = readFileSync(currentPointerPath(env()), 'utf8');
    endIncident({ env: env(), now: () => at(3) });
    // as if the process died after the end entry, before the review and the pointer removal
    rmSync(info.reviewPath);
    writeFileSync(currentPointerPath(env()), pointer);
    expect(currentIncident({ env: env() })).toBeUndefined();
    const next = startIncident('db slow', { env: env(), now: () => at(10) });
    expect(existsSync(info.reviewPath)).toBe(true);
    expect(currentIncident({ env: env() })?.id).toBe(next.id);
  });

  it('end run again after the end entry is written completes the review', () => {
    const info = startIncident('api down', { env: env(), now: () => T0 });
    const pointer = readFileSync(currentPointerPath(env()), 'utf8');
    endIncident({ env: env(), now: () => at(3) });
    writeFileSync(currentPointerPath(env()), pointer);
    const again = endIncident({ env: env(), now: () => at(9) });
    // the end recorded the first time stands; nothing is appended twice
    expect(again.incident.endedAt).toBe(at(3));
    expect(again.incident.entries.filter((e) => e.kind === 'end')).toHaveLength(1);
    expect(again.review).toContain('| Duration | 3 min 00 s |');
    expect(existsSync(currentPointerPath(env()))).toBe(false);
    expect(readFileSync(info.reviewPath, 'utf8')).toBe(again.review);
  });

  it('end with nothing open says how to start one', () => {
    expect(() => endIncident({ env: env() })).toThrow('no incident is open; start one with: opsdeck incident start "what is wrong"');
  });
});
