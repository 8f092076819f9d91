/**
 * The drill screen: one row per step (pending, running with its elapsed
 * time, ok with its duration, failed), the latest progress line, the checks
 * once verification has them, and at the end PARITY, RTO and the report's
 * files. It draws the state `TuiDrill` keeps; the drill runs there.
 */
import type { DrillStepView, DrillView } from '../src/dashboard/ports.js';
import { DRILL_STEP_TITLES, stepDuration, summaryLine } from '../src/dashboard/drillReport.js';
import { oneLine } from '../src/dashboard/text.js';
import type { Line } from './text.js';
import { fitLine, seg } from './text.js';
import type { Tone } from './theme.js';
import { GLYPH } from './theme.js';

const MARK: Record<DrillStepView['status'], [string, Tone]> = {
  pending: ['·', 'muted'],
  running: ['…', 'accent'],
  ok: [GLYPH.ok, 'ok'],
  failed: [GLYPH.crit, 'crit'],
  skipped: ['-', 'muted'],
  interrupted: ['■', 'warn'],
};

function stepRow(s: DrillStepView, now: number, width: number): Line {
  const [mark, tone] = MARK[s.status];
  let time = '';
  if (s.status === 'running' && s.startedAt !== undefined) time = stepDuration(Math.max(0, now - s.startedAt));
  else if (s.durationMs !== undefined) time = stepDuration(s.durationMs);
  const what = s.status === 'pending' || s.status === 'running' ? DRILL_STEP_TITLES[s.step] : (s.message ?? '');
  return fitLine([seg(` ${mark} `, tone, { bold: true }), seg(s.step.padEnd(10), tone), seg(`${s.status.padEnd(11)} ${time.padStart(12)}  `, tone), seg(oneLine(what), s.status === 'pending' ? 'muted' : 'text')], width);
}

/** The footer's line while the screen is hidden and the drill goes on. */
export function drillRunningLine(view: DrillView, width: number): Line | undefined {
  if (view.phase !== 'starting' && view.phase !== 'running') return undefined;
  const step = view.steps.find((s) => s.status === 'running');
  return fitLine([seg(`backup drill of ${view.instance} runs${step ? ` (${step.step})` : ''}: D shows it`, 'accent')], width);
}

export function drillScreen(view: DrillView, opts: { now: number; width: number; height: number }): Line[] {
  const { now, width, height } = opts;
  const title = view.phase === 'finished' || view.phase === 'failed' ? 'ended' : view.stopping ? 'stopping' : 'running';
  const lines: Line[] = [fitLine([seg(` BACKUP DRILL ${view.instance ?? ''} `, 'accent', { inverse: true, bold: true }), seg(` ${title}`, 'muted')], width), []];
  for (const s of view.steps) lines.push(stepRow(s, now, width));
  lines.push([]);
  if (view.latest) lines.push(fitLine([seg(' latest: ', 'muted'), seg(oneLine(view.latest))], width));
  if (view.error) lines.push(fitLine([seg(` ${GLYPH.crit} ${view.error}`, 'crit')], width));
  const r = view.report;
  if (r) {
    for (const c of r.checks) {
      const tone: Tone = c.passed ? 'ok' : 'crit';
      lines.push(fitLine([seg(` ${c.passed ? GLYPH.ok : GLYPH.crit} `, tone), seg(`${c.kind} ${oneLine(c.name)}`), seg(`  expected ${oneLine(c.expected)}, got ${oneLine(c.actual)}`, 'muted')], width));
    }
    lines.push([], fitLine([seg(` ${summaryLine(r)}`, r.outcome === 'passed' ? 'ok' : 'crit', { bold: true })], width));
    if (r.outcome !== 'passed') lines.push(fitLine([seg(` ${r.outcome}: ${oneLine(r.message)}`, 'crit')], width));
    if (r.cleanup.status !== 'deleted' && r.cleanup.status !== 'none') lines.push(fitLine([seg(` clean-up: ${oneLine(r.cleanup.message)}`, 'warn')], width));
    if (r.files.markdown) lines.push(fitLine([seg(` report: ${r.files.markdown}`)], width), fitLine([seg(`         ${r.files.json}`)], width));
  }
  // the verdict is what matters at the end: on a short screen the steps' middle gives way, not the end
  if (lines.length > height) return [...lines.slice(0, 1), ...lines.slice(lines.length - height + 1)];
  return lines;
}
