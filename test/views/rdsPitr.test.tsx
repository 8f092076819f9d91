/**
 * P on the RDS panel: the time prompt (Enter: latest), a bad time as one
 * line, the plan with the window and the cost, the typed id, the copy going
 * creating → available as a pitr copy; the window on the full-screen RDS
 * view; and nothing of it in read-only mode.
 */
import { describe, expect, test } from 'vitest';
import { KEYS } from './render.js';
import { actionViews, expectFits, flat, giveReason } from './actionView.js';

const { open } = actionViews();

describe('RDS point-in-time restore', () => {
  test('P on demo-db: a bad time is one line; 08:40 plans a new instance with the window and the cost; the copy becomes available', async () => {
    const { v, a } = await open({ panel: '2', columns: 140, rows: 50 });
    v.press('P');
    let frame = await v.waitFor((f) => f.includes('restore to (UTC time or latest): latest'));
    expect(flat(frame)).toContain('window 2026-11-16');
    v.press('\x15');
    v.type('yesterday\r');
    await v.waitFor((f) => f.includes('the time is an ISO 8601 time like 2026-11-26T08:04:00Z (no zone: UTC) or latest, not "yesterday"'));
    expect(a.controller.getState().phase).toBe('input');
    v.press('\x15');
    v.type('2026-11-22 08:40\r');
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type demo-db-pitr-202611220840 to confirm'));
    expect(frame).toContain('DESTRUCTIVE');
    expect(frame).toContain('restored to  (none) → demo-db as of 2026-11-22 08:40:00 UTC (20 min ago)');
    expect(flat(frame)).toContain('restorable window of demo-db: 2026-11-16');
    expect(flat(frame)).toContain('billed until it is deleted');
    expect(flat(frame)).toContain('call rds:RestoreDBInstanceToPointInTime {"SourceDBInstanceIdentifier": "demo-db", "TargetDBInstanceIdentifier": "demo-db-pitr-202611220840", "RestoreTime": "2026-11-22T08:40:00.000Z"');
    expectFits(frame, 140, 50);
    v.type('demo-db-pitr-202611220840\r');
    await v.waitFor((f) => f.includes('under way in RDS'));
    v.update('rds', (await a.read()).rds);
    frame = await v.waitFor((f) => /⟳ demo-db-pitr-202611220840 +pitr +creating +demo-db@2026-11-22T08:40:00Z/.test(f));
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toMatch(/demo\/demo-db-pitr-202611220840 is available after .* \(creating → backing-up → available\)/);
    expect(a.journal.read().filter((r) => r.phase !== 'progress').map((r) => [r.phase, r.outcome, r.action])).toEqual([
      ['intent', null, 'restore-pitr'],
      ['outcome', 'ok', 'restore-pitr'],
      ['verify', 'ok', 'restore-pitr'],
    ]);
  });

  test('Enter at the prompt takes the latest restorable time; Esc at the confirmation restores nothing', async () => {
    const { v, a } = await open({ panel: '2' });
    v.press('P');
    await v.waitFor((f) => f.includes('restore to (UTC time or latest): latest'));
    v.press(KEYS.enter);
    await giveReason(v);
    const frame = await v.waitFor((f) => f.includes('Type demo-db-pitr-202611220900 to confirm'));
    expectFits(frame, 80, 24);
    expect(a.controller.getState().plan?.calls[0]?.params).toMatchObject({ UseLatestRestorableTime: true });
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('╔═ 2 RDS') && !f.includes('DESTRUCTIVE'));
    expect(a.journal.read()).toEqual([]);
  });

  test('the full-screen RDS view shows the selected instance\'s window in UTC', async () => {
    const { v } = await open({ panel: '2', columns: 120, rows: 40 });
    v.press(KEYS.enter);
    const frame = await v.waitFor((f) => f.includes('PITR demo-db'));
    expect(frame).toMatch(/ {2}PITR demo-db 2026-11-16 03:1\d UTC → 0s ago {2}7 days kept/);
    expectFits(frame, 120, 40);
  });

  test('read-only: P does nothing but say so', async () => {
    const { v, a } = await open({ panel: '2', env: { readOnly: true } });
    v.press('P');
    await v.waitFor((f) => f.includes('read-only'));
    expect(a.controller.getState().phase).toBe('idle');
  });
});
