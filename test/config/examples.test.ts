import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig, selectEnvironment } from '../../src/config/load.js';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/jsonSchema.js';
import { problemsOf } from './helpers.js';

const repoFile = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const read = (p: string) => readFileSync(repoFile(p), 'utf8');

const PROD_VARS = {
  DRILL_DB_USER: 'drill',
  DRILL_DB_PASSWORD: 'drill-secret',
  REDIS_URL: 'redis://cache.internal:6379',
  DATABASE_URL: 'postgres://app@db.internal:5432/app',
  METRICS_TOKEN: 'metrics-token-value',
  OPS_TOKEN: 'ops-token-value',
};

describe('examples/opsdeck.yaml', () => {
  const text = read('examples/opsdeck.yaml');

  it('parses with its variables set', () => {
    const config = parseConfig(text, 'examples/opsdeck.yaml', PROD_VARS);
    expect(Object.keys(config.environments)).toEqual(['prod', 'staging']);
    expect(selectEnvironment(config).name).toBe('staging');
    const prod = selectEnvironment(config, 'prod').env;
    expect(prod.protected).toBe(true);
    expect(prod.ecs[0]).toEqual({ cluster: 'conflicto-prod-cluster', services: ['api', 'worker'], singleInstanceUnless: 'redis:jobs', maxTasks: { api: 12, worker: 4 } });
    expect(prod.rds[0]?.drill).toMatchObject({ user: 'drill', password: 'drill-secret', rowCountTolerance: 0.02 });
    // the rules see every line: no filterPattern on prod's group (staging's has one)
    expect(prod.logs[0]?.filterPattern).toBeUndefined();
    expect(config.environments.staging?.logs[0]?.filterPattern).toBe('?ERROR ?Exception');
    expect(prod.logs[0]?.rules).toEqual([
      { expect: 'Token replay protection: ⚠ Single-instance only', per: 'task', name: 'startup line' },
      { expect: 'heartbeat ok', per: 'window', window: 900_000 },
      { forbid: '/FATAL|panic/i', window: 900_000 },
      { pattern: 'replay attempt', ratePerHour: { warn: 10, crit: 100 }, name: 'replay attempts' },
    ]);
    expect(prod.logs[0]?.filters).toEqual({ errors: '/error|exception/i', slow: '/\\d{4,}ms/' });
    expect(prod.redis[0]?.queues.map((q) => q.flavor)).toEqual(['bullmq', 'rq']);
    expect(prod.postgres[0]?.url).toBe(PROD_VARS.DATABASE_URL);
    expect(prod.http[0]?.expect).toEqual({ status: 200, json: { status: 'healthy' } });
    expect(prod.metrics[0]?.headers).toEqual({ Authorization: 'Bearer metrics-token-value' });
    expect(prod.metrics[0]?.rules).toEqual([
      { series: 'error_rate_total', rate: '5m', warn: 1, crit: 5 },
      { series: 'queue_depth', labels: { queue: 'emails' }, warn: 100, crit: 1000 },
      { ratio: ['errors_total', 'requests_total'], rate: '5m', warn: 0.01, crit: 0.05 },
    ]);
    expect(prod.http[1]).toMatchObject({ method: 'GET', headers: { Authorization: 'Bearer ops-token-value' }, expect: { json: { dlq: { warn: 10, crit: 100 } } }, tls: { warnDays: 14, critDays: 3 } });
    expect(prod.thresholds?.cpu).toEqual({ warn: 80, crit: 95 });
    expect(prod.thresholds).toMatchObject({ longQuery: { warn: 300, crit: 900 }, idleInTransaction: { warn: 60, crit: 300 }, redisMemory: { warn: 75, crit: 90 }, evictions: { warn: 1, crit: 100 } });
    expect(config.environments.staging?.redis[0]?.url).toBe('redis://127.0.0.1:6379');
  });

  it('names every variable it needs when none is set', () => {
    expect(problemsOf(text, {})).toEqual([
      'opsdeck.yaml: environments.prod.rds[0].drill.user: environment variable DRILL_DB_USER is not set',
      'opsdeck.yaml: environments.prod.rds[0].drill.password: environment variable DRILL_DB_PASSWORD is not set',
      'opsdeck.yaml: environments.prod.redis[0].url: environment variable REDIS_URL is not set',
      'opsdeck.yaml: environments.prod.postgres[0].url: environment variable DATABASE_URL is not set',
      'opsdeck.yaml: environments.prod.http[1].headers.Authorization: environment variable OPS_TOKEN is not set',
      'opsdeck.yaml: environments.prod.metrics[0].headers.Authorization: environment variable METRICS_TOKEN is not set',
    ]);
  });

  it('points editors at the committed schema', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/opsdeck.schema.json');
  });
});

describe('examples/local.yaml', () => {
  it('parses with no variables and points at this machine', () => {
    const text = read('examples/local.yaml');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/opsdeck.schema.json');
    const { name, env } = selectEnvironment(parseConfig(text, 'examples/local.yaml', {}));
    expect(name).toBe('local');
    expect(env.aws).toBeUndefined();
    expect([env.ecs, env.rds, env.logs]).toEqual([[], [], []]);
    expect(env.redis[0]?.url).toBe('redis://127.0.0.1:6379');
    expect(env.postgres[0]?.url).toBe('postgres://127.0.0.1:5432/postgres');
    expect(env.postgres[0]?.admin).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(env.http[0]?.url).toBe('http://127.0.0.1:8080/health');
  });
});

describe('schema/opsdeck.schema.json', () => {
  const file = repoFile('schema/opsdeck.schema.json');

  it('matches configJsonSchema() (regenerate: OPSDECK_WRITE_SCHEMA=1 npx vitest run test/config/examples.test.ts)', () => {
    if (process.env.OPSDECK_WRITE_SCHEMA === '1') writeFileSync(file, configJsonSchemaText());
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(configJsonSchema());
  });

  it('describes the input: defaulted keys are optional, unknown keys are refused', () => {
    const schema = configJsonSchema() as {
      $id: string;
      title: string;
      required: string[];
      additionalProperties: boolean;
      properties: { environments: { additionalProperties: { required?: string[]; properties: Record<string, unknown> } } };
    };
    expect(schema.$id).toBe('urn:opsdeck:config');
    expect(schema.title).toBe('opsdeck configuration');
    expect(schema.required).toEqual(['environments']);
    expect(schema.additionalProperties).toBe(false);
    const env = schema.properties.environments.additionalProperties;
    expect(env.required ?? []).toEqual([]);
    expect(Object.keys(env.properties)).toEqual(expect.arrayContaining(['protected', 'ecs', 'rds', 'logs', 'redis', 'postgres', 'http', 'thresholds']));
  });
});
