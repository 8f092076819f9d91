/**
 * The post-incident review, in markdown, drafted from the timeline: the facts
 * opsdeck saw (times, findings, actions and outcomes) filled in, and the
 * sections only people can write (impact, root cause, prevention) started
 * with what the timeline suggests and a prompt in italics. Everything that
 * came from outside is escaped for markdown, on one line.
 */
import { oneLine } from '../text/sanitize.js';
import { clockUtc, dateTimeUtc, describeEntry, duration, offset } from './format.js';
import { statusPageUpdates } from './statusPage.js';
import { summarise, type ActionRun, type IncidentSummary } from './summary.js';
import type { EscalationEntry, FindingEntry, IncidentRecord, TimelineEntry } from './types.js';

/** Markdown-inert text on one line (table cells included). */
const md = (s: string, max = 500) => oneLine(s, max).replace(/([\\`*_|[\]<>#])/g, '\\$1');

const KIND_LABEL: Record<TimelineEntry['kind'], string> = {
  start: 'start',
  finding: 'finding',
  action: 'action',
  note: 'note',
  escalation: 'escalation',
  end: 'end',
};

export function buildReview(rec: IncidentRecord): string {
  const s = summarise(rec);
  const at = (ms: number) => `${clockUtc(ms)} UTC (${offset(ms, s.startedAt)})`;
  const out: string[] = [];
  out.push(`# Post-incident review: ${md(rec.title)}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Incident | ${md(rec.id)} |`);
  if (rec.environment) out.push(`| Environment | ${md(rec.environment)} |`);
  out.push(`| Started | ${dateTimeUtc(s.startedAt)} |`);
  out.push(`| Ended | ${s.ended ? dateTimeUtc(s.endedAt) : `not ended (timeline read up to ${dateTimeUtc(s.endedAt)})`} |`);
  out.push(`| Duration | ${duration(s.endedAt - s.startedAt)} |`);
  out.push(`| Worst severity | ${s.entries.some((e) => e.kind === 'finding') ? s.worst : 'no finding recorded'} |`);
  out.push(`| Affected | ${s.affected.map((a) => md(a)).join(', ') || 'nothing recorded'} |`, '');
  out.push('> Drafted by opsdeck from the incident timeline. Check the facts, then replace every _italic prompt_ with what happened.', '');
  if (rec.problems.length > 0) {
    out.push(`> The timeline had ${rec.problems.length} unreadable line(s), left out below: ${rec.problems.map((p) => md(p)).join('; ')}.`, '');
  }
  if (rec.journalProblem) out.push(`> ${md(rec.journalProblem)}`, '');

  out.push('## Summary', '', '_In two or three sentences: what broke, who noticed and how, and what fixed it._', '');
  out.push(...timeline(s), '');
  out.push(...actions(s, at), '');
  out.push(...impact(s, at), '');
  out.push(...rootCause(s, at), '');
  out.push(...resolution(s, at), '');
  out.push(...prevention(s), '');
  out.push(...actionItems(s), '');
  out.push(...statusPage(s));
  return out.join('\n') + '\n';
}

function timeline(s: IncidentSummary): string[] {
  const rows = s.entries.map((e) => {
    const t = Date.parse(e.time);
    return `| ${clockUtc(t)} | ${offset(t, s.startedAt)} | ${KIND_LABEL[e.kind]} | ${md(describeEntry(e), 600)} |`;
  });
  return ['## Timeline', '', 'Times in UTC; the second column counts from the start.', '', '| time | since start | kind | what |', '|---|---|---|---|', ...rows];
}

function actions(s: IncidentSummary, at: (ms: number) => string): string[] {
  const head = ['## Actions', ''];
  if (s.runs.length === 0) return [...head, 'No action was run through opsdeck during this incident.'];
  const rows = s.runs.map((r) => `| ${at(r.at)} | ${md(r.action)} | ${md(r.target)} | ${md(r.summary)} | ${r.outcome ?? 'no outcome recorded'}${r.outcomeAt !== undefined ? ` at ${at(r.outcomeAt)}` : ''} | ${r.message ? md(r.message) : ''} |`);
  return [...head, '| planned | action | target | plan | outcome | message |', '|---|---|---|---|---|---|', ...rows];
}

function findingLine(f: FindingEntry): string {
  return `${md(f.subject)} \`${oneLine(f.checkId, 80).replace(/`/g, "'")}\` ${f.to}: ${md(f.message)}${f.figure ? ` (${md(f.figure)})` : ''}`;
}

