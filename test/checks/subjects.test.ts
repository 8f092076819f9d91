/**
 * Subjects are unambiguous: a service name two clusters use gives two
 * subjects, in the text report (`env/cluster/name`) and in JSON (the cluster
 * as a field, always); a name one cluster uses keeps its short form.
 */
import { describe, expect, it } from 'vitest';
import type { Sources } from '../../src/sources/ports.js';
import type { EcsService } from '../../src/model/ecs.js';
import { runChecks } from '../../src/checks/run.js';
import { formatJson, formatText } from '../../src/checks/format.js';
import { reportProblems } from '../../src/checks/reportSchema.js';
import { subjectText } from '../../src/model/subjects.js';
import { healthy, NOW, service } from './support.js';

function sources(services: EcsService[]): Sources {
  const data = healthy();
  return {
    ecs: { describe: async () => ({ services }) },
    rds: { describe: async () => data.rds },
    logs: { read: async () => data.logs },
    queues: { read: async () => data.queues },
    postgres: { read: async () => data.postgres },
    health: { probe: async () => data.health },
    close: async () => undefined,
  } as unknown as Sources;
}

const fleet = [
  service({ cluster: 'cluster-a', name: 'checkout', desired: 3, running: 0 }),
  service({ cluster: 'cluster-b', name: 'checkout' }),
  service({ cluster: 'cluster-a', name: 'api' }),
];

describe('a service name used in two clusters', () => {
  it('gives two subjects in text, each with its cluster; a unique name stays short', async () => {
    const r = await runChecks({ sources: sources(fleet), env: 'prod', now: NOW });
    const below = r.findings.filter((f) => f.checkId === 'ecs.running-below-desired');
    expect(below.map((f) => [f.subject, f.severity])).toEqual([
      ['prod/cluster-a/checkout', 'crit'],
      ['prod/cluster-b/checkout', 'ok'],
      ['prod/api', 'ok'],
    ]);
    const text = formatText(r);
    expect(text).toMatch(/✗ prod\/cluster-a\/checkout +3 of 3 tasks not running/);
    expect(text).not.toMatch(/ prod\/checkout /);
    // every finding about either service carries the cluster, whichever check made it
    for (const f of r.findings.filter((x) => x.ref.name === 'checkout')) expect(f.subject).toBe(`prod/${f.ref.cluster}/checkout`);
  });

  it('JSON carries the cluster as a field on every service finding, and stays valid', async () => {
    const r = await runChecks({ sources: sources(fleet), env: 'prod', now: NOW });
    const doc = JSON.parse(formatJson(r)) as typeof r;
    expect(reportProblems(doc)).toEqual([]);
    const checkout = doc.findings.filter((f) => f.checkId === 'ecs.running-below-desired' && f.ref.name === 'checkout');
    expect(checkout.map((f) => f.ref)).toEqual([
      { kind: 'ecs-service', name: 'checkout', cluster: 'cluster-a' },
      { kind: 'ecs-service', name: 'checkout', cluster: 'cluster-b' },
    ]);
    expect(new Set(checkout.map((f) => f.subject)).size).toBe(2);
    // unique names too: the cluster is always a field, even when the words leave it out
    expect(doc.findings.find((f) => f.ref.name === 'api')!.ref).toEqual({ kind: 'ecs-service', name: 'api', cluster: 'cluster-a' });
    // a queue is named with its Redis: the schema refuses one without
    const bad = { ...doc, findings: [{ ...doc.findings.find((f) => f.ref.kind === 'queue')!, ref: { kind: 'queue', name: 'emails' } }], summary: { ok: 1, warn: 0, crit: 0, unknown: 0 } };
    expect(reportProblems(bad)).toContain('findings.0.ref.redis: a queue is named with its Redis');
  });

  it('the words are derived from the fields', () => {
    expect(subjectText('prod', { kind: 'ecs-service', name: 'checkout', cluster: 'b' }, true)).toBe('prod/b/checkout');
    expect(subjectText('prod', { kind: 'ecs-service', name: 'checkout', cluster: 'b' })).toBe('prod/checkout');
    expect(subjectText('prod', { kind: 'queue', name: 'emails', redis: 'jobs' })).toBe('prod/jobs/emails');
  });
});
