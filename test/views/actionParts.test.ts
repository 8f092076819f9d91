/**
 * The pieces behind the action overlay, without a terminal: how typed text
 * becomes arguments, how a paste is cut into keys, how the box wraps and
 * shrinks, which hints survive a narrow terminal, and where the topology
 * facts come from.
 */
import { describe, expect, test } from 'vitest';
import stringWidth from 'string-width';
import { redeployRequest, rollbackRequest, scaleRequest } from '../../src/actions/requests.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import { activeBindings, KEY_BINDINGS, resolveKey } from '../../src/keys/registry.js';
import { liveConditionFacts } from '../../src/dashboard/actions.js';
import { evaluateCondition } from '../../src/checks/topology.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { ActionUiState } from '../../src/actions/controller.js';
import type { Plan } from '../../src/actions/types.js';
import { splitKeys } from '../../views/keys.js';
import { overlayLines, overlayView, wrapText } from '../../views/actionOverlay.js';
import { liveLines } from '../../views/actionStart.js';
import { hintLine } from '../../views/chrome.js';
import type { Line } from '../../views/text.js';
import { allData, queues } from './fixtures.js';
import { makeStore } from './render.js';

const text = (l: Line) => l.map((s) => s.text).join('');
// the builders only carry the context to the controller; parsing never touches it
const ecsCtx = {} as EcsActionContext;
/** The box's text without borders and line breaks, for checking what wrapped. */
const flat = (box: string) => box.replace(/[║│]/g, ' ').replace(/\s+/g, ' ');

describe('requests', () => {
  test('scale takes a whole number and nothing else, with one line saying what to type', () => {
    const r = scaleRequest(ecsCtx, 'demo', 'api');
    expect(r.args('0')).toEqual({ cluster: 'demo', service: 'api', desired: 0 });
    expect(r.args(' 12 ')).toMatchObject({ desired: 12 });
    expect(() => r.args('')).toThrow('type the desired count (0 stops the service), or Esc to cancel');
    for (const bad of ['-1', '1.5', '3x', 'three', '0x10', '1e3']) expect(() => r.args(bad)).toThrow(`the desired count is a whole number like 0 or 3, not "${bad}"`);
    expect(() => r.args('99999999999999999999')).toThrow('is not a count ECS can run');
    expect(r.prompt).toMatchObject({ label: 'desired count', value: '' });
  });

  test('rollback: empty is the previous revision, a number is that revision', () => {
    const r = rollbackRequest(ecsCtx, 'demo', 'api');
    expect(r.prompt?.label).toBe('revision (Enter: the previous one; good: the last known good)');
    expect(r.args('')).toEqual({ cluster: 'demo', service: 'api' });
    expect(r.args('43')).toEqual({ cluster: 'demo', service: 'api', to: 43 });
    expect(() => r.args('demo-worker:3')).toThrow('the revision is a number like 43');
    expect(() => r.args('0')).toThrow('revisions start at 1');
  });

  test('redeploy asks nothing', () => {
    const r = redeployRequest(ecsCtx, 'demo', 'worker');
    expect(r.prompt).toBeUndefined();
    expect(r.args('')).toEqual({ cluster: 'demo', service: 'worker' });
  });
});

describe('keys', () => {
  test('while typing, a paste stays one input; Enter and backspace inside it become keys; controls are dropped', () => {
    const paste = (input: string) => splitKeys({ input }, true);
    expect(paste('prod/api')).toEqual([{ input: 'prod/api' }]);
    expect(paste('api\r')).toEqual([{ input: 'api' }, { input: '', return: true }]);
    expect(paste('ab\x7fi\n')).toEqual([{ input: 'ab' }, { input: '', backspace: true }, { input: 'i' }, { input: '', return: true }]);
    expect(paste('a\x07pi')).toEqual([{ input: 'api' }]);
    expect(paste('\x1b[200~prod/api\x1b[201~')).toEqual([{ input: 'prod/api' }]);
    expect(splitKeys({ input: '', escape: true }, true)).toEqual([{ input: '', escape: true }]);
  });

  test('the action keys are dangerous, bound to the ECS panel, and gone in read-only mode', () => {
    const actions = KEY_BINDINGS.filter((b) => ['scale', 'rollback', 'redeploy'].includes(b.command));
    expect(actions.map((b) => b.label)).toEqual(['s', 'b', 'd']);
    for (const b of actions) expect(b).toMatchObject({ dangerous: true, panels: ['ecs'], scopes: ['dashboard', 'detail'] });
    expect(activeBindings({ readOnly: true }).some((b) => b.dangerous)).toBe(false);
    expect(resolveKey({ input: 's' }, 'dashboard', KEY_BINDINGS, 'ecs')?.command).toBe('scale');
    expect(resolveKey({ input: 's' }, 'detail', KEY_BINDINGS, 'ecs')?.command).toBe('scale');
    expect(resolveKey({ input: 's' }, 'dashboard', KEY_BINDINGS, 'queues')).toBeUndefined();
    expect(resolveKey({ input: 's' }, 'help', KEY_BINDINGS, 'ecs')).toBeUndefined();
    // ctrl+d still pages down, d alone redeploys
    expect(resolveKey({ input: 'd', ctrl: true }, 'detail', KEY_BINDINGS, 'ecs')?.command).toBe('page-down');
  });

  test('a narrow hint bar keeps quit, help and the panel actions, and drops general hints from the end', () => {
    const line = text(hintLine('dashboard', KEY_BINDINGS, 80, 'ecs'));
    expect(line).toMatch(/^q ctrl\+c quit {2}\? help .* s scale {2}b roll back {2}d redeploy/);
    expect(stringWidth(line)).toBe(80);
    expect(text(hintLine('dashboard', KEY_BINDINGS, 200, 'ecs'))).toContain('r refresh');
    expect(text(hintLine('dashboard', KEY_BINDINGS, 200, 'logs'))).not.toContain('scale');
  });
});

