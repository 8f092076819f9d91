/**
 * The `rules:` of the `logs:` entries, judged on what the log tail saw
 * (engine/logs/rules.ts): a line every task must write, a line that must not
 * appear, a line's rate per hour. Each rule is its own subject,
 * `logs/<group> expect "…"`, so its finding names the rule it broke.
 */
import type { Finding } from '../../model/findings.js';
import type { LogRule, LogRuleFacts, LogRuleStream } from '../../model/logs.js';
import type { SubjectRef } from '../../model/subjects.js';
import { oneLine } from '../../text/sanitize.js';
import { grade } from '../thresholds.js';
import { age, findingsOf, type CheckDefinition } from '../types.js';

const MINUTE = 60_000;
const DEFAULT_WINDOW_MS = 15 * MINUTE;
/**
 * A stream whose first line came this soon after reading began may have
 * started before it: its startup line could lie before what was read, so it
 * is not judged.
 */
const STARTED_BEFORE_SLACK_MS = MINUTE;
/** a task gets this long after its first line to write the expected one */
const GRACE_MS = 2 * MINUTE;
const HOUR = 60 * MINUTE;
/** a rate is not extrapolated from less than this */
const MIN_RATE_SPAN_MS = 15 * MINUTE;

/**
 * `logs/ecs/app expect "Token replay protection"`: a CloudWatch group name
 * begins with its own slash, which joins the prefix rather than doubling it.
 */
export function ruleTitle(rule: LogRule): string {
  const what = rule.name ?? `${rule.kind} "${oneLine(rule.pattern, 40)}"`;
  return `logs/${rule.group.replace(/^\/+/, '')} ${what}`;
}

const ruleRef = (rule: LogRule): SubjectRef => ({ kind: 'logs', name: ruleTitle(rule) });

/** The task id of an ECS stream (prefix/container/taskId); any other stream by its whole name. */
export function taskOf(stream: string): string {
  return stream.split('/').pop() || stream;
}

const matchesSince = (facts: LogRuleFacts, from: number) => facts.matches.filter((t) => t >= from).length;

const listed = (xs: string[], n = 5) => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} and ${xs.length - n} more`);

function expectPerTask(facts: LogRuleFacts, now: number, f: ReturnType<typeof findingsOf>): Finding {
  const { rule } = facts;
  const subject = ruleRef(rule);
  const seenFromStart = (s: LogRuleStream) => s.first > facts.from + STARTED_BEFORE_SLACK_MS;
  const judged = facts.streams.filter((s) => seenFromStart(s) && now - s.first >= GRACE_MS);
  const before = facts.streams.filter((s) => !seenFromStart(s)).length;
  const missing = judged.filter((s) => s.matchedAt === undefined).map((s) => taskOf(s.stream));
  const unjudged = before > 0 ? `; ${before} task${before === 1 ? '' : 's'} started before ${age(now - facts.from)} ago, not judged` : '';
  const figure = `${judged.length - missing.length}/${judged.length} tasks wrote it${unjudged}`;
  if (missing.length > 0) {
    return f(rule.severity ?? 'warn', subject, `${missing.length} task${missing.length === 1 ? '' : 's'} never wrote the expected line since starting: ${listed(missing)}`, figure);
  }
  if (judged.length === 0) return f('ok', subject, facts.streams.length === 0 ? 'no task wrote any line yet' : 'no task started while the logs were read', figure);
  return f('ok', subject, 'every task wrote the expected line', figure);
}

function expectInWindow(facts: LogRuleFacts, now: number, f: ReturnType<typeof findingsOf>): Finding {
  const { rule } = facts;
  const w = rule.windowMs ?? DEFAULT_WINDOW_MS;
  const n = matchesSince(facts, now - w);
  if (n > 0) return f('ok', ruleRef(rule), `seen in the last ${age(w)}`, `${n} in ${age(w)}`);
  // less read than the window: absence proves nothing yet
  if (now - facts.from < w) return f('ok', ruleRef(rule), `not seen yet; ${age(now - facts.from)} of the ${age(w)} window read`, '0 so far');
  const last = facts.last ? `, last ${age(now - facts.last.at)} ago` : '';
  return f(rule.severity ?? 'warn', ruleRef(rule), `the expected line did not appear in the last ${age(w)}${last}`, `0 in ${age(w)}`);
}

function forbid(facts: LogRuleFacts, now: number, f: ReturnType<typeof findingsOf>): Finding {
  const { rule } = facts;
  const w = rule.windowMs ?? DEFAULT_WINDOW_MS;
  const n = matchesSince(facts, now - w);
  if (n === 0 || !facts.last) return f('ok', ruleRef(rule), `not seen in the last ${age(w)}`, `0 in ${age(w)}`);
  const line = oneLine(facts.last.text, 120);
  return f(rule.severity ?? 'crit', ruleRef(rule), `${n} forbidden line${n === 1 ? '' : 's'} in the last ${age(w)}, last on ${taskOf(facts.last.stream)}: ${line}`, `${n} in ${age(w)}`);
}

function rate(facts: LogRuleFacts, now: number, f: ReturnType<typeof findingsOf>): Finding {
  const { rule } = facts;
  const span = Math.min(HOUR, Math.max(MIN_RATE_SPAN_MS, now - facts.from));
  const n = matchesSince(facts, now - span);
  const perHour = (n * HOUR) / span;
  const severity = grade(perHour, rule.ratePerHour!);
  const figure = `${perHour.toFixed(perHour < 10 ? 1 : 0)}/h (${n} in ${age(span)})`;
  return f(severity, ruleRef(rule), severity === 'ok' ? 'the rate is below its threshold' : `${n} matching lines in the last ${age(span)}`, figure);
}

const logRules: CheckDefinition = {
  id: 'logs.rules',
  area: 'logs',
  title: 'Log rules: expected lines present, forbidden lines absent, rates low',
  reads: ['logs'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return (ctx.data.logs!.rules ?? []).map((facts) => {
      const { rule } = facts;
      // a filter pattern decides which lines arrive: the expected one may be filtered out
      if (rule.kind === 'expect' && rule.narrowed) return f('unknown', ruleRef(rule), `the group's filterPattern narrows the tail, so an expected line may never arrive; remove filterPattern to judge this rule`);
      if (rule.kind === 'expect') return rule.per === 'window' ? expectInWindow(facts, ctx.now, f) : expectPerTask(facts, ctx.now, f);
      if (rule.kind === 'forbid') return forbid(facts, ctx.now, f);
      return rate(facts, ctx.now, f);
    });
  },
};

export const LOG_RULE_CHECKS: readonly CheckDefinition[] = [logRules];
