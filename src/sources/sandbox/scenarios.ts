/**
 * What each scenario stages. Every knob is a function of absolute time
 * anchored at the sandbox's start, so a scenario plays out the same way
 * however often it is read. Each scenario stages its own problem and nothing
 * else: `calm` must give the checks nothing to report.
 */
import { CLUSTER, type ServiceSpec } from './ecs.js';
import type { EcsSim } from './ecs.js';
import type { RequestMix } from './loglines.js';
import type { PgPlan } from './postgres.js';
import type { QueuePlan } from './queues.js';
import type { RevisionChanges } from './taskdefs.js';

export const SCENARIOS = ['calm', 'error-spike', 'bad-deploy', 'dlq-backlog', 'db-saturation', 'unsafe-scale'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export function isScenario(s: string): s is Scenario {
  return (SCENARIOS as readonly string[]).includes(s);
}

export type QueueName = 'emails' | 'default';

export interface ScenarioPlan {
  services: ServiceSpec[];
  /** revisions registered before the start, e.g. the bad release */
  revisions: Array<{ family: string; at: number; changes: RevisionChanges }>;
  /** things that happen at a given time, e.g. someone deploys */
  timeline: Array<{ at: number; run: (ecs: EcsSim, at: number) => void }>;
  /** multiplier on the API's normal request rate */
  traffic(t: number): number;
  requests(t: number): RequestMix;
  probeDegraded(t: number): boolean;
  queue(name: QueueName, t: number): QueuePlan;
  failedAtStart: Record<QueueName, number>;
  pg: PgPlan;
  rdsCpu: [number, number];
  /** API tasks booting from this time on never write the startup line */
  noStartupLineFrom?: number;
  /** a maintenance action RDS will apply to demo-db by itself at this time */
  maintenanceDueAt?: number;
  /** when the API's TLS certificate expires */
  certExpiresAt: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const CALM_REQUESTS: RequestMix = { errorRate: 0.0008, warnRate: 0.025, errors: 'calm', dbWarnings: false };

const CALM_QUEUES: Record<QueueName, QueuePlan> = {
  emails: { arrivalPerSec: 1.1, batchEverySec: 240, batchSize: [40, 120], serviceSec: 2.5, slotsPerWorker: 4, failRate: 0, delayed: [2, 9] },
  default: { arrivalPerSec: 0.5, batchEverySec: 300, batchSize: [10, 30], serviceSec: 2, slotsPerWorker: 2, failRate: 0, delayed: [0, 2] },
};

function services(start: number): ServiceSpec[] {
  return [
    { name: 'api', family: 'demo-api', revision: 44, desired: 3, minHealthyPercent: 50, maxPercent: 200, drainMs: 8_000, loadBalanced: true, deployedAt: start - 2 * DAY - 4 * HOUR, autoscaling: { min: 2, max: 6 } },
    { name: 'worker', family: 'demo-worker', revision: 19, desired: 2, minHealthyPercent: 100, maxPercent: 200, drainMs: 3_000, loadBalanced: false, deployedAt: start - 3 * DAY - 4 * HOUR, autoscaling: { min: 1, max: 4 } },
    // a singleton: stop the old task before starting the new one
    { name: 'scheduler', family: 'demo-scheduler', revision: 9, desired: 1, minHealthyPercent: 0, maxPercent: 100, drainMs: 2_000, loadBalanced: false, deployedAt: start - 6 * DAY - 4 * HOUR },
  ];
}

function calm(start: number): ScenarioPlan {
  return {
    services: services(start),
    revisions: [],
    timeline: [],
    traffic: () => 1,
    requests: () => CALM_REQUESTS,
    probeDegraded: () => false,
    queue: (name) => CALM_QUEUES[name],
    failedAtStart: { emails: 0, default: 0 },
    pg: { sizeAnchor: start, leakPerApiTask: 0 },
    rdsCpu: [11, 24],
    // renewed a month ago, as an ACME client does at two thirds of 90 days
    certExpiresAt: start + 62 * DAY,
  };
}

function errorSpike(start: number): ScenarioPlan {
  const since = start - 8 * MIN;
  const inIncident = (t: number) => t >= since;
  // bursts of 50 s every 150 s on top of a raised floor: above 5 % over any few minutes
  const inBurst = (t: number) => inIncident(t) && (t - since) % 150_000 < 50_000;
  return {
    ...calm(start),
    traffic: (t) => (inIncident(t) ? 1.15 : 1),
    requests: (t) => (inIncident(t) ? { errorRate: inBurst(t) ? 0.4 : 0.045, warnRate: 0.06, errors: 'spike', dbWarnings: false } : CALM_REQUESTS),
    probeDegraded: inIncident,
  };
}

/**
 * Two bad releases after a good one, so "the previous revision" is bad too:
 * 45 renamed a secret in the task definition but not in the code, and its
 * deployment failed; 46, a new image meant to fix it, kept the renamed
 * secret and is crash-looping now. 44 ran steady for two days before them.
 */
function badDeploy(start: number): ScenarioPlan {
  return {
    ...calm(start),
    revisions: [
      {
        family: 'demo-api',
        at: start - 13 * MIN,
        changes: { image: '2.15.0', environment: { FEATURE_FLAGS: 'checkout-v2,saved-carts,one-click-refunds' }, secrets: { remove: ['PAYMENTS_WEBHOOK_SECRET'], add: ['PAYMENT_WEBHOOK_SECRET'] } },
      },
      { family: 'demo-api', at: start - 4 * MIN, changes: { image: '2.15.1', environment: { LOG_LEVEL: 'debug' } } },
    ],
    timeline: [
      { at: start - 12 * MIN, run: (ecs, at) => void ecs.updateService('demo', 'api', at, { taskDefinition: 'demo-api:45' }) },
      { at: start - 70_000, run: (ecs, at) => void ecs.updateService('demo', 'api', at, { taskDefinition: 'demo-api:46' }) },
    ],
  };
}

function dlqBacklog(start: number): ScenarioPlan {
  const since = start - 14 * MIN;
  return {
    ...calm(start),
    queue: (name, t) => {
      if (t < since) return CALM_QUEUES[name];
      // the SMTP provider is timing out: slow sends, most of them failing after retries
      if (name === 'emails') return { ...CALM_QUEUES.emails, serviceSec: 9, failRate: 0.6, delayed: [30, 80] };
      return { ...CALM_QUEUES.default, failRate: 0.04 };
    },
    failedAtStart: { emails: 260, default: 11 },
  };
}

function dbSaturation(start: number): ScenarioPlan {
  return {
    ...calm(start),
    requests: () => ({ errorRate: 0.004, warnRate: 0.08, errors: 'db', dbWarnings: true }),
    // 19 leaked connections per API task: about 91 of 100 with three tasks
    pg: { sizeAnchor: start, leakPerApiTask: 19, lockChainSince: start - 7 * MIN },
    rdsCpu: [81, 94],
  };
}

function unsafeScale(start: number): ScenarioPlan {
  const plan = calm(start);
  plan.services = plan.services.map((s) => (s.name === 'scheduler' ? { ...s, desired: 3, scaledUpAt: start - 40 * MIN } : s));
  // an API task replaced eight minutes ago comes up without the startup line runbook 001 expects
  const replacedAt = start - 8 * MIN;
  plan.noStartupLineFrom = replacedAt;
  plan.timeline = [...plan.timeline, { at: replacedAt, run: (ecs, at) => void ecs.stopTask(CLUSTER, ecs.serving('api')[0]!.id, 'Task stopped by user', at) }];
  // and RDS will apply an OS update to the database in three days
  plan.maintenanceDueAt = start + 3 * DAY;
  // and the API's certificate has 9 days left: issued 81 days ago, its renewals (due at 30 days left) have failed since
  plan.certExpiresAt = start + 9 * DAY + 6 * HOUR;
  return plan;
}

export function planFor(scenario: Scenario, start: number): ScenarioPlan {
  switch (scenario) {
    case 'calm': return calm(start);
    case 'error-spike': return errorSpike(start);
    case 'bad-deploy': return badDeploy(start);
    case 'dlq-backlog': return dlqBacklog(start);
    case 'db-saturation': return dbSaturation(start);
    case 'unsafe-scale': return unsafeScale(start);
  }
}
