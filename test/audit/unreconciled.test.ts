import { describe, it, expect } from 'vitest';
import { statSync } from 'node:fs';
import { AuditJournal } from '../../src/audit/journal.js';
import type { AuditEntry } from '../../src/audit/record.js';
import { readJournalTail, unreconciledIntents } from '../../src/audit/unreconciled.js';
import { reconcile, ReconcileError } from '../../src/audit/reconcile.js';
import { evaluate } from '../../src/checks/evaluate.js';
import { useTempStateDir } from '../support/tempState.js';

useTempStateDir();

function rec(phase: AuditEntry['phase'], target: string, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    operator: { user: 'ana', host: 'bastion-1' },
    environment: 'prod',
    action: 'scale',
    target,
    phase,
    plan: null,
    phraseAccepted: true,
    outcome: phase === 'intent' ? null : 'ok',
    detail: `${phase} ${target}`,
    requestIds: [],
    durationMs: null,
    ...over,
  };
}

async function write(entries: AuditEntry[]): Promise<AuditJournal> {
  const j = AuditJournal.open();
  for (const e of entries) await j.append(e);
  return j;
}

describe('unreconciledIntents', () => {
  it('pairs each intent with the next outcome of the same operator, environment, action and target', async () => {
    const j = await write([
      rec('intent', 'prod/api'), // 1: done
      rec('intent', 'prod/worker', { operator: { user: 'bo', host: 'bastion-2' } }), // 2: lost (bo's next record is a new intent)
      rec('outcome', 'prod/api'),
      rec('verify', 'prod/api'),
      rec('intent', 'prod/worker', { operator: { user: 'bo', host: 'bastion-2' } }), // 5: done
      rec('outcome', 'prod/worker', { operator: { user: 'ana', host: 'bastion-1' } }), // ana's outcome does not close bo's intent
      rec('outcome', 'prod/worker', { operator: { user: 'bo', host: 'bastion-2' } }),
      rec('intent', 'prod/api', { action: 'rollback' }), // 8: lost, nothing after it
      rec('intent', 'stage/api', { environment: 'stage' }), // 9: lost, other environment
    ]);
    expect(unreconciledIntents(j.read()).map((i) => i.seq)).toEqual([2, 8, 9]);
    expect(unreconciledIntents(j.read(), 'prod').map((i) => [i.seq, i.action, i.target, i.user])).toEqual([
      [2, 'scale', 'prod/worker', 'bo'],
      [8, 'rollback', 'prod/api', 'ana'],
    ]);
  });

  it('a reconcile record closes exactly its intent and the chain stays intact', async () => {
    const j = await write([rec('intent', 'prod/api'), rec('intent', 'prod/api')]);
    expect(unreconciledIntents(j.read()).map((i) => i.seq)).toEqual([1, 2]);
    const r = await reconcile(j, 1, 'desiredCount is 5 in ECS: the call went through');
    expect(r).toMatchObject({ seq: 3, phase: 'reconcile', plan: { reconciles: 1 }, target: 'prod/api', environment: 'prod' });
    expect(unreconciledIntents(j.read()).map((i) => i.seq)).toEqual([2]);
    expect(j.verify()).toEqual({ ok: true, count: 3 });
    await expect(reconcile(j, 1, 'again')).rejects.toBeInstanceOf(ReconcileError);
    await expect(reconcile(j, 2, '  ')).rejects.toThrow(/--record is empty/);
  });

  it('reads only the tail of a long journal, dropping the line the cut falls in', async () => {
    const j = await write([rec('intent', 'prod/old'), ...Array.from({ length: 50 }, (_, i) => rec('refusal', `prod/x${i}`)), rec('intent', 'prod/new')]);
    const size = statSync(j.path).size;
    const tail = readJournalTail(j.path, Math.floor(size / 2));
    expect(tail.length).toBeGreaterThan(10);
    expect(tail.length).toBeLessThan(40);
    expect(tail.every((r) => typeof r.seq === 'number')).toBe(true);
    expect(unreconciledIntents(tail).map((i) => i.target)).toEqual(['prod/new']);
    expect(unreconciledIntents(readJournalTail(j.path)).map((i) => i.target)).toEqual(['prod/old', 'prod/new']);
    expect(readJournalTail(`${j.path}.missing`)).toEqual([]);
  });
});

describe('the audit.unreconciled check', () => {
  it('makes each lost intent critical on its panel, whatever areas the environment configures', async () => {
    const j = await write([rec('intent', 'prod/orders-db', { action: 'restore', time: '2026-03-02T09:51:30.000Z' }), rec('intent', 'prod/api')]);
    const { findings } = evaluate({}, {}, { env: 'prod', now: Date.now(), areas: ['health'], unreconciled: unreconciledIntents(j.read()) });
    const mine = findings.filter((f) => f.checkId === 'audit.unreconciled');
    expect(mine.map((f) => [f.severity, f.area, f.ref.kind, f.ref.name])).toEqual([
      ['crit', 'rds', 'db-instance', 'orders-db'],
      ['crit', 'ecs', 'ecs-service', 'api'],
    ]);
    expect(mine[0]!.message).toContain('restore of prod/orders-db started 2026-03-02 09:51 UTC by ana@bastion-1, outcome unknown');
    const none = evaluate({}, {}, { env: 'prod', now: Date.now(), unreconciled: [] }).findings;
    expect(none.filter((f) => f.checkId === 'audit.unreconciled').map((f) => f.severity)).toEqual(['ok']);
    const unread = evaluate({}, {}, { env: 'prod', now: Date.now() }).findings;
    expect(unread.filter((f) => f.checkId === 'audit.unreconciled')).toEqual([]);
  });
});
