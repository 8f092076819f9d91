/**
 * The one mutual-exclusion primitive opsdeck builds on a plain directory: the
 * audit journal's append lock and the per-target lock files both use it.
 *
 * A lock file holds JSON with at least { pid, host, expiresAt }. Creating it is
 * atomic and exclusive (link(2) of a fully written temp file: like O_EXCL, but a
 * reader never sees a half-written holder). Every later change to an existing
 * lock file (takeover of a stale one, extend, release) goes through
 * `compareAndSwap`, which first claims `<file>.claim-<hash of the content it
 * expects>` with O_EXCL. So of two processes that both find the same stale
 * lock, exactly one replaces it; the other finds the claim taken, waits, and
 * re-reads the new holder. (Renaming a new file over the stale one and
 * re-reading to confirm is not enough: both takers can re-read before the
 * other's rename and both believe they won; test/actions/lockRace.test.ts
 * catches exactly that.) A claim lives for microseconds; one left behind by a
 * process killed mid-swap is cleared after CLAIM_STALE_MS.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

interface Holder {
  pid: number;
  host: string;
  /** epoch ms after which anyone may take the lock over */
  expiresAt: number;
}

type SwapResult = 'done' | 'changed' | 'busy';

type AcquireResult = { acquired: true } | { acquired: false; current: string };

interface StaleOptions {
  now?: () => number;
  /** how long an unreadable lock file is respected before it counts as litter */
  garbageGraceMs?: number;
}

const CLAIM_STALE_MS = 5_000;
const FILE_MODE = 0o644;
// Filesystems without hard links fall back to open(O_CREAT|O_EXCL) + write.
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tempName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone is the outcome we wanted
  }
}

export function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Creates `path` with `content` if it does not exist; false if it does. */
export function createExclusive(path: string, content: string): boolean {
  const tmp = tempName(path);
  writeFileSync(tmp, content, { mode: FILE_MODE });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errCode(err) === 'EEXIST') return false;
    if (!LINK_UNSUPPORTED.has(errCode(err) ?? '')) throw err;
  } finally {
    unlinkQuietly(tmp);
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx', FILE_MODE);
  } catch (err) {
    if (errCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Replaces `path` with `next` (or deletes it, when null) only while it still holds `expected`. */
export function compareAndSwap(path: string, expected: string, next: string | null): SwapResult {
  const claim = `${path}.claim-${createHash('sha256').update(expected).digest('hex').slice(0, 16)}`;
  try {
    closeSync(openSync(claim, 'wx', FILE_MODE));
  } catch (err) {
    if (errCode(err) !== 'EEXIST') throw err;
    clearStaleClaim(claim);
    return 'busy';
  }
  try {
    if (readIfExists(path) !== expected) return 'changed';
    if (next === null) {
      unlinkSync(path);
    } else {
      const tmp = tempName(path);
      writeFileSync(tmp, next, { mode: FILE_MODE });
      renameSync(tmp, path);
    }
    return 'done';
  } finally {
    unlinkQuietly(claim);
  }
}

function clearStaleClaim(claim: string): void {
  try {
    if (Date.now() - statSync(claim).mtimeMs > CLAIM_STALE_MS) unlinkQuietly(claim);
  } catch {
    // the claim went away while we looked
  }
}

export function parseHolder(content: string): Holder | null {
  try {
    const h = JSON.parse(content) as Partial<Holder> | null;
    if (h && typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.expiresAt === 'number') return h as Holder;
  } catch {
    // fall through: not ours, or written by the O_EXCL fallback and not finished yet
  }
  return null;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return errCode(err) === 'EPERM';
  }
}

/** Past its expiry, or held by a process of this host that no longer exists. */
function isStale(path: string, content: string, opts: StaleOptions = {}): boolean {
  const now = (opts.now ?? Date.now)();
  const holder = parseHolder(content);
  if (!holder) {
    try {
      return now - statSync(path).mtimeMs > (opts.garbageGraceMs ?? 10_000);
    } catch {
      return false;
    }
  }
  if (holder.expiresAt <= now) return true;
  return holder.host === hostname() && !isPidAlive(holder.pid);
}

/** One attempt to take the lock at `path`, taking over a stale holder; never waits for a live one. */
export async function acquireExclusive(path: string, content: string, opts: StaleOptions = {}): Promise<AcquireResult> {
  let current: string | null = null;
  for (let attempt = 0; attempt < 500; attempt++) {
    if (createExclusive(path, content)) return { acquired: true };
    current = readIfExists(path);
    if (current === null) continue; // released between our create and our read
    if (!isStale(path, current, opts)) return { acquired: false, current };
    const swapped = compareAndSwap(path, current, content);
    if (swapped === 'done') return { acquired: true };
    // 'busy': another process is replacing this very holder; let it finish, then look again
    if (swapped === 'busy') await sleep(1 + attempt % 5);
  }
  return { acquired: false, current: current ?? '' };
}

/** Deletes the lock only if it still holds `content`; false if someone else holds it now. */
export async function releaseExclusive(path: string, content: string): Promise<boolean> {
  for (;;) {
    const r = compareAndSwap(path, content, null);
    if (r !== 'busy') return r === 'done';
    await sleep(2);
  }
}

/** Rewrites the lock only if it still holds `content` (to push back its expiry). */
export async function replaceExclusive(path: string, content: string, next: string): Promise<boolean> {
  for (;;) {
    const r = compareAndSwap(path, content, next);
    if (r !== 'busy') return r === 'done';
    await sleep(2);
  }
}

// Such a lock is held for milliseconds; a holder this old has hung (or sits on another host).
const HOLD_TTL_MS = 30_000;

/**
 * Runs `fn` holding the lock file `lockPath`, waiting up to `timeoutMs` for
 * another process's hold (a file that a few processes append to: the
 * journal, the team spool). `what` names the file in the error.
 */
export async function withExclusive<T>(lockPath: string, timeoutMs: number, what: string, fn: () => T | Promise<T>): Promise<T> {
  const token = JSON.stringify({ pid: process.pid, host: hostname(), expiresAt: Date.now() + HOLD_TTL_MS, nonce: randomBytes(8).toString('hex') });
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 8)) {
    const r = await acquireExclusive(lockPath, token);
    if (r.acquired) break;
    if (Date.now() >= deadline) {
      const h = parseHolder(r.current);
      const who = h ? `pid ${h.pid} on ${h.host}` : 'an unreadable lock file';
      throw new Error(`${what} stayed locked by ${who} for ${timeoutMs} ms; remove ${lockPath} if that process is gone`);
    }
    await sleep(wait * (0.5 + Math.random()));
  }
  try {
    return await fn();
  } finally {
    await releaseExclusive(lockPath, token);
  }
}
