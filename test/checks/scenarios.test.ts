// Each sandbox scenario stages its own problems and no others; calm stages none.
import { describe, it, expect } from 'vitest';
import { createSandbox, SCENARIOS, type Scenario } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { runChecks } from '../../src/checks/run.js';
import { checkSettings } from '../../src/checks/evaluate.js';
import { CHECKS } from '../../src/checks/rules.js';
import { THRESHOLD_KEYS } from '../../src/config/thresholdKeys.js';

const START = Date.parse('2026-11-22T09:00:00Z');

/**
 * What each scenario stages, as check:subject. `required` must be raised at
 * every time tested; `allowed` may be (consequences of the same problem, e.g.
 * the slow probe of an error spike); anything else raised is a bug, in the
 * checks or in the scenario.
 */
const STARTUP_RULE = 'logs.rules:demo/logs/ecs/demo-api expect "Token replay protection: ⚠ Single-insta…"';

const STAGED: Record<Scenario, { required: string[]; allowed: string[] }> = {
  calm: { required: [], allowed: [] },
  // the app's own counters see the same errors as its logs
  'error-spike': { required: ['logs.error-rate:demo/logs', 'logs.errors-window:demo/logs', 'metrics.series:demo/app error_rate_total', 'metrics.series:demo/app errors_total / requests_total'], allowed: ['health.probe:demo/api'] },
  'bad-deploy': {
    required: ['ecs.running-below-desired:demo/api', 'ecs.crash-loop:demo/api'],
    // revision 45 was stopped by the circuit breaker before 46 went bad: its failed tasks are in the window
    // and the tasks of 46 crash before they write the startup line the log rule expects of every task
    allowed: ['logs.error-rate:demo/logs', 'logs.errors-window:demo/logs', 'health.probe:demo/api', 'ecs.failed-tasks:demo/api', STARTUP_RULE],
  },
  // the SMTP provider times out: sends fail (dead letters) and slow down (jobs wait)
  'dlq-backlog': { required: ['queues.dead-letter:demo/jobs/emails', 'queues.dead-letter:demo/jobs/default'], allowed: ['queues.oldest-job:demo/jobs/emails', 'metrics.series:demo/app queue_depth{queue="emails"}'] },
  // a pool leak and a lock chain; the instance's CPU is staged at 81-94 %
  // ...and nobody proved its backups for 40 days (the sandbox's seeded drill history); metabase's 11-minute report
  // query is past the long-query threshold (5 min), the lock holder idles in its transaction
  'db-saturation': { required: ['postgres.connections:demo/primary', 'postgres.blocked:demo/primary', 'rds.cpu:demo/demo-db', 'rds.drill-age:demo/demo-db', 'postgres.long-query:demo/primary', 'postgres.idle-in-transaction:demo/primary'], allowed: [] },
  // RDS applies an OS update in 3 days; an API task replaced 8 minutes before the start never wrote the startup line
  // (judged while the 15-minute window still holds its start: see the test below); the demo host's certificate
  // expires in 9 days (both probes present it)
  'unsafe-scale': { required: ['ecs.topology:demo/scheduler', 'rds.maintenance:demo/demo-db', 'health.tls:demo/api tls', 'health.tls:demo/queue tls'], allowed: [STARTUP_RULE] },
};

const raisedBy = (findings: { checkId: string; subject: string; severity: string }[]) => new Set(findings.filter((f) => f.severity !== 'ok').map((f) => `${f.checkId}:${f.subject}`));

async function findingsAfter(scenario: Scenario, seconds: number) {
  const clock = new ManualClock(START);
  const sandbox = createSandbox({ scenario, seed: 7, clock });
  clock.advance(seconds * 1000);
  const report = await runChecks({ sources: sandbox.sources, env: 'demo', ...checkSettings(sandbox.environment), now: clock.now(), drills: sandbox.drillHistory() });
  await sandbox.sources.close();
  return report;
}

