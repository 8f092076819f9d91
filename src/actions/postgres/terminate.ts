/**
 * Terminate a backend (pg_terminate_backend): destructive tier, the operator
 * types the pid. The session's connection is closed, its open transaction
 * rolls back and its locks are released, so whoever queued behind it goes on.
 * Verified when the pid is gone from pg_stat_activity (or now belongs to a
 * new session).
 */
import { signalAction } from './backendAction.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const terminateAction = signalAction({
  how: 'terminate',
  id: 'pg-terminate',
  title: 'Terminate a session',
  planTitle: (session) => `Terminate ${session}`,
  fn: 'pg_terminate_backend',
  change: (b) => ({ field: 'session', before: `${b.state ?? 'unknown'}, connected since ${b.backendStart ?? '?'}`, after: 'terminated' }),
  effect: (b) =>
    `the connection is closed${b.xactStart ? ', its open transaction rolls back' : ''} and its locks are released${b.blocking.length ? `: ${plural(b.blocking.length, 'waiting session')} may go on` : ''}; the client must reconnect`,
  done(planned, now) {
    if (!now) return `pid ${planned.pid} is gone from pg_stat_activity`;
    if (now.backendStart !== planned.backendStart) return `pid ${planned.pid} is gone (the number now belongs to a new session)`;
    return undefined;
  },
});
