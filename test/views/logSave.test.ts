/** What S writes (src/engine/logExport.ts): one sanitised line per event, -- between context windows, never over a file. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { formatRows, logFileName, saveLogRows } from '../../src/engine/logExport.js';
import { lines } from './logSupport.js';
import { T0 } from './fixtures.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

test('a saved line cannot drive the terminal of whoever cats the file later', () => {
  const [ev] = lines([{ message: 'boom \x1b[2J\x1b]0;pwned\x07x\x07 \x1b[10;10H\x9b31m\nsecond line\ttab', stream: 'api\x1b[31m' }], T0);
  const out = formatRows([ev!, { gap: 4 }, ev!]);
  expect(out).toBe('2025-03-14T05:41:09.000Z /ecs/conflicto-backend-prod api boom x  ⏎ second line  tab\n--\n2025-03-14T05:41:09.000Z /ecs/conflicto-backend-prod api boom x  ⏎ second line  tab\n');
  // eslint-disable-next-line no-control-regex
  expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
});

test('the name is the UTC time; a taken name gets -2, and the file is private', async () => {
  expect(logFileName(T0)).toBe('opsdeck-logs-20250314T054109Z.log');
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-logsave-'));
  const rows = lines([{ message: 'one' }, { message: 'two' }]);
  const a = await saveLogRows(rows, { dirs: [dir], now: T0 });
  const b = await saveLogRows(rows.slice(1), { dirs: [dir], now: T0 });
  expect([a.path, b.path]).toEqual([join(dir, 'opsdeck-logs-20250314T054109Z.log'), join(dir, 'opsdeck-logs-20250314T054109Z-2.log')]);
  expect(readFileSync(a.path, 'utf8').split('\n')).toHaveLength(3);
  expect(readFileSync(b.path, 'utf8')).toContain(' two\n');
  expect(statSync(a.path).mode & 0o777).toBe(0o600);
});

test('a directory function is only called when reached, and a throw moves on to the next', async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-logsave-'));
  let called = false;
  const saved = await saveLogRows(lines([{ message: 'x' }]), { dirs: [dir, () => ((called = true), '/nowhere')], now: T0 });
  expect(saved.path.startsWith(dir)).toBe(true);
  expect(called).toBe(false);
  await expect(saveLogRows([], { dirs: [() => { throw new Error('no HOME'); }, '/proc/opsdeck-not-here'], now: T0 })).rejects.toThrow(/^could not save the log lines \(no HOME; ENOENT/);
});
