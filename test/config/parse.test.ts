import { describe, it, expect } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { problemsOf, yaml } from './helpers.js';

const minimal = yaml`
  environments:
    prod:
      ecs:
        - cluster: main
`;

describe('parseConfig: valid input', () => {
  it('fills defaults', () => {
    const config = parseConfig(minimal, 'opsdeck.yaml', {});
    expect(config.environments.prod).toMatchObject({ protected: false, readOnly: false, rds: [], redis: [], http: [] });
    expect(config.environments.prod?.ecs).toEqual([{ cluster: 'main' }]);
  });
});

describe('parseConfig: YAML features', () => {
  it('supports anchors and merge keys for shared settings', () => {
    const config = parseConfig(yaml`
      environments:
        prod: &base
          thresholds: { cpu: { warn: 80, crit: 95 } }
          intervals: { ecs: 10 }
        staging:
          <<: *base
          readOnly: true
    `, 'opsdeck.yaml', {});
    expect(config.environments.staging).toMatchObject({ readOnly: true, thresholds: { cpu: { warn: 80, crit: 95 } }, intervals: { ecs: 10 } });
  });

  it('interpolates inside string values and leaves numbers alone', () => {
    const config = parseConfig('environments:\n  p:\n    http:\n      - { name: "${N}", url: "http://h/${N}", timeoutMs: 5 }\n', 'f', { N: 'x' });
    expect(config.environments.p?.http[0]).toEqual({ name: 'x', url: 'http://h/x', timeoutMs: 5 });
  });
});

describe('parseConfig: keys', () => {
  it('names an unknown key by path and suggests the nearest known one', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          ecs:
            - cluster: main
              servces: [api]
    `)).toEqual(['opsdeck.yaml: environments.prod.ecs[0].servces: unknown key (did you mean "services"?)']);
  });

  it('suggests despite case, at the top level and in thresholds', () => {
    expect(problemsOf(yaml`
      environment:
        prod: {}
    `)).toEqual([
      'opsdeck.yaml: environment: unknown key (did you mean "environments"?)',
      'opsdeck.yaml: environments: required',
    ]);
    expect(problemsOf(yaml`
      environments:
        prod:
          Redis: []
          thresholds:
            cpuPercent: { warn: 1, crit: 2 }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.Redis: unknown key (did you mean "redis"?)',
      'opsdeck.yaml: environments.prod.thresholds.cpuPercent: unknown key (did you mean "cpu"?)',
    ]);
  });

  it('lists the known keys when nothing is close', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          logs:
            - group: /ecs/api
              retention: 7
    `)).toEqual(['opsdeck.yaml: environments.prod.logs[0].retention: unknown key (known keys: group, rules, filters, filterPattern, mode)']);
  });

  it('says "required" for a missing field, with the list index', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          ecs:
            - cluster: main
            - services: [api]
    `)).toEqual(['opsdeck.yaml: environments.prod.ecs[1].cluster: required']);
  });

  it('rejects an empty environments mapping and bad environment names', () => {
    expect(problemsOf('environments: {}\n')).toEqual(['opsdeck.yaml: environments: at least one environment is required']);
    expect(problemsOf('environments:\n  "prod eu": {}\n')).toEqual([
      'opsdeck.yaml: environments["prod eu"]: invalid name: environment names use letters, digits, _ and -',
    ]);
  });
});

