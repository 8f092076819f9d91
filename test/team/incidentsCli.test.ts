// `opsdeck incident` with a team store (the demo's OPSDECK_TEAM_DB), two operators as two state directories:
// the second start is refused with the open incident and offers join; join, note, status, end on the shared one.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { opsdeck } from '../cli/run.js';

let db: TestDatabase;
const dirs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'inccli');
});
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await db?.drop();
});

function operator() {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-inc-'));
  dirs.push(dir);
  return (...args: string[]) => opsdeck(['--demo', 'incident', ...args], { env: { OPSDECK_STATE_DIR: dir, OPSDECK_TEAM_DB: db.url } });
}

describe('incident commands on the team store', () => {
  it('start, a refused second start, join, notes from both, status, end with the review', async () => {
    const a = operator();
    const b = operator();
    const start = a('start', 'api returns 502');
    expect(start.code, start.stderr).toBe(0);
    const id = /^incident (\S+) started/m.exec(start.stdout)?.[1];
    expect(id).toBeDefined();

    const second = b('start', 'db slow');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^opsdeck: incident "api returns 502" \\(${id}\\) in demo, opened by \\S+ at \\d\\d:\\d\\d:\\d\\d UTC is already open; join it with: opsdeck incident join\\n$`));

    const joined = b('join');
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toContain(`joined incident "api returns 502" (${id})`);
    expect(b('note', 'replica', 'lag').code).toBe(0);
    expect(a('note', 'rolled', 'back').code).toBe(0);

    const status = b('status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/note \(\S+\): replica lag/);
    expect(status.stdout).toMatch(/note \(\S+\): rolled back/);

    const end = b('end');
    expect(end.code, end.stderr).toBe(0);
    const reviewPath = /review: (\S+)$/m.exec(end.stdout)?.[1];
    const review = readFileSync(reviewPath!, 'utf8');
    expect(review).toContain('replica lag');
    expect(review).toContain('rolled back');
    const none = a('status');
    expect([none.code, none.stdout]).toEqual([1, 'no incident is open\n']);
  });
});
