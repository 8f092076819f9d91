// The incident's actions come from the audit journal, whichever process ran
// them: the records of its environment between start and end become action
// entries, and the ones a dashboard's observer already wrote are not repeated.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AuditJournal } from '../../src/audit/journal.js';
import type { AuditEntry, AuditRecord } from '../../src/audit/record.js';
import { currentIncident, endIncident, IncidentRecorder, startIncident } from '../../src/incident/index.js';
import { journalEntries, withJournalActions } from '../../src/incident/journalActions.js';
import type { ActionEntry } from '../../src/incident/types.js';
import { opsdeck } from '../cli/run.js';
import { useTempStateDir } from '../support/tempState.js';
import { at, clock, plan, T0 } from './support.js';

const state = useTempStateDir();

function entry(phase: AuditEntry['phase'], outcome: AuditEntry['outcome'], detail: string, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    operator: { user: 'bob', host: 'ops-2' },
    environment: 'prod',
    action: 'scale',
    target: 'prod/worker',
    phase,
    plan: { summary: 'worker: desiredCount 2 → 1', changes: [], calls: [] },
    phraseAccepted: true,
    outcome,
    detail,
    requestIds: [],
    durationMs: phase === 'intent' ? null : 10,
    ...over,
  };
}

async function journal(entries: [number, AuditEntry][]): Promise<AuditRecord[]> {
  const j = new AuditJournal(join(state.dir, 'audit.jsonl'));
  const out: AuditRecord[] = [];
  for (const [ms, e] of entries) out.push(await j.append({ ...e, time: new Date(ms).toISOString() }));
  return out;
}

describe('journal records as timeline entries', () => {
  it('keeps the incident environment\'s records inside the window and maps their phases', async () => {
    const records = await journal([
      [at(-1), entry('intent', null, 'before the start')],
      [at(1), entry('intent', null, 'scale worker')],
      [at(1, 5), entry('outcome', 'ok', 'UpdateService')],
      [at(2), entry('verify', 'ok', 'worker: running 1/1')],
      [at(3), entry('refusal', 'refused', 'the confirmation "wokrer" is not "worker": nothing was done')],
      [at(3, 30), entry('refusal', 'aborted', 'prod/worker changed since the plan was shown')],
      [at(4), entry('outcome', 'failed', 'AccessDenied', { action: 'rollback', target: 'prod/api' })],
      [at(5), entry('verify', 'failed', 'timed out', { environment: 'staging' })],
      [at(20), entry('intent', null, 'after the end')],
    ]);
    const got = journalEntries(records, { environment: 'prod', startedAt: T0, endedAt: at(10) });
    expect(got.map((e) => [e.phase, e.action, e.target, e.journalSeq])).toEqual([
      ['confirmed', 'scale', 'prod/worker', 2],
      ['done', 'scale', 'prod/worker', 4],
      ['refused', 'scale', 'prod/worker', 5],
      ['aborted', 'scale', 'prod/worker', 6],
      ['failed', 'rollback', 'prod/api', 7],
    ]);
    expect(got[0]).toMatchObject({ summary: 'worker: desiredCount 2 → 1', by: 'bob@ops-2', time: new Date(at(1)).toISOString() });
    expect(got[0]!.message).toBeUndefined();
    expect(got[1]!.message).toBe('worker: running 1/1');
    // an incident without an environment takes every environment's records; an open one has no end
    expect(journalEntries(records, { startedAt: T0 }).map((e) => e.journalSeq)).toEqual([2, 4, 5, 6, 7, 8, 9]);
  });

  it('does not repeat what the dashboard\'s observer already wrote, and keeps a second run of the same action', () => {
    const observed: ActionEntry[] = [
      { kind: 'action', time: new Date(at(1)).toISOString(), phase: 'planned', action: 'scale', target: 'prod/worker', summary: 's' },
      { kind: 'action', time: new Date(at(1, 2)).toISOString(), phase: 'confirmed', action: 'scale', target: 'prod/worker', summary: 's' },
      { kind: 'action', time: new Date(at(2)).toISOString(), phase: 'done', action: 'scale', target: 'prod/worker', summary: 's', message: 'm' },
    ];
    const fromJournal: ActionEntry[] = [
      { kind: 'action', time: new Date(at(1, 4)).toISOString(), phase: 'confirmed', action: 'scale', target: 'prod/worker', summary: 's', journalSeq: 1 },
      { kind: 'action', time: new Date(at(2)).toISOString(), phase: 'done', action: 'scale', target: 'prod/worker', summary: 's', message: 'm', journalSeq: 3 },
      // the same action again, from another terminal, minutes later
      { kind: 'action', time: new Date(at(6)).toISOString(), phase: 'confirmed', action: 'scale', target: 'prod/worker', summary: 's', journalSeq: 4 },
    ];
    const merged = withJournalActions(observed, fromJournal);
    expect(merged.filter((e): e is ActionEntry => e.kind === 'action').map((e) => [e.phase, e.journalSeq])).toEqual([
      ['planned', undefined],
      ['confirmed', undefined],
      ['done', undefined],
      ['confirmed', 4],
    ]);
  });
});

