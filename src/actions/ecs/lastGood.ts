/**
 * The last known good revision of a service: the newest revision before the
 * current one that ran with running = desired and no crash loop for at least
 * a configured time. "The previous revision" is not it after two bad deploys.
 *
 * Evidence, strongest first:
 * - the service's deployment history (ECS ListServiceDeployments): a
 *   deployment of the revision that reached steady state (SUCCESSFUL), and how
 *   long it ran until the next deployment replaced it;
 * - the deployments DescribeServices still lists (a COMPLETED one still
 *   draining, or serving while a newer one fails to start);
 * - the service's events: crash loops ("is unable to consistently start
 *   tasks", essential containers exiting) inside the window it ran;
 * - the journal: opsdeck's own verified rollbacks to the revision, and the
 *   operators' rollbacks away from one (a revision someone fled is not good).
 * Each revision judged gets its reason, so the plan can say why the newer
 * ones were passed over.
 */
import type { EcsService } from '../../model/ecs.js';
import type { ServiceDeploymentRecord } from '../../model/deployments.js';
import type { AuditRecord } from '../../audit/record.js';
import { age, utc } from '../../checks/types.js';

export const DEFAULT_LAST_GOOD_STEADY_MS = 10 * 60_000;

/** what the journal says about one service, from opsdeck's own records */
export interface JournalTrail {
  /** verified: the revision was PRIMARY with every task running at `at` */
  arrivedAt: Array<{ ref: string; at: number; action: string }>;
  /** an operator rolled back away from the revision at `at` */
  leftAt: Array<{ ref: string; at: number }>;
}

export interface LastGoodInput {
  svc: EcsService;
  /** ACTIVE revisions of the family, newest first ("family:revision") */
  revisions: readonly string[];
  /** newest first; undefined: the backend keeps none */
  history?: readonly ServiceDeploymentRecord[];
  /** why the history is missing, when it could not be read */
  historyError?: string;
  journal?: JournalTrail;
  now: number;
  steadyMs: number;
}

export interface RevisionVerdict {
  ref: string;
  good: boolean;
  /** one line each: why good, or why not */
  evidence: string[];
  /** not good for want of any evidence, rather than for evidence against it */
  unknown?: boolean;
}

export interface LastGood {
  /** undefined: none of the earlier revisions shows enough evidence */
  ref?: string;
  /** the revisions judged, newest first, the chosen one last */
  judged: RevisionVerdict[];
  /** what the judgement could not read */
  notes: string[];
}

const revisionOf = (ref: string) => Number(ref.slice(ref.lastIndexOf(':') + 1));
const shortRef = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const CRASH_EVENT = /is unable to consistently start tasks|Essential container in task exited|deployment failed/;
/** how many crash stops inside a window make it a crash loop (as the checks' crash-loop rule) */
const CRASH_STOPS = 3;

/** Journal records of this environment and service → what opsdeck did to its revision. */
export function journalTrail(records: readonly AuditRecord[], environment: string, display: string): JournalTrail {
  const trail: JournalTrail = { arrivedAt: [], leftAt: [] };
  for (const r of records) {
    if (r.environment !== environment || r.target !== display) continue;
    const change = (r.plan as { changes?: Array<{ field: string; before: string; after: string }> } | null)?.changes?.find((c) => c.field === 'taskDefinition');
    if (!change) continue;
    const at = Date.parse(r.time);
    if (r.phase === 'verify' && r.outcome === 'ok') trail.arrivedAt.push({ ref: shortRef(change.after), at, action: r.action });
    if (r.phase === 'outcome' && r.outcome === 'ok' && r.action === 'rollback') trail.leftAt.push({ ref: shortRef(change.before), at });
  }
  return trail;
}

/** The windows in which a revision ran, from the history: [from, until) with the deployment that opened it. */
interface Window {
  from: number;
  until: number;
  current: boolean;
  source: string;
}

function crashesIn(svc: EcsService, ref: string, w: Window): { events: number; stops: number; loop: boolean } {
  const inside = (t: number) => t >= w.from && t < w.until;
  const events = svc.events.filter((e) => inside(e.at) && CRASH_EVENT.test(e.message));
  const stops = svc.stoppedTasks.filter((t) => shortRef(t.taskDefinition) === ref && inside(t.stoppedAt) && t.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0)).length;
  const loop = events.some((e) => /is unable to consistently start tasks|deployment failed/.test(e.message)) || events.length >= CRASH_STOPS || stops >= CRASH_STOPS;
  return { events: events.length, stops, loop };
}

/** whether the events kept reach back to the window's start: ECS keeps the last 100 */
function eventsCover(svc: EcsService, from: number): boolean {
  const oldest = svc.events.at(-1)?.at;
  return oldest !== undefined && oldest <= from;
}

