/**
 * `opsdeck audit reconcile` in a real terminal (tmux, 80x24): it walks each
 * intent without outcome, shows it with its target now, asks what happened,
 * and journals each answer. Without a terminal it keeps listing.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/audit/journal.js';
import type { AuditEntry } from '../../src/audit/record.js';
import { unreconciledIntents } from '../../src/audit/unreconciled.js';
import { startInTmux, type TmuxSession } from '../e2e/tmux.js';
import { opsdeck } from './run.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

function intent(action: string, target: string, summary: string): AuditEntry {
  return { operator: { user: 'ana', host: 'bastion-1' }, environment: 'demo', action, target, phase: 'intent', plan: null, phraseAccepted: true, outcome: null, detail: summary, requestIds: [], durationMs: null };
}

// --demo keeps its records in <state>-demo: `base` is the state directory, `dir` the demo's
let base: string;
let dir: string;
let journal: AuditJournal;
let tmux: TmuxSession | undefined;

beforeEach(async () => {
  base = mkdtempSync(join(tmpdir(), 'opsdeck-walk-'));
  dir = `${base}-demo`;
  mkdirSync(dir);
  journal = new AuditJournal(join(dir, 'audit.jsonl'));
  await journal.append(intent('scale', 'demo/api', 'demo / cluster demo / service api: desiredCount 3 → 5'));
  await journal.append(intent('restore', 'demo/orders-db-copy', 'restore orders-db-snap to demo/orders-db-copy'));
  const requeue = await journal.append(intent('requeue', 'demo/jobs/emails', 'requeue 30 failed jobs'));
  await journal.append({ ...intent('requeue', 'demo/jobs/emails', ''), phase: 'progress', plan: { progressOf: requeue.seq, moved: 10, of: 30 }, detail: 'moved 10 of 30 (ids 1, 2, 3); moving 10 more (ids 4, 5)' });
});

afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  rmSync(dir, { recursive: true, force: true });
  rmSync(base, { recursive: true, force: true });
});

describe('audit reconcile on a terminal', () => {
  it('asks about each intent, journals each answer with its verdict and note, and leaves a skipped one open', async () => {
    tmux = startInTmux(`${process.execPath} ${BIN} audit reconcile --demo`, { cols: 80, rows: 24, env: { OPSDECK_STATE_DIR: base, NO_COLOR: '1' } });
    const first = await tmux.waitFor((s) => s.includes('What happened?'), 'the first question', 30_000);
    expect(first).toContain('[1/3] #1  scale of demo/api');
    expect(first).toMatch(/started +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by ana@bastion-1 in demo/);
    expect(first).toMatch(/now +service api wants \d+, runs \d+/);

    tmux.type('maybe');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.includes('"maybe" is not one of h, n, s, q'), 'the wrong answer named');
    tmux.type('h');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.includes('A note for the journal'), 'the note prompt');
    tmux.type('desired count is 5 in ECS');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.includes('[2/3] #2  restore of demo/orders-db-copy') && s.includes('no instance orders-db-copy exists'), 'the second intent with its state');

    tmux.type('n');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.split('A note for the journal').length === 3, 'the second note prompt');
    tmux.keys('Enter');
    const third = await tmux.waitFor((s) => s.includes('[3/3] #3  requeue of demo/jobs/emails'), 'the third intent');
    expect(third).toContain('got to   moved 10 of 30 (ids 1, 2, 3)');
    expect(third).toMatch(/now +emails has \d+ waiting, \d+ failed/);
    tmux.type('s');
    tmux.keys('Enter');
    const end = await tmux.waitFor((s) => s.includes('2 recorded, 1 skipped'), 'the summary');
    expect(end).toContain('skipped: it stays a finding');
    await expect.poll(() => tmux!.exitStatus(), { timeout: 10_000 }).toBe(0);

    const records = journal.read();
    expect(records.slice(4).map((r) => [r.phase, r.detail, r.plan])).toEqual([
      ['reconcile', 'it happened: desired count is 5 in ECS', { reconciles: 1, verdict: 'happened' }],
      ['reconcile', 'it did not happen', { reconciles: 2, verdict: 'did-not-happen' }],
    ]);
    expect(unreconciledIntents(records).map((i) => i.seq)).toEqual([3]);
    expect(journal.verify().ok).toBe(true);
  }, 60_000);

  it('q stops at once and keeps what was recorded; without a terminal it lists as before', async () => {
    tmux = startInTmux(`${process.execPath} ${BIN} audit reconcile`, { cols: 80, rows: 24, env: { OPSDECK_STATE_DIR: dir, NO_COLOR: '1' } });
    const first = await tmux.waitFor((s) => s.includes('What happened?'), 'the first question', 30_000);
    // no environment named: each intent's own environment is opened (demo here)
    expect(first).toMatch(/now +service api wants \d+/);
    tmux.type('q');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.includes('0 recorded, 0 skipped, stopped before the end'), 'the summary');
    expect(unreconciledIntents(journal.read()).map((i) => i.seq)).toEqual([1, 2, 3]);

    const listed = opsdeck(['audit', 'reconcile'], { env: { OPSDECK_STATE_DIR: dir } });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^#1 {2}scale of demo\/api started .* outcome unknown \(journal #1\)$/m);
    expect(listed.stdout).toMatch(/^#3 {2}requeue of demo\/jobs\/emails .*; last progress: moved 10 of 30/m);
    expect(listed.stdout).not.toContain('What happened?');
  }, 60_000);
});
