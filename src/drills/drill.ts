/**
 * `runDrill`: what is checked before a backup drill may start (read-only,
 * the protected environment's phrase, something to verify, one drill of an
 * instance at a time), then the drill itself (machine.ts) between a start
 * and an end record in the audit journal.
 */
import { LockHeldError, lockKey, type LockHandle } from '../actions/lock.js';
import { DELETE_VERIFY_TIMEOUT_MS } from '../actions/rds/deleteDrill.js';
import { errorMessage } from '../text/sanitize.js';
import { DrillJournal } from './journalEntries.js';
import { DrillRun } from './machine.js';
import { DRILL_TIMEOUT_MS, drillInstanceId, drillPhrase, runIdOf, type DrillDeps, type DrillRequest } from './setup.js';
import type { DrillReport } from './types.js';

/** The drill did not start: nothing was created. One line, journaled as a refusal. */
export class DrillRefused extends Error {}

export async function runDrill(deps: DrillDeps, req: DrillRequest): Promise<DrillReport> {
  const { env } = deps.ctx;
  const startedAt = deps.ctx.now();
  const runId = runIdOf(req.instance, startedAt);
  const drillId = drillInstanceId(req.instance, startedAt);
  const journal = new DrillJournal(deps, req.instance, drillId, runId, startedAt);

  const phrase = drillPhrase(env, req.instance);
  let refusal: string | undefined;
  if (env.readOnly) refusal = `${env.name} is read-only: the drill was not run (start with --write, or drop --read-only)`;
  else if (phrase !== undefined && req.confirm !== phrase) {
    refusal = req.confirm === undefined ? `${env.name} is protected: confirm the drill with --confirm ${phrase}` : `the confirmation "${req.confirm}" is not "${phrase}": the drill was not run`;
  } else if (req.drill.tables.length === 0 && req.drill.assertions.length === 0) {
    refusal = `the drill of ${req.instance} names no tables and no assertions, so nothing would be verified; add rds[].drill.tables or assertions`;
  }
  if (refusal) {
    await journal.refusal(refusal, phrase !== undefined ? req.confirm === phrase : null);
    throw new DrillRefused(refusal);
  }

  // one drill of an instance at a time, across operators (Redis) or this machine (lock file)
  let lock: LockHandle;
  try {
    lock = await deps.executor.lock.acquire(lockKey(env.name, `${env.name}/${req.instance} (backup drill)`), (req.timeoutMs ?? DRILL_TIMEOUT_MS) + 2 * DELETE_VERIFY_TIMEOUT_MS);
  } catch (err) {
    const message = err instanceof LockHeldError ? err.message : `could not take the drill's lock: ${errorMessage(err)}`;
    await journal.refusal(message, phrase !== undefined ? true : null);
    throw new DrillRefused(message);
  }
  try {
    await journal.start(phrase !== undefined ? true : null);
    const report = await new DrillRun(deps, req, runId, drillId, startedAt).run();
    try {
      await journal.end(report);
    } catch (err) {
      report.message += `; the audit journal's end record could not be written: ${errorMessage(err)}`;
    }
    return report;
  } finally {
    await lock.release().catch(() => undefined);
  }
}

