// Two real processes append at once: only the OS-level lock file keeps the chain whole.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditJournal } from '../../src/audit/journal.js';
import { auditPath } from '../../src/state/paths.js';
import { bundleForNode } from '../support/bundle.js';
import { LineChild } from '../support/lineChild.js';
import { useTempStateDir } from '../support/tempState.js';

useTempStateDir();
let buildDir = '';
let script = '';

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'opsdeck-bundle-'));
  script = await bundleForNode('test/support/appendMany.ts', buildDir);
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

describe('AuditJournal across processes', () => {
  it('two processes appending 200 records each produce one valid chain of 400', async () => {
    const path = auditPath();
    const children = [new LineChild(script, [path, '200', 'p1']), new LineChild(script, [path, '200', 'p2'])];
    try {
      for (const c of children) expect(await c.next()).toEqual({ ready: true });
      const at = Date.now() + 50;
      for (const c of children) c.send({ at });
      for (const c of children) expect(await c.next()).toEqual({ done: 200 });
      for (const c of children) expect(await c.close()).toBe(0);
    } finally {
      for (const c of children) c.kill();
    }

    const journal = new AuditJournal(path);
    expect(journal.verify()).toEqual({ ok: true, count: 400 });
    const records = journal.read();
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    for (const label of ['p1', 'p2']) {
      const mine = records.filter((r) => r.operator.user === label).map((r) => r.target);
      expect(mine).toEqual(Array.from({ length: 200 }, (_, i) => `${label}/${i}`));
    }
    // the processes really interleaved, or this test proved nothing about the lock
    const switches = records.filter((r, i) => i > 0 && r.operator.user !== records[i - 1]!.operator.user).length;
    expect(switches).toBeGreaterThan(20);
  });
});
