// The API the TUI uses: the checks on what the panels already hold.
import { describe, it, expect } from 'vitest';
import { Store } from '../../src/engine/store.js';
import { ManualClock } from '../../src/engine/clock.js';
import { DEFAULT_INTERVALS_MS } from '../../src/engine/runtime.js';
import { evaluateChecks, panelInputs } from '../../src/checks/evaluate.js';
import type { CheckDefinition } from '../../src/checks/types.js';
import { NOW, healthy, service } from './support.js';

describe('evaluateChecks on the store', () => {
  it('judges the panels that have data, and makes unknown the ones in error or still loading', () => {
    const store = new Store({ intervals: DEFAULT_INTERVALS_MS, clock: new ManualClock(NOW), coalesceMs: 0 });
    const data = healthy();
    store.succeed('ecs', { services: [service({ running: 1 })] });
    store.succeed('postgres', data.postgres);
    store.fail('postgres', 'connect ECONNREFUSED 127.0.0.1:5432');
    store.succeed('queues', data.queues);
    store.succeed('health', data.health);
    store.succeed('logs', data.logs);
    const { data: d, errors } = panelInputs(store.getSnapshots());
    // postgres still shows its last data on screen, but the checks do not judge it
    expect(Object.keys(d).sort()).toEqual(['ecs', 'health', 'logs', 'queues']);
    const findings = evaluateChecks(d, errors, { env: 'prod', now: NOW });
    const of = (id: string) => findings.filter((f) => f.checkId === id);
    expect(of('ecs.running-below-desired')).toMatchObject([{ severity: 'crit', subject: 'prod/api' }]);
    expect(of('postgres.connections')).toMatchObject([{ severity: 'unknown', message: 'Database connections below the limit? could not read postgres: connect ECONNREFUSED 127.0.0.1:5432' }]);
    expect(of('rds.status')).toMatchObject([{ severity: 'unknown', message: 'Database instances are available? could not read rds: no data yet' }]);
    store.dispose();
  });

  it('a rule that throws is unknown with the reason, and the others still run', () => {
    const broken: CheckDefinition = { id: 'ecs.broken', area: 'ecs', title: 'Broken rule', reads: ['ecs'], thresholds: [], actions: [], evaluate: () => { throw new Error('boom'); } };
    const ok: CheckDefinition = { ...broken, id: 'ecs.fine', evaluate: () => [] };
    const fs = evaluateChecks(healthy(), {}, { env: 'prod', now: NOW, checks: [broken, ok] });
    expect(fs).toEqual([{ checkId: 'ecs.broken', severity: 'unknown', subject: 'prod/ecs', ref: { kind: 'panel', name: 'ecs' }, area: 'ecs', message: 'Broken rule? the check failed: boom' }]);
  });
});
