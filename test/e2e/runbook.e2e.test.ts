// The runbook screen in a real terminal: the demo's bad deploy, fixed from the dashboard as an operator would.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startInTmux, type TmuxSession } from './tmux.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let session: TmuxSession | undefined;
let stateDir: string | undefined;
afterEach(() => {
  session?.kill();
  if (stateDir) {
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(`${stateDir}-demo`, { recursive: true, force: true });
  }
  session = stateDir = undefined;
});

it('bad-deploy at 80x24: B, applies now, Enter, the reason, the phrase, the steps run, the crash loop ends', async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'opsdeck-runbook-e2e-'));
  const s = (session = startInTmux(`env -u NO_COLOR -u FORCE_COLOR OPSDECK_STATE_DIR=${stateDir} node ${BIN} demo --scenario bad-deploy`, { cols: 80, rows: 24 }));
  await s.waitFor((sc) => sc.includes('crash loop'), 'the crash loop in the header', 15_000);
  s.keys('B');
  await s.waitFor((sc) => /▶ bad-deploy\s+● applies now/.test(sc), 'bad-deploy marked applies now');
  s.keys('Enter');
  // a destructive plan asks why first; an empty reason is refused
  await s.waitFor((sc) => sc.includes('reason> '), 'the plan and its reason line');
  s.keys('Enter');
  await s.waitFor((sc) => sc.includes('a reason is needed'), 'the empty reason refused');
  s.type('api crash-looping after deploy 45');
  s.keys('Enter');
  await s.waitFor((sc) => sc.includes('Type bad-deploy to confirm') && sc.includes('api crash-looping after deploy 45'), 'the reason, then the phrase');
  s.type('bad-deploy');
  s.keys('Enter');
  let screen = await s.waitFor((sc) => sc.includes('roll-back:api') && /…\s+3 roll-back:api\s+running/.test(sc), 'the rollback step running', 15_000);
  expect(screen).toMatch(/✓\s+1 crash-loop\s+done/);
  screen = await s.waitFor((sc) => sc.includes('✓ done'), 'the run to end', 90_000);
  expect(screen).toMatch(/✓\s+6 record\s+done/);
  for (const l of screen.replace(/\n$/, '').split('\n')) expect(l.length).toBeLessThanOrEqual(80);
  s.keys('Escape');
  await s.waitFor((sc) => /▶ bad-deploy\s+not now/.test(sc) && !/✗.*crash loop/.test(sc), 'bad-deploy no longer applies, the header no longer says crash loop', 15_000);
  s.keys('q');
  await s.waitFor(() => s.exitStatus() !== undefined, 'opsdeck to exit');
  expect(s.exitStatus()).toBe(0);
  const runs = join(`${stateDir}-demo`, 'runbooks');
  const records = readdirSync(runs).map((f) => JSON.parse(readFileSync(join(runs, f), 'utf8')) as { runbook: string; status: string });
  expect(records.map((r) => [r.runbook, r.status])).toEqual([['bad-deploy', 'done']]);
}, 150_000);
