/**
 * Cancel the statement a session runs (pg_cancel_backend): destructive tier,
 * the operator types the pid. The session stays connected; its client gets
 * "canceling statement due to user request", and inside a transaction block
 * the transaction is aborted until the client rolls back. A session idle (in
 * a transaction or not) runs nothing to cancel: refused, pointing to
 * terminate, which is what ends an idle transaction's locks.
 */
import { signalAction } from './backendAction.js';

export const cancelAction = signalAction({
  how: 'cancel',
  id: 'pg-cancel',
  title: 'Cancel a query',
  planTitle: (session) => `Cancel the query of ${session}`,
  fn: 'pg_cancel_backend',
  refusal(b) {
    if (b.state === 'active') return undefined;
    const idleTx = b.state?.startsWith('idle in transaction') ?? false;
    return `pid ${b.pid} is ${b.state ?? 'in an unknown state'}: no query is running to cancel; terminate it (T, or opsdeck pg terminate) to end the session${idleTx ? ' and roll back its transaction' : ''}`;
  },
  change: (b) => ({ field: 'query', before: `${b.state ?? 'unknown'} since ${b.queryStart ?? '?'}`, after: 'cancelled' }),
  effect: (b) =>
    `the statement fails with "canceling statement due to user request"${b.xactStart ? '; its transaction is aborted until the client rolls back' : ''}; the session stays connected${b.blocking.length ? '; the sessions it blocks wait on while its transaction holds its locks' : ''}`,
  done(planned, now) {
    if (!now || now.backendStart !== planned.backendStart) return `pid ${planned.pid}'s session has ended`;
    if (now.queryStart !== planned.queryStart) return `pid ${planned.pid}'s query ended; it is ${now.state ?? 'unknown'}, on another statement`;
    if (now.state !== 'active') return `pid ${planned.pid}'s query ended; it is ${now.state ?? 'unknown'}`;
    return undefined;
  },
});
