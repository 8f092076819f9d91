/**
 * The two-person rule, kept in the team store: a plan waiting for another
 * operator (a request), that operator's decision (an approval or a
 * rejection), and the one use of an approval by the requester's execution.
 *
 * An approval is for the plan's content hash (planHash): the action, the
 * target, the changes, the calls, the phrase and the fingerprint of the
 * target's state the plan was made against. A target that changed since
 * gives another plan, another hash, and needs another approval.
 *
 * Every step that two operators may race is one statement or a row lock:
 * two approvers → the first decision wins, the second is told it was
 * decided; two executions with one approval → one UPDATE flips it to `used`,
 * the other finds it used.
 */
import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import type { Plan, Tier } from '../actions/types.js';
import type { ApprovalGate, GateAnswer } from '../actions/executor.js';
import type { ApprovalsConfig } from '../config/schema.js';
import { currentOperator } from '../audit/record.js';
import { inTransaction } from './store.js';

/** A request waits this long for a decision; an approval is good this long for its use. */
export const REQUEST_TTL_MS = 60 * 60_000;
export const APPROVAL_TTL_MS = 30 * 60_000;

/** Who asks, approves or runs: the OS user and the AWS identity, each must differ between requester and approver. */
export interface ApprovalOperator {
  user: string;
  aws: string;
  host: string;
}

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'used' | 'expired';

/** The plan as shown to the approver: what the requester saw, never the action's private params. */
export interface ShownPlan {
  title: string;
  summary: string;
  tier: Tier;
  changes: Plan['changes'];
  calls: Plan['calls'];
  details: string[];
  phrase: string;
}

export interface ApprovalRequest {
  id: string;
  env: string;
  planHash: string;
  plan: ShownPlan;
  action: string;
  target: string;
  requester: ApprovalOperator;
  reason: string | null;
  createdAt: Date;
  expiresAt: Date;
  status: RequestStatus;
  /** set once decided */
  decision?: { verdict: 'approved' | 'rejected'; by: ApprovalOperator; at: Date; expiresAt: Date };
}

/** How many approvals a plan of this tier needs in an environment with this config. */
export function approvalsNeeded(config: ApprovalsConfig | undefined, tier: Tier): number {
  if (!config || tier === 'read') return 0;
  return config[tier] ?? 0;
}

/** JSON with sorted keys, so that the same content always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The plan's content hash. The fingerprint (the target's state the executor
 * re-reads under the lock) is in it, so an approval is for this state only.
 */
export function planHash(plan: Plan): string {
  const content = { action: plan.action, environment: plan.environment, tier: plan.tier, target: plan.target.display, changes: plan.changes, calls: plan.calls, phrase: plan.phrase, fingerprint: plan.fingerprint };
  return createHash('sha256').update(canonical(content)).digest('hex');
}

export function shownPlan(plan: Plan): ShownPlan {
  return { title: plan.title, summary: plan.summary, tier: plan.tier, changes: plan.changes, calls: plan.calls, details: plan.details, phrase: plan.phrase };
}

/**
 * This process's operator. `awsIdentity` is the ARN the environment's calls
 * are made as; in the sandbox every operator shares one fixed identity, so
 * there it is derived from the OS user (`sandbox:USER`) and the OS user alone
 * tells operators apart. OPSDECK_OPERATOR_FOR_TESTS plays another OS user,
 * honoured only under NODE_ENV=test (the test runner's), never in use.
 */
export function approvalOperator(awsIdentity: string | undefined, sandbox: boolean, env: NodeJS.ProcessEnv = process.env): ApprovalOperator {
  const me = currentOperator();
  const user = env.NODE_ENV === 'test' && env.OPSDECK_OPERATOR_FOR_TESTS ? env.OPSDECK_OPERATOR_FOR_TESTS : me.user;
  const aws = sandbox ? `sandbox:${user}` : awsIdentity?.startsWith('arn:') ? awsIdentity : '';
  return { user, aws, host: me.host };
}

export function operatorLine(o: ApprovalOperator): string {
  return `${o.user}@${o.host}${o.aws ? ` (${o.aws})` : ''}`;
}

// Crockford's base32 without I, L, O, U: read aloud and typed without confusion
const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_LENGTH = 6;

function newId(): string {
  let s = '';
  for (let i = 0; i < ID_LENGTH; i++) s += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return s;
}

/** What an operator typed as an id: case and surrounding blanks do not matter. */
export function normaliseId(text: string): string {
  return text.trim().toUpperCase();
}

export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
}

