/**
 * Our patch of Ink 6.8.0 (patches/ink+6.8.0.patch, applied by patch-package
 * at install) is in place and does what it says, without a terminal: the
 * incremental writer's output, played on a model of a screen, gives the same
 * screen as a fresh draw of each frame; a resize repaints everything.
 * If this fails after an install, `npm ci` did not run the postinstall.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { render, Text, Box } from 'ink';
// @ts-expect-error a plain ES module of the bench, no types
import { Screen } from '../../bench/screen.mjs';

const inkBuild = new URL('../../node_modules/ink/build/', import.meta.url);
const { default: logUpdate } = await import(new URL('log-update.js', inkBuild).href);

interface FakeTty extends EventEmitter {
  columns: number;
  rows: number;
  isTTY: true;
  written: string[];
  write(s: string): boolean;
}

function fakeTty(columns: number, rows: number): FakeTty {
  const e = new EventEmitter() as FakeTty;
  e.columns = columns;
  e.rows = rows;
  e.isTTY = true;
  e.written = [];
  e.write = (s: string) => (e.written.push(s), true);
  return e;
}

function freshDraw(frame: string, cols: number, rows: number): string {
  const s = new Screen(cols, rows);
  s.write(frame);
  return s.text();
}

describe('Ink 6.8.0 as patched', () => {
  it('the incremental writer leaves the screen a fresh draw would, frame after frame', () => {
    const tty = fakeTty(30, 8);
    const screen = new Screen(30, 8);
    const log = logUpdate.create(tty, { incremental: true });
    // shorter than the terminal, so every frame ends with a newline (as opsdeck's do)
    const frames = ['header\nrow one\nrow two\nhint\n', 'header\nrow ONE changed\nrow two\nhint\n', 'header\nrow\nhint\n', 'header\nx\ny\nz\nhint\n', 'header\nx\ny\nz\nhint\n', 'h\n'];
    for (const frame of frames) {
      tty.written.length = 0;
      log(frame);
      screen.write(tty.written.join(''));
      expect(screen.text(), `after ${JSON.stringify(frame)}`).toBe(freshDraw(frame, 30, 8));
    }
  });

  it('rewrites only the rows that changed', () => {
    const tty = fakeTty(30, 8);
    const log = logUpdate.create(tty, { incremental: true });
    log('aaa\nbbb\nccc\n');
    tty.written.length = 0;
    log('aaa\nBBB\nccc\n');
    const out = tty.written.join('');
    expect(out).toContain('BBB');
    expect(out).not.toContain('aaa');
    expect(out).not.toContain('ccc');
  });

  it('repaints the whole screen when the terminal loses rows, and keeps the frame whole after', async () => {
    const tty = fakeTty(30, 10);
    const lines = (n: number) => createElement(Box, { flexDirection: 'column' }, ...Array.from({ length: n }, (_, i) => createElement(Text, { key: i }, `line ${i}`)));
    const screen = new Screen(30, 10);
    const frames: string[] = [];
    const app = render(lines(6), { stdout: tty as unknown as NodeJS.WriteStream, incrementalRendering: true, patchConsole: false, onFrameWritten: (f) => frames.push(f) });
    screen.write(tty.written.join(''));
    tty.written.length = 0;
    // ink issue 1023: a 6-line frame, and the terminal shrinks to exactly 6 rows
    tty.rows = 6;
    tty.emit('resize');
    const out = tty.written.join('');
    expect(out).toContain('\x1b[2J');
    for (let i = 0; i < 6; i++) expect(out).toContain(`line ${i}`);
    app.unmount();
    expect(frames.length).toBeGreaterThanOrEqual(2);
  });

  it('measures text from a bounded cache that answers the width of the widest line as string-width measures it, before and after it turns over', async () => {
    const { default: measureText } = await import(new URL('measure-text.js', inkBuild).href);
    const { default: stringWidth } = await import('string-width');
    // what widest-line (Ink's own dependency) computes
    const widestLine = (t: string) => Math.max(...t.split('\n').map((l) => stringWidth(l)));
    const src = await import('node:fs').then((fs) => fs.readFileSync(new URL('measure-text.js', inkBuild), 'utf8'));
    expect(src).toContain('opsdeck patch');
    const texts = (i: number) => [`row ${i} ✓ ▃▅▇`, `a\n中文 ${i}\nlonger line ${i}`, `\x1b[31mred ${i}\x1b[39m`];
    // past the cache's two generations (4000 each): the first texts are measured again, the same
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5000; i++) {
        for (const t of texts(i)) {
          const m = measureText(t) as { width: number; height: number };
          if (m.width !== widestLine(t) || m.height !== t.split('\n').length) throw new Error(`measureText(${JSON.stringify(t)}) = ${JSON.stringify(m)}`);
        }
      }
    }
  });
});