const plan = (over: Partial<Plan> = {}): Plan => ({
  action: 'rollback',
  title: 'Roll back prod/api to conflicto-api:41',
  tier: 'destructive',
  environment: 'prod',
  target: { kind: 'ecs-service', name: 'api', parent: 'conflicto-prod-cluster', display: 'prod/api' },
  summary: 'prod / cluster conflicto-prod-cluster / service api: taskDefinition conflicto-api:42 → conflicto-api:41; desired 4, running 4',
  changes: [{ field: 'taskDefinition', before: 'conflicto-api:42', after: 'conflicto-api:41' }],
  calls: [{ api: 'ecs:UpdateService', params: { cluster: 'conflicto-prod-cluster', service: 'api', taskDefinition: 'conflicto-api:41' } }],
  details: Array.from({ length: 30 }, (_, i) => `api env added: FLAG_${i}`),
  phrase: 'prod/api',
  fingerprint: '{}',
  verifyTimeoutMs: 600_000,
  params: {},
  createdAt: 0,
  ...over,
});

describe('overlay', () => {
  test('wraps at spaces and cuts words longer than the row', () => {
    expect(wrapText('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrapText('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
    expect(wrapText('evil\x1b[2J text', 80)).toEqual(['evil text']);
  });

  test('a plan taller than the room keeps the summary and the confirmation, and says what it left out', () => {
    const state: ActionUiState = { phase: 'confirm', plan: plan(), confirm: { tier: 'destructive', phrase: 'prod/api', typed: 'prod/a', status: 'typing', error: '"prod/" is not "prod/api"; nothing was done' } };
    const box = overlayLines({ state, width: 80, maxHeight: 18 });
    expect(box).toHaveLength(18);
    const all = box.map(text);
    for (const row of all) expect(stringWidth(row)).toBe(80);
    const joined = all.join('\n');
    expect(joined).toContain('change  taskDefinition  conflicto-api:42 → conflicto-api:41');
    // wrapped between the parameters, not inside one
    expect(flat(joined)).toContain('call ecs:UpdateService {"cluster": "conflicto-prod-cluster", "service": "api", "taskDefinition": "conflicto-api:41"}');
    expect(joined).toContain('Type prod/api to confirm');
    expect(joined).toContain('> prod/a');
    expect(joined).toContain('"prod/" is not "prod/api"');
    expect(joined).toContain('  top of the plan');
    const below = Number(/↓ (\d+) more/.exec(joined)![1]);
    expect(joined).toContain('FLAG_0');
    expect(joined).not.toContain('FLAG_29');
    // scrolled to the end: what was below is above, the last detail shows, the confirmation stays
    const end = overlayView({ state, width: 80, maxHeight: 18, scroll: Number.MAX_SAFE_INTEGER });
    expect(end.maxScroll).toBe(below);
    const last = end.lines.map(text).join('\n');
    expect(last).toContain(`↑ ${below} more`);
    expect(last).toContain('  end of the plan');
    expect(last).toContain('FLAG_29');
    expect(last).toContain('> prod/a');
    expect(end.lines).toHaveLength(18);
  });

  test('planning says what it reads; running shows the progress as a bar', () => {
    const target = { panel: 'ecs' as const, cluster: 'conflicto-prod-cluster', service: 'api' };
    const state: ActionUiState = { phase: 'planning', title: 'Scale api' };
    const planning = overlayLines({ state, width: 80, maxHeight: 20, live: liveLines(target, state, makeStore(new ManualClock(0), allData, 0).getSnapshots()), targetName: 'api' }).map(text).join('\n');
    expect(planning).toContain('planning… reading api');
    expect(planning).toContain('api now: desired 3 · running 3');
    const running = overlayLines({ state: { phase: 'running', plan: plan(), progress: { message: 'running 1/4, pending 3, rollout IN_PROGRESS', fraction: 0.25 } }, width: 80, maxHeight: 20 }).map(text).join('\n');
    expect(running).toContain('running 1/4, pending 3');
    expect(running).toMatch(/█{10}░{30}  25%/);
  });

  test('grows with the room: every detail shows on a tall terminal', () => {
    const state: ActionUiState = { phase: 'confirm', plan: plan(), confirm: { tier: 'destructive', phrase: 'prod/api', typed: '', status: 'typing' } };
    const joined = overlayLines({ state, width: 160, maxHeight: 60 }).map(text).join('\n');
    expect(joined).toContain('FLAG_29');
    expect(joined).not.toContain('more');
  });
});

describe('topology facts', () => {
  test('come from the panels, and only while their data is fresh', () => {
    const clock = new ManualClock(0);
    const store = makeStore(clock, allData, 0);
    const facts = liveConditionFacts(store);
    expect(evaluateCondition('redis:jobs', facts).holds).toBe(true);
    store.succeed('queues', { ...queues, redis: queues.redis.map((r) => ({ ...r, ok: false })) });
    expect(evaluateCondition('redis:jobs', facts)).toMatchObject({ holds: false, reason: 'Redis "jobs" is unreachable' });
    store.succeed('queues', queues);
    store.fail('queues', 'ECONNREFUSED');
    // the panel keeps showing the last data, but a condition must not lean on it
    expect(evaluateCondition('redis:jobs', facts).holds).toBe(false);
    expect(evaluateCondition('postgres:primary', facts).holds).toBe(true);
  });
});