interface RequestRow {
  id: string;
  env: string;
  plan_hash: string;
  plan: ShownPlan;
  action: string;
  target: string;
  requester_user: string;
  requester_aws: string;
  requester_host: string;
  reason: string | null;
  created_at: Date;
  expires_at: Date;
  status: RequestStatus;
  approver_user: string | null;
  approver_aws: string | null;
  approver_host: string | null;
  verdict: 'approved' | 'rejected' | null;
  approved_at: Date | null;
  approval_expires_at: Date | null;
}

const SELECT = `
  SELECT r.*, a.approver_user, a.approver_aws, a.approver_host, a.verdict, a.approved_at, a.expires_at AS approval_expires_at
  FROM opsdeck.approval_requests r LEFT JOIN opsdeck.approvals a ON a.request_id = r.id`;

function fromRow(r: RequestRow): ApprovalRequest {
  return {
    id: r.id,
    env: r.env,
    planHash: r.plan_hash,
    plan: r.plan,
    action: r.action,
    target: r.target,
    requester: { user: r.requester_user, aws: r.requester_aws, host: r.requester_host },
    reason: r.reason,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.status,
    ...(r.verdict && r.approved_at && r.approval_expires_at
      ? { decision: { verdict: r.verdict, by: { user: r.approver_user ?? '', aws: r.approver_aws ?? '', host: r.approver_host ?? '' }, at: r.approved_at, expiresAt: r.approval_expires_at } }
      : {}),
  };
}

/** Why an operator may not decide on someone's request; undefined when they may. */
export function selfApproval(requester: ApprovalOperator, approver: ApprovalOperator): string | undefined {
  if (!approver.aws) return 'your AWS identity is not known (STS did not answer), so it cannot be told apart from the requester\'s: approval refused';
  if (requester.user === approver.user) return `you (${approver.user}) requested this: another operator must approve it`;
  if (requester.aws === approver.aws) return `you act as the same AWS identity as the requester (${approver.aws}): another operator must approve it`;
  return undefined;
}

export type Decision = { done: true; request: ApprovalRequest } | { done: false; message: string; request?: ApprovalRequest };

export class ApprovalStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(input: { plan: Plan; requester: ApprovalOperator; reason?: string; ttlMs?: number }): Promise<ApprovalRequest> {
    const { plan } = input;
    for (let attempt = 0; ; attempt++) {
      const id = newId();
      try {
        const r = await this.pool.query<{ id: string }>(
          `INSERT INTO opsdeck.approval_requests (id, env, plan_hash, plan, action, target, tier, requester_user, requester_aws, requester_host, reason, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() + make_interval(secs => $12::double precision / 1000)) RETURNING id`,
          [id, plan.environment, planHash(plan), JSON.stringify(shownPlan(plan)), plan.action, plan.target.display, plan.tier, input.requester.user, input.requester.aws, input.requester.host, input.reason ?? null, input.ttlMs ?? REQUEST_TTL_MS],
        );
        return (await this.get(r.rows[0]!.id))!;
      } catch (err) {
        // a clash of random ids: 32^6 makes it rare, a few tries make it moot
        if ((err as { code?: string }).code === '23505' && attempt < 5) continue;
        throw err;
      }
    }
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    await this.expire();
    const r = await this.pool.query<RequestRow>(`${SELECT} WHERE r.id = $1`, [normaliseId(id)]);
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  /** Requests waiting for a decision, oldest first; of one environment when named. */
  async pending(env?: string): Promise<ApprovalRequest[]> {
    await this.expire();
    const r = await this.pool.query<RequestRow>(`${SELECT} WHERE r.status = 'pending' AND ($1::text IS NULL OR r.env = $1) ORDER BY r.created_at, r.id`, [env ?? null]);
    return r.rows.map(fromRow);
  }

  /**
   * Approves or rejects. The request's row is locked, so of two approvers
   * racing the second waits, then finds it decided and is told so.
   */
  async decide(id: string, verdict: 'approved' | 'rejected', by: ApprovalOperator, ttlMs = APPROVAL_TTL_MS): Promise<Decision> {
    await this.expire();
    const key = normaliseId(id);
    return inTransaction(this.pool, async (c) => {
      // lock first, read after: a statement that waited on the lock would still see the joined decision as it was before
      await c.query(`SELECT 1 FROM opsdeck.approval_requests WHERE id = $1 FOR UPDATE`, [key]);
      const r = await c.query<RequestRow>(`${SELECT} WHERE r.id = $1`, [key]);
      const row = r.rows[0];
      if (!row) return { done: false, message: `no approval request ${key}; see opsdeck approvals` };
      const request = fromRow(row);
      if (request.status !== 'pending') {
        const who = request.decision ? ` by ${operatorLine(request.decision.by)}` : '';
        return { done: false, message: `request ${key} is already ${request.status}${who}`, request };
      }
      const self = selfApproval(request.requester, by);
      if (self) return { done: false, message: self, request };
      await c.query(
        `INSERT INTO opsdeck.approvals (request_id, approver_user, approver_aws, approver_host, verdict, expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::double precision / 1000))`,
        [key, by.user, by.aws, by.host, verdict, ttlMs],
      );
      await c.query(`UPDATE opsdeck.approval_requests SET status = $2, decided_at = now() WHERE id = $1`, [key, verdict]);
      const after = await c.query<RequestRow>(`${SELECT} WHERE r.id = $1`, [key]);
      return { done: true, request: fromRow(after.rows[0]!) };
    });
  }

