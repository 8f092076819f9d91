/**
 * The demo environment written as a user would write it in opsdeck.yaml, so
 * everything downstream (checks, topology rules, probes' expectations) reads
 * the sandbox through the same config as a real environment. Written with
 * every default spelled out rather than run through zod, so the demo does not
 * load the schema library; a test checks the schema would produce the same.
 */
import type { EnvironmentConfig } from '../../config/schema.js';
import { DB_ID } from './rds.js';
import { PROBE_URL, QUEUE_PROBE_JSON, QUEUE_PROBE_URL } from './health.js';
import { LOG_GROUP } from './fleet.js';
import { STARTUP_LINE } from './loglines.js';
import { CLUSTER } from './ecs.js';
import { REGION } from './taskdefs.js';
import { demoMetricsConfig } from './appMetrics.js';

export function demoEnvironment(): EnvironmentConfig {
  return {
    protected: false,
    readOnly: false,
    aws: { region: REGION },
    ecs: [
      // a scale past these is refused: 12 api tasks are what the demo database's connections carry
      { cluster: CLUSTER, services: ['api', 'worker'], maxTasks: { api: 12, worker: 8 } },
      // there is no Redis named "locks" in the demo: the scheduler must stay a singleton
      { cluster: CLUSTER, services: ['scheduler'], singleInstanceUnless: 'redis:locks' },
    ],
    rds: [
      {
        instance: DB_ID,
        drill: {
          database: 'app',
          user: 'drill',
          tables: ['users', 'orders', 'order_items'],
          rowCountTolerance: 0.02,
          assertions: ['select count(*) > 0 from users'],
          maxAgeDays: 35,
          rtoObjective: '30m',
        },
      },
    ],
    logs: [
      {
        group: LOG_GROUP,
        filterPattern: '?ERROR ?Exception',
        // runbook 001: every instance says this at startup
        rules: [{ expect: STARTUP_LINE, per: 'task' }],
        filters: { errors: '/error|exception/i', slow: '/\\d{4,}ms/', startup: 'Token replay protection' },
      },
    ],
    redis: [
      {
        name: 'jobs',
        url: 'redis://sandbox.opsdeck.invalid:6379/0',
        queues: [
          { name: 'emails', flavor: 'bullmq' },
          { name: 'default', flavor: 'rq' },
        ],
      },
    ],
    postgres: [{ name: 'primary', url: 'postgres://app@sandbox.opsdeck.invalid:5432/app', admin: 'postgres://opsadmin@sandbox.opsdeck.invalid:5432/app' }],
    http: [
      { name: 'api', url: PROBE_URL, expect: { status: 200, json: { status: 'healthy' } } },
      {
        name: 'queue',
        url: QUEUE_PROBE_URL,
        expect: { status: 200, json: QUEUE_PROBE_JSON },
      },
    ],
    metrics: [demoMetricsConfig()],
  };
}
