/**
 * A runbook run is one guarded action made of steps. It is planned as a whole
 * (every step's plan is shown before anything runs), confirmed once with the
 * runbook's phrase (destructive tier: its name, env/name when protected), and
 * executed by the one executor, which hands it `children`: each action step
 * still passes read-only, its own refusal, its lock, its re-read and the
 * journal, and waits for its own verification before the next step starts.
 *
 * Each action step is planned again just before it runs; when what it would
 * change is no longer what the operator confirmed, the run stops there and
 * says so (`runbook resume` plans the rest again).
 */
import type { ActionDefinition, Plan, PlanChange } from '../actions/types.js';
import { confirmationPhrase } from '../actions/types.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import { currentOperator } from '../audit/record.js';

function operatorName(): string {
  const op = currentOperator();
  return `${op.user}@${op.host}`;
}
import { stepKind, type Runbook, type Step, type StepKind } from './format.js';
import type { RunbookContext } from './context.js';
import { bindAction, type BoundAction } from './actions.js';
import { fill, fillParams, type TemplateScope } from './template.js';
import { describe, durationMs, lenient, stepLines } from './stepText.js';
import { describeCondition, describeWhen, evaluateCondition, whenHolds } from './conditions.js';
import { newRunId, saveRun, stepKey, type RunRecord, type StepOutcome, type StepRecord } from './records.js';

export interface RunbookArgs {
  runbook: Runbook;
  /** a stopped run to continue: its done steps are not run again */
  resume?: RunRecord;
  /** how long each action step's verification may take */
  verifyTimeoutMs?: number;
}

export interface PlannedStep {
  key: string;
  step: Step;
  kind: StepKind;
  item?: string;
  /** one line, e.g. "scale api: desiredCount 3 → 0" */
  title: string;
  /** the step's plan as the operator reads it */
  lines: string[];
  bound?: BoundAction;
  plan?: Plan;
  /** done in the run being resumed: not run again */
  done?: boolean;
  /** nothing to do now (already in the wanted state): recorded as skipped */
  nothingToDo?: string;
}

export interface RunbookParams {
  runbook: Runbook;
  runId: string;
  resume?: RunRecord;
  steps: PlannedStep[];
  verifyTimeoutMs?: number;
}

/**
 * A plan refused because the target is already as the step wants it (a scale
 * to the count it has, autoscaling already suspended, no scalable target to
 * suspend): the step is skipped, not a reason to stop the run.
 */
function nothingToDo(plan: Plan): boolean {
  return plan.refusal !== undefined && (/; nothing to (do|suspend|resume)$/.test(plan.refusal) || (plan.changes.length > 0 && plan.changes.every((c) => c.before === c.after)));
}

