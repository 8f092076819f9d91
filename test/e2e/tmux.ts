/**
 * Drives the built binary in a real terminal: tmux runs it, send-keys types,
 * capture-pane reads the screen. Waits poll the screen for a predicate; no
 * test sleeps for a fixed time.
 */
import { vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TmuxSession {
  name: string;
  screen(): string;
  /** the screen with its SGR attributes, as tmux re-encodes them */
  rawScreen(): string;
  /** everything the pane printed, scrollback included, wrapped lines joined */
  history(): string;
  keys(...keys: string[]): void;
  /** type text literally */
  type(text: string): void;
  waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** the pane's process exit status once it has exited, else undefined */
  exitStatus(): number | undefined;
  kill(): void;
}

function tmux(args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function startInTmux(command: string, opts: { cols: number; rows: number; env?: Record<string, string> }): TmuxSession {
  const name = `opsdeck-test-${randomBytes(4).toString('hex')}`;
  const statusFile = join(tmpdir(), `${name}.status`);
  const envArgs = Object.entries({ TERM: 'xterm-256color', ...opts.env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  // tmux's own pane_dead_status is not always filled in; the shell's $? is
  // The pane must outlive the program (a config error exits at once) so the test
  // can read what it printed: the session starts on an idle `cat`, keeps its pane
  // on exit, and only then runs the command in it.
  tmux(['new-session', '-d', '-s', name, '-x', String(opts.cols), '-y', String(opts.rows), ...envArgs, 'cat']);
  tmux(['set-option', '-t', name, 'remain-on-exit', 'on']);
  tmux(['respawn-pane', '-k', '-t', name, ...envArgs, `${command}; echo $? > ${statusFile}`]);
  const session: TmuxSession = {
    name,
    screen: () => tmux(['capture-pane', '-p', '-t', name]),
    rawScreen: () => tmux(['capture-pane', '-p', '-e', '-t', name]),
    history: () => tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', name]),
    keys: (...keys) => tmux(['send-keys', '-t', name, ...keys]),
    type: (text) => tmux(['send-keys', '-t', name, '-l', text]),
    waitFor(predicate, what, timeoutMs = 10_000) {
      return vi.waitFor(
        () => {
          let last = '';
          try {
            last = session.screen();
          } catch {
            // the pane is not there yet, or already gone
          }
          if (!predicate(last)) throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
          return last;
        },
        { timeout: timeoutMs, interval: 25 },
      );
    },
    exitStatus() {
      if (!existsSync(statusFile)) return undefined;
      const text = readFileSync(statusFile, 'utf8').trim();
      return text === '' ? undefined : Number(text);
    },
    kill() {
      try {
        tmux(['kill-session', '-t', name]);
      } catch {
        /* already gone */
      }
      rmSync(statusFile, { force: true });
    },
  };
  return session;
}

export const PANEL_TITLES = ['ECS', 'RDS', 'Logs', 'Queues', 'Postgres', 'Health'];
export const allPanelsVisible = (screen: string) => PANEL_TITLES.every((t) => screen.includes(t));

/** Colour parameters (foreground or background) in the SGR sequences of a screen. */
export function colourCodes(raw: string): string[] {
  const found: string[] = [];
  for (const m of raw.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    const params = (m[1] ?? '').split(/[;:]/).map(Number);
    for (const p of params) if ((p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) found.push(m[0]);
  }
  return found;
}
