/**
 * Runs the dashboard in the terminal's alternate screen and gives the
 * terminal back exactly as it was, whatever ends the session: q, ctrl+c, :q,
 * SIGTERM / SIGHUP (the SSH connection dropped), or a render error. All of
 * them go through `finish`, the one exit path.
 */
import { writeFileSync } from 'node:fs';
import { Component } from 'react';
import type { ReactNode } from 'react';
import { render } from 'ink';
import type { Instance } from 'ink';
import type { LaunchTui, TuiOptions } from '../src/dashboard/ports.js';
import { errorMessage } from '../src/dashboard/text.js';
import { App } from './App.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Catches a render error before Ink's own boundary would draw a stack trace
 * into the alternate screen; the launcher reports it as one line instead.
 */
class Crash extends Component<{ onCrash: (err: unknown) => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(err: unknown): void {
    this.props.onCrash(err);
  }
  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}

/**
 * For the end-to-end tests only: with OPSDECK_TEST_FRAME_FILE set, the whole
 * frame last written to the terminal is kept in that file, so a test can
 * stop the process and compare the terminal (which got only the rows that
 * changed) with a fresh draw of exactly that frame. Written synchronously on
 * purpose: when the process is stopped the file must match the screen.
 */
function frameFileWriter(): ((frame: string) => void) | undefined {
  const file = process.env['OPSDECK_TEST_FRAME_FILE'];
  if (!file) return undefined;
  return (frame) => writeFileSync(file, frame);
}

const SIGNALS = ['SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT_CODES: Record<(typeof SIGNALS)[number], number> = { SIGTERM: 143, SIGHUP: 129 };

/** The terminal's streams; tests pass fakes. */
export interface TerminalIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** default true; off under test runners, which replace `console` with something patch-console cannot wrap */
  patchConsole?: boolean;
}

export const launchTui: LaunchTui = (opts) => launchIn(opts, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });

export function launchIn({ runtime, noColor, actions, findings, incident, environments, fleet }: TuiOptions, io: TerminalIo): Promise<void> {
  return new Promise<void>((resolve) => {
    const out = io.stdout;
    let instance: Instance | undefined;
    let finished = false;

    const restoreTerminal = () => {
      // Ink gives the terminal back its line mode on unmount; this is for when it never took it (a render error)
      if (io.stdin.isTTY && io.stdin.isRaw) {
        try {
          io.stdin.setRawMode(false);
        } catch {
          // after a hang-up the terminal is gone; leaving the alternate screen below must still be tried
        }
      }
      out.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
    };
    // Last resort if the process exits without passing through finish (an
    // uncaught exception elsewhere): never leave the user in the alternate screen.
    const onProcessExit = () => {
      if (!finished) restoreTerminal();
    };
    const onSignal = (signal: (typeof SIGNALS)[number]) => {
      // After a hang-up the terminal is gone and writes to it fail; that must not become a crash.
      if (signal === 'SIGHUP') out.on('error', () => undefined);
      process.exitCode ??= SIGNAL_EXIT_CODES[signal];
      finish();
    };
    const signalHandlers = SIGNALS.map((s) => [s, () => onSignal(s)] as const);

    function finish(problem?: string): void {
      if (finished) return;
      finished = true;
      try {
        instance?.unmount();
      } catch {
        // Unmounting a tree that just crashed can throw again; the terminal still has to be restored.
      }
      restoreTerminal();
      process.off('exit', onProcessExit);
      // Not removed synchronously: while a signal is being delivered, Ink's
      // signal-exit listener runs after ours and, finding itself alone,
      // re-raises the signal and kills the process before the caller can stop
      // the runtime (close connections, release locks).
      setImmediate(() => {
        for (const [s, h] of signalHandlers) process.off(s, h);
      });
      if (problem !== undefined) {
        io.stderr.write(`opsdeck: the screen could not be drawn: ${problem}\n`);
        process.exitCode ??= 1;
      }
      resolve();
    }

    const frameFile = frameFileWriter();
    // Keys off the terminal's echo before anything is drawn. Ink only does it
    // in an effect after its first frame has been written, and a key pressed
    // in between was echoed by the terminal itself where the cursor rests,
    // below the frame, on a row no later frame writes: it stayed there (a
    // lone "?" on the bottom row). In raw mode the key waits unechoed until
    // Ink reads it.
    if (io.stdin.isTTY) io.stdin.setRawMode(true);
    out.write(ENTER_ALT_SCREEN + HIDE_CURSOR);
    process.on('exit', onProcessExit);
    // Our own listeners also keep signal-exit (used by Ink) from killing the
    // process before the terminal is restored and the runtime is stopped.
    for (const [s, h] of signalHandlers) process.on(s, h);

    try {
      instance = render(
        <Crash onCrash={(err) => finish(errorMessage(err))}>
          <App runtime={runtime} noColor={noColor} onQuit={() => finish()} actions={actions} findings={findings} incident={incident} environments={environments} {...(fleet ? { fleet } : {})} />
        </Crash>,
        {
          stdout: io.stdout,
          stderr: io.stderr,
          stdin: io.stdin,
          exitOnCtrlC: false, // ctrl+c is a binding in the registry and goes through finish
          patchConsole: io.patchConsole ?? true,
          // Only the rows that changed are rewritten, inside a synchronized
          // update. This relies on our patch of Ink 6.8.0 (patches/, applied
          // at install by patch-package): its incremental writer moved the
          // cursor up one row too few after a frame ending with a newline
          // (every frame shorter than the terminal, which ours always is),
          // so the screen smeared; a resize now repaints the whole screen;
          // and the output stage caches rows that did not change.
          incrementalRendering: true,
          ...(frameFile ? { onFrameWritten: frameFile } : {}),
          // 20 fps is one frame per 50 ms, the store's coalescing window: every
          // batch of updates gets a frame and nothing more. Over SSH, fewer
          // frames mean less bandwidth and less tearing; a key press still
          // shows within 50 ms, which feels instant.
          maxFps: 20,
        },
      );
    } catch (err) {
      finish(errorMessage(err));
      return;
    }
    instance.waitUntilExit().then(
      () => finish(),
      (err: unknown) => finish(errorMessage(err)),
    );
  });
}