function judge(input: LastGoodInput, ref: string): RevisionVerdict {
  const { svc, history, now, steadyMs, journal } = input;
  const evidence: string[] = [];
  const left = journal?.leftAt.filter((l) => l.ref === ref).sort((a, b) => b.at - a.at)[0];
  const windows: Window[] = [];
  const bad: string[] = [];
  if (history) {
    const byAge = [...history].sort((a, b) => b.createdAt - a.createdAt);
    byAge.forEach((d, i) => {
      if (d.taskDefinition !== ref) return;
      const next = byAge[i - 1];
      if (d.status === 'SUCCESSFUL' || d.status === 'ROLLBACK_SUCCESSFUL') {
        const from = d.finishedAt ?? d.startedAt ?? d.createdAt;
        windows.push({ from, until: next?.createdAt ?? now, current: !next, source: `deployment ${d.id} reached a steady state at ${utc(from)} (${d.status})` });
      } else {
        bad.push(`deployment ${d.id} at ${utc(d.createdAt)} never reached a steady state: ${d.status}${d.statusReason ? ` (${d.statusReason})` : ''}`);
      }
    });
  }
  // the deployments ECS still lists: a completed one stands in when the history has no run of the revision
  for (const d of svc.deployments) {
    if (shortRef(d.taskDefinition) !== ref) continue;
    if (d.rolloutState === 'FAILED') bad.push(`deployment ${d.id} FAILED${d.rolloutReason ? `: ${d.rolloutReason}` : ''} (${d.failedTasks} tasks failed)`);
    else if (d.rolloutState === 'COMPLETED' && windows.length === 0) {
      const newer = svc.deployments.filter((x) => x.createdAt > d.createdAt).map((x) => x.createdAt);
      windows.push({ from: d.updatedAt, until: newer.length ? Math.min(...newer) : now, current: newer.length === 0, source: `deployment ${d.id} is ${d.status} with its rollout COMPLETED (${d.running} running)` });
    }
  }
  for (const a of journal?.arrivedAt ?? []) if (a.ref === ref) evidence.push(`journal: opsdeck's ${a.action} to ${ref} was verified at ${utc(a.at)} (PRIMARY, every task running)`);
  let good = false;
  let goodFrom = 0;
  for (const w of windows.sort((a, b) => b.from - a.from)) {
    const ran = w.until - w.from;
    const crashes = crashesIn(svc, ref, w);
    const span = `${w.source}, ran ${age(ran)} until ${w.current ? 'now' : utc(w.until)}`;
    if (crashes.loop) {
      bad.push(`${span}, but crash-looped then (${crashes.events} crash events, ${crashes.stops} failed stops)`);
      continue;
    }
    if (ran < steadyMs) {
      bad.push(`${span}: shorter than the ${age(steadyMs)} a last good revision must have run`);
      continue;
    }
    const checked = eventsCover(svc, w.from) ? 'no crash loop in the service events of that time' : 'no crash loop in the service events kept (ECS keeps the last 100; they do not reach back that far)';
    evidence.unshift(`${span} ≥ ${age(steadyMs)}; ${checked}`);
    good = true;
    goodFrom = w.from;
    break;
  }
  // an operator rolled back away from it after the run that looked good: whatever ECS said, someone judged it bad
  if (left && (!good || goodFrom < left.at)) {
    bad.push(`journal: an operator rolled back away from ${ref} at ${utc(left.at)}`);
    good = false;
  }
  if (!good && bad.length === 0) {
    return { ref, good, unknown: true, evidence: [history ? `no deployment of ${ref} in the service's history` : `no deployment of ${ref} that ECS still lists, and no history to read`] };
  }
  return { ref, good, evidence: good ? evidence : bad };
}

/** The newest earlier revision with evidence that it ran well, and why each newer one was passed over. */
export function findLastGood(input: LastGoodInput): LastGood {
  const current = input.svc.revision;
  const candidates = input.revisions.filter((r) => revisionOf(r) < current).sort((a, b) => revisionOf(b) - revisionOf(a));
  const notes: string[] = [];
  if (!input.history) notes.push(`deployment history unavailable${input.historyError ? ` (${input.historyError})` : ''}: judged from the deployments ECS still lists, the events and the journal`);
  const judged: RevisionVerdict[] = [];
  for (const ref of candidates) {
    const v = judge(input, ref);
    judged.push(v);
    if (v.good) return { ref, judged, notes };
  }
  return { judged, notes };
}

/** The plan's lines: the chosen revision with its evidence, and why each newer one was passed over. */
export function lastGoodLines(current: string, found: LastGood, steadyMs: number): string[] {
  const lines: string[] = [];
  const skipped = found.judged.filter((v) => !v.good);
  const chosen = found.judged.find((v) => v.good);
  if (chosen) {
    lines.push(`Last known good: ${chosen.ref} (the newest revision before ${current} that ran with every task running and no crash loop for ${age(steadyMs)} or more)`);
    for (const e of chosen.evidence) lines.push(`  ✓ ${e}`);
  }
  for (const v of skipped) {
    lines.push(`Passed over ${v.ref}:`);
    for (const e of v.evidence) lines.push(`  ✗ ${e}`);
  }
  for (const n of found.notes) lines.push(`Note: ${n}`);
  return lines;
}
