/**
 * The two-person rule on the command line: the action command asking for an
 * approval (requestApproval, called by perform), `opsdeck approvals` listing
 * what waits, `opsdeck approve ID` and `opsdeck reject ID` deciding after
 * the plan was shown. Every request and decision is journaled in the
 * environment's chain; a request is notified (approval.requested).
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { Plan } from '../actions/types.js';
import { planLines } from '../actions/format.js';
import { currentOperator, type AuditEntry } from '../audit/record.js';
import { notifyApprovalRequested } from '../notify/approvalEvents.js';
import { normaliseId, operatorLine, planHash, type ApprovalRequest } from '../team/approvals.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { ActionIo } from './actionCommands.js';
import { executorDeps, runningOperator } from './actionSetup.js';
import { openEnvironment, resolveIdentity, type GlobalOptions, type OpenedEnvironment } from './environment.js';
import { parseTimeout } from './duration.js';
import { EXIT, UserError } from './exit.js';

type Deps = Awaited<ReturnType<typeof executorDeps>>;

function journalEntry(deps: Deps, environment: string, action: string, target: string, detail: string, outcome: 'ok' | 'refused', plan: unknown): AuditEntry {
  return { operator: currentOperator(deps.awsArn), environment, action, target, phase: outcome === 'ok' ? 'outcome' : 'refusal', plan, phraseAccepted: null, outcome, detail, requestIds: [], durationMs: 0 };
}

function storeOf(deps: Deps, environment: string) {
  if (!deps.approvalStore) throw new UserError(`${environment} keeps approvals in the team store, and none is configured: set team.store (in the demo, OPSDECK_TEAM_DB)`, EXIT.config);
  return deps.approvalStore;
}

const clock = (d: Date) => d.toISOString().slice(11, 16) + ' UTC';

/**
 * Records the request for this plan (the phrase was typed right) and says
 * whom to ask. Without `waitMs` it ends there: exit 1, nothing changed.
 * With it, it waits for the decision and answers the request's id once approved.
 */
export async function requestApproval(io: ActionIo, deps: Deps, opened: OpenedEnvironment, plan: Plan, opts: { reason: string; waitMs?: number; signal: AbortSignal; json?: boolean }): Promise<{ code: number } | { approval: string }> {
  const store = storeOf(deps, plan.environment);
  let request: ApprovalRequest;
  try {
    request = await recordRequest(deps, opened, plan, opts.reason, io.env);
  } catch (err) {
    io.stdout.write(`refused: ${errorMessage(err)}\n`);
    return { code: EXIT.refused };
  }
  const env = envFlag(opened);
  if (opts.json) io.stdout.write(JSON.stringify({ outcome: 'approval-requested', request: requestJson(request) }, null, 2) + '\n');
  else io.stdout.write(`approval requested: request ${request.id} (expires ${clock(request.expiresAt)})\nask another operator: opsdeck${env} approve ${request.id}\n`);
  if (opts.waitMs === undefined) {
    if (!opts.json) io.stdout.write(`then run the same command with --approval ${request.id}; nothing was changed\n`);
    return { code: EXIT.refused };
  }
  io.stderr.write(`  … waiting up to ${Math.round(opts.waitMs / 1000)} s for the approval of ${request.id}\n`);
  const decided = await store.waitDecision(request.id, opts.waitMs, opts.signal);
  if (decided?.status === 'approved') {
    io.stderr.write(`  … approved by ${decided.decision ? operatorLine(decided.decision.by) : 'another operator'}\n`);
    return { approval: request.id };
  }
  const why = decided?.status === 'rejected' ? `rejected by ${decided.decision ? operatorLine(decided.decision.by) : 'another operator'}` : decided?.status === 'pending' ? 'not approved in time (it stays pending: run again with --approval ID once approved)' : `${decided?.status ?? 'gone'}`;
  io.stdout.write(`refused: request ${request.id} ${why}; nothing was changed\n`);
  return { code: EXIT.refused };
}

