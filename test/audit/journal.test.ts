import { describe, it, expect } from 'vitest';
import { readFileSync, statSync, writeFileSync, appendFileSync, truncateSync } from 'node:fs';
import { hostname } from 'node:os';
import { AuditJournal } from '../../src/audit/journal.js';
import { serializeRecord, sha256 } from '../../src/audit/chain.js';
import { GENESIS_HASH, currentOperator, type AuditEntry } from '../../src/audit/record.js';
import { auditPath, ensureStateDir } from '../../src/state/paths.js';
import { useTempStateDir } from '../support/tempState.js';
import { deadPid } from '../support/lineChild.js';

const state = useTempStateDir();

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    operator: { user: 'alice', host: 'bastion-1', awsArn: 'arn:aws:sts::123456789012:assumed-role/ops/alice' },
    environment: 'demo',
    action: 'scale',
    target: `demo/api-${i}`,
    phase: 'intent',
    plan: { calls: [{ api: 'ecs:UpdateService', desiredCount: i }] },
    phraseAccepted: true,
    outcome: null,
    detail: `scale api to ${i}`,
    requestIds: [],
    durationMs: null,
    ...over,
  };
}

async function journalOf(n: number): Promise<{ journal: AuditJournal; path: string; lines: string[] }> {
  const journal = AuditJournal.open();
  for (let i = 1; i <= n; i++) await journal.append(entry(i));
  const path = auditPath();
  return { journal, path, lines: readFileSync(path, 'utf8').split('\n').slice(0, -1) };
}

const write = (path: string, lines: string[]) => writeFileSync(path, lines.map((l) => l + '\n').join(''));

