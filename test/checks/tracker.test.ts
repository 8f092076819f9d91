import { describe, it, expect } from 'vitest';
import { FindingTracker } from '../../src/checks/tracker.js';
import type { Finding, Severity } from '../../src/model/findings.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { runChecks } from '../../src/checks/run.js';
import { NOW } from './support.js';

const f = (severity: Severity, subject = 'prod/api', checkId = 'ecs.cpu', figure = ''): Finding => ({ checkId, severity, subject, ref: ref(subject), area: 'ecs', message: severity, figure });
const ref = (subject: string) => ({ kind: 'ecs-service' as const, name: subject.split('/').at(-1)!, cluster: 'main' });
const S = 1000;

describe('FindingTracker', () => {
  it('tells what is new, what changed severity and since when', () => {
    const t = new FindingTracker();
    expect(t.update([f('ok'), f('ok', 'prod/worker')], NOW)).toEqual([
      { finding: f('ok'), since: NOW, from: null },
      { finding: f('ok', 'prod/worker'), since: NOW, from: null },
    ]);
    // same severity, new figure: no change, the age stays
    expect(t.update([f('ok', 'prod/api', 'ecs.cpu', 'CPU 30%'), f('ok', 'prod/worker')], NOW + 5 * S)).toEqual([]);
    expect(t.get('ecs.cpu', ref('prod/api'))).toEqual({ finding: f('ok', 'prod/api', 'ecs.cpu', 'CPU 30%'), since: NOW });
    expect(t.update([f('crit'), f('ok', 'prod/worker')], NOW + 10 * S)).toEqual([{ finding: f('crit'), since: NOW + 10 * S, from: 'ok' }]);
    expect(t.update([f('crit'), f('warn', 'prod/worker')], NOW + 70 * S)).toEqual([{ finding: f('warn', 'prod/worker'), since: NOW + 70 * S, from: 'ok' }]);
    // the header: critical ones with their age
    expect(t.at('crit')).toEqual([{ finding: f('crit'), since: NOW + 10 * S }]);
    expect(t.current().map((x) => [x.finding.subject, x.finding.severity, x.since])).toEqual([
      ['prod/api', 'crit', NOW + 10 * S],
      ['prod/worker', 'warn', NOW + 70 * S],
    ]);
  });

  it('a failed poll (unknown) in between keeps the age of the verdict it interrupted', () => {
    const t = new FindingTracker();
    t.update([f('crit')], NOW);
    expect(t.update([f('unknown')], NOW + 5 * S)).toEqual([{ finding: f('unknown'), since: NOW + 5 * S, from: 'crit' }]);
    expect(t.update([f('crit')], NOW + 10 * S)).toEqual([{ finding: f('crit'), since: NOW, from: 'unknown' }]);
    expect(t.get('ecs.cpu', ref('prod/api'))?.since).toBe(NOW);
    // but another verdict after it starts a new age
    t.update([f('unknown')], NOW + 15 * S);
    expect(t.update([f('warn')], NOW + 20 * S)).toEqual([{ finding: f('warn'), since: NOW + 20 * S, from: 'unknown' }]);
  });

  it('a finding whose subject went away is reported gone, once', () => {
    const t = new FindingTracker();
    t.update([f('warn'), f('ok', 'prod/worker')], NOW);
    expect(t.update([f('warn')], NOW + S)).toEqual([{ finding: f('ok', 'prod/worker'), since: NOW + S, from: 'ok', gone: true }]);
    expect(t.update([f('warn')], NOW + 2 * S)).toEqual([]);
    // and comes back as new
    expect(t.update([f('warn'), f('crit', 'prod/worker')], NOW + 3 * S)).toEqual([{ finding: f('crit', 'prod/worker'), since: NOW + 3 * S, from: null }]);
  });

  it('follows a sandbox scenario turning critical while it is watched', async () => {
    // calm, then the error spike: the error checks (logs and metrics) turn critical, the rest stays quiet
    const clock = new ManualClock(NOW);
    const sandbox = createSandbox({ scenario: 'error-spike', seed: 7, clock });
    const calmClock = new ManualClock(NOW);
    const calm = createSandbox({ scenario: 'calm', seed: 7, clock: calmClock });
    const t = new FindingTracker();
    t.update((await runChecks({ sources: calm.sources, env: 'demo', now: calmClock.now() })).findings, NOW);
    const changes = t.update((await runChecks({ sources: sandbox.sources, env: 'demo', now: clock.now() })).findings, NOW + 60 * S);
    expect(changes.filter((c) => c.finding.severity === 'crit').map((c) => [c.finding.checkId, c.from, c.since])).toEqual([
      ['logs.error-rate', 'ok', NOW + 60 * S],
      ['logs.errors-window', 'ok', NOW + 60 * S],
      // the app's error counter and its share of requests, from its /metrics
      ['metrics.series', 'ok', NOW + 60 * S],
      ['metrics.series', 'ok', NOW + 60 * S],
    ]);
  });
});
