/**
 * "The screen equals a fresh draw of the same state", made exact: the
 * program, started with OPSDECK_TEST_FRAME_FILE, keeps the whole frame it last
 * wrote in that file (views/launch.tsx). The check stops the program
 * (SIGSTOP, so no frame can land in between), reads its pane once tmux has
 * taken in every byte, and draws the frame from the file whole into a fresh
 * tmux pane of the same size. The two captures, text and attributes, must be
 * identical: the live pane got the frame as a sequence of partial updates
 * (only the rows that changed), the fresh one in one piece.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInTmux, type TmuxSession } from './tmux.js';

export const frameFilePath = (): string => join(tmpdir(), `opsdeck-frame-${randomBytes(4).toString('hex')}.txt`);

/** The program's pid: the child of the pane's shell (env execs into node). */
function programPid(session: TmuxSession): number {
  const panePid = execFileSync('tmux', ['display-message', '-p', '-t', session.name, '#{pane_pid}'], { encoding: 'utf8' }).trim();
  const child = execFileSync('pgrep', ['-P', panePid], { encoding: 'utf8' }).trim().split('\n')[0];
  if (!child) throw new Error(`no program under the pane's shell ${panePid}`);
  return Number(child);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The screen with attributes once two reads 150 ms apart agree (tmux has drawn every byte). */
async function settled(session: TmuxSession): Promise<string> {
  let last = session.rawScreen();
  for (let i = 0; i < 40; i++) {
    await sleep(150);
    const now = session.rawScreen();
    if (now === last && now.trim() !== '') return now;
    last = now;
  }
  return last;
}

/**
 * A capture as what a person sees, cell by cell: each character with its
 * colours and attributes, a blank with only what shows on a blank
 * (background, inverse, underline), trailing default blanks dropped. Not the
 * escape sequences themselves: tmux re-states the colour of a cell that was
 * erased, where a cell never written has none, and capture-pane carries that
 * state from one row into the next, though both look the same.
 */
export function visibleCells(raw: string): string {
  // capture-pane -e states a change of attributes once, and it holds into the next rows
  const st: Record<string, string> = {};
  return raw
    .split('\n')
    .map((row) => {
      const cells: string[] = [];
      let i = 0;
      while (i < row.length) {
        if (row[i] === '\x1b') {
          const m = /^\x1b\[([0-9;:]*)m/.exec(row.slice(i));
          if (m) {
            sgr(st, m[1] ?? '');
            i += m[0].length;
            continue;
          }
        }
        const ch = String.fromCodePoint(row.codePointAt(i)!);
        i += ch.length;
        const shown = ch === ' ' ? ['bg', 'inverse', 'underline'] : Object.keys(st);
        const attrs = shown.filter((k) => st[k] !== undefined).map((k) => `${k}=${st[k]}`).sort().join(',');
        cells.push(attrs ? `${ch}{${attrs}}` : ch);
      }
      while (cells.at(-1) === ' ') cells.pop();
      return cells.join('');
    })
    .join('\n');
}

function sgr(st: Record<string, string>, params: string): void {
  const ps = params === '' ? [0] : params.split(/[;:]/).map(Number);
  for (let j = 0; j < ps.length; j++) {
    const p = ps[j]!;
    if (p === 0) for (const k of Object.keys(st)) delete st[k];
    else if (p === 1) st['bold'] = '1';
    else if (p === 2) st['dim'] = '1';
    else if (p === 3) st['italic'] = '1';
    else if (p === 4) st['underline'] = '1';
    else if (p === 7) st['inverse'] = '1';
    else if (p === 22) delete st['bold'], delete st['dim'];
    else if (p === 23) delete st['italic'];
    else if (p === 24) delete st['underline'];
    else if (p === 27) delete st['inverse'];
    else if (p === 39) delete st['fg'];
    else if (p === 49) delete st['bg'];
    else if (p === 38 || p === 48) {
      const n = ps[j + 1] === 5 ? 2 : 4;
      st[p === 38 ? 'fg' : 'bg'] = ps.slice(j + 1, j + 1 + n).join('.');
      j += n;
    } else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) st['fg'] = String(p);
    else if ((p >= 40 && p <= 47) || (p >= 100 && p <= 107)) st['bg'] = String(p);
  }
}

const comparable = visibleCells;

export interface Comparison {
  same: boolean;
  live: string;
  fresh: string;
}

/** One comparison of the live pane with a fresh draw of the frame in `frameFile`. */
export async function compareWithFreshDraw(session: TmuxSession, frameFile: string, size: { cols: number; rows: number }): Promise<Comparison> {
  const pid = programPid(session);
  const copy = `${frameFile}.fresh`;
  process.kill(pid, 'SIGSTOP');
  let fresh: TmuxSession | undefined;
  try {
    const live = await settled(session);
    copyFileSync(frameFile, copy);
    // the same entry into the alternate screen as the program's, then the frame as it is
    fresh = startInTmux(`printf '\\033[?1049h\\033[H\\033[2J\\033[?25l'; cat '${copy}'; exec sleep 600`, size);
    const drawn = await settled(fresh);
    return { same: comparable(drawn) === comparable(live), live, fresh: drawn };
  } finally {
    fresh?.kill();
    rmSync(copy, { force: true });
    process.kill(pid, 'SIGCONT');
  }
}

const plainRows = (raw: string) => raw.replace(/\x1b\[[0-9;:]*m/g, '').split('\n');

/** The rows where two captures differ (in text, else in what the cells show), for a failure message. */
export function differingRows(a: string, b: string): string {
  const show = (x: string[], y: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if (x[i] !== y[i]) out.push(`row ${i}:\n  screen: ${JSON.stringify(x[i] ?? '')}\n  fresh:  ${JSON.stringify(y[i] ?? '')}`);
    }
    return out.slice(0, 8).join('\n');
  };
  return show(plainRows(a), plainRows(b)) || `(same text, other colours)\n${show(comparable(a).split('\n'), comparable(b).split('\n'))}`;
}

/**
 * Fails unless the live pane equals a fresh draw of its frame. Up to three
 * tries, a second apart: the frame file is written just after the frame, and
 * a SIGSTOP between the two would leave it one frame behind the screen. A
 * smeared row does not heal in a second (nothing rewrites a row that did not
 * change), so the retries do not hide one.
 */
export async function expectFreshDraw(session: TmuxSession, frameFile: string, size: { cols: number; rows: number }, when: string): Promise<void> {
  let last: Comparison | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    last = await compareWithFreshDraw(session, frameFile, size);
    if (last.same) return;
    await sleep(1000);
  }
  throw new Error(`${when}: the screen is not a fresh draw of its frame\n${differingRows(last!.live, last!.fresh)}`);
}

/** Resizes the session's window, as a person dragging the terminal's corner. */
export function resize(session: TmuxSession, cols: number, rows: number): void {
  execFileSync('tmux', ['resize-window', '-t', session.name, '-x', String(cols), '-y', String(rows)]);
}
