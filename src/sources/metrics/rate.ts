/**
 * A counter's per-second rate over a window, the way Prometheus' rate()
 * treats resets: a value lower than the one before means the process
 * restarted and counted again from zero, so the new value is all increase.
 * No extrapolation to the window's edges: two scrapes 5 s apart give the
 * rate over those 5 s, which is what a one-shot check can honestly say.
 */

export interface Point {
  at: number;
  value: number;
}

export interface Increase {
  increase: number;
  /** ms between the first and last point used */
  spanMs: number;
  resets: number;
  points: number;
}

/** The points inside the window ending at `now`, oldest first. */
export function inWindow(points: readonly Point[], windowMs: number, now: number): Point[] {
  return points.filter((p) => p.at >= now - windowMs && p.at <= now && !Number.isNaN(p.value));
}

export function increase(points: readonly Point[]): Increase {
  let total = 0;
  let resets = 0;
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1]!.value;
    const after = points[i]!.value;
    if (after < before) {
      resets++;
      total += after;
    } else total += after - before;
  }
  const spanMs = points.length > 1 ? points.at(-1)!.at - points[0]!.at : 0;
  return { increase: total, spanMs, resets, points: points.length };
}

/** Per second over the window; undefined with fewer than two points in it. */
export function ratePerSecond(points: readonly Point[], windowMs: number, now: number): (Increase & { rate: number }) | undefined {
  const inc = increase(inWindow(points, windowMs, now));
  if (inc.points < 2 || inc.spanMs <= 0) return undefined;
  return { ...inc, rate: (inc.increase * 1000) / inc.spanMs };
}
