/**
 * What the config's log rules see in the lines going by: for each rule, when
 * its pattern matched and, for `expect … per: task`, which streams (tasks)
 * were seen and whether each wrote the line. Facts only: the checks judge
 * them (src/checks/rules/logRules.ts). Counted as lines arrive, so a one-shot
 * read of a long window needs no more memory than the dashboard's tail.
 */
import type { LogEvent, LogRule, LogRuleFacts, LogRuleStream, SavedFilter } from '../../model/logs.js';
import type { LogRuleConfig } from '../../config/schema.js';
import { compileFilter, type LineFilter } from './filter.js';

/** match times kept: the longest window a rule judges, and an hour for rates */
const KEEP_MS = 24 * 3_600_000;
const MAX_MATCHES = 10_000;
const MAX_STREAMS = 2_000;

interface Tracked {
  rule: LogRule;
  filter: LineFilter;
  matches: number[];
  last?: LogRuleFacts['last'];
  streams: Map<string, LogRuleStream>;
}

export class LogRuleTracker {
  private readonly tracked: Tracked[];
  private from: number | undefined;

  constructor(rules: readonly LogRule[], startAt?: number) {
    this.from = startAt;
    this.tracked = rules.flatMap((rule) => {
      const c = compileFilter(rule.pattern);
      // the config refuses a bad pattern; a rule that still cannot compile watches nothing
      return c.ok ? [{ rule, filter: c.filter, matches: [], streams: new Map() }] : [];
    });
  }

  get empty(): boolean {
    return this.tracked.length === 0;
  }

  add(ev: LogEvent): void {
    if (this.from === undefined || ev.timestamp < this.from) this.from = ev.timestamp;
    for (const t of this.tracked) {
      if (t.rule.group !== ev.group) continue;
      const hit = t.filter.test(ev.message);
      if (t.rule.kind === 'expect' && t.rule.per === 'task') this.noteStream(t, ev, hit);
      if (!hit) continue;
      t.matches.push(ev.timestamp);
      if (t.matches.length > MAX_MATCHES) t.matches.splice(0, t.matches.length - MAX_MATCHES);
      if (!t.last || ev.timestamp >= t.last.at) t.last = { at: ev.timestamp, stream: ev.stream, text: ev.message };
    }
  }

  private noteStream(t: Tracked, ev: LogEvent, hit: boolean): void {
    let s = t.streams.get(ev.stream);
    if (!s) {
      if (t.streams.size >= MAX_STREAMS) return;
      s = { stream: ev.stream, first: ev.timestamp, last: ev.timestamp };
      t.streams.set(ev.stream, s);
    }
    s.first = Math.min(s.first, ev.timestamp);
    s.last = Math.max(s.last, ev.timestamp);
    if (hit && (s.matchedAt === undefined || ev.timestamp < s.matchedAt)) s.matchedAt = ev.timestamp;
  }

  facts(now: number): LogRuleFacts[] {
    return this.tracked.map((t) => {
      const keepFrom = now - KEEP_MS;
      while (t.matches.length > 0 && t.matches[0]! < keepFrom) t.matches.shift();
      return {
        rule: t.rule,
        from: this.from ?? now,
        matches: [...t.matches],
        ...(t.last ? { last: { ...t.last } } : {}),
        streams: [...t.streams.values()].map((s) => ({ ...s })),
      };
    });
  }
}

/** One `logs:` entry's rules as the tail watches them; `group` is the name its lines carry. */
/** The saved filters of `logs:` entries, by name, first entry first; a name used twice keeps its first pattern. */
export function savedFiltersOf(entries: readonly { filters?: Readonly<Record<string, string>> | undefined }[]): SavedFilter[] {
  const out = new Map<string, string>();
  for (const e of entries) for (const [name, pattern] of Object.entries(e.filters ?? {})) if (!out.has(name)) out.set(name, pattern);
  return [...out].map(([name, pattern]) => ({ name, pattern }));
}

export function rulesOf(group: string, entry: { rules?: readonly LogRuleConfig[] | undefined; filterPattern?: string | undefined }): LogRule[] {
  const narrowed = entry.filterPattern?.trim() ? { narrowed: true } : {};
  return (entry.rules ?? []).map((r): LogRule => {
    const common = { group, ...(r.name ? { name: r.name } : {}), ...narrowed };
    if ('expect' in r) return { ...common, kind: 'expect', pattern: r.expect, per: r.per, ...(r.window ? { windowMs: r.window } : {}), ...(r.severity ? { severity: r.severity } : {}) };
    if ('forbid' in r) return { ...common, kind: 'forbid', pattern: r.forbid, ...(r.window ? { windowMs: r.window } : {}), ...(r.severity ? { severity: r.severity } : {}) };
    return { ...common, kind: 'rate', pattern: r.pattern, ratePerHour: { ...r.ratePerHour } };
  });
}
