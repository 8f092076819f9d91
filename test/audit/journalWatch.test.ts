/**
 * The dashboard's watch on the journal: a reconcile written by another
 * process (the real CLI) clears the intent from the list without a restart;
 * the list is the journal check's input, and the finding carries the
 * target's state from the panels' data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/audit/journal.js';
import { JournalWatch } from '../../src/audit/journalWatch.js';
import type { UnreconciledIntent } from '../../src/audit/unreconciled.js';
import { evaluate } from '../../src/checks/evaluate.js';
import { JOURNAL_CHECKS } from '../../src/checks/rules/journal.js';
import { rds } from '../views/fixtures.js';
import { opsdeck } from '../cli/run.js';

let dir: string;
let stop: AbortController;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-watch-'));
  stop = new AbortController();
});
afterEach(() => {
  stop.abort();
  rmSync(dir, { recursive: true, force: true });
});

const intent = (action: string, target: string) => ({ operator: { user: 'ana', host: 'bastion-1' }, environment: 'prod', action, target, phase: 'intent' as const, plan: null, phraseAccepted: true, outcome: null, detail: `${action} ${target}`, requestIds: [], durationMs: null });

describe('JournalWatch', () => {
  it('follows the journal: undefined before the first read, the intent after it, empty once another process reconciles it', async () => {
    const journal = new AuditJournal(join(dir, 'audit.jsonl'));
    await journal.append(intent('restore', 'prod/orders-copy'));
    const seen: (readonly UnreconciledIntent[])[] = [];
    const watch = new JournalWatch({ path: journal.path, environment: 'prod', signal: stop.signal, intervalMs: 50, onChange: (l) => seen.push(l) });
    expect(watch.current).toBeUndefined();
    watch.start();
    await expect.poll(() => watch.current?.map((i) => i.seq)).toEqual([1]);

    const r = opsdeck(['audit', 'reconcile', '--id', '1', '--record', 'the copy exists; kept'], { env: { OPSDECK_STATE_DIR: dir } });
    expect(r.code, r.stderr).toBe(0);
    await expect.poll(() => watch.current, { timeout: 5_000 }).toEqual([]);
    expect(seen.map((l) => l.length)).toEqual([1, 0]);
  }, 30_000);

  it('a missing journal is an empty list, not an error', async () => {
    const watch = new JournalWatch({ path: join(dir, 'none.jsonl'), environment: 'prod', signal: stop.signal, intervalMs: 50 });
    watch.start();
    await expect.poll(() => watch.current).toEqual([]);
  });
});

describe('the journal check with the panels data', () => {
  const lost: UnreconciledIntent = { seq: 4, time: '2025-03-14T09:51:07.000Z', environment: 'prod', action: 'restore', target: 'prod/conflicto-prod', user: 'ana', host: 'bastion-1', summary: 'restore' };
  it('says the target exists now, from the RDS panel, with no read of its own', () => {
    const { findings } = evaluate({ rds }, {}, { env: 'prod', now: Date.parse('2025-03-14T12:00:00Z'), checks: JOURNAL_CHECKS, unreconciled: [lost] });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/^restore of prod\/conflicto-prod started 2025-03-14 09:51 UTC by ana@bastion-1, outcome unknown \(journal #4\); now: the instance exists: conflicto-prod available; record what happened/);
  });
  it('without the RDS panel (unreadable or not configured) it still says the intent, without a state', () => {
    const { findings } = evaluate({}, { rds: 'AccessDenied' }, { env: 'prod', now: 0, checks: JOURNAL_CHECKS, unreconciled: [lost] });
    expect(findings[0]!.severity).toBe('crit');
    expect(findings[0]!.message).not.toContain('now:');
  });
});
