/**
 * Enter on a checklist finding: its suggested fix becomes the same guarded
 * action the panel keys start (s, b, d, n, R, Q), on the target the finding
 * names exactly (cluster and service, Redis and queue, instance and snapshot),
 * if the panels still show it. The action's plan and typed
 * confirmation stand between this key and any change.
 */
import type { Reply, TuiActions } from '../src/dashboard/ports.js';
import type { Finding } from '../src/model/findings.js';
import type { PanelSnapshots } from '../src/model/panels.js';
import type { ActionTarget, ViewAction } from './state.js';
import { targetName } from './actionStart.js';

interface FixInput {
  finding: Finding;
  actions: TuiActions | undefined;
  snaps: PanelSnapshots;
  dispatch(a: ViewAction): void;
}

/** Starts the finding's suggested action; refused with a one-line reason when it cannot. */
export function startFix(input: FixInput): Reply {
  const why = whyNot(input);
  return why === undefined ? { ok: true, message: '' } : { ok: false, message: why };
}

function whyNot({ finding, actions, snaps, dispatch }: FixInput): string | undefined {
  const fix = finding.suggested;
  if (!fix) return finding.severity === 'ok' ? `${finding.subject}: nothing to fix` : `no action is suggested for ${finding.subject}: look at its panel`;
  if (!actions) return 'this session cannot act: the environment has no ECS, RDS or queue access';
  const { requests, controller } = actions;
  const begin = (target: ActionTarget, go: (tag: ActionTarget) => void) => {
    // the same rule as the panel keys: only an open box, or a call under way on this target, waits
    const busy = actions.busy(targetName(target));
    if (busy) return busy;
    dispatch({ type: 'actionTarget', target });
    go(target);
    return undefined;
  };
  const gone = (what: string) => `${fix.target} is not on the ${what} panel now: nothing to act on`;

  // the suggestion carries the exact request: its cluster, Redis, snapshot and count, never read back from words
  switch (fix.action) {
    case 'scale':
    case 'rollback':
    case 'redeploy': {
      const ecs = requests.ecs;
      if (!ecs) return 'this session cannot act on ECS: the environment has no ECS access';
      const { cluster, service } = fix;
      if (!snaps.ecs.data?.services.some((s) => s.cluster === cluster && s.name === service)) return gone('ECS');
      return begin({ panel: 'ecs', cluster, service }, (tag) => {
        if (fix.action === 'redeploy') return controller.begin(ecs.redeploy(cluster, service), tag);
        // the prompt comes filled with what the finding suggests (a count, last-good); Enter plans it, the operator may change it
        if (fix.action === 'rollback') {
          const req = ecs.rollback(cluster, service);
          return controller.begin(req.prompt ? { ...req, prompt: { ...req.prompt, value: fix.to ?? '' } } : req, tag);
        }
        const req = ecs.scale(cluster, service);
        controller.begin(req.prompt ? { ...req, prompt: { ...req.prompt, value: String(fix.desired) } } : req, tag);
      });
    }
    case 'snapshot':
    case 'restore': {
      const rds = requests.rds;
      if (!rds) return 'this session cannot act on RDS: the environment has no AWS access for RDS';
      const { instance } = fix;
      if (!snaps.rds.data?.instances.some((i) => i.id === instance)) return gone('RDS');
      if (fix.action === 'snapshot') return begin({ panel: 'rds', instance }, (t) => controller.begin(rds.snapshot(instance), t));
      const { snapshot } = fix;
      return begin({ panel: 'rds', instance, snapshot }, (t) => controller.begin(rds.restore(snapshot, instance), t));
    }
    case 'delete-drill-instance':
      // its delete is confirmed per instance by `drill cleanup`, which also finds the drill's record
      return `delete ${fix.instance} with \`opsdeck drill cleanup\` (it asks for the instance's name)`;
    case 'requeue': {
      const queues = requests.queues;
      if (!queues) return 'this session cannot act on queues: the environment configures no Redis';
      const { redis, queue } = fix;
      if (!snaps.queues.data?.queues.some((q) => q.redis === redis && q.name === queue)) return gone('Queues');
      return begin({ panel: 'queues', redis, queue }, (t) => controller.begin(queues.requeue(redis, queue), t));
    }
  }
}
