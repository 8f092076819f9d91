// Thresholds: the runbook's defaults, per environment, and per subject.
import { describe, it, expect } from 'vitest';
import { DEFAULT_THRESHOLDS, resolveThresholds, thresholdFor, grade, gradeFor } from '../../src/checks/thresholds.js';
import { parseConfig, selectEnvironment } from '../../src/config/load.js';
import { problemsOf, yaml } from '../config/helpers.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { runChecks } from '../../src/checks/run.js';
import { checkSettings } from '../../src/checks/evaluate.js';
import { NOW, healthy, findings } from './support.js';

describe('defaults', () => {
  it('are the runbook\'s', () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({
      responseTimeMs: { warn: 2_000, crit: 5_000 },
      errorRatePercent: { warn: 1, crit: 5 },
      cpu: { warn: 70, crit: 90 },
      memory: { warn: 80, crit: 95 },
      dbConnectionsPercent: { warn: 70, crit: 90 },
      snapshotAgeHours: { crit: 26 },
      storageFreePercent: { warn: 10, crit: 5 },
      oldestJobAgeSeconds: { warn: 300, crit: 1_800 },
      blockedQuerySeconds: { crit: 30 },
      belowDesiredSeconds: { warn: 0, crit: 120 },
    });
  });

  it('grade is inclusive at both edges, and reversed where lower is worse', () => {
    expect([grade(69.99, { warn: 70, crit: 90 }), grade(70, { warn: 70, crit: 90 }), grade(90, { warn: 70, crit: 90 })]).toEqual(['ok', 'warn', 'crit']);
    expect([gradeFor('storageFreePercent', 10.01, { warn: 10, crit: 5 }), gradeFor('storageFreePercent', 10, { warn: 10, crit: 5 }), gradeFor('storageFreePercent', 5, { warn: 10, crit: 5 })]).toEqual(['ok', 'warn', 'crit']);
  });
});

describe('overrides', () => {
  const table = resolveThresholds({ cpu: { warn: 80, crit: 95 }, subjects: { api: { cpu: { warn: 85, crit: 97 } }, 'jobs/emails': { deadLetter: { warn: 10, crit: 50 } }, emails: { deadLetter: { warn: 5, crit: 20 } } } });

  it('the environment\'s value replaces the default; keys it does not set keep theirs', () => {
    expect(thresholdFor(table, 'cpu')).toEqual({ warn: 80, crit: 95 });
    expect(thresholdFor(table, 'memory')).toEqual({ warn: 80, crit: 95 });
    expect(thresholdFor(table, 'cpu', ['worker'])).toEqual({ warn: 80, crit: 95 });
  });

  it('a subject\'s own value beats the environment\'s; the most specific name first', () => {
    expect(thresholdFor(table, 'cpu', ['main/api', 'api'])).toEqual({ warn: 85, crit: 97 });
    expect(thresholdFor(table, 'memory', ['main/api', 'api'])).toEqual({ warn: 80, crit: 95 });
    expect(thresholdFor(table, 'deadLetter', ['jobs/emails', 'emails'])).toEqual({ warn: 10, crit: 50 });
    expect(thresholdFor(table, 'deadLetter', ['other/emails', 'emails'])).toEqual({ warn: 5, crit: 20 });
  });

  it('per subject in a rule: only the named service changes verdict', () => {
    const data = { ecs: { services: [healthy().ecs.services[0]!, { ...healthy().ecs.services[0]!, name: 'worker' }].map((s) => ({ ...s, cpu: [82, 82, 82] })) } };
    const fs = findings('ecs.cpu', data, { thresholds: { subjects: { api: { cpu: { warn: 85, crit: 95 } } } } });
    expect(fs.map((f) => [f.subject, f.severity])).toEqual([['prod/api', 'ok'], ['prod/worker', 'warn']]);
  });
});

