/**
 * The approvals screen's feed, the approver's side of the two-person rule in
 * the dashboard: the environment's pending requests, read from the team store
 * every POLL_MS while the screen is open (and at once after a decision), and
 * the decision made by the code `opsdeck approve|reject ID` runs
 * (decideRequest: the typed id checked, the store refusing self-approval,
 * the journal's record). Nothing here runs from a render or a key handler's
 * own time: `open` starts the timer, `decide` answers at once and works on.
 */
import type { ApprovalRequest, ApprovalOperator } from '../team/approvals.js';
import { normaliseId, operatorLine, selfApproval } from '../team/approvals.js';
import { requestLines } from '../cli/approvalCommands.js';
import { Observable } from '../engine/observable.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { ApprovalRow, ApprovalsView, Reply, TuiApprovalsHandle } from './ports.js';

const POLL_MS = 2_000;

/** What the feed reaches: the environment's store, the operator this process is, the CLI's decision. */
export interface ApprovalsSource {
  /** why there is no list (no `approvals` in the config, no team store); undefined: there is one */
  unavailable(): Promise<string | undefined>;
  pending(): Promise<ApprovalRequest[]>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  me(): ApprovalOperator;
  decide(request: ApprovalRequest, verdict: 'approved' | 'rejected', typed: string): Promise<Reply>;
}

export function approvalRow(r: ApprovalRequest, me: ApprovalOperator, now: number): ApprovalRow {
  // the store is outside text: another operator's process wrote it
  const self = selfApproval(r.requester, me);
  return {
    id: oneLine(r.id, 12),
    requester: oneLine(operatorLine(r.requester), 160),
    action: oneLine(r.action, 60),
    target: oneLine(r.target, 200),
    tier: r.plan.tier,
    summary: oneLine(r.plan.summary, 500),
    ageMs: Math.max(0, now - r.createdAt.getTime()),
    expiresInMs: r.expiresAt.getTime() - now,
    lines: requestLines(r).map((l) => oneLine(l, 1000)),
    // the approver's AWS identity not known yet is the store's to say at the decision, not a mark on every row
    ...(self && me.aws ? { refusal: self } : {}),
  };
}

export function createApprovalsFeed(src: ApprovalsSource, o: { pollMs?: number; now?: () => number } = {}): TuiApprovalsHandle {
  const state = new Observable<ApprovalsView>({ rows: [] });
  const now = o.now ?? Date.now;
  let shown = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reading: Promise<void> | undefined;

  const read = (): Promise<void> =>
    (reading ??= (async () => {
      try {
        const why = await src.unavailable();
        if (why) return state.set({ rows: [], unavailable: why });
        const me = src.me();
        const at = now();
        const rows = (await src.pending()).map((r) => approvalRow(r, me, at));
        state.update((v) => ({ ...withoutError(v), rows, read: true }));
      } catch (err) {
        state.update((v) => ({ ...v, error: `the team store did not answer: ${oneLine(errorMessage(err), 200)}` }));
      } finally {
        reading = undefined;
        if (shown) {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => void read(), o.pollMs ?? POLL_MS);
          timer.unref?.();
        }
      }
    })());

  return {
    getState: state.get,
    subscribe: state.subscribe,
    open() {
      if (shown) return;
      shown = true;
      void read();
    },
    close() {
      shown = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    refresh() {
      void read();
    },
    decide(idText, verdict, typed) {
      const id = normaliseId(idText);
      const verb = verdict === 'approved' ? 'approving' : 'rejecting';
      if (state.get().deciding) return { ok: false, message: `${state.get().deciding} is under way` };
      state.update((v) => ({ ...v, deciding: `${verb} ${id}…` }));
      void (async () => {
        let result: Reply;
        try {
          const request = await src.get(id);
          result = request ? await src.decide(request, verdict, typed) : { ok: false, message: `refused: no approval request ${id}` };
        } catch (err) {
          result = { ok: false, message: `refused: the team store did not answer (${oneLine(errorMessage(err), 200)}): nothing was decided` };
        }
        state.update((v) => {
          const { deciding: _, ...rest } = v;
          return { ...rest, result: { ok: result.ok, message: oneLine(result.message, 500) } };
        });
        await read();
      })();
      return { ok: true, message: '' };
    },
  };
}

function withoutError(v: ApprovalsView): ApprovalsView {
  const { error: _, unavailable: __, ...rest } = v;
  return rest;
}