function sameChanges(a: readonly PlanChange[], b: readonly PlanChange[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function scopeFor(rb: RunbookContext, runbook: Runbook, steps: readonly StepRecord[], item?: string): TemplateScope {
  return { runbook: runbook.name, env: rb.env.name, steps, lastRun: (name) => rb.lastRun(name), ...(item !== undefined ? { item } : {}) };
}

async function expand(rb: RunbookContext, step: Step, signal: AbortSignal): Promise<(string | undefined)[]> {
  if (!step.forEach) return [undefined];
  if (typeof step.forEach === 'string') return rb.names(step.forEach, signal);
  const id = step.forEach.finding;
  const names = (await rb.findings(signal)).filter((f) => f.checkId === id && f.severity !== 'ok').map((f) => f.ref.name);
  return [...new Set(names)];
}

// a skipped step or a background call never verified must not read as done to the operator re-confirming the run
function resumedAs(recorded: RunRecord['steps'], key: string): string {
  const outcome = recorded.find((s) => s.key === key)?.outcome;
  return outcome === 'started' ? 'started (its call was accepted; its verification was not awaited)' : outcome === 'skipped' ? 'skipped' : 'done';
}

async function planSteps(rb: RunbookContext, args: RunbookArgs, signal: AbortSignal): Promise<{ steps: PlannedStep[]; problems: string[] }> {
  // a background step's call was accepted (`started`): planning it again would make a second snapshot
  const done = new Set((args.resume?.steps ?? []).filter((s) => s.outcome === 'done' || s.outcome === 'skipped' || s.outcome === 'started').map((s) => s.key));
  const recorded = args.resume?.steps ?? [];
  const steps: PlannedStep[] = [];
  const problems: string[] = [];
  for (const step of args.runbook.steps) {
    const kind = stepKind(step);
    let items: (string | undefined)[];
    try {
      items = await expand(rb, step, signal);
    } catch (err) {
      problems.push(`step ${step.id}: cannot list what it runs for: ${errorMessage(err)}`);
      continue;
    }
    if (items.length === 0) {
      const none = typeof step.forEach === 'string' ? `no ${step.forEach} configured` : `no ${step.forEach!.finding} finding now`;
      steps.push({ key: step.id, step, kind, title: `${step.title ?? step.id}: ${none}`, lines: [], nothingToDo: none });
      continue;
    }
    for (const item of items) {
      const key = stepKey(step.id, item);
      const scope = scopeFor(rb, args.runbook, recorded, item);
      const guard = step.when ? ` (${describeWhen(step.when)})` : '';
      const base = { key, step, kind, ...(item !== undefined ? { item } : {}) };
      if (done.has(key)) {
        steps.push({ ...base, title: `${step.title ?? step.id}${item ? ` ${item}` : ''}: ${resumedAs(recorded, key)} in ${args.resume!.id}`, lines: [], done: true });
        continue;
      }
      if (kind !== 'action') {
        steps.push({ ...base, title: `${describe(step, kind, (s) => lenient(s, scope))}${guard}`, lines: [] });
        continue;
      }
      const s = step as Extract<Step, { action: string }>;
      try {
        const bound = bindAction(s.action, fillParams(s.with, scope), rb, args.verifyTimeoutMs);
        const plan: Plan = await bound.action.plan(bound.ctx, bound.args, signal);
        const idle = nothingToDo(plan);
        if (plan.refusal && !idle && !step.when && s.onFail === 'stop') problems.push(`step ${key}: ${plan.refusal}`);
        steps.push({ ...base, title: `${plan.title}${guard}`, lines: idle ? [oneLine(plan.summary)] : stepLines(plan), bound, plan, ...(idle ? { nothingToDo: plan.refusal! } : {}) });
      } catch (err) {
        // a value recorded by an earlier step of this run (an answer) is only known once it ran
        if (step.when) steps.push({ ...base, title: `${s.action} ${JSON.stringify(s.with)}${guard}`, lines: [`  planned when it is reached: ${errorMessage(err)}`] });
        else problems.push(`step ${key}: ${errorMessage(err)}`);
      }
    }
  }
  return { steps, problems };
}

function fingerprints(steps: readonly PlannedStep[]): string[] {
  return steps.filter((s) => s.plan && !s.done).map((s) => `${s.key}=${s.plan!.fingerprint}`);
}

export const runbookAction: ActionDefinition<RunbookArgs, RunbookContext, RunbookParams> = {
  id: 'runbook',
  title: 'Run a runbook',
  tier: 'destructive',

  async plan(rb, args, signal) {
    const { steps, problems } = await planSteps(rb, args, signal);
    const runId = args.resume?.id ?? newRunId(args.runbook.name, rb.now());
    const details: string[] = [];
    steps.forEach((s, i) => {
      const mark = s.done ? 'done' : s.nothingToDo ? 'skip' : s.kind;
      details.push(`${String(i + 1).padStart(2)}. [${mark}] ${s.title}${s.nothingToDo && !s.done ? ` — ${s.nothingToDo}` : ''}`);
      for (const l of s.lines) details.push(`      ${l.trim()}`);
    });
    const changes = steps.filter((s) => s.plan && !s.done && !s.nothingToDo).flatMap((s) => s.plan!.changes.map((c) => ({ ...c, field: `${s.plan!.target.name} ${c.field}` })));
    const calls = steps.filter((s) => s.plan && !s.done && !s.nothingToDo).flatMap((s) => s.plan!.calls);
    const name = args.runbook.name;
    return {
      action: 'runbook',
      title: `${args.resume ? 'Resume' : 'Run'} runbook ${name}: ${args.runbook.title}`,
      tier: 'destructive',
      environment: rb.env.name,
      target: { kind: 'runbook', name, display: `${rb.env.name}/runbook:${name}` },
      summary: `${rb.env.name}: runbook ${name}, ${steps.filter((s) => !s.done).length} step(s)${args.resume ? `, resuming ${args.resume.id}` : ''}`,
      changes,
      calls,
      details,
      phrase: confirmationPhrase('destructive', rb.env, name),
      fingerprint: JSON.stringify(fingerprints(steps)),
      ...(problems.length ? { refusal: `the runbook cannot run as planned: ${problems.join('; ')}` } : {}),
      verifyTimeoutMs: 60_000,
      params: { runbook: args.runbook, runId, steps, ...(args.resume ? { resume: args.resume } : {}), ...(args.verifyTimeoutMs !== undefined ? { verifyTimeoutMs: args.verifyTimeoutMs } : {}) },
      createdAt: rb.now(),
    };
  },

  async fingerprint(_rb, plan, signal) {
    const now: string[] = [];
    for (const s of plan.params.steps) {
      if (!s.plan || s.done || !s.bound) continue;
      now.push(`${s.key}=${await s.bound.action.fingerprint(s.bound.ctx, s.plan, signal)}`);
    }
    return JSON.stringify(now);
  },

  async execute(rb, plan, signal, children) {
    const { runbook, steps } = plan.params;
    const run: RunRecord = plan.params.resume
      ? { ...plan.params.resume, status: 'running', pid: process.pid, steps: [...plan.params.resume.steps] }
      : { id: plan.params.runId, runbook: runbook.name, environment: rb.env.name, by: operatorName(), pid: process.pid, startedAt: new Date(rb.now()).toISOString(), status: 'running', steps: [] };
    const env = rb.stateEnv;
    saveRun(run, env);
    const record = (s: PlannedStep, outcome: StepOutcome, message: string, extra: Partial<StepRecord> = {}) => {
      const rec: StepRecord = { key: s.key, step: s.step.id, ...(s.item !== undefined ? { item: s.item } : {}), outcome, message, at: new Date(rb.now()).toISOString(), ...extra };
      run.steps = [...run.steps.filter((r) => r.key !== s.key), rec];
      saveRun(run, env);
      rb.report?.(`${outcome.padEnd(7)} ${s.key}: ${message}`);
      rb.step?.(run.id, s.key, outcome, message);
      // actions reach the timeline through the executor's observer, notes are the timeline: the rest is put there here
      if ((s.kind === 'check' || s.kind === 'wait' || s.kind === 'ask' || outcome === 'skipped') && rb.incident.open() !== undefined) {
        rb.incident.note(`runbook ${runbook.name}, step ${s.key} ${outcome}: ${message}`);
      }
      return rec;
    };
    const stop = (s: PlannedStep, message: string): never => {
      run.status = 'stopped';
      run.endedAt = new Date(rb.now()).toISOString();
      saveRun(run, env);
      throw new Error(`step ${s.key} stopped the run: ${message}; run ${run.id} is recorded, \`opsdeck runbook resume\` continues from this step`);
    };
    const counts = { done: 0, skipped: 0, failed: 0 };
    const background: { step: PlannedStep; done: Promise<void> }[] = [];

    try {
      for (const s of steps) {
        if (s.done) continue;
        if (signal.aborted) stop(s, 'interrupted');
        if (s.nothingToDo && !s.plan) {
          record(s, 'skipped', s.nothingToDo);
          counts.skipped++;
          continue;
        }
        if (s.step.when && !whenHolds(s.step.when, run.steps)) {
          record(s, 'skipped', describeWhen(s.step.when).replace('only when', 'skipped: not'));
          counts.skipped++;
          continue;
        }
        rb.step?.(run.id, s.key, 'running');
        const scope = scopeFor(rb, runbook, run.steps, s.item);
        const onFail = 'onFail' in s.step ? s.step.onFail : 'stop';
        const fail = (message: string) => {
          record(s, 'failed', message);
          counts.failed++;
          if (onFail === 'stop') stop(s, message);
        };
        try {
          switch (s.kind) {
            case 'action': {
              const st = s.step as Extract<Step, { action: string }>;
              const bound = bindAction(st.action, fillParams(st.with, scope), rb, plan.params.verifyTimeoutMs);
              const fresh: Plan = await bound.action.plan(bound.ctx, bound.args, signal);
              if (nothingToDo(fresh)) {
                record(s, 'skipped', fresh.refusal!);
                counts.skipped++;
                break;
              }
              if (s.plan && !s.nothingToDo && !sameChanges(s.plan.changes, fresh.changes)) {
                fail(`${fresh.target.display} changed since the run was confirmed (now: ${fresh.summary})`);
                break;
              }
              const onProgress = (p: { message: string }) => {
                rb.report?.(`        ${s.key}: ${p.message}`);
                rb.step?.(run.id, s.key, 'running', p.message);
              };
              const child = children({ action: bound.action, ctx: bound.ctx, plan: fresh, signal, onProgress });
              const settle = (res: Awaited<typeof child>) => {
                if (res.outcome === 'done') {
                  record(s, 'done', res.message, { changes: fresh.changes });
                  counts.done++;
                } else fail(`${res.outcome}: ${res.message}`);
              };
              if (st.background) {
                record(s, 'started', `${fresh.summary} (its verification is awaited at the end of the run)`, { changes: fresh.changes });
                const done = child.then(
                  (res) => {
                    // interrupted while only its verification was awaited: the call was accepted, the record says started
                    if (signal.aborted && res.outcome !== 'done') return;
                    settle(res);
                  },
                  (err: unknown) => fail(errorMessage(err)),
                );
                done.catch(() => undefined); // awaited (and reported) at the end of the run
                background.push({ step: s, done });
              } else settle(await child);
              break;
            }
            case 'check': {
              const st = s.step as Extract<Step, { check: unknown }>;
              const r = await evaluateCondition(st.check, rb, signal);
              if (r.holds) {
                record(s, 'done', `${describeCondition(st.check)}: ${r.seen}`);
                counts.done++;
              } else fail(`expected ${describeCondition(st.check)}; seen: ${r.seen}`);
              break;
            }
            case 'wait': {
              const st = s.step as Extract<Step, { wait: unknown }>;
              const deadline = rb.now() + durationMs(st.timeout);
              let last = '';
              for (;;) {
                const r = await evaluateCondition(st.wait, rb, signal);
                last = r.seen;
                if (r.holds) {
                  record(s, 'done', `${describeCondition(st.wait)}: ${r.seen}`);
                  counts.done++;
                  break;
                }
                if (rb.now() >= deadline) {
                  fail(`${describeCondition(st.wait)} did not hold within ${st.timeout}; last seen: ${last}`);
                  break;
                }
                rb.report?.(`        ${s.key}: waiting — ${r.seen}`);
                rb.step?.(run.id, s.key, 'running', `waiting — ${r.seen}`);
                await rb.sleep(durationMs(st.every), signal);
              }
              break;
            }
            case 'note': {
              const text = fill((s.step as Extract<Step, { note: string }>).note, scope);
              if (rb.incident.open() === undefined) record(s, 'done', `no incident is open; noted in the run only: ${text}`);
              else {
                rb.incident.note(text);
                record(s, 'done', `noted: ${text}`);
              }
              counts.done++;
              break;
            }
            case 'ask': {
              const st = s.step as Extract<Step, { ask: string; choices: string[] }>;
              const answer = await rb.ask(st.id, fill(st.ask, scope), st.choices, signal);
              if (!st.choices.includes(answer)) {
                fail(`"${answer}" is not one of ${st.choices.join(', ')}`);
                break;
              }
              record(s, 'done', `${fill(st.ask, scope)} → ${answer}`, { answer });
              counts.done++;
              break;
            }
            case 'incident': {
              const title = fill((s.step as Extract<Step, { incident: string }>).incident, scope);
              const open = rb.incident.open();
              if (open !== undefined) record(s, 'done', `an incident is already open: ${open}`);
              else {
                rb.incident.start(title);
                // the timeline starts now: what the run did before it goes on it first
                for (const r of run.steps) rb.incident.note(`runbook ${runbook.name}, step ${r.key} ${r.outcome}: ${r.message}`);
                record(s, 'done', `incident opened: ${title}`);
              }
              counts.done++;
              break;
            }
          }
        } catch (err) {
          if (err instanceof Error && err.message.startsWith(`step ${s.key} stopped the run`)) throw err;
          fail(errorMessage(err));
        }
      }
      // a step started in the background (a snapshot) has to be there before the run is done
      for (const b of background) await b.done;
    } catch (err) {
      await Promise.allSettled(background.map((b) => b.done));
      if (run.status === 'running') {
        run.status = 'stopped';
        run.endedAt = new Date(rb.now()).toISOString();
        saveRun(run, env);
      }
      throw err;
    }
    run.status = 'done';
    run.endedAt = new Date(rb.now()).toISOString();
    saveRun(run, env);
    return { requestIds: [], detail: `run ${run.id}: ${counts.done} step(s) done, ${counts.skipped} skipped, ${counts.failed} failed` };
  },

  // every step waited for its own verification before the next one started
  async verify(_rb, plan) {
    return { ok: true, message: `runbook ${plan.params.runbook.name} ran to its end (run ${plan.params.runId})` };
  },
};
