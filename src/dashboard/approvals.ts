/**
 * The two-person rule in the dashboard. The requester's side: the confirmed
 * plan becomes a request in the team store (journaled and notified as from
 * the command line) and the run waits, reading the request every second,
 * until another operator decides. The approver's side: the approvals
 * screen's feed (approvalsFeed.ts) on this environment's store, deciding
 * through the command line's `decideRequest`.
 */
import type { ApprovalGate } from '../actions/executor.js';
import type { ApprovalRequester } from '../actions/controller.js';
import type { executorDeps } from '../cli/actionSetup.js';
import { decideRequest, recordRequest } from '../cli/approvalCommands.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import type { EnvironmentInfo } from '../model/environment.js';
import { approvalsNeeded, operatorLine, type ApprovalStore } from '../team/approvals.js';
import { runningOperator } from '../cli/actionSetup.js';
import { createApprovalsFeed } from './approvalsFeed.js';
import type { TuiApprovalsHandle } from './ports.js';

type Pending = ReturnType<typeof executorDeps>;

const POLL_MS = 1_000;

/** The executor's gate before the team store is open: the config says whether it is needed, the store answers once open. */
export function deferredGate(opened: OpenedEnvironment, pending: Pending): ApprovalGate | undefined {
  const config = opened.config.approvals;
  if (!config) return undefined;
  return {
    required: (plan) => approvalsNeeded(config, plan.tier) > 0,
    consume: async (plan, id) => {
      const gate = (await pending).approvals;
      return gate ? gate.consume(plan, id) : { ok: false, message: 'the two-person rule could not be checked: nothing was done' };
    },
  };
}

export function tuiApprovalRequester(opened: OpenedEnvironment, pending: Pending, env: () => EnvironmentInfo, processEnv: NodeJS.ProcessEnv): ApprovalRequester | undefined {
  if (!opened.config.approvals) return undefined;
  return {
    // the box asks every guarded plan for its reason before the phrase; the fallback only covers a caller that did not
    request: async (plan, reason) => recordRequest(await pending, { ...opened, info: env() }, plan, reason ?? 'requested from the dashboard (no reason given)', processEnv),
    decided: async (id, signal) => {
      const store = (await pending).approvalStore;
      return store ? approvedBy(store, id, signal) : { approved: false, message: 'the team store is not open' };
    },
  };
}

/** Reads the request every second until it is decided (or the wait is stopped); a store that does not answer is asked again. */
export async function approvedBy(store: Pick<ApprovalStore, 'get'>, id: string, signal: AbortSignal, everyMs = POLL_MS): Promise<{ approved: true } | { approved: false; message: string }> {
  for (;;) {
    if (signal.aborted) return { approved: false, message: 'stopped waiting for the approval' };
    try {
      const r = await store.get(id);
      if (!r) return { approved: false, message: 'the request is gone' };
      if (r.status === 'approved') return { approved: true };
      if (r.status !== 'pending') return { approved: false, message: `${r.status}${r.decision ? ` by ${operatorLine(r.decision.by)}` : ''}` };
    } catch {
      // the store may come back; the wait goes on, the request stays
    }
    await new Promise<void>((done) => {
      const t = setTimeout(done, everyMs);
      signal.addEventListener('abort', () => (clearTimeout(t), done()), { once: true });
    });
  }
}

/** The approvals screen's feed of this environment; `env` is the header's (its identity arrives after start-up). */
export function tuiApprovals(opened: OpenedEnvironment, pending: Pending, env: () => EnvironmentInfo, processEnv: NodeJS.ProcessEnv): TuiApprovalsHandle {
  const name = opened.info.name;
  const now = () => ({ ...opened, info: env() });
  const store = async () => {
    const deps = await pending;
    if (!deps.approvalStore) throw new Error('the team store is not open');
    return deps.approvalStore;
  };
  return createApprovalsFeed({
    unavailable: async () => {
      if (!opened.config.approvals) return `${name} has no two-person rule: add approvals: { destructive: 1 } to the environment in the config (and team.store)`;
      if (!opened.teamStore || !(await pending).approvalStore) return `${name} keeps approvals in the team store, and none is configured: set team.store (in the demo, OPSDECK_TEAM_DB)`;
      return undefined;
    },
    pending: async () => (await store()).pending(name),
    get: async (id) => (await store()).get(id),
    me: () => runningOperator(now(), processEnv),
    decide: async (request, verdict, typed) => decideRequest(await pending, now(), request, verdict, typed, processEnv),
  });
}