/**
 * Records the request for this plan in the team store, journals it and
 * notifies it; throws a one-line Error when the store does not take it.
 */
export async function recordRequest(deps: Deps, opened: OpenedEnvironment, plan: Plan, reason: string, processEnv: NodeJS.ProcessEnv): Promise<ApprovalRequest> {
  const store = storeOf(deps, plan.environment);
  let request: ApprovalRequest;
  try {
    request = await store.create({ plan, requester: runningOperator(opened, processEnv), reason });
  } catch (err) {
    throw new Error(`could not record the approval request in the team store (${deps.team?.store.describe(err) ?? errorMessage(err)}): nothing was done`);
  }
  const hash = planHash(plan);
  await deps.journal.append(
    journalEntry(deps, plan.environment, plan.action, plan.target.display, `approval requested: request ${request.id} waits for another operator; nothing was done yet; reason: ${oneLine(reason, 300)}`, 'refused', {
      summary: plan.summary,
      changes: plan.changes,
      calls: plan.calls,
      approvalRequest: request.id,
      planHash: hash,
    }),
  );
  void notifyApprovalRequested(deps.notifier, { id: request.id, plan, planHash: hash, requestedAt: request.createdAt.getTime(), expiresAt: request.expiresAt.getTime(), by: operatorLine(request.requester), reason });
  return request;
}

/** The global flags that name the environment, for the line telling whom to ask. */
function envFlag(opened: OpenedEnvironment): string {
  return opened.info.name === 'demo' && !opened.aws ? ' --demo' : ` --env ${opened.info.name}`;
}

function requestJson(r: ApprovalRequest): Record<string, unknown> {
  return {
    id: r.id,
    environment: r.env,
    action: r.action,
    target: r.target,
    status: r.status,
    planHash: r.planHash,
    plan: r.plan,
    requester: r.requester,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    ...(r.decision ? { decision: { verdict: r.decision.verdict, by: r.decision.by, at: r.decision.at.toISOString(), expiresAt: r.decision.expiresAt.toISOString() } } : {}),
  };
}

/** The request as the approver reads it: who, why, and the plan exactly as the requester saw it. */
export function requestLines(r: ApprovalRequest): string[] {
  return [
    `request ${r.id}  ${r.status}  in ${r.env}, by ${operatorLine(r.requester)} at ${clock(r.createdAt)} (expires ${clock(r.expiresAt)})`,
    `  reason   ${oneLine(r.reason ?? '(none given)')}`,
    ...planLines({ ...r.plan, refusal: undefined }).filter((l) => !l.startsWith('  confirm')),
  ];
}

async function withDeps<T>(io: ActionIo, g: GlobalOptions, fn: (deps: Deps, opened: OpenedEnvironment) => Promise<T>): Promise<T> {
  const opened = await openEnvironment(g, io.env, { oneShot: true });
  let deps: Deps | undefined;
  try {
    await resolveIdentity(opened);
    deps = await executorDeps(opened, io.env, (w) => io.stderr.write(`opsdeck: ${w}\n`));
    return await fn(deps, opened);
  } finally {
    await deps?.close();
    await opened.sources.close();
  }
}

async function typedId(io: ActionIo, verb: string, id: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`Type ${id} to ${verb} it (Enter alone cancels): `);
    return answer === '' ? undefined : answer;
  } finally {
    rl.close();
  }
}

async function decide(io: ActionIo, g: GlobalOptions, idText: string, flags: { confirm?: string }, verdict: 'approved' | 'rejected'): Promise<number> {
  const id = normaliseId(idText);
  if (!/^[0-9A-Z]{6}$/.test(id)) throw new UserError(`"${oneLine(idText).slice(0, 20)}" is not a request id (6 letters and digits, see opsdeck approvals)`, EXIT.usage);
  const verb = verdict === 'approved' ? 'approve' : 'reject';
  return withDeps(io, g, async (deps, opened) => {
    const store = storeOf(deps, opened.info.name);
    const request = await store.get(id);
    if (!request) throw new UserError(`no approval request ${id}; see opsdeck approvals`, EXIT.usage);
    if (request.env !== opened.info.name) throw new UserError(`request ${id} is for ${request.env}, not ${opened.info.name}: pass --env ${request.env}`, EXIT.usage);
    io.stderr.write(requestLines(request).join('\n') + '\n');
    let typed = flags.confirm;
    if (typed === undefined && io.isTTY && request.status === 'pending') typed = await typedId(io, verb, id);
    const d = await decideRequest(deps, opened, request, verdict, typed, io.env);
    io.stdout.write(`${d.message}\n`);
    return d.ok ? EXIT.ok : EXIT.refused;
  });
}