describe('parseConfig: types and values', () => {
  it('says what was expected and what was found', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          protected: "yes"
          ecs:
            - cluster: main
              services: api
          http:
            - name: api
              url: not a url
              timeoutMs: "5000"
              expect: { status: 200.5, json: { ok: [1] } }
          redis:
            - name: jobs
              url: redis://x
              queues: [{ name: q, flavor: bulmq }, { name: r, flavour: rq }]
          rds:
            - instance: db
              drill: { database: app, user: u, rowCountTolerance: 2 }
          intervals: { ecs: 0 }
          aws: { region: "" }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.protected: expected true or false, got "yes" (write true or false)',
      'opsdeck.yaml: environments.prod.ecs[0].services: expected a list, got "api"',
      'opsdeck.yaml: environments.prod.http[0].url: expected an http:// or https:// URL, got "not a url"',
      'opsdeck.yaml: environments.prod.http[0].timeoutMs: expected a number, got "5000" (remove the quotes)',
      'opsdeck.yaml: environments.prod.http[0].expect.status: expected a whole number, got 200.5',
      'opsdeck.yaml: environments.prod.http[0].expect.json.ok: expected a string, a number, true or false or a mapping, got a list',
      'opsdeck.yaml: environments.prod.redis[0].queues[0].flavor: expected one of "bullmq", "rq", "sidekiq", "list", "zset", "stream", got "bulmq" (did you mean "bullmq"?)',
      'opsdeck.yaml: environments.prod.redis[0].queues[1].flavour: unknown key (did you mean "flavor"?)',
      'opsdeck.yaml: environments.prod.redis[0].queues[1].flavor: required: one of "bullmq", "rq", "sidekiq", "list", "zset", "stream"',
      'opsdeck.yaml: environments.prod.rds[0].drill.rowCountTolerance: must be at most 1, got 2',
      'opsdeck.yaml: environments.prod.intervals.ecs: must be greater than 0, got 0',
      'opsdeck.yaml: environments.prod.aws.region: must not be empty',
    ]);
  });

  it('treats an empty YAML value as present but empty', () => {
    expect(problemsOf('environments:\n  prod:\n    ecs:\n      - cluster:\n')).toEqual([
      'opsdeck.yaml: environments.prod.ecs[0].cluster: expected a string, got an empty value',
    ]);
  });

  it('checks the topology rule pattern', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          ecs:
            - { cluster: a, singleInstanceUnless: jobs }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.ecs[0].singleInstanceUnless: expected "redis:NAME", "postgres:NAME" or "http:NAME", got "jobs"',
    ]);
  });
  it('orders warn and crit by the direction of each threshold', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          thresholds:
            cpu: { warn: 90, crit: 70 }
            storageFreePercent: { warn: 5, crit: 10 }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.thresholds.cpu: warn must not be above crit',
      'opsdeck.yaml: environments.prod.thresholds.storageFreePercent: warn must not be below crit (lower is worse here)',
    ]);
    const ok = parseConfig('environments:\n  p:\n    thresholds:\n      storageFreePercent: { warn: 10, crit: 5 }\n', 'f', {});
    expect(ok.environments.p?.thresholds?.storageFreePercent).toEqual({ warn: 10, crit: 5 });
  });

  it('refuses negative thresholds, shares above 100 and warn = crit = 0', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          thresholds:
            cpu: { warn: -5, crit: 90 }
            deadLetter: { warn: 0, crit: 0 }
            dbConnectionsPercent: { warn: 80, crit: 120 }
            subjects:
              api: { oldestJobAgeSeconds: { warn: -1, crit: -1 } }
          ecs:
            - { cluster: main, services: [api] }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.thresholds.cpu.warn: must be at least 0, got -5',
      'opsdeck.yaml: environments.prod.thresholds.deadLetter: warn and crit are both 0, which makes every figure critical; set crit above 0',
      'opsdeck.yaml: environments.prod.thresholds.dbConnectionsPercent.crit: must be at most 100, got 120',
      'opsdeck.yaml: environments.prod.thresholds.subjects.api.oldestJobAgeSeconds.warn: must be at least 0, got -1',
      'opsdeck.yaml: environments.prod.thresholds.subjects.api.oldestJobAgeSeconds.crit: must be at least 0, got -1',
    ]);
    // warn 0 alone is the default of belowDesiredSeconds: any shortfall warns
    const ok = parseConfig('environments:\n  p:\n    thresholds:\n      belowDesiredSeconds: { warn: 0, crit: 60 }\n      snapshotAgeHours: { warn: 26, crit: 26 }\n', 'f', {});
    expect(ok.environments.p?.thresholds?.belowDesiredSeconds).toEqual({ warn: 0, crit: 60 });
  });

  it('requires defaultEnvironment to name an environment', () => {
    expect(problemsOf(yaml`
      defaultEnvironment: prd
      environments:
        prod: {}
        staging: {}
    `)).toEqual(['opsdeck.yaml: defaultEnvironment: "prd" is not one of the environments (prod, staging) (did you mean "prod"?)']);
  });
});