describe('the review of an incident', () => {
  it('names an action another process journaled while it was open, once, beside the dashboard\'s own', async () => {
    const c = clock();
    const env = { OPSDECK_STATE_DIR: state.dir };
    startIncident('worker stuck', { env, now: c.now, environment: 'prod', by: 'alice@laptop' });
    // the dashboard runs a rollback of api: its observer writes the timeline, its executor the journal
    const rec = new IncidentRecorder({ env, now: c.now, by: 'alice@laptop' });
    const p = plan('rollback', 'api', 'api: revision 42 → 41');
    c.set(at(1));
    rec.planned(p);
    rec.confirmed(p);
    c.set(at(2));
    rec.outcome(p, { outcome: 'done', message: 'api: running 2/2 on 41', requestIds: [] });
    await journal([
      [at(1), entry('intent', null, 'api: revision 42 → 41', { action: 'rollback', target: 'prod/api', plan: { summary: 'api: revision 42 → 41' } })],
      [at(2), entry('verify', 'ok', 'api: running 2/2 on 41', { action: 'rollback', target: 'prod/api', plan: { summary: 'api: revision 42 → 41' } })],
      // `opsdeck scale worker 1 --confirm worker` in another terminal
      [at(3), entry('intent', null, 'worker: desiredCount 2 → 1')],
      [at(4), entry('verify', 'ok', 'worker: running 1/1')],
    ]);
    const open = currentIncident({ env })!;
    expect(open.entries.filter((e) => e.kind === 'action')).toHaveLength(5);
    c.set(at(5));
    const { review } = endIncident({ env, now: c.now, by: 'alice@laptop' });
    expect(review).not.toContain('No action was run through opsdeck');
    expect(review).toMatch(/\| 09:03:00 UTC \(\+03:00\) \| scale \| prod\/worker \| worker: desiredCount 2 → 1 \| done at 09:04:00 UTC \(\+04:00\) \| worker: running 1\/1 \|/);
    expect(review.match(/\| rollback \| prod\/api \|/g)).toHaveLength(1);
    expect(review).toContain('| Affected | prod/api, prod/worker |');
    expect(review).toContain('(by bob@ops-2, journal \\#3)');
  });

  it('through the binary: incident start, then scale worker 1 --confirm worker, then the review names the action', () => {
    const run = (...args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: state.dir } });
    const start = run('incident', 'start', 'queue backs up', '--demo');
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain('actions journaled for environment demo until it ends, from any terminal, go in its review');
    const scale = run('scale', 'worker', '1', '--demo', '--confirm', 'worker');
    expect(scale.code, scale.stderr).toBe(0);
    const status = run('incident', 'status', '--demo');
    expect(status.stdout).toMatch(/done scale demo\/worker: .*\(by .+, journal #\d+\)/);
    const end = run('incident', 'end', '--demo', '--print');
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).not.toContain('No action was run through opsdeck');
    expect(end.stdout).toMatch(/^\| \d\d:\d\d:\d\d UTC \(\+\d\d:\d\d\) \| scale \| demo\/worker \| .*desiredCount 2 → 1.* \| done at /m);
    expect(end.stdout).toContain('| Affected | demo/worker |');
  }, 90_000);
});
