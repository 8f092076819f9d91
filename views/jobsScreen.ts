/**
 * The failed-job browser: a queue's failed / dead jobs, newest first (id,
 * name, when, attempts, the reason's first line), and one job's detail
 * (attempts, times, the whole reason, the payload cut and with secrets
 * masked, the stack). It draws what the job feed (src/dashboard/jobs.ts)
 * read; every text there has been sanitised already, and fitLine cuts each
 * row to the screen.
 */
import type { JobsView } from '../src/dashboard/ports.js';
import type { JobDetail, JobRow } from '../src/model/jobs.js';
import type { JobsState } from './state.js';
import type { Line } from './text.js';
import { fit, fitLine, seg, windowStart } from './text.js';
import { age, count } from './format.js';

interface ScreenOpts {
  now: number;
  width: number;
  height: number;
}

const attemptsText = (attempts: number | null, max: number | null = null) => (attempts === null ? '-' : max ? `${attempts}/${max}` : String(attempts));

function titleLine(state: JobsState, view: JobsView, width: number): Line {
  const list = view.list;
  const what = list ? `${count(list.total)} failed${list.total > list.jobs.length ? `, newest ${list.jobs.length} shown` : ''}` : view.loading ? 'reading…' : '';
  const marked = state.marked.length ? ` · ${state.marked.length} marked` : '';
  return fitLine([seg(` FAILED JOBS ${state.queue} `, 'accent', { inverse: true, bold: true }), seg(` ${list ? `${list.flavor} · ` : ''}redis ${state.redis} · ${what}${marked}${view.loading && list ? ' · refreshing' : ''}`, 'muted')], width);
}

function rowLine(j: JobRow, selected: boolean, marked: boolean, idWidth: number, now: number, width: number): Line {
  const when = j.failedAt === null ? '-' : age(Math.max(0, now - j.failedAt));
  const line: Line = [
    seg(marked ? ' * ' : '   ', 'accent', { bold: true }),
    seg(fit(j.id, idWidth) + '  '),
    seg(fit(when, 6, 'right') + '  ', 'muted'),
    seg(fit(attemptsText(j.attempts), 5, 'right') + '  ', 'muted'),
    seg(fit(j.name, 20) + '  '),
    seg(`${j.set ? `[${j.set}] ` : ''}${j.reason || 'no reason recorded'}`, 'warn'),
  ];
  const fitted = fitLine(line, width);
  return selected ? fitted.map((g) => ({ ...g, inverse: true })) : fitted;
}

export function jobListLines(state: JobsState, view: JobsView, opts: ScreenOpts): Line[] {
  const { width, height, now } = opts;
  const lines: Line[] = [titleLine(state, view, width)];
  if (view.listError) lines.push(fitLine([seg(` ${view.listError}`, 'crit')], width));
  const jobs = view.list?.jobs ?? [];
  if (!view.list) {
    if (!view.listError) lines.push(fitLine([seg(' reading the failed jobs…', 'muted')], width));
    return lines;
  }
  if (jobs.length === 0) {
    lines.push([], fitLine([seg(` ${state.queue} has no failed jobs`, 'ok')], width));
    return lines;
  }
  const idWidth = Math.min(38, Math.max(2, ...jobs.map((j) => j.id.length)));
  lines.push(fitLine([seg(`   ${fit('ID', idWidth)}  ${fit('FAILED', 6, 'right')}  ${fit('TRIES', 5, 'right')}  ${fit('NAME', 20)}  REASON`, 'muted', { bold: true })], width));
  const room = Math.max(1, height - lines.length);
  const selected = Math.min(state.selected, jobs.length - 1);
  const start = windowStart(jobs.length, selected, room);
  for (let i = start; i < Math.min(jobs.length, start + room); i++) lines.push(rowLine(jobs[i]!, i === selected, state.marked.includes(jobs[i]!.id), idWidth, now, width));
  return lines;
}

/** Every line of a job's detail, before scrolling. */
export function jobDetailBody(job: JobDetail, flavor: string, width: number): Line[] {
  const label = (name: string) => seg(fit(name, 10), 'muted');
  const out: Line[] = [
    fitLine([label('name'), seg(job.name)], width),
    fitLine([label('attempts'), seg(job.attempts === null ? `not recorded by ${flavor}` : attemptsText(job.attempts, job.maxAttempts))], width),
  ];
  if (job.set) out.push(fitLine([label('set'), seg(job.set)], width));
  for (const t of job.times) out.push(fitLine([label(t.label), seg(new Date(t.at).toISOString().replace(/\.\d{3}Z$/, 'Z'))], width));
  out.push([], fitLine([seg('reason', 'accent', { bold: true })], width));
  for (const l of job.reasonLines.length ? job.reasonLines : ['(none recorded)']) out.push(fitLine([seg(`  ${l}`, 'warn')], width));
  out.push([], fitLine([seg(`payload (${job.payloadKind})`, 'accent', { bold: true }), seg(job.payloadCut !== undefined ? `  cut: ${count(job.payloadCut)} characters in all` : '', 'muted')], width));
  for (const l of job.payload.length ? job.payload : ['(empty)']) out.push(fitLine([seg(`  ${l}`)], width));
  out.push([], fitLine([seg('stack', 'accent', { bold: true }), seg(job.stackCut ? `  ${job.stackCut} more lines left out` : '', 'muted')], width));
  for (const l of job.stack.length ? job.stack : ['(none recorded)']) out.push(fitLine([seg(`  ${l}`, 'muted')], width));
  return out;
}

export function jobDetailLines(state: JobsState, view: JobsView, opts: ScreenOpts): { lines: Line[]; maxScroll: number } {
  const { width, height } = opts;
  const d = view.detail;
  const head = fitLine([seg(` JOB ${state.open ?? ''} `, 'accent', { inverse: true, bold: true }), seg(` ${state.queue} · redis ${state.redis}${state.marked.includes(state.open ?? '') ? ' · marked' : ''}`, 'muted')], width);
  if (!d || d.id !== state.open || d.loading) return { lines: [head, fitLine([seg(' reading the job…', 'muted')], width)], maxScroll: 0 };
  if (!d.job) return { lines: [head, fitLine([seg(` ${d.error ?? 'no such job'}`, 'warn')], width)], maxScroll: 0 };
  const body = jobDetailBody(d.job, view.list?.flavor ?? 'the library', width);
  const room = Math.max(1, height - 1);
  const maxScroll = Math.max(0, body.length - room);
  const scroll = Math.min(state.scroll, maxScroll);
  return { lines: [head, ...body.slice(scroll, scroll + room)], maxScroll };
}

/** The browser as shown now: the list, or the open job's detail; `maxScroll` is how far the detail scrolls. */
export function jobsScreen(state: JobsState, view: JobsView, opts: ScreenOpts): { lines: Line[]; maxScroll: number } {
  return state.open === null ? { lines: jobListLines(state, view, opts), maxScroll: 0 } : jobDetailLines(state, view, opts);
}
