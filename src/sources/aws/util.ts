/** Small helpers shared by the AWS adapters. */

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Like Promise.all over `items.map(fn)` but with at most `limit` calls in
 * flight: AWS read APIs share a per-account token bucket, so a burst of 30
 * parallel calls would throttle the other panels' polls too.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed = true; // stop starting new calls; the first error wins
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * At most `limit` of the calls given to it run at once, whoever makes them:
 * nested mapLimit loops (clusters × batches) would otherwise multiply their
 * limits, and every call in flight holds a listener on the read's signal.
 */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    // a finishing call hands its slot to the next waiting one, so none can slip in between
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}

/** "arn:aws:ecs:r:a:cluster/prod" → "prod"; a plain name is returned as is. */
export function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

/** family and revision from "family:3" or a task definition ARN ending in "/family:3". */
export function parseTaskDefinition(ref: string): { family: string; revision: number } {
  const tail = lastSegment(ref);
  const colon = tail.lastIndexOf(':');
  const revision = colon >= 0 ? Number(tail.slice(colon + 1)) : NaN;
  if (colon < 0 || !Number.isInteger(revision)) return { family: tail, revision: 0 };
  return { family: tail.slice(0, colon), revision };
}