  /**
   * Uses the approval for this exact plan, once: one UPDATE decides, so of
   * two executions racing with one approval exactly one gets it. The runner
   * must be the requester; the approval must not have expired.
   */
  async consume(id: string, plan: Plan, runner: ApprovalOperator): Promise<{ ok: true; request: ApprovalRequest } | { ok: false; message: string }> {
    const key = normaliseId(id);
    const hash = planHash(plan);
    const used = await this.pool.query<{ id: string }>(
      `UPDATE opsdeck.approval_requests r SET status = 'used', used_at = now()
       FROM opsdeck.approvals a
       WHERE r.id = $1 AND a.request_id = r.id AND r.status = 'approved' AND a.verdict = 'approved' AND a.expires_at > now()
         AND r.env = $2 AND r.plan_hash = $3 AND r.requester_user = $4 AND r.requester_aws = $5
       RETURNING r.id`,
      [key, plan.environment, hash, runner.user, runner.aws],
    );
    const request = await this.get(key);
    if (used.rowCount === 1 && request) return { ok: true, request };
    return { ok: false, message: whyNot(key, request, plan, hash, runner) };
  }

  /** Waits until the request is decided (or expires, or `timeoutMs` passes); polls every `everyMs`. */
  async waitDecision(id: string, timeoutMs: number, signal?: AbortSignal, everyMs = 1_000): Promise<ApprovalRequest | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.get(id);
      if (!r || r.status !== 'pending' || Date.now() >= until || signal?.aborted) return r;
      await new Promise((done) => setTimeout(done, Math.min(everyMs, Math.max(0, until - Date.now()))));
    }
  }

  /** Requests nobody decided in time, and approvals nobody used in time, are marked expired. */
  private async expire(): Promise<void> {
    await this.pool.query(
      `UPDATE opsdeck.approval_requests r SET status = 'expired'
       WHERE (r.status = 'pending' AND r.expires_at <= now())
          OR (r.status = 'approved' AND EXISTS (SELECT 1 FROM opsdeck.approvals a WHERE a.request_id = r.id AND a.expires_at <= now()))`,
    );
  }
}

function whyNot(key: string, request: ApprovalRequest | undefined, plan: Plan, hash: string, runner: ApprovalOperator): string {
  if (!request) return `no approval request ${key}; see opsdeck approvals`;
  if (request.env !== plan.environment) return `request ${key} is for ${request.env}, not ${plan.environment}`;
  if (request.action !== plan.action || request.target !== plan.target.display) return `request ${key} is for ${request.action} ${request.target}, not ${plan.action} ${plan.target.display}`;
  if (request.status === 'pending') return `request ${key} is not approved yet: ask another operator to run opsdeck approve ${key}`;
  if (request.status === 'rejected') return `request ${key} was rejected${request.decision ? ` by ${operatorLine(request.decision.by)}` : ''}`;
  if (request.status === 'used') return `the approval of request ${key} was already used; request again`;
  if (request.status === 'expired') return `the approval request ${key} expired; request again`;
  if (request.requester.user !== runner.user || request.requester.aws !== runner.aws) return `request ${key} was made by ${operatorLine(request.requester)}: only they can use its approval`;
  if (request.planHash !== hash) return 'the plan changed since it was approved; request again';
  return `the approval of request ${key} could not be used; request again`;
}

/**
 * The executor's gate for an environment with the two-person rule. Without a
 * store (the team store is not configured or not reachable) it refuses:
 * a rule that cannot be checked is not skipped.
 */
export function approvalGate(config: ApprovalsConfig | undefined, store: ApprovalStore | undefined, runner: () => ApprovalOperator): ApprovalGate {
  return {
    required: (plan) => approvalsNeeded(config, plan.tier) > 0,
    consume: async (plan, id): Promise<GateAnswer> => {
      if (!store) return { ok: false, message: `${plan.environment} requires another operator's approval, kept in the team store, which is not open: nothing was done` };
      try {
        const r = await store.consume(id, plan, runner());
        return r.ok ? { ok: true, by: r.request.decision ? operatorLine(r.request.decision.by) : 'another operator' } : r;
      } catch (err) {
        return { ok: false, message: `could not check the approval in the team store (${(err as Error).message}): nothing was done` };
      }
    },
  };
}
