// The built binary in a real terminal, driven as a person would drive it.
import { describe, it, expect, afterEach } from 'vitest';
import { startInTmux, allPanelsVisible, colourCodes, type TmuxSession } from './tmux.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let session: TmuxSession | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
});

function demo(cols: number, rows: number, scenario = 'calm', extra: Record<string, string> = {}): TmuxSession {
  // The tmux server may carry the test runner's environment; start from a known one.
  const unset = 'NO_COLOR' in extra ? '-u FORCE_COLOR' : '-u NO_COLOR -u FORCE_COLOR';
  session = startInTmux(`env ${unset} node ${BIN} demo --scenario ${scenario}`, { cols, rows, env: extra });
  return session;
}

const exited = (s: TmuxSession) => s.exitStatus() !== undefined;

describe('opsdeck demo in a real terminal', () => {
  it('at 120x40: seven panels, help, focus, full-screen panel, filter, quit', async () => {
    const s = demo(120, 40);
    const first = await s.waitFor(allPanelsVisible, 'all seven panels');
    // the numbers move: the screen changes by itself within a few seconds
    await s.waitFor((screen) => screen !== first, 'the dashboard to move', 8_000);

    s.keys('?');
    await s.waitFor((sc) => sc.includes('Quit opsdeck and restore the terminal'), 'the help overlay');
    s.keys('Escape');
    await s.waitFor((sc) => !sc.includes('Quit opsdeck and restore the terminal') && allPanelsVisible(sc), 'help to close');

    s.keys('3');
    s.keys('Enter');
    await s.waitFor((sc) => sc.includes('Logs') && !sc.includes('Postgres'), 'the Logs panel full-screen');
    s.keys('Escape');
    await s.waitFor(allPanelsVisible, 'the dashboard again');

    s.keys('1');
    s.keys('/');
    s.type('work');
    s.keys('Enter');
    await s.waitFor((sc) => sc.includes('worker') && !/\bapi\s+\d/.test(sc.split('\n').slice(0, 15).join('\n')), 'the ECS rows filtered to worker');

    s.keys('q');
    await s.waitFor(() => exited(s), 'opsdeck to exit');
    expect(s.exitStatus()).toBe(0);
    // the alternate screen is gone: nothing of the dashboard is left behind
    expect(s.screen()).not.toContain('Postgres');
  });

  it('at 80x24 every panel is still there', async () => {
    const s = demo(80, 24, 'bad-deploy');
    const screen = await s.waitFor(allPanelsVisible, 'all seven panels at 80x24');
    expect(screen.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(24);
    expect(colourCodes(s.rawScreen()).length, 'colour is on without NO_COLOR').toBeGreaterThan(0);
    s.keys('C-c');
    await s.waitFor(() => exited(s), 'ctrl-c to quit');
    expect(s.exitStatus()).toBe(0);
  });

  it('at 200x60 with NO_COLOR the screen carries no colour codes', async () => {
    const s = demo(200, 60, 'dlq-backlog', { NO_COLOR: '1' });
    await s.waitFor(allPanelsVisible, 'all seven panels at 200x60');
    expect(colourCodes(s.rawScreen())).toEqual([]);
    s.keys(':');
    s.type('q');
    s.keys('Enter');
    await s.waitFor(() => exited(s), ':q to quit');
    expect(s.exitStatus()).toBe(0);
  });
});
