/**
 * How `opsdeck queue jobs` and `opsdeck queue job` print: a table of the
 * failed jobs, newest first, and one job's detail. Every text already went
 * through the sanitizer (src/actions/queues/jobText.ts); times are UTC.
 */
import type { JobDetail, JobList, JobRow } from '../model/jobs.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const attemptsText = (r: Pick<JobDetail, 'attempts'> & { maxAttempts?: number | null }) => (r.attempts === null ? '-' : r.maxAttempts ? `${r.attempts}/${r.maxAttempts}` : String(r.attempts));

function withTimes<T extends JobRow>(row: T): Omit<T, 'failedAt'> & { failedAt: string | null } {
  return { ...row, failedAt: row.failedAt === null ? null : new Date(row.failedAt).toISOString() };
}

export function jobListJson(list: JobList): unknown {
  return { ...list, jobs: list.jobs.map(withTimes) };
}

export function jobDetailJson(job: JobDetail, list: Pick<JobList, 'redis' | 'queue' | 'flavor'>): unknown {
  return { ...list, ...withTimes(job), times: job.times.map((t) => ({ label: t.label, at: new Date(t.at).toISOString() })) };
}

export function jobListLines(list: JobList): string[] {
  const head = `${list.queue} (${list.flavor}, Redis ${list.redis}): ${list.total} failed${list.total > list.jobs.length ? `, the newest ${list.jobs.length} shown` : ''}, newest first`;
  if (list.jobs.length === 0) return [head];
  const idWidth = Math.min(40, Math.max(2, ...list.jobs.map((j) => j.id.length)));
  const nameWidth = Math.min(30, Math.max(4, ...list.jobs.map((j) => j.name.length)));
  const out = [head, `${'ID'.padEnd(idWidth)}  ${'FAILED'.padEnd(20)}  ${'TRIES'.padStart(5)}  ${'NAME'.padEnd(nameWidth)}  REASON`];
  for (const j of list.jobs) out.push(`${j.id.padEnd(idWidth)}  ${iso(j.failedAt).padEnd(20)}  ${attemptsText(j).padStart(5)}  ${j.name.slice(0, nameWidth).padEnd(nameWidth)}  ${j.set ? `[${j.set}] ` : ''}${j.reason || '-'}`);
  return out;
}

export function jobDetailLines(job: JobDetail, list: Pick<JobList, 'redis' | 'queue' | 'flavor'>): string[] {
  const out = [
    `job ${job.id} of ${list.queue} (${list.flavor}, Redis ${list.redis})${job.set ? `, in the ${job.set} set` : ''}`,
    `name      ${job.name}`,
    `attempts  ${job.attempts === null ? `not recorded by ${list.flavor}` : attemptsText(job)}`,
    ...job.times.map((t) => `${t.label.padEnd(9)} ${iso(t.at)}`),
    '',
    'reason',
    ...(job.reasonLines.length ? job.reasonLines.map((l) => `  ${l}`) : ['  (none recorded)']),
    '',
    `payload (${job.payloadKind})${job.payloadCut !== undefined ? `, cut: ${job.payloadCut} characters in all` : ''}`,
    ...job.payload.map((l) => `  ${l}`),
    '',
    `stack${job.stackCut ? ` (${job.stackCut} more lines left out)` : ''}`,
    ...(job.stack.length ? job.stack.map((l) => `  ${l}`) : ['  (none recorded)']),
  ];
  return out;
}