describe('checks against the sandbox scenarios', () => {
  for (const scenario of SCENARIOS) {
    for (const seconds of [0, 90, 600, 1800]) {
      it(`${scenario} after ${seconds}s raises exactly what it stages`, async () => {
        const report = await findingsAfter(scenario, seconds);
        const raised = raisedBy(report.findings);
        expect(report.findings.filter((f) => f.severity === 'unknown')).toEqual([]);
        for (const id of STAGED[scenario].required) expect([...raised], `${scenario} should raise ${id}`).toContain(id);
        const allowed = [...STAGED[scenario].required, ...STAGED[scenario].allowed];
        for (const id of raised) expect(allowed, `${scenario} should not raise ${id}`).toContain(id);
        expect(report.exitCode).toBe(scenario === 'calm' ? 0 : report.status === 'crit' ? 2 : 1);
        // every check ran: each one either judged something or had nothing of its kind to judge
        expect(report.notes).toEqual([]);
      });
    }
  }

  it('the topology finding suggests scaling the service to 1', async () => {
    const report = await findingsAfter('unsafe-scale', 0);
    const f = report.findings.find((x) => x.checkId === 'ecs.topology' && x.severity === 'crit');
    expect(f?.subject).toBe('demo/scheduler');
    expect(f?.suggested).toMatchObject({ action: 'scale', target: 'scheduler' });
  });

  it('threshold overrides change the verdict', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'db-saturation', seed: 7, clock });
    const report = await runChecks({ sources: sandbox.sources, env: 'demo', thresholds: { dbConnectionsPercent: { warn: 99, crit: 100 } }, now: clock.now() });
    expect(report.findings.find((f) => f.checkId === 'postgres.connections')?.severity).toBe('ok');
  });

  it('a source that does not answer makes its checks unknown, with the reason', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    const sources = { ...sandbox.sources, postgres: { read: () => new Promise<never>(() => {}) } };
    const report = await runChecks({ sources, env: 'demo', now: clock.now(), timeoutMs: 50 });
    const pg = report.findings.filter((f) => f.area === 'postgres');
    expect(pg.length).toBeGreaterThan(0);
    for (const f of pg) {
      expect(f.severity).toBe('unknown');
      expect(f.message).toMatch(/^[A-Z].*\? could not read postgres: postgres: no answer within 50 ms$/);
    }
    expect(report.exitCode).toBe(3);
  });
});

describe('the backup check while tonight\'s snapshot is being taken', () => {
  it('calm at 03:12 UTC is ok: a `creating` snapshot is judged by the last available one', async () => {
    const clock = new ManualClock(Date.parse('2026-11-22T03:12:00Z'));
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    const report = await runChecks({ sources: sandbox.sources, env: 'demo', now: clock.now() });
    const f = report.findings.find((x) => x.checkId === 'rds.snapshot-age');
    expect(f?.severity).toBe('ok');
    expect(f?.figure).toMatch(/creating/);
  });
});

describe('crash loop after a rollback', () => {
  it('stops of the bad revision no longer count once the service runs the previous one', async () => {
    const { rollbackAction } = await import('../../src/actions/ecs/rollback.js');
    const { runAction } = await import('../../src/actions/executor.js');
    const { harness } = await import('../actions/support.js');
    const h = await harness({ scenario: 'bad-deploy' });
    try {
      const signal = new AbortController().signal;
      const before = await runChecks({ sources: h.sandbox.sources, env: 'demo', now: h.clock.now() });
      expect(before.findings.some((f) => f.checkId === 'ecs.crash-loop' && f.severity === 'crit')).toBe(true);
      // the previous revision (45) failed too: back to the last known good one
      const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api', to: 'last-good' }, signal);
      const r = await runAction(h.deps, { action: rollbackAction, ctx: h.ctx, plan, typed: 'api' });
      expect(r.outcome, r.message).toBe('done');
      const after = await runChecks({ sources: h.sandbox.sources, env: 'demo', now: h.clock.now() });
      expect(after.findings.filter((f) => f.checkId === 'ecs.crash-loop' && f.severity !== 'ok')).toEqual([]);
      // the loop is over, but the morning checklist still tells that tasks failed in the window
      const failed = after.findings.find((f) => f.checkId === 'ecs.failed-tasks' && f.subject === 'demo/api');
      expect(failed?.severity).toBe('warn');
      expect(failed?.message).toMatch(/^\d+ tasks exited with an error, newest .* ago: api exit 1$/);
    } finally {
      h.cleanup();
    }
  });
});

