/**
 * The executor's observer that tells the notification queue how each action
 * ended: done → action.executed, failed or aborted → action.failed, refused
 * (read-only, a lock held, a wrong phrase…) → action.refused; and a phrase
 * mistyped in the dashboard's confirmation box (which stays open for
 * another try) → action.refused too. It only queues: the action never waits.
 * What the operator typed is never sent: a mistyped phrase may be anything,
 * a pasted password included.
 */
import type { ActionObserver, RunResult } from '../actions/executor.js';
import type { Plan } from '../actions/types.js';
import { currentOperator } from '../audit/record.js';
import { oneLine } from '../text/sanitize.js';
import type { ActionNotice } from './events.js';
import type { Notifier } from './notifier.js';

const TYPED = /^(no confirmation given; type \(or pass --confirm\) .*|the confirmation ".*" is not ".*"): nothing was done$/s;

export function actionNotice(plan: Plan, outcome: RunResult['outcome'] | 'mistyped', message: string, at = Date.now(), breakGlass?: string, reason?: string): ActionNotice {
  const event: ActionNotice['event'] = outcome === 'done' ? 'action.executed' : outcome === 'failed' || outcome === 'aborted' ? 'action.failed' : 'action.refused';
  const phraseWrong = outcome === 'mistyped' || TYPED.test(message);
  const op = currentOperator();
  return {
    event,
    environment: oneLine(plan.environment, 64),
    at: new Date(at).toISOString(),
    operator: `${op.user}@${op.host}`,
    action: oneLine(plan.action, 60),
    target: oneLine(plan.target.display, 200),
    title: oneLine(plan.title, 200),
    tier: plan.tier,
    summary: oneLine(plan.summary, 500),
    message: phraseWrong ? 'the typed confirmation did not match the phrase; nothing was done' : oneLine(message, 500),
    ...(breakGlass !== undefined ? { breakGlass: oneLine(breakGlass, 300) } : {}),
    ...(reason ? { reason: oneLine(reason, 300) } : {}),
  };
}

export function notifyingObserver(notifier: Notifier): ActionObserver {
  return {
    outcome: (plan, result) => void notifier.post(actionNotice(plan, result.outcome, result.message, Date.now(), result.breakGlass, result.reason)),
    mistyped: (plan) => void notifier.post(actionNotice(plan, 'mistyped', '')),
  };
}

/** Every observer told of everything; one that throws does not keep the others from hearing. */
export function bothObservers(...list: (ActionObserver | undefined)[]): ActionObserver {
  const all = list.filter((o): o is ActionObserver => o !== undefined);
  const each = (call: (o: ActionObserver) => void) => {
    for (const o of all) {
      try {
        call(o);
      } catch {
        // a bystander, as in the executor
      }
    }
  };
  return {
    planned: (p) => each((o) => o.planned?.(p)),
    confirmed: (p) => each((o) => o.confirmed?.(p)),
    outcome: (p, r) => each((o) => o.outcome?.(p, r)),
    mistyped: (p) => each((o) => o.mistyped?.(p)),
  };
}
