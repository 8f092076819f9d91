// The parts of `opsdeck init` that need no AWS: the terminal questions (with
// scripted answers), the environment name, and the YAML it renders from odd
// names, which must read back exactly.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { askEnvironment, chooseInteractively, environmentName, everything, parseNumbers } from '../../src/cli/initCommand.js';
import type { Discovery } from '../../src/sources/aws/discover.js';
import { renderConfig, scalar } from '../../src/sources/aws/discoverConfig.js';

function discovery(): Discovery {
  return {
    account: '123456789012',
    arn: 'arn:aws:sts::123456789012:assumed-role/ops/alice',
    region: 'eu-west-1',
    clusters: [
      { name: 'prod', services: [{ name: 'api', taskDefinition: 'api:3' }, { name: 'worker', taskDefinition: 'worker:9' }] },
      { name: 'staging', services: [{ name: 'api', taskDefinition: 'api-staging:1' }] },
    ],
    databases: [
      { id: 'app-db', engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', status: 'available' },
      { id: 'analytics-1', engine: 'aurora-postgresql', engineVersion: '15.4', instanceClass: 'db.r6g.large', status: 'available', unsupported: 'Aurora: its backups are cluster snapshots' },
    ],
    logGroups: [
      { name: '/ecs/api', usedBy: ['prod/api'], exists: true },
      { name: '/ecs/worker', usedBy: ['prod/worker'], exists: true },
      { name: '/ecs/api-staging', usedBy: ['staging/api'], exists: true },
      { name: '/ecs/gone', usedBy: ['prod/worker'], exists: false },
      { name: '/aws/lambda/cron', usedBy: [], exists: true },
    ],
    moreLogGroups: true,
    warnings: [],
  };
}

/** Answers the questions in order and keeps what was asked and shown. */
function script(answers: string[]) {
  const asked: string[] = [];
  const shown: string[] = [];
  return {
    asked,
    shown,
    ask: async (q: string) => {
      asked.push(q);
      if (answers.length === 0) throw new Error(`unexpected question: ${q}`);
      return answers.shift()!;
    },
    write: (line: string) => shown.push(line),
  };
}

describe('init questions on a terminal', () => {
  it('asks per cluster and database, then log groups by number with the chosen services\' groups preset', async () => {
    const d = discovery();
    const s = script(['', 'n', 'maybe', 'y', '7', '']);
    const picked = await chooseInteractively(d, s.ask, s.write);
    expect(s.asked).toEqual([
      'include cluster prod (2 services)? [Y/n] ',
      'include cluster staging (1 service)? [Y/n] ',
      'include RDS instance app-db (postgres 16.4, db.t4g.medium, available)? [Y/n] ',
      'include RDS instance app-db (postgres 16.4, db.t4g.medium, available)? [Y/n] ',
      'log groups to include: numbers or ranges (1,3-5), "all" or "none"; Enter takes the 2 marked *: ',
      'log groups to include: numbers or ranges (1,3-5), "all" or "none"; Enter takes the 2 marked *: ',
    ]);
    expect(s.shown).toContain('  answer y or n (Enter means yes)');
    expect(s.shown).toContain('  (RDS instance analytics-1 is left out: Aurora: its backups are cluster snapshots)');
    expect(s.shown).toContain('    1. * /ecs/api  (prod/api)');
    expect(s.shown).toContain('    3.   /ecs/api-staging  (staging/api)');
    expect(s.shown).toContain('  "7" is not a list of numbers from 1 to 4; try e.g. 1,3-5');
    expect(picked.clusters.map((c) => c.name)).toEqual(['prod']);
    expect(picked.databases.map((db) => db.id)).toEqual(['app-db']);
    expect(picked.logGroups.map((g) => g.name)).toEqual(['/ecs/api', '/ecs/worker']);
  });

  it('takes numbers and ranges for the log groups', async () => {
    const s = script(['n', 'n', 'n', '4, 1-2']);
    const picked = await chooseInteractively(discovery(), s.ask, s.write);
    expect(picked.logGroups.map((g) => g.name)).toEqual(['/ecs/api', '/ecs/worker', '/aws/lambda/cron']);
  });

  it('parses group numbers', () => {
    expect(parseNumbers('1,3-5', 6)).toEqual([0, 2, 3, 4]);
    expect(parseNumbers(' 2 1 2 ', 3)).toEqual([0, 1]);
    expect(parseNumbers('all', 3)).toEqual([0, 1, 2]);
    expect(parseNumbers('none', 3)).toEqual([]);
    for (const bad of ['0', '4', '2-1', 'x', '1;2', '', ',']) expect(parseNumbers(bad, 3), bad).toBeNull();
  });

  it('--yes takes everything opsdeck can watch as it stands', () => {
    const all = everything(discovery());
    expect(all.clusters).toHaveLength(2);
    expect(all.databases.map((db) => db.id)).toEqual(['app-db']);
    expect(all.logGroups.map((g) => g.name)).toEqual(['/ecs/api', '/ecs/worker', '/ecs/api-staging', '/aws/lambda/cron']);
  });
});

describe('the environment on a terminal', () => {
  it('asks the name until it is valid, then whether it is protected; Enter means protected', async () => {
    const s = script(['', 'prod/eu', 'prod-eu', '']);
    expect(await askEnvironment(s.ask, s.write, {})).toEqual({ name: 'prod-eu', protected: true });
    expect(s.asked).toEqual([
      'name of this environment, as phrases will carry it (e.g. prod, staging): ',
      'name of this environment, as phrases will carry it (e.g. prod, staging): ',
      'name of this environment, as phrases will carry it (e.g. prod, staging): ',
      'protect prod-eu? read-only unless started with --write, and confirmations type "prod-eu/<target>" [Y/n] ',
    ]);
    expect(s.shown).toEqual(['  a name is needed, e.g. prod', '  "prod/eu" is not a valid name: use letters, digits, _ and -']);
  });

  it('offers the profile\'s name, takes n for an unprotected one, and asks nothing the flags answered', async () => {
    const s = script(['', 'n']);
    expect(await askEnvironment(s.ask, s.write, { suggestion: 'acme-staging' })).toEqual({ name: 'acme-staging', protected: false });
    expect(s.asked[0]).toBe('name of this environment, as phrases will carry it (e.g. prod, staging) [acme-staging]: ');
    const none = script([]);
    expect(await askEnvironment(none.ask, none.write, { name: 'prod', protected: true })).toEqual({ name: 'prod', protected: true });
    const onlyName = script(['no']);
    expect(await askEnvironment(onlyName.ask, onlyName.write, { name: 'qa' })).toEqual({ name: 'qa', protected: false });
    expect(onlyName.asked).toHaveLength(1);
  });
});

describe('the environment name', () => {
  it('is --name (or --env), else the profile made valid, else "default"', () => {
    expect(environmentName('prod-eu', 'x')).toBe('prod-eu');
    expect(environmentName(undefined, 'acme.prod admin')).toBe('acme-prod-admin');
    expect(environmentName(undefined, '...')).toBe('default');
    expect(environmentName(undefined, undefined)).toBe('default');
    expect(() => environmentName('prod/eu', undefined)).toThrow(/--name "prod\/eu" is not a valid environment name/);
    expect(() => environmentName('prod/eu', undefined, '--env')).toThrow(/--env "prod\/eu" is not a valid environment name/);
  });
});

describe('the rendered config', () => {
  it('reads back exactly, whatever the names hold', () => {
    const d = discovery();
    // names AWS accepts that YAML would read as something else
    const odd = ['true', '123', 'yes', '-dash', 'null', '1e3', '0x1F', 'no', '_x'];
    const oddGroups = [...odd, '#hash', '/ecs/#x', '...', '-'];
    d.logGroups = oddGroups.map((name) => ({ name, usedBy: [`prod/${name}`], exists: true }));
    d.clusters = odd.map((name) => ({ name, services: [{ name: `svc ${name}`, taskDefinition: 't:1' }] }));
    const all = everything(d);
    const text = renderConfig(d, { environment: 'prod', protected: true, region: 'eu-west-1', profile: 'acme prod', ...all }, Date.UTC(2026, 0, 5, 9, 0));
    const config = parseConfig(text, 'opsdeck.yaml', { HOME: '/root' });
    const env = config.environments.prod!;
    expect(env.logs.map((g) => g.group)).toEqual(oddGroups);
    expect(env.ecs.map((c) => c.cluster)).toEqual(odd);
    expect(env.aws).toEqual({ region: 'eu-west-1', profile: 'acme prod' });
    expect(env.protected).toBe(true);
    expect(text).toContain('on 2026-01-05 09:00 UTC');
    // a comment never spills onto a line of its own
    for (const line of text.split('\n')) expect(line).not.toMatch(/^\s*y\b/);
  });

  it('writes empty lists with a reason when nothing is found', () => {
    const d = { ...discovery(), clusters: [], databases: [], logGroups: [], moreLogGroups: false };
    const text = renderConfig(d, { environment: 'default', protected: false, clusters: [], databases: [], logGroups: [] }, 0);
    expect(text).toContain('# No ECS cluster was found in this region.\n    ecs: []');
    expect(text).toContain('# No RDS instance was found in this region.\n    rds: []');
    expect(text).toContain('# No log group was found in this region.\n    logs: []');
    expect(parseConfig(text, 'opsdeck.yaml', {}).environments.default).toMatchObject({ ecs: [], rds: [], logs: [] });
  });

  it('quotes only what YAML would misread', () => {
    expect(scalar('/ecs/api')).toBe('/ecs/api');
    expect(scalar('prod-cluster')).toBe('prod-cluster');
    expect(scalar('true')).toBe('"true"');
    expect(scalar('0x1f')).toBe('"0x1f"');
    expect(scalar('${X}')).toBe('"$${X}"');
  });
});
