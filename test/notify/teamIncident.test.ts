/**
 * A team incident (the store on the real PostgreSQL) from start to end
 * through the built binary: each notice carries its status-page draft, read
 * from the store's timeline (the local one has none in team mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { opsdeckAsync, startReceiver, type Receiver, type Run } from './receiver.js';
import { notifySetup, type Setup } from './support.js';

let r: Receiver;
let s: Setup;
let db: TestDatabase;
const runs: Run[] = [];

beforeAll(async () => {
  r = await startReceiver();
  s = notifySetup(r);
  db = await createTestDatabase(undefined, 'team_incident_notify');
  const yaml = readFileSync(s.config, 'utf8');
  writeFileSync(s.config, 'team:\n  store: ${OPSDECK_TEAM_DB}\n');
  appendFileSync(s.config, yaml);
  const env = { ...s.env, OPSDECK_TEAM_DB: db.url };
  const g = ['--demo', '--config', s.config];
  for (const args of [
    ['incident', 'start', 'checkout returns 502', ...g],
    ['incident', 'note', 'looking at api', ...g],
    ['incident', 'end', ...g],
  ])
    runs.push(await opsdeckAsync(args, env));
}, 120_000);

afterAll(async () => {
  await r?.close();
  await db?.drop();
  if (s) rmSync(s.dir, { recursive: true, force: true });
});

describe('a team incident\'s notices', () => {
  it('started, noted and ended in the store, each notice with its status-page draft, in every service\'s shape', () => {
    expect(runs.map((x) => [x.code, x.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(runs[0]!.stdout).toContain('team store');
    for (const x of r.received) expect({ path: x.path, problems: x.problems }).toEqual({ path: x.path, problems: [] });
    const hook = r.received.filter((x) => x.kind === 'webhook').map((x) => x.body as { event: string; statusPage?: string });
    expect(hook.map((b) => [b.event, b.statusPage?.split('\n')[0]])).toEqual([
      ['incident.started', '[Investigating] Problems with [SERVICE]'],
      ['incident.updated', '[Investigating] Problems with [SERVICE]'],
      ['incident.ended', '[Resolved] Problems with [SERVICE]'],
    ]);
    const pd = r.received.filter((x) => x.kind === 'pagerduty').map((x) => x.body as { event_action: string; payload?: { custom_details?: { status_page_draft?: string } } });
    expect(pd.map((e) => [e.event_action, e.payload?.custom_details?.status_page_draft?.split('\n')[0]])).toEqual([
      ['trigger', '[Investigating] Problems with [SERVICE]'],
      ['trigger', '[Investigating] Problems with [SERVICE]'],
      ['trigger', '[Resolved] Problems with [SERVICE]'],
      ['resolve', undefined],
    ]);
  });
});
