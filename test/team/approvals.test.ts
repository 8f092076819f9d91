// The two-person rule's store on the real local PostgreSQL: requests, decisions and the one use, raced.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { migrate } from '../../src/team/migrations.js';
import { approvalGate, ApprovalStore, planHash, type ApprovalOperator } from '../../src/team/approvals.js';
import type { Plan } from '../../src/actions/types.js';

let db: TestDatabase;
let stores: TeamStore[] = [];
let approvals: ApprovalStore;
let other: ApprovalStore;

const ana: ApprovalOperator = { user: 'ana', aws: 'arn:aws:sts::1:assumed-role/ops/ana', host: 'h1' };
const bo: ApprovalOperator = { user: 'bo', aws: 'arn:aws:sts::1:assumed-role/ops/bo', host: 'h2' };
const cy: ApprovalOperator = { user: 'cy', aws: 'arn:aws:sts::1:assumed-role/ops/cy', host: 'h3' };

function plan(desired: number, running = 4): Plan {
  return {
    action: 'scale',
    title: `Scale prod/api to ${desired}`,
    tier: 'destructive',
    environment: 'prod',
    target: { kind: 'ecs-service', name: 'api', parent: 'main', display: 'prod/api' },
    summary: `desiredCount ${running} → ${desired}`,
    changes: [{ field: 'desiredCount', before: String(running), after: String(desired) }],
    calls: [{ api: 'ecs:UpdateService', params: { cluster: 'main', service: 'api', desiredCount: desired } }],
    details: [],
    phrase: 'prod/api',
    fingerprint: JSON.stringify({ desired: running, running }),
    verifyTimeoutMs: 1000,
    params: {},
    createdAt: Date.now(),
  };
}

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'approvals');
  // two pools: two operators' processes
  stores = [openTeamStore(db.url), openTeamStore(db.url)];
  await migrate(stores[0]!.pool);
  approvals = new ApprovalStore(stores[0]!.pool);
  other = new ApprovalStore(stores[1]!.pool);
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await db?.drop();
});

describe('the plan hash', () => {
  it('is the same for the same content, and differs when the target state or the change differs', () => {
    expect(planHash(plan(0))).toBe(planHash({ ...plan(0), createdAt: 1, params: { other: true } }));
    expect(planHash(plan(0))).not.toBe(planHash(plan(0, 5)));
    expect(planHash(plan(0))).not.toBe(planHash(plan(1)));
  });
});

describe('approval requests in the team store', () => {
  it('request → another operator approves → the requester uses it once', async () => {
    const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'drain before the migration' });
    expect(r.id).toMatch(/^[0-9A-Z]{6}$/);
    expect(r.status).toBe('pending');
    expect((await other.pending('prod')).map((p) => p.id)).toContain(r.id);
    const d = await other.decide(r.id.toLowerCase(), 'approved', bo);
    expect(d.done).toBe(true);
    expect((await other.pending('prod')).map((p) => p.id)).not.toContain(r.id);
    // the approver cannot use it for themselves
    expect(await other.consume(r.id, plan(0), bo)).toEqual({ ok: false, message: `request ${r.id} was made by ana@h1 (${ana.aws}): only they can use its approval` });
    const used = await approvals.consume(r.id, plan(0), ana);
    expect(used.ok).toBe(true);
    expect(await approvals.consume(r.id, plan(0), ana)).toEqual({ ok: false, message: `the approval of request ${r.id} was already used; request again` });
    expect((await approvals.get(r.id))?.status).toBe('used');
  });

  it('refuses self-approval: the same OS user, or the same AWS identity under another user', async () => {
    const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'x' });
    expect(await other.decide(r.id, 'approved', { ...ana, host: 'elsewhere' })).toMatchObject({ done: false, message: 'you (ana) requested this: another operator must approve it' });
    expect(await other.decide(r.id, 'approved', { ...bo, aws: ana.aws })).toMatchObject({ done: false, message: expect.stringContaining('same AWS identity') });
    expect(await other.decide(r.id, 'approved', { ...bo, aws: '' })).toMatchObject({ done: false, message: expect.stringContaining('AWS identity is not known') });
    expect((await approvals.get(r.id))?.status).toBe('pending');
  });

  it('two approvers racing: one approval recorded, the other told it is already approved', async () => {
    const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'x' });
    const [a, b] = await Promise.all([approvals.decide(r.id, 'approved', bo), other.decide(r.id, 'approved', cy)]);
    const results = [a, b];
    expect(results.filter((x) => x.done)).toHaveLength(1);
    const loser = results.find((x) => !x.done)!;
    expect(loser.done).toBe(false);
    if (!loser.done) expect(loser.message).toMatch(new RegExp(`^request ${r.id} is already approved by (bo@h2|cy@h3)`));
    const rows = await stores[0]!.pool.query('SELECT approver_user FROM opsdeck.approvals WHERE request_id = $1', [r.id]);
    expect(rows.rowCount).toBe(1);
  });

  it('an approval for a stale plan is refused: the target changed, the plan (and its hash) too', async () => {
    const r = await approvals.create({ plan: plan(0, 4), requester: ana, reason: 'x' });
    await other.decide(r.id, 'approved', bo);
    expect(await approvals.consume(r.id, plan(0, 6), ana)).toEqual({ ok: false, message: 'the plan changed since it was approved; request again' });
    // not spent by the refusal
    expect((await approvals.consume(r.id, plan(0, 4), ana)).ok).toBe(true);
  });

  it('an expired approval is refused, and the request shows expired', async () => {
    const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'x' });
    await other.decide(r.id, 'approved', bo, 50);
    await new Promise((done) => setTimeout(done, 150));
    expect(await approvals.consume(r.id, plan(0), ana)).toEqual({ ok: false, message: `the approval request ${r.id} expired; request again` });
    expect((await approvals.get(r.id))?.status).toBe('expired');
  });

  it('an expired request can no longer be approved', async () => {
    const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'x', ttlMs: 50 });
    await new Promise((done) => setTimeout(done, 150));
    expect(await other.decide(r.id, 'approved', bo)).toMatchObject({ done: false, message: `request ${r.id} is already expired` });
  });

  it('two executions racing with one approval: exactly one gets it', async () => {
    for (let round = 0; round < 5; round++) {
      const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'x' });
      await other.decide(r.id, 'approved', bo);
      const both = await Promise.all([approvals.consume(r.id, plan(0), ana), other.consume(r.id, plan(0), ana)]);
      expect(both.filter((x) => x.ok)).toHaveLength(1);
    }
  });

  it('a rejected request cannot be used', async () => {
    const r = await approvals.create({ plan: plan(0), requester: ana, reason: 'x' });
    expect((await other.decide(r.id, 'rejected', bo)).done).toBe(true);
    expect(await approvals.consume(r.id, plan(0), ana)).toEqual({ ok: false, message: `request ${r.id} was rejected by bo@h2 (${bo.aws})` });
  });

  it('the executor gate refuses when the store is missing, and asks only for the tiers configured', async () => {
    const gate = approvalGate({ destructive: 1 }, undefined, () => ana);
    expect(gate.required(plan(0))).toBe(true);
    expect(gate.required({ ...plan(0), tier: 'reversible' })).toBe(false);
    expect(await gate.consume(plan(0), 'ABCDEF')).toMatchObject({ ok: false, message: expect.stringContaining('team store, which is not open') });
  });
});
