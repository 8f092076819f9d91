/**
 * The two-person rule in the dashboard, requester's side: the confirmed plan
 * becomes a request in the team store (journaled and notified as from the
 * command line) and the run waits, reading the request every second, until
 * another operator decides.
 */
import type { ApprovalGate } from '../actions/executor.js';
import type { ApprovalRequester } from '../actions/controller.js';
import { executorDeps } from '../cli/actionSetup.js';
import { recordRequest } from '../cli/approvalCommands.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import type { EnvironmentInfo } from '../model/environment.js';
import { approvalsNeeded, operatorLine, type ApprovalStore } from '../team/approvals.js';

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
