import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useStdout } from 'ink';

interface TerminalSize {
  columns: number;
  rows: number;
}

/** The terminal's size, re-read on every resize. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState<TerminalSize>(() => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }));
  useEffect(() => {
    const onResize = () =>
      setSize((prev) => {
        const next = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
        return next.columns === prev.columns && next.rows === prev.rows ? prev : next;
      });
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/**
 * Ages ("updated 3s ago", "5m") move with the clock while nothing else
 * changes. A second after `now` was last read, and every second after that,
 * `probe` composes the frame at the clock's time; only when its text differs
 * from what is shown is `onChange` called (the caller re-reads the clock and
 * draws). So an age ticks only where one is on screen and only when its
 * printed text changes: "5m" costs one frame a minute, a screen without
 * ages none. A frame drawn for other reasons (data, a key) with a fresh
 * `now` starts the second again.
 */
const LATE_MS = 200;

export function useAgeClock(now: number, shown: string, probe: () => string, onChange: () => void, everyMs = 1_000): void {
  const probeRef = useRef(probe);
  probeRef.current = probe;
  const shownRef = useRef(shown);
  shownRef.current = shown;
  const readAt = useRef(0);
  useEffect(() => {
    readAt.current = Date.now();
  }, [now]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      readAt.current = Date.now();
      if (probeRef.current() !== shownRef.current) onChange();
      else timer = setTimeout(check, everyMs);
    };
    // A little after the second: new data, due about then, draws the new age with it.
    timer = setTimeout(check, Math.max(0, readAt.current + everyMs + LATE_MS - Date.now()));
    return () => clearTimeout(timer);
  });
}

type Subscribe = (listener: () => void) => () => void;

/**
 * Two observed values read as one: a notification of either arrives as one
 * call a microtask later, so the panels' new data and the verdicts the checks
 * judged inside the same notification cost one render, not two (Ink renders
 * each update at once, and draws after each render).
 */
export function useBoth<A, B>(subscribeA: Subscribe, getA: () => A, subscribeB: Subscribe, getB: () => B): readonly [A, B] {
  const last = useRef<readonly [A, B] | null>(null);
  const subscribe = useCallback(
    (listener: () => void) => {
      let queued = false;
      let live = true;
      const fire = () => {
        if (queued) return;
        queued = true;
        queueMicrotask(() => {
          queued = false;
          if (live) listener();
        });
      };
      const offA = subscribeA(fire);
      const offB = subscribeB(fire);
      return () => {
        live = false;
        offA();
        offB();
      };
    },
    [subscribeA, subscribeB],
  );
  const get = useCallback(() => {
    const a = getA();
    const b = getB();
    if (last.current && last.current[0] === a && last.current[1] === b) return last.current;
    return (last.current = [a, b] as const);
  }, [getA, getB]);
  return useSyncExternalStore(subscribe, get);
}
