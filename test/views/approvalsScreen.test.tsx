// The approvals screen (V, :approvals) drawn on a real team store: the list, a request's plan as `opsdeck approve ID` prints it,
// the id typed to approve (through the command line's decideRequest), and self-approval refused in one line.
import { describe, expect, test, beforeAll, afterAll, beforeEach } from 'vitest';
import { KEYS, plain } from './render.js';
import { actionViews } from './actionView.js';
import { approvalDb, type ApprovalDb } from '../team/support/approvalDb.js';
import type { TeamStore } from '../../src/team/store.js';
import { ApprovalStore, type ApprovalOperator } from '../../src/team/approvals.js';
import { decideRequest, requestLines } from '../../src/cli/approvalCommands.js';
import { createApprovalsFeed } from '../../src/dashboard/approvalsFeed.js';
import type { Plan } from '../../src/actions/types.js';
import type { AuditEntry } from '../../src/audit/record.js';

const views = actionViews();
let t: ApprovalDb;
let team: TeamStore;
let store: ApprovalStore;
const ana: ApprovalOperator = { user: 'ana', aws: 'sandbox:ana', host: 'h1' };

beforeAll(async () => {
  t = await approvalDb('approvals_screen');
  ({ team, store } = t);
});
afterAll(async () => {
  await t?.close();
});

function plan(desired: number): Plan {
  return {
    action: 'scale', title: `Scale demo/api to ${desired}`, tier: 'destructive', environment: 'demo',
    target: { kind: 'ecs-service', name: 'api', parent: 'main', display: 'demo/api' },
    summary: `desiredCount 3 → ${desired}`, changes: [{ field: 'desiredCount', before: '3', after: String(desired) }],
    calls: [{ api: 'ecs:UpdateService', params: { cluster: 'main', service: 'api', desiredCount: desired } }],
    details: ['the service stops serving'], phrase: 'demo/api', fingerprint: '{"desired":3}', verifyTimeoutMs: 1000, params: {}, createdAt: Date.now(),
  };
}

/** The feed as the dashboard builds it, for operator `user`, deciding through the command line's code (its journal kept here). */
function feedAs(user: string, aws = `sandbox:${user}`) {
  const journal: AuditEntry[] = [];
  const env = { NODE_ENV: 'test', OPSDECK_OPERATOR_FOR_TESTS: user };
  const opened = { info: { name: 'demo', identity: '' } } as never;
  const deps = { approvalStore: store, journal: { append: async (e: AuditEntry) => void journal.push(e) } } as never;
  const feed = createApprovalsFeed({
    unavailable: async () => undefined,
    pending: () => store.pending('demo'),
    get: (id) => store.get(id),
    me: () => ({ user, aws, host: 'h' }),
    decide: (request, verdict, typed) => decideRequest(deps, opened, request, verdict, typed, env),
  }, { pollMs: 200 });
  return { feed, journal };
}

/** Each test starts with no request pending: an earlier test's leftovers expire. */
beforeEach(async () => {
  await team.pool.query(`UPDATE opsdeck.approval_requests SET status = 'expired' WHERE status = 'pending'`);
});

async function openScreen(user: string, opts: { columns?: number; rows?: number; aws?: string } = {}) {
  const a = await views.harness();
  const { feed, journal } = feedAs(user, opts.aws);
  const v = views.render({ ...opts, data: a.data, env: a.env, actions: { ...a.actions, approvals: feed } });
  await v.waitFor((f) => f.includes('api'));
  v.press('V');
  return { v, feed, journal };
}

