/**
 * The verification loop of the RDS actions: read, judge, tell the operator,
 * sleep, until the judge says done or the plan's timeout passes. A restore
 * is watched for up to an hour, so a throttled or dropped read along the way
 * is a progress line and a longer pause, never the end of the watch: the
 * SDK's adaptive retry has already given up on that one read, not on RDS.
 */
import { errorKind } from '../../sources/aws/errors.js';
import { errorMessage } from '../../text/sanitize.js';
import type { ActionContext, Plan, VerifyProgress, VerifyResult } from '../types.js';
import { duration } from './context.js';
import { timeoutText } from '../timeout.js';

/** RDS states move in minutes; the AWS CLI's own waiter polls every 30 s. */
export const VERIFY_POLL_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;

export interface Judgement {
  progress: VerifyProgress;
  /** set when the wait is over, either way */
  done?: VerifyResult;
}

/** Throttling and network trouble pass; anything else (access denied, a bad request) will not. */
export function isTransient(err: unknown): boolean {
  const kind = errorKind(err);
  return kind === 'throttled' || kind === 'network';
}

export async function waitUntil<T>(
  ctx: ActionContext,
  plan: Pick<Plan, 'verifyTimeoutMs'>,
  read: (signal: AbortSignal) => Promise<T>,
  judge: (value: T, elapsedMs: number) => Judgement,
  onProgress: (p: VerifyProgress) => void,
  signal: AbortSignal,
): Promise<VerifyResult> {
  const started = ctx.now();
  const deadline = started + plan.verifyTimeoutMs;
  let last = 'nothing read yet';
  let failures = 0;
  for (;;) {
    let pause = VERIFY_POLL_MS;
    try {
      const j = judge(await read(signal), ctx.now() - started);
      failures = 0;
      last = j.progress.message;
      onProgress(j.progress);
      if (j.done) return j.done;
    } catch (err) {
      if (signal.aborted || !isTransient(err)) throw err;
      failures++;
      pause = Math.min(MAX_BACKOFF_MS, VERIFY_POLL_MS * 2 ** failures);
      onProgress({ message: `${errorMessage(err)}; reading again in ${duration(pause)} (last seen: ${last})` });
    }
    if (ctx.now() >= deadline) {
      return { ok: false, message: `after ${timeoutText(plan.verifyTimeoutMs)} ${last}; it may still finish, watch the RDS panel` };
    }
    await ctx.sleep(Math.min(pause, Math.max(1, deadline - ctx.now())), signal);
  }
}