describe('parseConfig: references and duplicates', () => {
  it('refuses a topology rule naming a Redis, database or probe the environment lacks', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          ecs:
            - { cluster: a, singleInstanceUnless: "redis:locks" }
            - { cluster: b, singleInstanceUnless: "redis:job" }
            - { cluster: c, singleInstanceUnless: "postgres:main" }
            - { cluster: d, singleInstanceUnless: "http:api" }
          redis:
            - { name: jobs, url: "redis://x" }
          http:
            - { name: api, url: "http://x/health" }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.ecs[0].singleInstanceUnless: no Redis named "locks" is configured (redis: jobs)',
      'opsdeck.yaml: environments.prod.ecs[1].singleInstanceUnless: no Redis named "job" is configured (redis: jobs) (did you mean "jobs"?)',
      'opsdeck.yaml: environments.prod.ecs[2].singleInstanceUnless: no PostgreSQL database named "main" is configured (this environment has no postgres entries)',
    ]);
  });

  it('refuses threshold subjects that name nothing of the environment, unless a cluster is watched whole', () => {
    const config = (services: string) => yaml`
      environments:
        prod:
          ecs:
            - { cluster: "arn:aws:ecs:eu-west-1:1:cluster/main"${services} }
          rds: [{ instance: prod-db }]
          logs: [{ group: /ecs/api }]
          redis:
            - { name: jobs, url: "redis://x", queues: [{ name: emails, flavor: bullmq }] }
          postgres: [{ name: app, url: "postgres://x/app" }]
          http: [{ name: health, url: "http://x/health" }]
          thresholds:
            subjects:
              api: { cpu: { warn: 80, crit: 95 } }
              main/api: { cpu: { warn: 80, crit: 95 } }
              prod-db: { cpu: { warn: 80, crit: 95 } }
              /ecs/api: { errorRatePercent: { warn: 2, crit: 5 } }
              emails: { deadLetter: { warn: 5, crit: 50 } }
              jobs/emails: { deadLetter: { warn: 5, crit: 50 } }
              app: { dbConnectionsPercent: { warn: 60, crit: 80 } }
              health: { responseTimeMs: { warn: 500, crit: 900 } }
              apii: { cpu: { warn: 80, crit: 95 } }
              nothing: { cpu: { warn: 80, crit: 95 } }
    `;
    expect(problemsOf(config(', services: [api]'))).toEqual([
      'opsdeck.yaml: environments.prod.thresholds.subjects.apii: names no service, RDS instance, log group, queue, database or probe of this environment (did you mean "api"?)',
      'opsdeck.yaml: environments.prod.thresholds.subjects.nothing: names no service, RDS instance, log group, queue, database or probe of this environment',
    ]);
    // "apii" may be a service of the cluster: the check tells once it has seen them all
    expect(() => parseConfig(config(''), 'f', {})).not.toThrow();
  });

  it('refuses the same service, cluster, instance, group, Redis, queue, database or probe twice', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          ecs:
            - { cluster: main, services: [api, api, worker] }
            - { cluster: main, services: [worker, cron] }
            - { cluster: other }
            - { cluster: other, services: [web] }
          rds: [{ instance: db }, { instance: db }]
          logs: [{ group: /ecs/api }, { group: /ecs/api }]
          redis:
            - { name: jobs, url: "redis://x", queues: [{ name: q, flavor: bullmq }, { name: q, flavor: rq }] }
            - { name: jobs, url: "redis://y" }
          postgres: [{ name: app, url: "postgres://x/a" }, { name: app, url: "postgres://x/b" }]
          http: [{ name: h, url: "http://x/" }, { name: h, url: "http://y/" }]
    `)).toEqual([
      'opsdeck.yaml: environments.prod.ecs[0].services[1]: duplicate service "api" (also services[0])',
      'opsdeck.yaml: environments.prod.ecs[1].services[0]: service "worker" of cluster "main" is already watched by ecs[0]',
      'opsdeck.yaml: environments.prod.ecs[3].services[0]: service "web" of cluster "other" is already watched by ecs[2]',
      'opsdeck.yaml: environments.prod.rds[1].instance: duplicate instance "db" (also rds[0])',
      'opsdeck.yaml: environments.prod.logs[1].group: duplicate log group "/ecs/api" (also logs[0])',
      'opsdeck.yaml: environments.prod.redis[0].queues[1].name: duplicate queue "q" (also queues[0])',
      'opsdeck.yaml: environments.prod.redis[1].name: duplicate name "jobs" (also redis[0])',
      'opsdeck.yaml: environments.prod.postgres[1].name: duplicate name "app" (also postgres[0])',
      'opsdeck.yaml: environments.prod.http[1].name: duplicate name "h" (also http[0])',
    ]);
    expect(problemsOf(yaml`
      environments:
        prod:
          ecs:
            - { cluster: main, services: [api] }
            - { cluster: main }
    `)).toEqual(['opsdeck.yaml: environments.prod.ecs[1].cluster: cluster "main" is already watched by ecs[0]; list each entry\'s services, or merge the entries']);
  });

  it('reports references even when a type error elsewhere stops the schema', () => {
    expect(problemsOf(yaml`
      environments:
        prod:
          protected: maybe
          ecs:
            - { cluster: a, services: [api, api] }
    `)).toEqual([
      'opsdeck.yaml: environments.prod.protected: expected true or false, got "maybe"',
      'opsdeck.yaml: environments.prod.ecs[0].services[1]: duplicate service "api" (also services[0])',
    ]);
  });
});

describe('parseConfig: YAML', () => {
  it('reports syntax errors with line:col and no excerpt', () => {
    const problems = problemsOf('environments:\n  prod:\n    ecs: [a, b\n    rds: []\n');
    expect(problems[0]).toMatch(/^opsdeck\.yaml:4:5: YAML syntax error: [^\n]+$/);
    for (const p of problems) expect(p).not.toContain('\n');
  });

  it('reports one error per line and hints at quoting ${VAR} in flow collections', () => {
    expect(problemsOf('environments:\n  p:\n    redis: [{ name: a, url: ${REDIS_URL} }]\n')).toEqual([
      'opsdeck.yaml:3:30: YAML syntax error: Unexpected flow-map-start at node end (inside { } or [ ], quote values that use variables: "${VAR}")',
    ]);
  });

  it('reports a duplicate key', () => {
    expect(problemsOf('environments:\n  prod: {}\n  prod: {}\n')).toEqual([
      'opsdeck.yaml:3:3: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('explains an empty file and a non-mapping document', () => {
    expect(problemsOf('# nothing yet\n')).toEqual(['opsdeck.yaml: the file is empty; expected a mapping with an "environments" key']);
    expect(problemsOf('- prod\n')).toEqual(['opsdeck.yaml: expected a mapping with an "environments" key at the top level']);
  });
});

describe('parseConfig: ${VAR} interpolation', () => {
  const text = yaml`
    environments:
      prod:
        postgres:
          - name: primary
            url: \${DATABASE_URL}
  `;
  const url = (env: NodeJS.ProcessEnv, t = text) => parseConfig(t, 'opsdeck.yaml', env).environments.prod?.postgres[0]?.url;

  it('substitutes a set variable', () => {
    expect(url({ DATABASE_URL: 'postgres://db/app' })).toBe('postgres://db/app');
  });

  it('names a missing variable and where it is used', () => {
    expect(problemsOf(text, {})).toEqual([
      'opsdeck.yaml: environments.prod.postgres[0].url: environment variable DATABASE_URL is not set',
    ]);
    expect(problemsOf(text, { DATABASE_URL: '' })).toEqual([
      'opsdeck.yaml: environments.prod.postgres[0].url: environment variable DATABASE_URL is empty (write ${DATABASE_URL:-} to allow an empty value)',
    ]);
  });

  it('uses ${VAR:-default} when unset or empty, and keeps $${VAR} literal', () => {
    const t = text.replace('${DATABASE_URL}', () => 'postgres://${DB_HOST:-localhost}/$${NOT_A_VAR}');
    expect(url({}, t)).toBe('postgres://localhost/${NOT_A_VAR}');
    expect(url({ DB_HOST: '' }, t)).toBe('postgres://localhost/${NOT_A_VAR}');
    expect(url({ DB_HOST: 'db.internal' }, t)).toBe('postgres://db.internal/${NOT_A_VAR}');
  });

  it('cannot inject YAML through a value', () => {
    expect(url({ DATABASE_URL: 'postgres://h/x\n  readOnly: true\n{[' })).toBe('postgres://h/x\n  readOnly: true\n{[');
  });

  it('rejects malformed references', () => {
    expect(problemsOf(text.replace('${DATABASE_URL}', '"${DATABASE_URL"'))).toEqual([
      'opsdeck.yaml: environments.prod.postgres[0].url: invalid variable reference "${DATABASE_URL" (expected ${NAME} or ${NAME:-default}; write $${ for a literal "${")',
    ]);
  });

  it('names the variable instead of echoing its value in type errors', () => {
    expect(problemsOf('environments:\n  p:\n    http:\n      - { name: a, url: "${HEALTH_URL}", timeoutMs: "${T}" }\n', {
      HEALTH_URL: 'ftp://secret-token@host',
      T: '500',
    })).toEqual([
      'opsdeck.yaml: environments.p.http[0].url: expected an http:// or https:// URL, got the value of ${HEALTH_URL}',
      'opsdeck.yaml: environments.p.http[0].timeoutMs: expected a number, got the value of ${T} (variables are substituted as strings; write the value in the file)',
    ]);
  });
});

describe('parseConfig: several problems at once', () => {
  it('reports every problem, in file order, each on one line', () => {
    let error: unknown;
    try {
      parseConfig(yaml`
        environments:
          prod:
            ecs:
              - servces: [api]
            rds:
              - instance: db
                drill: { database: app, user: "\${DRILL_DB_USER}", password: "\${DRILL_DB_PASSWORD}" }
            redis:
              - name: jobs
                url: \${REDIS_URL}
      `, 'opsdeck.yaml', {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.file).toBe('opsdeck.yaml');
    expect(e.problems).toEqual([
      'opsdeck.yaml: environments.prod.ecs[0].servces: unknown key (did you mean "services"?)',
      'opsdeck.yaml: environments.prod.ecs[0].cluster: required',
      'opsdeck.yaml: environments.prod.rds[0].drill.user: environment variable DRILL_DB_USER is not set',
      'opsdeck.yaml: environments.prod.rds[0].drill.password: environment variable DRILL_DB_PASSWORD is not set',
      'opsdeck.yaml: environments.prod.redis[0].url: environment variable REDIS_URL is not set',
    ]);
    expect(e.message).toBe(e.problems.join('\n'));
  });
});
