// `opsdeck tasks` and `opsdeck stop-task` on the sandbox, run as a script
// would (the built binary, no TTY). A confirmed stop waits the sandbox's
// real-time drain and replacement, so it is proved in
// test/actions/stopTask.test.ts on a manual clock instead.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opsdeck } from './run.js';

// --demo keeps its records in <OPSDECK_STATE_DIR>-demo
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-state-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const run = (args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: join(root, 'state') } });
const journalLines = () => {
  try {
    return readFileSync(join(root, 'state-demo', 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

interface TaskJson {
  id: string;
  shortId: string;
  taskArn: string;
  taskDefinition: string;
  lastStatus: string;
  health: string;
  startedAt: string | null;
  availabilityZone: string | null;
}

describe('opsdeck tasks and stop-task on the sandbox', () => {
  it('tasks --json lists the service\'s running tasks; the table has one numbered line each', () => {
    const r = run(['tasks', 'api', '--demo', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const tasks = JSON.parse(r.stdout) as TaskJson[];
    expect(tasks).toHaveLength(3);
    for (const t of tasks) {
      expect(t).toMatchObject({ taskDefinition: 'demo-api:44', lastStatus: 'RUNNING', health: 'HEALTHY' });
      expect(t.shortId).toBe(t.id.slice(0, 8));
      expect(t.availabilityZone).toMatch(/^us-east-1[abc]$/);
      expect(Date.parse(t.startedAt!)).not.toBeNaN();
    }
    const table = run(['tasks', 'api', '--demo']);
    expect(table.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual(tasks.map((t, i) => [String(i + 1), t.id, 'demo-api:44']));
  });

  it('--dry-run --json plans the stop with the short id as its phrase and changes nothing', () => {
    const [task] = JSON.parse(run(['tasks', 'worker', '--demo', '--json']).stdout) as TaskJson[];
    const r = run(['stop-task', 'worker', task!.id, '--demo', '--dry-run', '--json', '--reason', 'stuck consumer']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ action: 'stop-task', tier: 'destructive', phrase: task!.shortId, target: { kind: 'ecs-task', name: task!.shortId, display: `demo/worker/${task!.shortId}` } });
    expect(plan.calls).toEqual([{ api: 'ecs:StopTask', params: { cluster: 'demo', task: task!.taskArn, reason: expect.stringMatching(/^opsdeck: stopped by .+: stuck consumer$/) } }]);
    expect(journalLines()).toEqual([]);
  });

  it('no terminal and no --confirm: refused; a wrong phrase: refused and journaled', () => {
    const [task] = JSON.parse(run(['tasks', 'api', '--demo', '--json']).stdout) as TaskJson[];
    const none = run(['stop-task', 'api', task!.shortId, '--demo']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(`refused: no confirmation given; type (or pass --confirm) ${task!.shortId}`);
    const wrong = run(['stop-task', 'api', task!.shortId, '--demo', '--confirm', task!.id]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`refused: the confirmation "${task!.id}" is not "${task!.shortId}"`);
    expect(journalLines().map((l) => [l.action, l.phase, l.outcome, l.target])).toEqual([
      ['stop-task', 'refusal', 'refused', `demo/api/${task!.shortId}`],
      ['stop-task', 'refusal', 'refused', `demo/api/${task!.shortId}`],
    ]);
  });

  it('a task the service does not run is a refused plan naming its tasks; a malformed id or reason is a usage error', () => {
    const missing = run(['stop-task', 'api', 'ffffffff', '--demo', '--dry-run']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/refused +no task of api that ECS wants running has the id "ffffffff" \(its tasks: [0-9a-f]{8}, [0-9a-f]{8}, [0-9a-f]{8}\)/);
    const bad = run(['stop-task', 'api', 'x;rm', '--demo']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe('opsdeck: TASK_ID "x;rm" is not an ECS task id: letters, digits and dashes (as `opsdeck tasks SERVICE` lists them), or a task ARN\n');
    const reason = run(['stop-task', 'api', 'abc', '--demo', '--reason', 'two\nlines']);
    expect(reason.code).toBe(64);
    expect(reason.stderr).toContain('--reason is one line');
  });
});
