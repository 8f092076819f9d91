/**
 * The header's incident row: how long the incident has run and what the
 * escalation clock asks for next, e.g.
 *   INCIDENT 07:42 · next: 10 min in 2:18 — tell the team lead · api down
 * Drawn in the warn token until the first mark passes, in crit after.
 */
import type { IncidentView } from '../src/dashboard/ports.js';
import { countdown, ESCALATION_MARKS } from '../src/dashboard/escalation.js';
import type { Line } from './text.js';
import { fitLine, seg } from './text.js';
import { GLYPH } from './theme.js';

/** "07:42", "1:07:42" */
export function clockOf(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const two = (n: number) => String(n).padStart(2, '0');
  const ms2 = `${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
  return h > 0 ? `${h}:${ms2}` : ms2;
}

/** The first clause of a mark's advice: what fits beside the timer. */
function shortAdvice(advice: string): string {
  return advice.split(';')[0]!.replace(/^still not fixed: /, '').trim();
}

export function incidentLine(view: IncidentView, width: number): Line | undefined {
  const s = view.status;
  if (!s) return undefined;
  const first = ESCALATION_MARKS[0];
  const passed = first !== undefined && s.elapsedMs >= first.minutes * 60_000;
  const tone = passed ? 'crit' : 'warn';
  const line: Line = [seg(` INCIDENT ${clockOf(s.elapsedMs)} `, tone, { inverse: true, bold: true })];
  // a failing timeline first: the operator must know the record is not being kept
  if (view.problem) line.push(seg(` ${GLYPH.crit} ${view.problem}`, 'crit'));
  if (s.next) line.push(seg(` · next: ${s.next.minutes} min in ${countdown(s.next.inMs)} — ${shortAdvice(s.next.advice)}`, tone));
  else {
    const last = ESCALATION_MARKS[ESCALATION_MARKS.length - 1];
    if (last) line.push(seg(` · past ${last.minutes} min — ${shortAdvice(last.advice)}`, tone));
  }
  // the operator knows what the incident is about: the title is what a narrow terminal cuts
  line.push(seg(` · ${s.title}`, 'muted'));
  return fitLine(line, width);
}

/** Team mode's row under the incident: the newest note (any operator's), e.g. "  ✎ alice@host2 12:05 checking the replica". */
export function teamNoteLine(view: IncidentView, width: number): Line | undefined {
  const t = view.team;
  if (!view.status || !t) return undefined;
  const line: Line = [seg('  ')];
  if (t.lastNote) {
    const at = new Date(t.lastNote.at).toISOString().slice(11, 16);
    line.push(seg(`note ${at} `, 'muted'), seg(t.lastNote.by, 'accent'), seg(`: ${t.lastNote.text}`));
  }
  if (t.with.length > 0) line.push(seg(`${t.lastNote ? '  · ' : ''}with ${t.with.join(', ')}`, 'muted'));
  return line.length > 1 ? fitLine(line, width) : undefined;
}
