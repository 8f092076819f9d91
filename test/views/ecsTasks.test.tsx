/**
 * The running tasks in the ECS detail (numbered, for x) at 80x24 and
 * 120x40, and x from the keyboard against the sandbox: the prompt, the plan,
 * the typed id, the stop and the replacement.
 */
import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody } from '../../views/panels/index.js';
import type { EcsService, EcsTask } from '../../src/model/ecs.js';
import { shortTaskId } from '../../src/model/ecs.js';
import { KEYS } from './render.js';
import { actionViews, expectFits, giveReason } from './actionView.js';
import { allData, ecs, T0 } from './fixtures.js';
import { judged } from './judged.js';

const text = (l: Line) => l.map((s) => s.text).join('');
const M = 60_000;

function task(id: string, over: Partial<EcsTask> = {}): EcsTask {
  return { taskArn: `arn:aws:ecs:us-east-1:1:task/prod/${id}`, id, taskDefinition: 'conflicto-api:42', revision: 42, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', health: 'HEALTHY', createdAt: T0 - 3 * 60 * M, startedAt: T0 - 3 * 60 * M + 9_000, availabilityZone: 'us-east-1a', service: 'api', ...over };
}

const TASKS: EcsTask[] = [
  task('0a1b2c3d4e5f60718293a4b5c6d7e8f9', { taskDefinition: 'conflicto-api:41', revision: 41, startedAt: T0 - 26 * 60 * M }),
  task('3f2a9c1e5b7d4e0f8a1b2c3d4e5f6a7b', { health: 'UNHEALTHY', availabilityZone: 'us-east-1c' }),
  task('9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b', { lastStatus: 'PENDING', health: 'UNKNOWN', startedAt: undefined, availabilityZone: 'us-east-1b' }),
];

function withTasks(tasks: EcsTask[] | undefined): EcsService[] {
  return ecs.services.map((s) => (s.name === 'api' ? { ...s, taskDefinition: 'conflicto-api:42', ...(tasks ? { tasks } : {}) } : s));
}

const verdicts = judged(allData, T0);
const body = (services: EcsService[], width: number, height: number, warnings?: string[]) => {
  const ctx: PanelCtx = { width, height, now: T0, selected: 0, focused: true, detail: true, filter: '', verdicts };
  return panelBody('ecs', { services, ...(warnings ? { warnings } : {}) }, ctx).map(text);
};

describe('the Tasks section of the ECS detail', () => {
  test.each([
    [78, 20],
    [118, 36],
  ])('at %i x %i: numbered rows with the short id, revision, status, health, age and zone', (width, height) => {
    const lines = body(withTasks(TASKS), width, height);
    expect(lines.length).toBeLessThanOrEqual(height);
    const at = lines.findIndex((l) => l.startsWith('Tasks'));
    expect(at).toBeGreaterThan(0);
    // the table is laid out to the width (event lines are cut by the frame)
    for (const l of lines.slice(at, at + 5)) expect(l.trimEnd().length).toBeLessThanOrEqual(width);
    expect(lines[at + 1]).toMatch(/^ # task +task definition +status +health +age zone +started/);
    expect(lines[at + 2]).toMatch(/^ 1 0a1b2c3d conflicto-api:41 +running +healthy +26h us-east-1a/);
    expect(lines[at + 3]).toMatch(/^ 2 3f2a9c1e conflicto-api:42 +running +unhealthy +2h us-east-1c/);
    expect(lines[at + 4]).toMatch(/^ 3 9e8d7c6b conflicto-api:42 +pending +unknown +- us-east-1b/);
    // the stopped tasks and the events still have their place below
    expect(lines.slice(at).some((l) => l.startsWith('Stopped tasks'))).toBe(true);
  });

  test('the row of a task of another revision than the service\'s and of an unhealthy one are toned; the rest plain', () => {
    const ctx: PanelCtx = { width: 118, height: 36, now: T0, selected: 0, focused: true, detail: true, filter: '', verdicts };
    const lines = panelBody('ecs', { services: withTasks(TASKS) }, ctx);
    const row = (n: number) => lines.find((l) => text(l).startsWith(` ${n} `))!;
    expect(row(1).find((s) => s.text.startsWith('conflicto-api:41'))?.tone).toBe('accent');
    expect(row(2).find((s) => s.text.startsWith('unhealthy'))?.tone).toBe('crit');
    expect(row(2).find((s) => s.text.startsWith('conflicto-api:42'))?.tone).toBeUndefined();
  });

  test('a short terminal keeps the heading and says how many tasks it left out', () => {
    const many = Array.from({ length: 12 }, (_, i) => task(`${String(i).padStart(2, '0')}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`));
    const lines = body(withTasks(many), 78, 20);
    expect(lines.find((l) => l.startsWith('Tasks'))).toMatch(/^Tasks +\(\d+ (more )?not shown\)$/);
    expect(lines.length).toBeLessThanOrEqual(20);
  });

  test('in a crash loop on a short terminal the stopped tasks keep their rows: they say why; the tasks keep their heading', () => {
    const services = ecs.services.map((s) => (s.name === 'scheduler' ? { ...s, tasks: [task('5c4b3a2918070605f4e3d2c1b0a99887', { taskDefinition: 'conflicto-scheduler:16', revision: 16 })] } : s));
    const ctx: PanelCtx = { width: 78, height: 16, now: T0, selected: 2, focused: true, detail: true, filter: '', verdicts };
    const lines = panelBody('ecs', { services }, ctx).map(text);
    expect(lines.length).toBeLessThanOrEqual(16);
    const stopped = lines.findIndex((l) => l.startsWith('Stopped tasks'));
    expect(stopped).toBeGreaterThan(0);
    expect(lines[stopped + 2]).toMatch(/conflicto-scheduler:17/);
    expect(lines.some((l) => l.startsWith('Tasks'))).toBe(true);
  });

  test('none running, and not read, say so', () => {
    expect(body(withTasks([]), 78, 20).find((l) => l.startsWith('Tasks'))).toBe('Tasks  none running');
    const unread = body(withTasks(undefined), 78, 20, ['running tasks unavailable: denied']);
    expect(unread.find((l) => l.startsWith('Tasks'))).toBe('Tasks  not read (see the warning above)');
    expect(unread.some((l) => l.includes('running tasks unavailable: denied'))).toBe(true);
  });
});

const { open } = actionViews();

describe('x: stop a task from the keyboard', () => {
  test('at 80x24: the detail lists the tasks, x asks which, 2 plans the second, its id confirms, the service replaces it', async () => {
    const { v, a } = await open({ columns: 80, rows: 24 });
    const tasks = (await a.service('api')).tasks!;
    const second = tasks[1]!;
    const short = shortTaskId(second.id);
    v.press(KEYS.enter);
    let frame = await v.waitFor((f) => f.includes('Tasks') && f.includes(short));
    expect(frame).toMatch(new RegExp(` 2 ${short} demo-api:44 +running +healthy`));
    expectFits(frame, 80, 24);

    v.press('x');
    frame = await v.waitFor((f) => f.includes('task (its number in the Tasks list, or its id):'));
    expect(frame).toContain(`2 ${short}`);
    expectFits(frame, 80, 24);
    v.type('7');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('the Tasks list numbers its tasks 1 to 3, not 7'));
    v.press(KEYS.backspace);
    v.type('2');
    v.press(KEYS.enter);
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes(`Type ${short} to confirm`));
    expect(frame).toContain('DESTRUCTIVE');
    expect(frame).toContain(`task ${short}  RUNNING → STOPPED`);
    expect(frame).toContain('3 → 3 (unchanged)');
    expectFits(frame, 80, 24);

    v.type(short);
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('Esc does not stop it'));
    expect(frame).toContain(`task ${short} DEACTIVATING`);
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(frame).toContain('the task is stopped and api runs 3/3 again');
    const after = await a.service('api');
    expect(after.tasks!.map((t) => t.id)).not.toContain(second.id);
    expect(after.tasks).toHaveLength(3);
    expect(a.journal.read().map((r) => [r.phase, r.outcome, r.target])).toEqual([
      ['intent', null, `demo/api/${short}`],
      ['outcome', 'ok', `demo/api/${short}`],
      ['verify', 'ok', `demo/api/${short}`],
    ]);
  });

  test('read-only: x is not bound and stops nothing', async () => {
    const { v, a } = await open({ columns: 120, rows: 40, env: { readOnly: true } });
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('Tasks'));
    v.press('x');
    const frame = await v.waitFor((f) => !f.includes('task (its number'));
    expect(frame).not.toContain('x stop task');
    expect(a.controller.getState().phase).toBe('idle');
    expect(a.journal.read()).toEqual([]);
  });
});
