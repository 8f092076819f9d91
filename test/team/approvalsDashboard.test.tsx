// The dashboard's action box under the two-person rule, on the real local PostgreSQL: the phrase, the request, the wait, another operator's approval, the run.
import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import { KEYS, type Harness } from '../views/render.js';
import { actionViews, giveReason } from '../views/actionView.js';
import { approvalDb, type ApprovalDb } from './support/approvalDb.js';
import { approvalGate, ApprovalStore, type ApprovalOperator } from '../../src/team/approvals.js';
import { approvedBy } from '../../src/dashboard/approvals.js';

const { open } = actionViews();
let t: ApprovalDb;
let store: ApprovalStore;
const ana: ApprovalOperator = { user: 'ana', aws: 'sandbox:ana', host: 'h1' };
const bo: ApprovalOperator = { user: 'bo', aws: 'sandbox:bo', host: 'h2' };

beforeAll(async () => {
  t = await approvalDb('approvals_tui');
  ({ store } = t);
});
afterAll(async () => {
  await t?.close();
});

const approvals = () => ({
  gate: approvalGate({ destructive: 1 }, store, () => ana),
  requester: { request: (plan: Parameters<ApprovalStore['create']>[0]['plan'], reason: string | undefined) => store.create({ plan, requester: ana, ...(reason !== undefined ? { reason } : {}) }), decided: (id: string, signal: AbortSignal) => approvedBy(store, id, signal, 100) },
});

/** s on api, the count, the right phrase */
async function scaleApi(v: Harness, count: string): Promise<void> {
  v.press('s');
  await v.waitFor((f) => f.includes('desired count:'));
  v.type(count);
  v.press(KEYS.enter);
  await giveReason(v, `scale api to ${count}: the approver reads why`);
  await v.waitFor((f) => f.includes('Type api to confirm'));
  v.type('api');
  v.press(KEYS.enter);
}

describe('the action box in an environment with approvals', () => {
  test('after the phrase it waits for approval (request ID), then runs once another operator approved', async () => {
    const { v, a } = await open({ approvals: approvals() });
    await scaleApi(v, '0');
    const frame = await v.waitFor((f) => /waiting for approval \(request [0-9A-Z]{6}\)/.test(f.replace(/[║│\n]/g, ' ').replace(/\s+/g, ' ')));
    const id = /request ([0-9A-Z]{6})/.exec(frame)![1]!;
    expect((await a.service('api')).desired).toBe(3);
    expect((await store.decide(id, 'approved', bo)).done).toBe(true);
    a.release();
    await expect.poll(async () => (await a.service('api')).desired, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => a.journal.read().find((r) => r.phase === 'intent')?.detail, { timeout: 10_000 }).toContain(`approved by bo@h2 (sandbox:bo) (request ${id}, used)`);
    expect((await store.get(id))?.status).toBe('used');
    // what the box's reason line took is what the approver reads, and the intent says it too
    expect((await store.get(id))?.reason).toBe('scale api to 0: the approver reads why');
    expect(a.journal.read().find((r) => r.phase === 'intent')?.detail).toContain('; reason: scale api to 0: the approver reads why; approved by');
  });

  test('a rejected request ends the run as refused; nothing is done', async () => {
    const { v, a } = await open({ approvals: approvals() });
    await scaleApi(v, '1');
    const frame = await v.waitFor((f) => /request [0-9A-Z]{6}/.test(f));
    const id = /request ([0-9A-Z]{6})/.exec(frame)![1]!;
    await store.decide(id, 'rejected', bo);
    await v.waitFor((f) => f.includes(`request ${id}: rejected by bo@h2`));
    expect((await a.service('api')).desired).toBe(3);
    expect(a.journal.read().filter((r) => r.phase === 'intent')).toHaveLength(0);
  });
});
