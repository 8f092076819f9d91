// Problems first, in a real terminal at 80x24: the broken panel is the expanded one on the first screen, ! walks
// every problem worst first and wraps, and without colour the selected row still shows.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInTmux, colourCodes, type TmuxSession } from './tmux.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let session: TmuxSession | undefined;
let stateDir: string | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  stateDir = undefined;
});

function demo(scenario: string, extra: Record<string, string> = {}): TmuxSession {
  // a state directory of its own: the sandbox's actions and checklist memory stay out of the real one
  stateDir = mkdtempSync(join(tmpdir(), 'opsdeck-problems-'));
  const unset = 'NO_COLOR' in extra ? '-u FORCE_COLOR' : '-u NO_COLOR -u FORCE_COLOR';
  session = startInTmux(`env ${unset} OPSDECK_STATE_DIR=${stateDir} node ${BIN} demo --scenario ${scenario}`, { cols: 80, rows: 24, env: extra });
  return session;
}

const RANK: Record<string, number> = { '✗': 0, '?': 1, '⚠': 2 };
/** "problem 2/3 ✗ demo/primary: …" on the message line; a subject may have words ("demo/api tls") */
const VISIT = /^problem (\d+)\/(\d+) ([✗?⚠]) (.+?): /m;
/** the expanded panel: the one drawn with a double border at 80x24 */
const expanded = (screen: string) => /╔═ \d (\w+)/.exec(screen)?.[1];

/** Presses ! until the walk wraps; returns each visit's number, severity, subject and expanded panel. */
async function walk(s: TmuxSession): Promise<{ n: number; total: number; mark: string; subject: string; panel: string | undefined }[]> {
  const visits: { n: number; total: number; mark: string; subject: string; panel: string | undefined }[] = [];
  for (let i = 0; i < 12; i++) {
    s.keys('!');
    const want = i === 0 ? 1 : (visits[i - 1]!.n % visits[i - 1]!.total) + 1;
    const screen = await s.waitFor((sc) => Number(VISIT.exec(sc)?.[1]) === want, `visit ${want}`);
    const m = VISIT.exec(screen)!;
    visits.push({ n: Number(m[1]), total: Number(m[2]), mark: m[3]!, subject: m[4]!, panel: expanded(screen) });
    if (visits.length > 1 && m[1] === '1') break;
  }
  return visits;
}

function expectWorstFirst(visits: Awaited<ReturnType<typeof walk>>): void {
  const total = visits[0]!.total;
  // every problem once, in order, then the first again
  expect(visits.map((v) => v.n)).toEqual([...Array.from({ length: total }, (_, i) => i + 1), 1]);
  const ranks = visits.slice(0, total).map((v) => RANK[v.mark]!);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(visits[total]!.subject).toBe(visits[0]!.subject);
}

/** The same, where a live figure may cross its threshold during the walk (error-spike's latency): worst first up to the wrap. */
function expectWorstFirstLive(visits: Awaited<ReturnType<typeof walk>>): void {
  const wrap = visits.findIndex((v, i) => i > 0 && v.n === 1);
  expect(wrap, 'the walk wraps').toBeGreaterThan(0);
  const ranks = visits.slice(0, wrap).map((v) => RANK[v.mark]!);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(visits[wrap]!.subject).toBe(visits[0]!.subject);
}

