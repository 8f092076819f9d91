// The checklist as text, markdown and JSON; the JSON against the shipped schema.
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSandbox, SCENARIOS, type Scenario } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { runChecks, type CheckReport } from '../../src/checks/run.js';
import { checkSettings } from '../../src/checks/evaluate.js';
import { formatJson, formatMarkdown, formatText, ANSI_PAINT } from '../../src/checks/format.js';
import { checkReportJsonSchema, checkReportJsonSchemaText, reportProblems } from '../../src/checks/reportSchema.js';

const START = Date.parse('2026-11-22T09:00:00Z');

async function report(scenario: Scenario, seconds = 90, thresholds = {}): Promise<CheckReport> {
  const clock = new ManualClock(START);
  const sandbox = createSandbox({ scenario, seed: 7, clock });
  clock.advance(seconds * 1000);
  const r = await runChecks({ sources: sandbox.sources, env: 'demo', ...checkSettings({ ...sandbox.environment, thresholds }), now: clock.now(), sinceMs: 12 * 3_600_000 });
  await sandbox.sources.close();
  return r;
}

const maskTimes = (s: string) => s.replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, '<time>');

describe('markdown', () => {
  it('is ready to paste: verdict in the title, a summary line, problems first, ok items folded per area', async () => {
    const md = formatMarkdown(await report('bad-deploy', 90, { subjects: { apii: { cpu: { warn: 80, crit: 90 } } } }));
    expect(maskTimes(md)).toMatchInlineSnapshot(`
      "## opsdeck check: demo — CRIT

      **2 critical, 4 warnings, 39 ok** · checked <time> · errors and failed tasks since <time> (--since)

      ### ECS

      - ✗ **demo/api**: 1 of 3 tasks not running for 7 min 40 s: the rollout failed (2/3 running) → rollback api --to last-good (the last known good revision)
      - ✗ **demo/api**: tasks keep stopping: Essential container in task exited (12 failed stops in 10m) → rollback api --to last-good (the last known good revision)
      - ⚠ **demo/api**: 8 tasks exited with an error, newest 3 min 15 s ago: api exit 1 (8 failed in the last 12.0 h)
      - ✓ 13 checks ok

      ### Logs

      - ⚠ **demo/logs**: error rate is high in /ecs/demo-api (4.3% errors over 5m)
      - ⚠ **demo/logs**: 75 errors in the last 12.0 h, top: ERROR Process exited with code \\<n\\> (×36) (75 errors in 2857 events, 2.6%)
      - ⚠ **demo/logs/ecs/demo-api expect "Token replay protection: ⚠ Single-insta…"**: 30 tasks never wrote the expected line since starting: 2c53c41fc90cf63396dfdaf9748f1221, ccf681874af7d782007942ac6e781f8a, 0b4a8d90422b832bd1481ae4b10baf63, 740b18770caf31429b19b477d5a99c8a, d9696a700d61d5f682fb208615c1433d and 25 more (3/33 tasks wrote it)

      ### RDS

      - ✓ 5 checks ok

      ### Queues

      - ✓ 7 checks ok

      ### Postgres

      - ✓ 5 checks ok

      ### Health

      - ✓ 6 checks ok

      ### Metrics

      - ✓ 3 checks ok

      > note: ECS lists stopped tasks for about an hour: tasks that failed before <time> are not counted

      > note: thresholds.subjects.apii matches no service, RDS instance, log group, queue, database or probe of demo: its thresholds are not used
      "
    `);
  });

  it('escapes what would change the markup', () => {
    const r: CheckReport = {
      version: 1, environment: 'prod', checkedAt: '2026-11-22T09:00:00.000Z', window: { from: '2026-11-21T21:00:00.000Z', to: '2026-11-22T09:00:00.000Z', basis: 'flag' },
      status: 'warn', exitCode: 1, summary: { ok: 0, warn: 1, crit: 0, unknown: 0 }, notes: [],
      findings: [{ checkId: 'logs.errors-window', severity: 'warn', subject: 'prod/logs', ref: { kind: 'logs', name: 'logs' }, area: 'logs', message: '3 errors, top: **boom** <script> `x` | y\x1b[2J' }],
    };
    expect(formatMarkdown(r)).toContain('- ⚠ **prod/logs**: 3 errors, top: \\*\\*boom\\*\\* \\<script\\> \\`x\\` \\| y\n');
  });
});

describe('text', () => {
  it('groups by area, problems first, with the figure and the suggested action', async () => {
    const text = formatText(await report('bad-deploy'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('opsdeck check · demo · 2026-11-22 09:01 UTC');
    expect(lines[1]).toBe('errors and failed tasks since 2026-11-21 21:01 UTC (--since)');
    expect(lines[3]).toBe('ECS');
    // the crash loop and the shortfall come before the services that are fine
    expect(lines[4]).toMatch(/^ {2}✗ demo\/api +1 of 3 tasks not running for \d+ min \d+ s: the rollout failed \(2\/3 running\)$/);
    expect(lines[5]).toMatch(/^ +→ rollback api --to last-good \(the last known good revision\)$/);
    expect(lines[6]).toMatch(/^ {2}✗ demo\/api +tasks keep stopping/);
    expect(text).toMatch(/^ {2}✓ demo\/worker +running at desired count \(2\/2 running\)$/m);
    expect(lines.at(-2)).toMatch(/^CRIT: 2 critical, 4 warnings, \d+ ok$/);
  });

  it('is coloured only when asked', async () => {
    const r = await report('calm');
    expect(formatText(r)).not.toMatch(/\x1b/);
    expect(formatText(r, ANSI_PAINT)).toContain('\x1b[32m✓\x1b[39m');
  });
});

describe('JSON', () => {
  const file = fileURLToPath(new URL('../../schema/check-report.schema.json', import.meta.url));

  it('schema/check-report.schema.json matches the report schema (regenerate: OPSDECK_WRITE_SCHEMA=1 npx vitest run test/checks/format.test.ts)', () => {
    if (process.env.OPSDECK_WRITE_SCHEMA === '1') writeFileSync(file, checkReportJsonSchemaText());
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(checkReportJsonSchema());
  });

  it('every scenario\'s report, as printed, is valid', async () => {
    for (const scenario of SCENARIOS) {
      const doc = JSON.parse(formatJson(await report(scenario)));
      expect(reportProblems(doc), scenario).toEqual([]);
    }
  });

  it('a report with an unknown (timed-out) source is valid too', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    const r = await runChecks({ sources: { ...sandbox.sources, rds: { describe: () => new Promise<never>(() => {}) } }, env: 'demo', now: clock.now(), timeoutMs: 30 });
    expect(r.status).toBe('unknown');
    expect(reportProblems(JSON.parse(formatJson(r)))).toEqual([]);
  });

  it('the validator refuses what a consumer could not rely on', async () => {
    const good = JSON.parse(formatJson(await report('dlq-backlog')));
    expect(reportProblems({ ...good, status: 'bad' })).toEqual(['status: Invalid option: expected one of "ok"|"warn"|"crit"|"unknown"']);
    expect(reportProblems({ ...good, summary: { ...good.summary, ok: good.summary.ok + 1 } })[0]).toMatch(/^summary\.ok: says \d+, the findings have \d+$/);
    expect(reportProblems({ ...good, findings: [{ ...good.findings[0], area: 'kafka' }] })[0]).toMatch(/^findings\.0\.area: /);
    expect(reportProblems({ ...good, extra: 1 })[0]).toMatch(/extra/);
  });
});
