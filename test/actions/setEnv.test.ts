// set-env on the sandbox: the plan names variables only, the executor registers the
// next revision with the edit and deploys it, and verification waits for that
// revision's deployment to run. The values typed must appear in nothing the
// operator or the journal gets, only in the new revision itself.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { harness, type Harness } from './support.js';
import { runAction } from '../../src/actions/executor.js';
import { setEnvAction } from '../../src/actions/ecs/setEnv.js';
import { planJson, planLines } from '../../src/actions/format.js';

const signal = new AbortController().signal;
const SECRET = 'tok-9f8e7d6c5b4a';
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

describe('set-env on the sandbox', () => {
  it('registers demo-api:45 with the edit, deploys it, and shows and journals names only', async () => {
    h = await harness();
    const before = await h.ctx.ecs.service('demo', 'api', signal);
    expect(before.taskDefinition).toBe('demo-api:44');
    const plan = await setEnvAction.plan(
      h.ctx,
      { cluster: 'demo', service: 'api', set: [{ name: 'API_TOKEN', value: SECRET }, { name: 'LOG_LEVEL', value: 'debug' }, { name: 'PORT', value: '8080' }], unset: ['SEARCH_URL'] },
      signal,
    );
    expect(plan.refusal).toBeUndefined();
    expect(plan).toMatchObject({ action: 'set-env', tier: 'destructive', phrase: 'api', target: { display: 'demo/api' } });
    // api:44 has NODE_ENV, PORT, LOG_LEVEL, PAYMENTS_URL, SEARCH_URL, FEATURE_FLAGS: SEARCH_URL goes, LOG_LEVEL changes, PORT stays
    expect(plan.summary).toBe('demo / cluster demo / service api: container api of demo-api:44: add 1, change 1, remove 1; 4 unchanged; registers demo-api:45 and deploys it; desired 3, running 3');
    expect(plan.changes).toEqual([
      { field: 'taskDefinition', before: 'demo-api:44', after: 'demo-api:45 (new)' },
      { field: 'env API_TOKEN', before: 'unset', after: 'added (value not shown)' },
      { field: 'env LOG_LEVEL', before: 'set', after: 'changed (value not shown)' },
      { field: 'env SEARCH_URL', before: 'set', after: 'removed' },
    ]);
    expect(plan.calls).toEqual([
      { api: 'ecs:RegisterTaskDefinition', params: { family: 'demo-api', copyOf: 'demo-api:44', container: 'api', added: ['API_TOKEN'], changed: ['LOG_LEVEL'], removed: ['SEARCH_URL'] } },
      { api: 'ecs:UpdateService', params: { cluster: 'demo', service: 'api', taskDefinition: 'demo-api:45' } },
    ]);
    expect(plan.details).toContain('PORT already has that value: kept as is');
    for (const shown of [planLines(plan).join('\n'), JSON.stringify(planJson(plan))]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('debug');
    }

    const progress: string[] = [];
    const r = await runAction(h.deps, { action: setEnvAction, ctx: h.ctx, plan, typed: 'api', onProgress: (p) => progress.push(p.message) });
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toMatch(/^demo\/api: the new deployment \S+ \(demo-api:45\) is PRIMARY with 3\/3 running$/);
    const after = await h.ctx.ecs.service('demo', 'api', signal);
    expect(after.taskDefinition).toBe('demo-api:45');

    const td = h.sandbox.taskDefinition('demo-api:45')!;
    const old = h.sandbox.taskDefinition('demo-api:44')!;
    expect(td.containers[0]!.environment).toEqual({ ...Object.fromEntries(Object.entries(old.containers[0]!.environment).filter(([k]) => k !== 'SEARCH_URL')), LOG_LEVEL: 'debug', API_TOKEN: SECRET });
    expect(td.containers[0]!.secrets).toEqual(old.containers[0]!.secrets);
    expect([td.cpu, td.memory, td.containers[0]!.image]).toEqual([old.cpu, old.memory, old.containers[0]!.image]);

    const records = h.journal.read();
    expect(records.map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['progress', null], ['outcome', 'ok'], ['verify', 'ok']]);
    expect(records[1]!.detail).toBe('registered demo-api:45 (a copy of demo-api:44); UpdateService next');
    const text = readFileSync(h.journal.path, 'utf8');
    expect(text).toContain('API_TOKEN');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('debug');
  });

  it('refuses a secret, a name not set, a container that does not exist, and an edit that changes nothing', async () => {
    h = await harness();
    const plan = (args: Partial<Parameters<typeof setEnvAction.plan>[1]>) => setEnvAction.plan(h!.ctx, { cluster: 'demo', service: 'api', set: [], unset: [], ...args }, signal);
    expect((await plan({ set: [{ name: 'DATABASE_URL', value: 'postgres://x' }] })).refusal).toBe(
      "DATABASE_URL comes from secrets (valueFrom) in container api of demo-api:44: opsdeck doesn't change secrets; change the secret in Secrets Manager / SSM, or the task definition itself",
    );
    expect((await plan({ unset: ['REDIS_URL'] })).refusal).toMatch(/^REDIS_URL comes from secrets/);
    expect((await plan({ unset: ['NOPE'] })).refusal).toBe('NOPE is not set in container api of demo-api:44: nothing to remove (a typo?)');
    expect((await plan({ set: [{ name: 'PORT', value: '8080' }] })).refusal).toBe('nothing changes: PORT already has that value in container api of demo-api:44');
    expect((await plan({ set: [{ name: 'X', value: '1' }], container: 'sidecar' })).refusal).toBe('demo-api:44 has no container "sidecar" (its containers: api)');
    await expect(plan({ set: [{ name: '1BAD', value: SECRET }] })).rejects.toThrow('"1BAD" is not a variable name');
    await expect(plan({})).rejects.toThrow(/^nothing to change/);

    const refused = await plan({ unset: ['NOPE'] });
    const r = await runAction(h.deps, { action: setEnvAction, ctx: h.ctx, plan: refused, typed: 'api' });
    expect(r.outcome).toBe('refused');
    expect(h.sandbox.taskDefinitions('demo-api').map((t) => t.revision)).toEqual([41, 42, 43, 44]);
  });

  it('aborts when the service moved to another revision after the plan, registering nothing', async () => {
    h = await harness();
    const plan = await setEnvAction.plan(h.ctx, { cluster: 'demo', service: 'api', set: [{ name: 'LOG_LEVEL', value: 'warn' }], unset: [] }, signal);
    await h.sandbox.updateService('demo', 'api', { taskDefinition: 'demo-api:43' });
    const r = await runAction(h.deps, { action: setEnvAction, ctx: h.ctx, plan, typed: 'api' });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toMatch(/changed since the plan was shown/);
    expect(h.sandbox.taskDefinitions('demo-api').map((t) => t.revision)).toEqual([41, 42, 43, 44]);
  });

  it('asks for env/name in a protected environment', async () => {
    h = await harness({ env: { protected: true } });
    const plan = await setEnvAction.plan(h.ctx, { cluster: 'demo', service: 'worker', set: [{ name: 'CONCURRENCY', value: '8' }], unset: [] }, signal);
    expect(plan.phrase).toBe('demo/worker');
    expect((await runAction(h.deps, { action: setEnvAction, ctx: h.ctx, plan, typed: 'worker' })).outcome).toBe('refused');
    const r = await runAction(h.deps, { action: setEnvAction, ctx: h.ctx, plan, typed: 'demo/worker' });
    expect(r.outcome, r.message).toBe('done');
    expect(h.sandbox.taskDefinition('demo-worker:20')!.containers[0]!.environment.CONCURRENCY).toBe('8');
  });

  it('an UpdateService that fails after the register: says which revision is left unused, journals it, and never repeats a value', async () => {
    h = await harness();
    const ecs = h.ctx.ecs;
    // the service echoes the request, as a validation error might
    const ctx = { ...h.ctx, ecs: { ...ecs, updateService: async () => Promise.reject(new Error(`InvalidParameterException: bad request API_TOKEN=${SECRET}`)) } };
    const plan = await setEnvAction.plan(ctx, { cluster: 'demo', service: 'api', set: [{ name: 'API_TOKEN', value: SECRET }], unset: [] }, signal);
    const r = await runAction(h.deps, { action: setEnvAction, ctx, plan, typed: 'api' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe(
      'Set environment of demo/api (api) failed: registered demo-api:45, but UpdateService failed: InvalidParameterException: bad request API_TOKEN=***; api still runs demo-api:44 (demo-api:45 is left registered, unused)',
    );
    expect(h.journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['progress', null], ['outcome', 'failed']]);
    expect(readFileSync(h.journal.path, 'utf8')).not.toContain(SECRET);
    expect((await ecs.service('demo', 'api', signal)).taskDefinition).toBe('demo-api:44');
  });

  it('refuses a container name ECS could not have before reading anything', async () => {
    h = await harness();
    await expect(setEnvAction.plan(h.ctx, { cluster: 'demo', service: 'api', set: [{ name: 'A', value: '1' }], unset: [], container: 'a\u001b[2Jb' }, signal)).rejects.toThrow(
      /^"a.*b" is not a container name: letters, digits, - and _$/,
    );
  });
});