describe('problems first at 80x24', () => {
  it('db-saturation: Postgres is the expanded panel with its problem; ! visits the criticals, then the RDS warning, and wraps', async () => {
    const s = demo('db-saturation');
    // no key pressed: the first screen that has the checks' verdict
    const first = await s.waitFor((sc) => sc.includes('✗ 3 critical'), 'the first findings', 30_000);
    // the hint bar is the frame's last row: waiting for its new text too means the capture did not fall
    // in the middle of the frame being written (tmux shows what it has parsed so far)
    const screen = await s.waitFor((sc) => expanded(sc) === 'Postgres' && sc.includes('! next problem'), 'Postgres expanded');
    expect(first.includes('╔═ 1 ECS') && first.includes('critical:'), 'ECS expanded beside a critical line').toBe(false);
    expect(screen).toMatch(/╔═ 5 Postgres +✗ 3 critical/);
    expect(screen).toMatch(/║ ✗ primary .*conns 9\d\/100/);
    expect(screen).toMatch(/║›blocked/);
    expect(screen).toContain('! next problem');
    const visits = await walk(s);
    expectWorstFirst(visits);
    // connections, the blocked sessions and metabase's 11-minute query on Postgres, then RDS's CPU (a warning, or critical once it has climbed)
    const seen = visits.map((v) => `${v.mark} ${v.subject} ${v.panel}`);
    expect(seen.slice(0, 3)).toEqual(['✗ demo/primary Postgres', '✗ demo/primary Postgres', '✗ demo/primary Postgres']);
    expect(seen.some((v) => /^[⚠✗] demo\/demo-db RDS$/.test(v)), seen.join(' | ')).toBe(true);
  }, 90_000);

  it('dlq-backlog: Queues is expanded, the dead-letter queue selected; ! walks the queue warnings, then back', async () => {
    const s = demo('dlq-backlog');
    const screen = await s.waitFor((sc) => expanded(sc) === 'Queues' && /║›✗ emails/.test(sc), 'Queues expanded on emails', 30_000);
    expect(screen).toMatch(/╔═ 4 Queues +✗ 1 critical +⚠ \d/);
    const visits = await walk(s);
    expectWorstFirst(visits);
    // the dead letters of both queues, and the oldest job's wait once it passes its threshold: all on Queues
    expect(visits[0]).toMatchObject({ mark: '✗', subject: 'demo/jobs/emails', panel: 'Queues' });
    expect(visits.map((v) => v.subject)).toContain('demo/jobs/default');
    for (const v of visits) expect(v.panel).toBe('Queues');
    expect(s.screen()).toMatch(/║›✗ emails/);
  }, 90_000);

  it('error-spike: Logs is expanded with its critical; ! walks the criticals (logs, then metrics) worst first', async () => {
    const s = demo('error-spike');
    const screen = await s.waitFor((sc) => expanded(sc) === 'Logs' && sc.includes('! next problem'), 'Logs expanded', 30_000);
    expect(screen).toMatch(/╔═ 3 Logs +✗ \d critical/);
    const visits = await walk(s);
    expectWorstFirstLive(visits);
    expect(visits[0]).toMatchObject({ mark: '✗', subject: 'demo/logs', panel: 'Logs' });
    expect(visits.some((v) => v.mark === '✗' && v.subject.startsWith('demo/app ') && v.panel === 'Metrics'), JSON.stringify(visits)).toBe(true);
  }, 90_000);

  it('bad-deploy: ECS is expanded on api with its critical; ! visits api, the log warnings and api again', async () => {
    const s = demo('bad-deploy');
    const screen = await s.waitFor((sc) => expanded(sc) === 'ECS' && /║›✗ api /.test(sc) && sc.includes('! next problem'), 'ECS expanded on api', 30_000);
    expect(screen).toMatch(/╔═ 1 ECS +✗ 2 critical/);
    expect(screen).toMatch(/║ ✗ api: .*tasks/);
    const visits = await walk(s);
    expectWorstFirst(visits);
    expect(visits.slice(0, 2).map((v) => `${v.mark} ${v.subject} ${v.panel}`)).toEqual(['✗ demo/api ECS', '✗ demo/api ECS']);
    expect(visits.some((v) => v.mark === '⚠' && v.panel === 'Logs'), JSON.stringify(visits)).toBe(true);
  }, 90_000);

  it("unsafe-scale: ECS is expanded on scheduler; ! reaches both certificates, each on its probe's row", async () => {
    const s = demo('unsafe-scale');
    const screen = await s.waitFor((sc) => expanded(sc) === 'ECS' && /║›✗ scheduler /.test(sc) && sc.includes('! next problem'), 'ECS expanded on scheduler', 30_000);
    expect(screen).toMatch(/╔═ 1 ECS +✗ 1 critical/);
    const visits = await walk(s);
    expectWorstFirst(visits);
    expect(visits[0]).toMatchObject({ mark: '✗', subject: 'demo/scheduler', panel: 'ECS' });
    expect(visits.filter((v) => v.panel === 'Health').map((v) => v.subject)).toEqual(['demo/api tls', 'demo/queue tls']);
    // the walk again to the queue's certificate: its own row is selected, not the row selected before
    for (let i = 0; i < visits.findIndex((v) => v.subject === 'demo/queue tls'); i++) s.keys('!');
    const queue = await s.waitFor((sc) => /problem \d+\/\d+ ⚠ demo\/queue tls:/.test(sc), 'the queue certificate visited');
    expect(queue).toMatch(/║›⚠ queue /);
  }, 90_000);

  it('calm: ECS is expanded with ok, no next-problem hint; ! says nothing is wrong', async () => {
    const s = demo('calm');
    const screen = await s.waitFor((sc) => sc.includes('╔═ 1 ECS  ✓ ok') && sc.includes('? help'), 'the checks in', 30_000);
    expect(screen).not.toContain('! next problem');
    s.keys('!');
    await s.waitFor((sc) => sc.includes('no problem found'), 'the answer to !');
  }, 90_000);

  it('NO_COLOR: the selected snapshot row is › and reverse in the bytes, the others are neither', async () => {
    const s = demo('calm', { NO_COLOR: '1' });
    await s.waitFor((sc) => sc.includes('╔═ 1 ECS  ✓ ok'), 'the checks in', 30_000);
    // RDS: the instance, then the snapshots; two rows down is the first snapshot, the one R would restore
    s.keys('2');
    await s.waitFor((sc) => expanded(sc) === 'RDS', 'RDS expanded');
    s.keys('j');
    s.keys('j');
    const screen = await s.waitFor((sc) => /║›\S*demo-db-/.test(sc), 'a snapshot row selected');
    const raw = s.rawScreen();
    expect(colourCodes(raw)).toEqual([]);
    const rows = raw.split('\n');
    const selected = rows.filter((l) => l.includes('›'));
    expect(selected).toHaveLength(1);
    // reverse video (SGR 7) starts on the row itself, after the mark; tmux carries bold over from the focused
    // border, so the bold of the row is proven where it is drawn (test/views/problems.test.ts)
    expect(selected[0]).toMatch(/›\x1b\[(?:\d+;)*7[;m].*demo-db-/);
    for (const l of rows.filter((r) => r.includes('demo-db-') && !r.includes('›'))) expect(l).not.toMatch(/\x1b\[(?:\d+;)*7[;m]/);
    const snapshotName = /›\S*(demo-db-\S+)/.exec(screen)?.[1];
    expect(snapshotName).toBeDefined();
    // the other snapshot rows carry no mark
    const others = screen.split('\n').filter((l) => l.includes('demo-db-') && !l.includes('›'));
    expect(others.length).toBeGreaterThan(0);
    for (const l of others) expect(l).toMatch(/^║ /);
  }, 90_000);
});