function impact(s: IncidentSummary, at: (ms: number) => string): string[] {
  const marks = s.entries.filter((e): e is EscalationEntry => e.kind === 'escalation').map((e) => `${e.minutes} min`);
  const lines = ['## Impact', ''];
  lines.push(`- Affected, from the findings and actions: ${s.affected.map((a) => md(a)).join(', ') || '_nothing was recorded; name the services_'}`);
  lines.push(s.firstSign ? `- First sign: ${at(Date.parse(s.firstSign.time))}, ${findingLine(s.firstSign)}` : '- First sign: _no finding was recorded; when and how was it noticed?_');
  lines.push(`- Duration: ${duration(s.endedAt - s.startedAt)} from start to end${s.ended ? '' : ' (not ended)'}`);
  if (marks.length > 0) lines.push(`- Escalation marks passed: ${marks.join(', ')}`);
  lines.push(`- Still failing when it ended: ${s.stillFailing.length ? s.stillFailing.map(findingLine).join('; ') : 'nothing'}`);
  lines.push('- _Who was affected and how: users, requests or jobs lost, revenue, for how long from their side?_');
  return lines;
}

function rootCause(s: IncidentSummary, at: (ms: number) => string): string[] {
  const lines = ['## Root cause', ''];
  if (s.firedChecks.length) lines.push(`- Checks that fired: ${s.firedChecks.map((c) => `\`${oneLine(c, 80).replace(/`/g, "'")}\``).join(', ')}`);
  if (s.notes.length) {
    lines.push('- Notes taken during the incident:');
    for (const n of s.notes) lines.push(`  - ${at(Date.parse(n.time))} ${md(n.by)}: ${md(n.text, 2000)}`);
  }
  lines.push('- _What broke, and why did it break now? Keep asking why until the answer is something you can change._');
  return lines;
}

function runLine(r: ActionRun, at: (ms: number) => string): string {
  const when = r.outcomeAt !== undefined ? ` at ${at(r.outcomeAt)}` : '';
  return `${md(r.action)} of ${md(r.target)} ${r.outcome === 'done' ? 'succeeded' : (r.outcome ?? 'did not finish')}${when}: ${md(r.message ?? r.summary)} (plan: ${md(r.summary)})`;
}

function resolution(s: IncidentSummary, at: (ms: number) => string): string[] {
  const lines = ['## Resolution', ''];
  if (s.lastSuccess) lines.push(`- The last successful action: ${runLine(s.lastSuccess, at)}`);
  else lines.push('- _No action run through opsdeck succeeded: describe what fixed it._');
  for (const f of s.recovered) lines.push(`- Back to ok at ${at(Date.parse(f.time))}: ${md(f.subject)} \`${oneLine(f.checkId, 80).replace(/`/g, "'")}\``);
  lines.push(`- _${s.lastSuccess ? 'Confirm this is what fixed it, or say what did' : 'What was done, by whom, and when did service recover?'}_`);
  return lines;
}

function prevention(s: IncidentSummary): string[] {
  const lines = ['## Prevention', ''];
  if (s.firedChecks.length) lines.push(`- _Would an alert on ${s.firedChecks.map((c) => `\`${oneLine(c, 80).replace(/`/g, "'")}\``).join(', ')} have caught it sooner, or a tighter threshold?_`);
  lines.push('- _What change (test, guard, capacity, runbook step) stops this from happening again?_');
  return lines;
}

function actionItems(s: IncidentSummary): string[] {
  const items: string[] = [];
  for (const r of s.runs) {
    if (r.outcome === 'failed' || r.outcome === 'aborted') items.push(`Find out why ${md(r.action)} of ${md(r.target)} ${r.outcome === 'failed' ? 'failed' : 'was aborted'}: ${md(r.message ?? r.summary)}`);
  }
  for (const f of s.stillFailing) items.push(`Follow up on ${md(f.subject)} \`${oneLine(f.checkId, 80).replace(/`/g, "'")}\`, still ${f.to} when the incident ended: ${md(f.message)}`);
  items.push('_An action item: specific, with one owner and a date_');
  return ['## Action items', '', '| # | item | owner | due |', '|---|---|---|---|', ...items.map((item, i) => `| ${i + 1} | ${item} | _owner_ | _date_ |`)];
}

function statusPage(s: IncidentSummary): string[] {
  const lines = ['## Status page updates', '', 'Ready to edit and paste; times are UTC.', ''];
  for (const u of statusPageUpdates(s)) {
    lines.push(`### ${u.stage}${u.at !== undefined ? ` (${clockUtc(u.at).slice(0, 5)} UTC, ${offset(u.at, s.startedAt)})` : ''}`, '', '```text', u.text.replace(/`{3,}/g, "'''"), '```', '');
  }
  return lines;
}
