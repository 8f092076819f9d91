/**
 * Enter on a checklist finding: its suggested fix becomes the same guarded
 * action the panel keys start (s, b, d, n, R, Q), on the target the finding
 * names, found in what the panels hold now. The action's plan and typed
 * confirmation stand between this key and any change.
 */
import type { Reply, TuiActions } from '../src/dashboard/ports.js';
import type { Finding } from '../src/model/findings.js';
import type { PanelSnapshots } from '../src/model/panels.js';
import type { ActionTarget, ViewAction } from './state.js';

export interface FixInput {
  finding: Finding;
  actions: TuiActions | undefined;
  snaps: PanelSnapshots;
  /** the environment's name: the first part of every subject */
  env: string;
  dispatch(a: ViewAction): void;
}

/** "scale api to 1", "scale api out from 2 to 3 tasks": the count to propose at the prompt. */
export function proposedCount(label: string): string {
  return /\bto (\d+)\b/.exec(label)?.[1] ?? '';
}

/** Starts the finding's suggested action; refused with a one-line reason when it cannot. */
export function startFix(input: FixInput): Reply {
  const why = whyNot(input);
  return why === undefined ? { ok: true, message: '' } : { ok: false, message: why };
}

function whyNot({ finding, actions, snaps, env, dispatch }: FixInput): string | undefined {
  const fix = finding.suggested;
  if (!fix) return finding.severity === 'ok' ? `${finding.subject}: nothing to fix` : `no action is suggested for ${finding.subject}: look at its panel`;
  if (!actions) return 'this session cannot act: the environment has no ECS, RDS or queue access';
  const { requests, controller } = actions;
  if (actions.busy()) return 'an action is still running (a shows it): one action at a time';
  const begin = (target: ActionTarget, go: () => void) => {
    dispatch({ type: 'actionTarget', target });
    go();
    return undefined;
  };
  const gone = (what: string) => `${fix.target} is not on the ${what} panel now: nothing to act on`;

  if (fix.action === 'scale' || fix.action === 'rollback' || fix.action === 'redeploy') {
    const ecs = requests.ecs;
    if (!ecs) return 'this session cannot act on ECS: the environment has no ECS access';
    const matches = snaps.ecs.data?.services.filter((s) => s.name === fix.target) ?? [];
    if (matches.length === 0) return gone('ECS');
    if (matches.length > 1) return `${fix.target} runs in ${matches.length} clusters: select it on the ECS panel and press ${fix.action === 'scale' ? 's' : fix.action === 'rollback' ? 'b' : 'd'}`;
    const svc = matches[0]!;
    return begin({ panel: 'ecs', cluster: svc.cluster, service: svc.name }, () => {
      if (fix.action === 'rollback') return controller.begin(ecs.rollback(svc.cluster, svc.name));
      if (fix.action === 'redeploy') return controller.begin(ecs.redeploy(svc.cluster, svc.name));
      const req = ecs.scale(svc.cluster, svc.name);
      controller.begin(req.prompt ? { ...req, prompt: { ...req.prompt, value: proposedCount(fix.label) } } : req);
    });
  }
  if (fix.action === 'snapshot' || fix.action === 'restore') {
    const rds = requests.rds;
    if (!rds) return 'this session cannot act on RDS: the environment has no AWS access for RDS';
    const data = snaps.rds.data;
    const instance = data?.instances.find((i) => i.id === fix.target);
    if (!instance) return gone('RDS');
    if (fix.action === 'snapshot') return begin({ panel: 'rds', instance: instance.id }, () => controller.begin(rds.snapshot(instance.id)));
    const newest = data!.snapshots
      .filter((s) => s.instanceId === instance.id && s.status === 'available' && s.createdAt !== undefined)
      .sort((a, b) => b.createdAt! - a.createdAt!)[0];
    if (!newest) return `${instance.id} has no available snapshot to restore`;
    return begin({ panel: 'rds', instance: instance.id, snapshot: newest.id }, () => controller.begin(rds.restore(newest.id, instance.id)));
  }
  if (fix.action === 'requeue') {
    const queues = requests.queues;
    if (!queues) return 'this session cannot act on queues: the environment configures no Redis';
    const list = snaps.queues.data?.queues ?? [];
    // the subject names the Redis ("demo/jobs/emails"); the target only the queue
    const q = list.find((x) => `${env}/${x.redis}/${x.name}` === finding.subject) ?? (list.filter((x) => x.name === fix.target).length === 1 ? list.find((x) => x.name === fix.target) : undefined);
    if (!q) return list.some((x) => x.name === fix.target) ? `${fix.target} is in several Redis: select it on the Queues panel and press Q` : gone('Queues');
    return begin({ panel: 'queues', redis: q.redis, queue: q.name }, () => controller.begin(queues.requeue(q.redis, q.name)));
  }
  return `opsdeck has no action "${fix.action}" to start from here: ${fix.label}`;
}
