// The header's team rows at 80 columns: presence folds names before it loses the lock or the approvals; the other operator's note row.
import { describe, it, expect } from 'vitest';
import { presenceLine } from '../../views/chrome.js';
import { teamNoteLine } from '../../views/incidentLine.js';
import { lineWidth } from '../../views/text.js';

const text = (l: ReturnType<typeof presenceLine>) => (l ?? []).map((s) => s.text).join('').trimEnd();

describe('presence row', () => {
  it('says nothing when nobody else is here and nothing is held', () => {
    expect(presenceLine(undefined, 80)).toBeUndefined();
    expect(presenceLine({ others: [], locks: [] }, 80)).toBeUndefined();
    expect(presenceLine({ others: [], locks: [], approvals: 0 }, 80)).toBeUndefined();
  });

  it('names who else is here, the lock and the approvals, within 80 columns', () => {
    const line = presenceLine({ others: ['alice@host2', 'bob'], locks: [{ holder: 'alice@host2', target: 'api' }], approvals: 1 }, 80)!;
    expect(text(line)).toBe(' also here: alice@host2, bob · lock: alice@host2 on api · 1 approval pending');
    expect(lineWidth(line)).toBeLessThanOrEqual(80);
  });

  it('folds the names into "+N more" before the lock or the approvals are cut', () => {
    const others = ['alice@ws-1', 'bob@ws-2', 'carol@ws-3', 'dan@ws-4'];
    const line = presenceLine({ others, locks: [{ holder: 'alice@ws-1', target: 'api' }], approvals: 2 }, 80)!;
    const t = text(line);
    expect(lineWidth(line)).toBeLessThanOrEqual(80);
    expect(t).toBe(' also here: alice@ws-1 +3 more · lock: alice@ws-1 on api · 2 approvals pending');
    // too narrow even for one name: a count
    const narrow = presenceLine({ others, locks: [], approvals: 1 }, 40)!;
    expect(text(narrow)).toMatch(/^ also here: 4 operators · 1 approval/);
    expect(lineWidth(narrow)).toBeLessThanOrEqual(40);
  });

  it('shows the other operator\u2019s newest note under the incident', () => {
    const status = { id: 'i', title: 't', startedAt: 0, elapsedMs: 60_000 };
    const line = teamNoteLine({ status, team: { with: ['bob@h2'], lastNote: { by: 'bob@h2', text: 'replica lag 40 s', at: Date.parse('2026-12-03T09:05:00Z') } } }, 80)!;
    expect(text(line)).toBe('  note 09:05 bob@h2: replica lag 40 s  · with bob@h2');
    expect(teamNoteLine({ team: { with: [] } }, 80)).toBeUndefined();
  });
});
