/**
 * The launcher's one exit path, driven through fake terminal streams: every
 * way out restores the terminal, and a render error becomes one line.
 */
import { EventEmitter } from 'node:events';
import { afterEach, expect, test, vi } from 'vitest';
import { launchIn } from '../../views/launch.js';
import type { TerminalIo } from '../../views/launch.js';
import type { Runtime } from '../../src/engine/runtime.js';
import { ManualClock } from '../../src/engine/clock.js';
import { allData, env, T0 } from './fixtures.js';
import { makeStore } from './render.js';

const LEAVE = '\x1b[?1049l\x1b[?25h';

class FakeOut extends EventEmitter {
  columns = 100;
  rows = 30;
  constructor(private readonly log: string[]) {
    super();
  }
  write = (chunk: string, cb?: () => void): boolean => {
    this.log.push(chunk);
    cb?.();
    return true;
  };
}

class FakeIn extends EventEmitter {
  isTTY = true;
  isRaw = false;
  /** each change of mode, with how many chunks had been written to the terminal by then */
  modes: { raw: boolean; written: number }[] = [];
  private data: string | null = null;
  constructor(private readonly log: string[]) {
    super();
  }
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(raw: boolean): void {
    this.isRaw = raw;
    this.modes.push({ raw, written: this.log.length });
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

function terminal() {
  const log: string[] = [];
  const stdin = new FakeIn(log);
  const io = { stdout: new FakeOut(log), stderr: new FakeOut(log), stdin, patchConsole: false } as unknown as TerminalIo;
  return { io, stdin, log, text: () => log.join('') };
}

function runtime(): Runtime {
  const clock = new ManualClock(T0);
  return { store: makeStore(clock, allData, 1_000), env, clock, refresh: () => undefined } as unknown as Runtime;
}

async function until(pred: () => boolean, show?: () => string): Promise<void> {
  // generous: the first render loads Ink, which is slow while the whole suite runs in parallel
  await vi.waitFor(
    () => {
      if (!pred()) throw new Error(`condition not met in 15 s${show ? ':\n' + JSON.stringify(show()) : ''}`);
    },
    { timeout: 15_000, interval: 10 },
  );
}

afterEach(() => {
  process.exitCode = undefined;
});

test('enters the alternate screen, and q leaves it with the cursor shown', async () => {
  const t = terminal();
  const done = launchIn({ runtime: runtime(), noColor: true }, t.io);
  await until(() => t.text().includes('1 ECS'), t.text);
  expect(t.text().startsWith('\x1b[?1049h')).toBe(true);
  t.stdin.write('q');
  await done;
  expect(t.text().endsWith(LEAVE)).toBe(true);
});

test('the terminal stops echoing keys before the first byte is drawn, and echoes again after', async () => {
  // A key the terminal echoes lands where the cursor rests, below the frame, on
  // a row no later frame writes (the e2e redraw test once found a lone "?" there).
  const t = terminal();
  const done = launchIn({ runtime: runtime(), noColor: true }, t.io);
  await until(() => t.text().includes('1 ECS'), t.text);
  expect(t.stdin.modes[0]).toEqual({ raw: true, written: 0 });
  t.stdin.write('q');
  await done;
  expect(t.stdin.isRaw).toBe(false);
});

test('a render error restores the terminal and prints one line, no stack', async () => {
  const t = terminal();
  const broken = runtime();
  Object.defineProperty(broken, 'env', {
    get(): never {
      throw new TypeError('env went missing');
    },
  });
  await launchIn({ runtime: broken, noColor: true }, t.io);
  const after = t.text().slice(t.text().lastIndexOf(LEAVE) + LEAVE.length);
  expect(after).toBe('opsdeck: the screen could not be drawn: env went missing\n');
  expect(t.stdin.isRaw).toBe(false);
  expect(process.exitCode).toBe(1);
});

test('SIGTERM goes through the same exit path and does not kill the process', async () => {
  const t = terminal();
  const done = launchIn({ runtime: runtime(), noColor: true }, t.io);
  await until(() => t.text().includes('1 ECS'), t.text);
  process.emit('SIGTERM', 'SIGTERM');
  await done;
  expect(t.text().endsWith(LEAVE)).toBe(true);
  expect(process.exitCode).toBe(143);
  // The handlers are removed once the signal has been delivered.
  await new Promise((r) => setImmediate(r));
  expect(process.listeners('SIGTERM').some((l) => l.name === '')).toBe(false);
});
