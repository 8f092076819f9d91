/**
 * Log checks: the error rate of the last five minutes, and the errors of the
 * whole window (overnight). Both count events: the lines of a multi-line
 * trace are joined to the error they continue (engine/logs/traces.ts).
 */
import type { LogsSnapshot } from '../../model/logs.js';
import { errorRatePercent, errorsPerMinute } from '../../engine/logTail.js';
import { oneLine } from '../../text/sanitize.js';
import { LOGS_REF } from '../../model/subjects.js';
import { grade } from '../thresholds.js';
import { windowFromSnapshot } from '../logWindow.js';
import { age, findingsOf, pct, type CheckContext, type CheckDefinition } from '../types.js';

const where = (logs: LogsSnapshot) => logs.groups.join(', ') || 'the logs';

const errorRate: CheckDefinition = {
  id: 'logs.error-rate',
  area: 'logs',
  title: 'Error rate of the logs',
  reads: ['logs'],
  thresholds: ['errorRatePercent', 'errorsPerMinute'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    const logs = ctx.data.logs!;
    if (logs.groups.length === 0) return [];
    const subject = LOGS_REF;
    if (logs.filtered) {
      const perMin = errorsPerMinute(logs, 5);
      const sev = grade(perMin, ctx.threshold('errorsPerMinute', logs.groups));
      return [f(sev, subject, `${sev === 'ok' ? 'few' : 'many'} error lines in ${where(logs)} (the tail is narrowed by a filter pattern)`, `${perMin.toFixed(1)} errors/min over 5m`)];
    }
    const rate = errorRatePercent(logs, 5);
    if (rate === null) return [f('ok', subject, `no lines in ${where(logs)} in the last 5 minutes`, '0 lines')];
    const severity = grade(rate, ctx.threshold('errorRatePercent', logs.groups));
    return [f(severity, subject, `error rate is ${severity === 'ok' ? 'low' : 'high'} in ${where(logs)}`, `${pct(rate)} errors over 5m`)];
  },
};

/**
 * "Check CloudWatch logs for overnight errors": the count over the window
 * with its most frequent error, graded like the rate but over the window, so
 * a burst at 02:00 that is over by morning still shows.
 */
const errorsInWindow: CheckDefinition = {
  id: 'logs.errors-window',
  area: 'logs',
  title: 'Errors since the last checklist',
  reads: ['logs'],
  thresholds: ['errorRatePercent', 'errorsPerMinute'],
  actions: [],
  evaluate(ctx: CheckContext) {
    const f = findingsOf(this);
    const logs = ctx.data.logs!;
    if (logs.groups.length === 0) return [];
    const w = ctx.logWindow ?? windowFromSnapshot(logs, ctx.since, ctx.now);
    const span = Math.max(60_000, w.to - w.from);
    const subject = LOGS_REF;
    const filtered = logs.filtered || w.filtered;
    const perMin = (60_000 * w.errors) / span;
    const share = w.lines > 0 ? (100 * w.errors) / w.lines : 0;
    const severity = filtered ? grade(perMin, ctx.threshold('errorsPerMinute', logs.groups)) : grade(share, ctx.threshold('errorRatePercent', logs.groups));
    const figure = filtered ? `${w.errors} errors, ${perMin.toFixed(2)}/min` : `${w.errors} errors in ${w.lines} events, ${pct(share)}`;
    const lowerBound = w.partial ? '; not every line was read, so this is a lower bound' : '';
    const top = w.top ? `, top: ${oneLine(w.top.fingerprint, 160)} (×${w.top.count})` : '';
    const count = w.errors === 0 ? 'no errors' : `${w.errors} error${w.errors === 1 ? '' : 's'}`;
    return [f(severity, subject, `${count} in the last ${age(w.to - w.from)}${top}${lowerBound}`, figure)];
  },
};

export const LOG_CHECKS: readonly CheckDefinition[] = [errorRate, errorsInWindow];