describe('in the config file', () => {
  const text = yaml`
    environments:
      prod:
        ecs: [{ cluster: main, services: [api] }]
        rds: [{ instance: prod-db }]
        thresholds:
          cpu: { warn: 80, crit: 95 }
          subjects:
            api:
              cpu: { warn: 85, crit: 95 }
            prod-db:
              storageFreePercent: { warn: 20, crit: 10 }
  `;

  it('reads thresholds.subjects', () => {
    const env = selectEnvironment(parseConfig(text, 'opsdeck.yaml', {})).env;
    expect(env.thresholds?.subjects).toEqual({ api: { cpu: { warn: 85, crit: 95 } }, 'prod-db': { storageFreePercent: { warn: 20, crit: 10 } } });
    expect(thresholdFor(resolveThresholds(env.thresholds), 'storageFreePercent', ['prod-db'])).toEqual({ warn: 20, crit: 10 });
  });

  it('checks a subject\'s thresholds like the environment\'s, naming the path', () => {
    expect(problemsOf(text.replace('cpu: { warn: 85, crit: 95 }', 'cpu: { warn: 96, crit: 95 }'))).toEqual(['opsdeck.yaml: environments.prod.thresholds.subjects.api.cpu: warn must not be above crit']);
    expect(problemsOf(text.replace('storageFreePercent: { warn: 20, crit: 10 }', 'storageFreePercent: { warn: 5, crit: 10 }'))).toEqual([
      'opsdeck.yaml: environments.prod.thresholds.subjects.prod-db.storageFreePercent: warn must not be below crit (lower is worse here)',
    ]);
    expect(problemsOf(text.replace('cpu: { warn: 85', 'cpuPercent: { warn: 85'))[0]).toMatch(/^opsdeck\.yaml: environments\.prod\.thresholds\.subjects\.api\.cpuPercent: unknown key \(did you mean "cpu"\?\)/);
  });
});

describe('against the sandbox', () => {
  const run = async (thresholds: object, scenario: 'calm' | 'db-saturation' | 'dlq-backlog' = 'db-saturation', errors = false) => {
    const clock = new ManualClock(NOW);
    const sandbox = createSandbox({ scenario, seed: 7, clock });
    const sources = errors ? { ...sandbox.sources, queues: { read: async () => Promise.reject(new Error('ECONNREFUSED')) } } : sandbox.sources;
    return runChecks({ sources, env: 'demo', ...checkSettings({ ...sandbox.environment, thresholds }), now: clock.now() });
  };

  it('per environment and per subject change the verdict', async () => {
    const sev = (r: Awaited<ReturnType<typeof run>>, id: string, subject: string) => r.findings.find((f) => f.checkId === id && f.subject === subject)?.severity;
    expect(sev(await run({}), 'postgres.connections', 'demo/primary')).toBe('crit');
    expect(sev(await run({ dbConnectionsPercent: { warn: 99, crit: 100 } }), 'postgres.connections', 'demo/primary')).toBe('ok');
    expect(sev(await run({ subjects: { primary: { dbConnectionsPercent: { warn: 95, crit: 99 } } } }), 'postgres.connections', 'demo/primary')).toBe('ok');
    const dlq = await run({ subjects: { default: { deadLetter: { warn: 100, crit: 1000 } } } }, 'dlq-backlog');
    expect([sev(dlq, 'queues.dead-letter', 'demo/jobs/default'), sev(dlq, 'queues.dead-letter', 'demo/jobs/emails')]).toEqual(['ok', 'crit']);
  });

  it('a subject that matches nothing is noted (a typo keeps the defaults), unless a panel was unreadable', async () => {
    const r = await run({ subjects: { primray: { dbConnectionsPercent: { warn: 95, crit: 99 } }, emails: { deadLetter: { warn: 1, crit: 2 } } } }, 'calm');
    expect(r.notes).toEqual(['thresholds.subjects.primray matches no service, RDS instance, log group, queue, database or probe of demo: its thresholds are not used']);
    expect((await run({ subjects: { primray: {} } }, 'calm', true)).notes).toEqual([]);
  });
});