describe('the approvals screen', () => {
  test('lists the pending requests, Enter shows the plan as opsdeck approve prints it, Y and the typed id approve it', async () => {
    const r = await store.create({ plan: plan(0), requester: ana, reason: 'drain for the migration' });
    const { v, journal } = await openScreen('bo', { columns: 120, rows: 30 });
    let f = await v.waitFor((t) => t.includes(r.id));
    expect(f).toContain('Approvals · demo · 1 pending');
    expect(f).toMatch(new RegExp(`${r.id}\\s+ana@h1 \\(sandbox:ana\\)\\s+scale\\s+destructive\\s+\\S+\\s+in 5\\dm\\s+demo/api`));
    v.press(KEYS.enter);
    f = await v.waitFor((t) => t.includes('drain for the migration'));
    for (const line of requestLines((await store.get(r.id))!)) expect(plain(f)).toContain(line.trim().slice(0, 60));
    // a wrong id decides nothing, as on the command line
    v.press('Y');
    await v.waitFor((t) => t.includes(`Type ${r.id} to approve it`));
    v.type('ZZZZZZ');
    v.press(KEYS.enter);
    await v.waitFor((t) => t.includes(`refused: the confirmation "ZZZZZZ" is not ${r.id}: nothing was decided`));
    expect((await store.get(r.id))?.status).toBe('pending');
    v.press('Y');
    await v.waitFor((t) => t.includes(`Type ${r.id} to approve it`));
    v.type(r.id.toLowerCase());
    v.press(KEYS.enter);
    await v.waitFor((t) => t.includes(`approved: request ${r.id}`));
    expect((await store.get(r.id))?.decision?.by.user).toBe('bo');
    expect(journal.map((e) => [e.action, e.outcome, e.detail.slice(0, 20)])).toEqual([['approve', 'ok', `approved request ${r.id}`.slice(0, 20)]]);
    // decided, it no longer waits: the open plan says so and the list is empty
    await v.waitFor((t) => t.includes(`request ${r.id} no longer waits`));
    v.press(KEYS.escape);
    await v.waitFor((t) => t.includes('no approval request waits in demo'));
  });

  test('self-approval: the row says it is yours, Y refuses in one line before anything is typed', async () => {
    const mine = await store.create({ plan: plan(1), requester: ana, reason: 'mine' });
    const { v } = await openScreen('ana');
    await v.waitFor((t) => t.includes(`${mine.id}  yours · ana@h1`));
    v.press('Y');
    await v.waitFor((t) => t.includes('refused: you (ana) requested this: another operator must approve it'));
    expect(v.lastFrame()).not.toContain('to approve it');
    expect((await store.get(mine.id))?.status).toBe('pending');
    await store.decide(mine.id, 'rejected', { user: 'cy', aws: 'sandbox:cy', host: 'h3' });
    await v.waitFor((t) => !t.includes(mine.id));
  });

  test('self-approval the list could not foresee (the identity not known yet): the store refuses it at the decision, in one line, journaled', async () => {
    const mine = await store.create({ plan: plan(3), requester: ana, reason: 'mine' });
    const { v, journal } = await openScreen('ana', { aws: '' });
    await v.waitFor((t) => t.includes(`${mine.id}  ana@h1`));
    v.press('Y');
    await v.waitFor((t) => t.includes(`Type ${mine.id} to approve it`));
    v.type(mine.id);
    v.press(KEYS.enter);
    await v.waitFor((t) => t.includes('refused: you (ana) requested this: another operator must approve it'));
    expect((await store.get(mine.id))?.status).toBe('pending');
    expect(journal.map((e) => [e.action, e.outcome])).toEqual([['approve', 'refused']]);
  });

  test('N rejects with the id typed; Esc while typing decides nothing; at 80x24 the row fits', async () => {
    const r = await store.create({ plan: plan(2), requester: ana, reason: 'x' });
    const { v } = await openScreen('bo');
    await v.waitFor((t) => t.includes(r.id));
    for (const row of v.lastFrame().split('\n')) expect(row.length).toBeLessThanOrEqual(80);
    v.press('N');
    await v.waitFor((t) => t.includes(`Type ${r.id} to reject it`));
    v.press(KEYS.escape);
    await v.waitFor((t) => t.includes('nothing was decided'));
    v.press('N');
    await v.waitFor((t) => t.includes(`Type ${r.id} to reject it`));
    v.type(r.id);
    v.press(KEYS.enter);
    await v.waitFor((t) => t.includes(`rejected: request ${r.id}`));
    expect((await store.get(r.id))?.status).toBe('rejected');
  });

  test('without the two-person rule the screen says so in one line; read-only mode takes Y away', async () => {
    const a = await views.harness();
    const feed = createApprovalsFeed({ unavailable: async () => 'demo has no two-person rule: add approvals: { destructive: 1 }', pending: async () => [], get: async () => undefined, me: () => ana, decide: async () => ({ ok: false, message: '' }) });
    const v = views.render({ data: a.data, env: { ...a.env, readOnly: true }, actions: { ...a.actions, approvals: feed } });
    await v.waitFor((f) => f.includes('api'));
    v.type(':approvals');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('demo has no two-person rule'));
    v.press('Y');
    await v.waitFor((f) => f.includes('read-only: approve is off'));
  });
});
