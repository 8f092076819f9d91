import { describe, it, expect } from 'vitest';
import { formatAuditJson, formatAuditTable, formatVerify } from '../../src/audit/format.js';
import type { AuditRecord } from '../../src/audit/record.js';

const base: AuditRecord = {
  seq: 1,
  time: '2024-05-01T05:41:09.123Z',
  operator: { user: 'alice', host: 'bastion-1' },
  environment: 'prod',
  action: 'scale',
  target: 'prod/api',
  phase: 'intent',
  plan: { desiredCount: { from: 4, to: 0 } },
  phraseAccepted: true,
  outcome: null,
  detail: 'scale api 4 → 0',
  requestIds: [],
  durationMs: null,
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};

describe('audit output', () => {
  it('prints an aligned table with one row per record', () => {
    const out = formatAuditTable([base, { ...base, seq: 2, phase: 'outcome', outcome: 'ok', detail: 'desired 0, running 0', durationMs: 812 }]);
    expect(out.split('\n')).toEqual([
      'TIME (UTC)           OPERATOR         ENV   ACTION  TARGET    PHASE    OUTCOME  DETAIL',
      '2024-05-01 05:41:09  alice@bastion-1  prod  scale   prod/api  intent   -        scale api 4 → 0',
      '2024-05-01 05:41:09  alice@bastion-1  prod  scale   prod/api  outcome  ok       desired 0, running 0',
    ]);
  });

  it('never lets journal text drive the terminal, and cuts long details', () => {
    const out = formatAuditTable([{ ...base, target: 'prod/\x1b[2Japi', detail: 'x'.repeat(200) }], { detailWidth: 20 });
    expect(out).not.toContain('\x1b');
    expect(out).toContain('prod/api');
    expect(out.split('\n')[1]!.endsWith('x'.repeat(19) + '…')).toBe(true);
  });

  it('says so when there is nothing yet', () => {
    expect(formatAuditTable([])).toBe('no audit records yet');
  });

  it('--json gives the records back as they are stored', () => {
    expect(JSON.parse(formatAuditJson([base]))).toEqual([base]);
  });

  it('reports the chain state', () => {
    expect(formatVerify({ ok: true, count: 3 }, '/s/audit.jsonl')).toBe('audit journal /s/audit.jsonl: 3 records, chain intact');
    expect(formatVerify({ ok: false, count: 9, firstBroken: 5, reason: 'line 5 is not JSON' }, 'j')).toBe('audit journal j: chain BROKEN at line 5 of 9: line 5 is not JSON');
  });
});