describe('AuditJournal', () => {
  it('round-trips records and chains them', async () => {
    const journal = AuditJournal.open();
    const a = await journal.append(entry(1, { time: '2024-05-01T05:41:09.000Z' }));
    const b = await journal.append(entry(1, { phase: 'outcome', outcome: 'ok', detail: 'done\nin two lines', requestIds: ['r-1'], durationMs: 812 }));
    const c = await journal.append(entry(2, { phase: 'refusal', outcome: 'refused', phraseAccepted: false, plan: undefined }));

    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(a.time).toBe('2024-05-01T05:41:09.000Z');
    expect(b.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(c.prevHash).toBe(b.hash);
    expect(b.detail).toBe('done in two lines');
    expect(c.plan).toBeNull();
    expect(journal.read()).toEqual([a, b, c]);
    expect(journal.verify()).toEqual({ ok: true, count: 3 });

    const lines = readFileSync(auditPath(), 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    // hash covers the exact bytes before the hash field
    expect(sha256(lines[0]!.slice(0, lines[0]!.lastIndexOf(',"hash":')))).toBe(a.hash);
    expect(statSync(auditPath()).mode & 0o777).toBe(0o600);
    expect(statSync(state.dir).mode & 0o777).toBe(0o700);
  });

  it('an empty or missing journal verifies with zero records', () => {
    const journal = AuditJournal.open();
    expect(journal.read()).toEqual([]);
    expect(journal.verify()).toEqual({ ok: true, count: 0 });
  });

  it('keeps the chain when another journal object (or process) appended in between', async () => {
    const one = AuditJournal.open();
    const two = AuditJournal.open();
    await one.append(entry(1));
    await two.append(entry(2));
    const third = await one.append(entry(3));
    expect(third.seq).toBe(3);
    expect(one.verify()).toEqual({ ok: true, count: 3 });
  });

  it('finds the previous record behind a line longer than one tail chunk', async () => {
    const one = AuditJournal.open();
    await one.append(entry(1));
    await one.append(entry(2, { plan: { blob: 'x'.repeat(100_000) } }));
    const third = await AuditJournal.open().append(entry(3));
    expect(third.seq).toBe(3);
    expect(one.verify()).toEqual({ ok: true, count: 3 });
  });

  it('serialises concurrent appends from one process', async () => {
    const one = AuditJournal.open();
    const two = AuditJournal.open();
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).append(entry(i))));
    expect(one.verify()).toEqual({ ok: true, count: 40 });
    expect(one.read().map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  describe('verify names the first broken record', () => {
    it('a field edited in the middle', async () => {
      const { journal, path, lines } = await journalOf(10);
      lines[4] = lines[4]!.replace('"desiredCount":5', '"desiredCount":50');
      write(path, lines);
      expect(journal.verify()).toMatchObject({ ok: false, count: 10, firstBroken: 5, reason: expect.stringMatching(/line 5 \(seq 5\) was altered/) });
    });

    it('a field edited and the record re-hashed', async () => {
      const { journal, path, lines } = await journalOf(10);
      const r = JSON.parse(lines[4]!);
      lines[4] = serializeRecord({ ...r, detail: 'nothing to see here' });
      write(path, lines);
      expect(journal.verify()).toMatchObject({ ok: false, firstBroken: 6, reason: expect.stringMatching(/line 6 \(seq 6\) does not follow line 5/) });
    });

    it('a deleted line', async () => {
      const { journal, path, lines } = await journalOf(10);
      lines.splice(4, 1);
      write(path, lines);
      expect(journal.verify()).toMatchObject({ ok: false, count: 9, firstBroken: 5, reason: expect.stringMatching(/seq 6\) does not follow/) });
    });

    it('the first line deleted', async () => {
      const { journal, path, lines } = await journalOf(3);
      write(path, lines.slice(1));
      expect(journal.verify()).toMatchObject({ ok: false, firstBroken: 1, reason: expect.stringMatching(/start of the journal/) });
    });

    it('two lines swapped', async () => {
      const { journal, path, lines } = await journalOf(10);
      [lines[3], lines[4]] = [lines[4]!, lines[3]!];
      write(path, lines);
      expect(journal.verify()).toMatchObject({ ok: false, firstBroken: 4 });
    });

    it('a truncated tail', async () => {
      const { journal, path } = await journalOf(10);
      truncateSync(path, statSync(path).size - 20);
      expect(journal.verify()).toMatchObject({ ok: false, count: 10, firstBroken: 10, reason: expect.stringMatching(/cut short/) });
    });

    it('a line that is not JSON', async () => {
      const { journal, path, lines } = await journalOf(5);
      lines.splice(2, 0, 'hello');
      write(path, lines);
      expect(journal.verify()).toMatchObject({ ok: false, firstBroken: 3, reason: 'line 3 is not JSON' });
    });

    it('a record whose seq was rewritten consistently', async () => {
      const { journal, path, lines } = await journalOf(3);
      const second = JSON.parse(lines[1]!);
      lines[1] = serializeRecord({ ...second, seq: 7 });
      write(path, lines);
      expect(journal.verify()).toMatchObject({ ok: false, firstBroken: 2, reason: expect.stringMatching(/should have seq 2/) });
    });
  });

  it('after a torn write, appends on a fresh line and leaves the torn line for verify to report', async () => {
    const { path } = await journalOf(3);
    appendFileSync(path, '{"seq":4,"time":"2024-');
    const journal = AuditJournal.open();
    const next = await journal.append(entry(4));
    expect(next.seq).toBe(4);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    expect(journal.read().map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(journal.verify()).toMatchObject({ ok: false, firstBroken: 4, reason: 'line 4 is not JSON' });
  });

  it('takes over the append lock of a process that died holding it', async () => {
    ensureStateDir();
    writeFileSync(`${auditPath()}.lock`, JSON.stringify({ pid: await deadPid(), host: hostname(), expiresAt: Date.now() + 60_000 }));
    const journal = new AuditJournal(auditPath(), { lockTimeoutMs: 2_000 });
    await expect(journal.append(entry(1))).resolves.toMatchObject({ seq: 1 });
  });

  it('waits for a live append lock, then gives up naming its holder', async () => {
    ensureStateDir();
    writeFileSync(`${auditPath()}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), expiresAt: Date.now() + 60_000 }));
    const journal = new AuditJournal(auditPath(), { lockTimeoutMs: 150 });
    await expect(journal.append(entry(1))).rejects.toThrow(`stayed locked by pid ${process.pid} on ${hostname()}`);
    expect(journal.read()).toEqual([]);
  });

  it('names the OS user and host as the operator', () => {
    const op = currentOperator('arn:aws:iam::1:user/x');
    expect(op.host).toBe(hostname());
    expect(op.user).not.toBe('');
    expect(op.awsArn).toBe('arn:aws:iam::1:user/x');
    expect(currentOperator()).not.toHaveProperty('awsArn');
  });
});