describe('log rules and maintenance in unsafe-scale', () => {
  it('names the API task that never wrote the startup line, and the OS update due in 3 days', async () => {
    const report = await findingsAfter('unsafe-scale', 0);
    const rule = report.findings.find((f) => f.checkId === 'logs.rules')!;
    expect(rule.severity).toBe('warn');
    expect(rule.message).toMatch(/^1 task never wrote the expected line since starting: [0-9a-f]{32}$/);
    expect(rule.figure).toMatch(/^0\/1 tasks wrote it; \d tasks? started before 15 min ago, not judged$/);
    const m = report.findings.find((f) => f.checkId === 'rds.maintenance')!;
    expect([m.severity, m.message]).toEqual(['warn', `system-update will be auto-applied in 3.0 days (2026-11-25 09:00 UTC)`]);
  });

  it('the certificate both probes present expires in 9 days: a warning (14) that turns critical at 3 days left', async () => {
    const report = await findingsAfter('unsafe-scale', 0);
    const tls = report.findings.filter((f) => f.checkId === 'health.tls');
    expect(tls.map((f) => [f.subject, f.severity, f.figure])).toEqual([
      ['demo/api tls', 'warn', '9d left'],
      ['demo/queue tls', 'warn', '9d left'],
    ]);
    expect(tls[0]!.message).toBe("certificate for demo.opsdeck.invalid from Let's Encrypt R3 expires in 9 days (2026-12-01); warn at 14 days");
    // six days and seven hours later: 2 days left
    const later = await findingsAfter('unsafe-scale', (6 * 24 + 7) * 3600);
    expect(later.findings.filter((f) => f.checkId === 'health.tls').map((f) => [f.severity, f.figure])).toEqual([
      ['crit', '2d left'],
      ['crit', '2d left'],
    ]);
  });
});

describe('every default check against the sandbox', () => {
  it('each check judges something in calm, all ok (rds.connections once the instance is linked to its database)', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    const host = (await sandbox.sources.rds.describe(new AbortController().signal)).instances[0]!.endpoint!.host;
    // a drill running now: rds.drill-instance-age judges drill copies only
    await sandbox.rds.restore({ snapshotId: 'rds:demo-db-2026-11-22-03-10', newId: 'demo-db-drill-20261122090000', tags: { 'opsdeck:drill': 'demo-db-20261122T090000Z' } });
    // unreconciled: [] is a journal read that found every intent with its outcome
    const report = await runChecks({ sources: sandbox.sources, env: 'demo', ...checkSettings(sandbox.environment), postgresHosts: { primary: host }, now: clock.now(), unreconciled: [], drills: sandbox.drillHistory() });
    const judged = new Set(report.findings.map((f) => f.checkId));
    expect(CHECKS.map((c) => c.id).filter((id) => !judged.has(id))).toEqual([]);
    expect(report.findings.filter((f) => f.severity !== 'ok')).toEqual([]);
  });

  it('db-saturation raises rds.connections too once the RDS instance is linked to its PostgreSQL entry', async () => {
    const clock = new ManualClock(START);
    const sandbox = createSandbox({ scenario: 'db-saturation', seed: 7, clock });
    const host = (await sandbox.sources.rds.describe(new AbortController().signal)).instances[0]!.endpoint!.host;
    const report = await runChecks({ sources: sandbox.sources, env: 'demo', postgresHosts: { primary: host }, now: clock.now() });
    expect(report.findings.find((f) => f.checkId === 'rds.connections')).toMatchObject({ severity: 'crit', subject: 'demo/demo-db', figure: expect.stringMatching(/^\d+\/100, 9\d(\.\d)?%$/) });
  });

  it('the definitions are data: unique ids, known areas, threshold keys and actions', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    for (const c of CHECKS) {
      // the journal's check reads no panel; its findings sit on the panel of each action's target
      expect(c.id.startsWith(c.reads.length === 0 ? 'audit.' : `${c.area}.`), c.id).toBe(true);
      if (c.reads.length > 0) expect(c.reads).toContain(c.area);
      for (const k of c.thresholds) expect(THRESHOLD_KEYS, c.id).toContain(k);
      for (const a of c.actions) expect(['scale', 'rollback', 'redeploy', 'snapshot', 'restore', 'requeue', 'delete-drill-instance'], c.id).toContain(a);
    }
  });
});
