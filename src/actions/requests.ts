/**
 * What the TUI hands the action controller when a key asks for an ECS action
 * on the selected service: which action, what to ask, and how the typed text
 * becomes the action's arguments. Bad text is one line saying what to type;
 * it never reaches ECS.
 */
import type { ActionRequest } from './controller.js';
import { scaleAction, type ScaleArgs } from './ecs/scale.js';
import { rollbackAction, type RollbackArgs } from './ecs/rollback.js';
import { redeployAction, type RedeployArgs } from './ecs/redeploy.js';

const WHOLE = /^\d+$/;

export function scaleRequest(cluster: string, service: string): ActionRequest<ScaleArgs> {
  return {
    action: scaleAction,
    title: `Scale ${service}`,
    prompt: { label: 'desired count', value: '', hint: 'a whole number of tasks; 0 stops every task of the service' },
    args(input) {
      const text = input.trim();
      if (text === '') throw new Error('type the desired count (0 stops the service), or Esc to cancel');
      if (!WHOLE.test(text)) throw new Error(`the desired count is a whole number like 0 or 3, not "${text}"`);
      const desired = Number(text);
      if (!Number.isSafeInteger(desired)) throw new Error(`${text} tasks is not a count ECS can run`);
      return { cluster, service, desired };
    },
  };
}

export function rollbackRequest(cluster: string, service: string): ActionRequest<RollbackArgs> {
  return {
    action: rollbackAction,
    title: `Roll back ${service}`,
    prompt: { label: 'revision (Enter: the previous one)', value: '', hint: 'a revision number of the service\'s family, e.g. 43; empty for the one before the current' },
    args(input) {
      const text = input.trim();
      if (text === '') return { cluster, service };
      // only the number: a "family:43" typed here could name another family than the service's
      if (!WHOLE.test(text)) throw new Error(`the revision is a number like 43 (or empty for the previous one), not "${text}"`);
      const to = Number(text);
      if (!Number.isSafeInteger(to) || to < 1) throw new Error(`revision ${text} cannot exist: revisions start at 1`);
      return { cluster, service, to };
    },
  };
}

export function redeployRequest(cluster: string, service: string): ActionRequest<RedeployArgs> {
  return {
    action: redeployAction,
    title: `Redeploy ${service}`,
    args: () => ({ cluster, service }),
  };
}

/** The builders the TUI is given (see TuiOptions), so the views never pick an action definition themselves. */
export interface EcsRequests {
  scale: typeof scaleRequest;
  rollback: typeof rollbackRequest;
  redeploy: typeof redeployRequest;
}

export const ecsRequests: EcsRequests = { scale: scaleRequest, rollback: rollbackRequest, redeploy: redeployRequest };
