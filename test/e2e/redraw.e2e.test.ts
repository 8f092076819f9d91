// The terminal gets only the rows that changed (Ink's incremental writer, as
// patched in patches/); these tests hold it to a fresh draw of the same frame
// (see freshDraw.ts for what makes that exact) through what smears a screen:
// a taller overlay and back, a shorter frame, rows that get shorter, the
// terminal losing rows or columns, and a long run of an incident demo.
import { afterEach, describe, it } from 'vitest';
import { rmSync } from 'node:fs';
import { allPanelsVisible, startInTmux, type TmuxSession } from './tmux.js';
import { expectFreshDraw, frameFilePath, resize } from './freshDraw.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
/** how long the long run lasts; 60 s in CI, 600000 for the ten minutes of issue 12 */
const LONG_MS = Number(process.env['OPSDECK_E2E_LONG_MS'] ?? 60_000);

let session: TmuxSession | undefined;
let frameFile: string | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
  if (frameFile) rmSync(frameFile, { force: true });
  frameFile = undefined;
});

function demo(scenario: string, cols: number, rows: number): { s: TmuxSession; file: string } {
  frameFile = frameFilePath();
  session = startInTmux(`env -u NO_COLOR -u FORCE_COLOR node ${BIN} demo --scenario ${scenario}`, { cols, rows, env: { OPSDECK_TEST_FRAME_FILE: frameFile } });
  return { s: session, file: frameFile };
}

/** The frame's own shape: the header on the top row, one hint bar, nothing drawn twice, all seven panels. */
function oneFrame(screen: string, rows: number): boolean {
  const lines = screen.replace(/\n$/, '').split('\n');
  return (
    lines.length <= rows &&
    (lines[0] ?? '').includes(' DEMO ') &&
    lines.filter((l) => l.includes(' DEMO ')).length === 1 &&
    lines.filter((l) => /\bq\b.*\bquit\b/.test(l)).length === 1 &&
    allPanelsVisible(screen)
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the screen after partial updates equals a fresh draw', () => {
  it('through an overlay, a full-screen panel, and the terminal losing rows and columns', { timeout: 120_000 }, async () => {
    const size = { cols: 120, rows: 40 };
    const { s, file } = demo('error-spike', size.cols, size.rows);
    await s.waitFor(allPanelsVisible, 'all seven panels', 20_000);
    await s.waitFor((sc) => !sc.includes('loading…'), 'the first poll of every panel', 20_000);
    await expectFreshDraw(s, file, size, 'the dashboard');

    s.keys('?');
    await s.waitFor((sc) => sc.includes('esc or ? closes'), 'the help overlay');
    await expectFreshDraw(s, file, size, 'the help overlay');
    s.keys('Escape');
    await s.waitFor((sc) => !sc.includes('esc or ? closes') && allPanelsVisible(sc), 'the help to close');
    await expectFreshDraw(s, file, size, 'the help closed (rows got shorter)');

    s.keys('3');
    s.keys('Enter');
    await s.waitFor((sc) => !sc.includes('Postgres'), 'the log panel full-screen');
    await sleep(1500);
    await expectFreshDraw(s, file, size, 'the full-screen log view after it moved');
    s.keys('Escape');
    await s.waitFor((sc) => oneFrame(sc, size.rows), 'the dashboard again, drawn once');
    await expectFreshDraw(s, file, size, 'back from the full-screen panel');

    for (const [cols, rows, what] of [
      [120, 30, 'the terminal lost 10 rows'],
      [100, 30, 'the terminal lost 20 columns'],
      [120, 40, 'the terminal grew back'],
      [120, 24, 'the terminal lost 16 rows at once'],
    ] as const) {
      resize(s, cols, rows);
      await s.waitFor((sc) => oneFrame(sc, rows), `the dashboard drawn once at ${cols}x${rows}`);
      await expectFreshDraw(s, file, { cols, rows }, what);
    }
  });

  it(`after ${LONG_MS / 1000} s of the error-spike demo at 200x60, keys pressed on the way`, { timeout: LONG_MS + 120_000 }, async () => {
    const size = { cols: 200, rows: 60 };
    const { s, file } = demo('error-spike', size.cols, size.rows);
    await s.waitFor(allPanelsVisible, 'all seven panels', 20_000);
    // what a person does during an incident, over and over: help, a panel full-screen, the next panel
    const steps: string[][] = [['?'], ['Escape'], ['3', 'Enter'], ['Escape'], ['Tab'], ['j'], ['Tab']];
    const t0 = Date.now();
    let step = 0;
    while (Date.now() - t0 < LONG_MS) {
      s.keys(...steps[step++ % steps.length]!);
      await sleep(Math.min(4_000, Math.max(500, LONG_MS / 20)));
      // a comparison now and then on the way, not only at the end
      if (step % 5 === 0) {
        await expectFreshDraw(s, file, size, `after ${Math.round((Date.now() - t0) / 1000)} s`);
      }
    }
    s.keys('Escape');
    await s.waitFor((sc) => oneFrame(sc, size.rows), 'the dashboard drawn once at the end');
    await expectFreshDraw(s, file, size, `at the end of ${Math.round((Date.now() - t0) / 1000)} s`);
  });
});
