/**
 * Every page of an AWS list call: AWS answers at most one page (10 to 100
 * items) per call, and a list that stops at the first page silently drops the
 * rest (the 51st service, the 60th revision).
 */
import { throwIfAborted } from './util.js';

export async function allPages<T>(
  page: (nextToken: string | undefined) => Promise<{ items: readonly T[] | undefined; nextToken?: string | undefined }>,
  signal?: AbortSignal,
  enough: (items: readonly T[]) => boolean = () => false,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    throwIfAborted(signal);
    const out = await page(token);
    items.push(...(out.items ?? []));
    token = out.nextToken;
  } while (token && !enough(items));
  return items;
}