/**
 * The one decision path, for `opsdeck approve|reject ID` and the dashboard's
 * approvals screen alike: the typed id checked, the store's decision (which
 * refuses self-approval and a request already decided), and the journal's
 * record either way. Answers the one line to show.
 */
export async function decideRequest(deps: Deps, opened: OpenedEnvironment, request: ApprovalRequest, verdict: 'approved' | 'rejected', typed: string | undefined, processEnv: NodeJS.ProcessEnv): Promise<{ ok: boolean; message: string }> {
  const { id } = request;
  const verb = verdict === 'approved' ? 'approve' : 'reject';
  const store = storeOf(deps, opened.info.name);
  const record = (detail: string, outcome: 'ok' | 'refused') => deps.journal.append(journalEntry(deps, request.env, verb, request.target, detail, outcome, { approvalRequest: id, action: request.action, planHash: request.planHash, summary: request.plan.summary }));
  if (request.status === 'pending' && (typed === undefined || normaliseId(typed) !== id)) {
    const why = typed === undefined ? `no confirmation given; type (or pass --confirm) ${id}` : `the confirmation "${oneLine(typed).slice(0, 20)}" is not ${id}`;
    return { ok: false, message: `refused: ${why}: nothing was decided` };
  }
  const me = runningOperator(opened, processEnv);
  const d = await store.decide(id, verdict, me);
  if (!d.done) {
    await record(`${verb} refused: ${d.message}`, 'refused');
    return { ok: false, message: `refused: ${d.message}` };
  }
  await record(`${d.request.status} request ${id} of ${operatorLine(request.requester)} for ${request.plan.summary}, as ${operatorLine(me)}`, 'ok');
  if (verdict === 'approved') return { ok: true, message: `approved: request ${id} (until ${clock(d.request.decision!.expiresAt)}); a dashboard waiting for it goes ahead by itself; from the command line ${request.requester.user} can now run the same command with --approval ${id}` };
  return { ok: true, message: `rejected: request ${id}` };
}

export function approvalCommands(program: Command, io: ActionIo): void {
  program
    .command('approvals')
    .description('list the approval requests waiting for another operator in this environment (the two-person rule)')
    .option('--json', 'print them as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      io.setCode(
        await withDeps(io, g, async (deps, opened) => {
          const pending = await storeOf(deps, opened.info.name).pending(opened.info.name);
          if (flags.json) io.stdout.write(JSON.stringify(pending.map(requestJson), null, 2) + '\n');
          else if (pending.length === 0) io.stdout.write(`no approval request waits in ${opened.info.name}\n`);
          else io.stdout.write(pending.map((r) => requestLines(r).join('\n')).join('\n\n') + '\n');
          return EXIT.ok;
        }),
      );
    });
  for (const [verb, verdict] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    program
      .command(`${verb} <id>`)
      .description(`${verb} another operator's approval request after reading its plan; on a terminal you type the id, in a script pass --confirm ID`)
      .option('--confirm <id>', `${verb} without asking; must be the request's id`)
      .action(async (id: string, flags: { confirm?: string }, cmd: Command) => {
        io.setCode(await decide(io, cmd.optsWithGlobals<GlobalOptions>(), id, flags, verdict));
      });
  }
}

/** --wait-approval: how long the action command waits for the decision. */
export function waitApprovalMs(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseTimeout(text, '--wait-approval');
}
