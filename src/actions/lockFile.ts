/**
 * Lock files in <stateDir>/locks/: for environments without a Redis, or when
 * the operator chose --local-lock. They only coordinate processes that share
 * this state directory on one machine. The file holds the holder record with
 * its lease expiry; creation is exclusive and every later change (takeover of
 * a lapsed or dead holder, renewal, release) a compare-and-swap, both from
 * state/exclusiveFile.ts.
 */
import { mkdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { compareAndSwap, createExclusive, readIfExists, releaseExclusive, replaceExclusive, sleep } from '../state/exclusiveFile.js';
import { holderGone, LockHeldError, newOwner, parseOwner, validateLease, type HeldLock, type LockHandle, type LockOptions, type LockOwner, type LockPurpose, type RenewResult, type TargetLock } from './lock.js';
import { lockSubject } from './lockResource.js';

// a file that holds no holder record (a crash mid-write of the O_EXCL fallback) is litter after this long
const GARBAGE_GRACE_MS = 60_000;

export class FileTargetLock implements TargetLock {
  readonly where = 'a lock file on this machine';
  private readonly now: () => number;

  constructor(
    readonly dir: string,
    private readonly opts: LockOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Keys hold ':' and '/', so the name is a readable slug plus a hash that keeps distinct keys apart. */
  pathFor(key: string): string {
    const slug = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
    return join(this.dir, `${slug}-${hash}.lock`);
  }

  async acquire(key: string, leaseMs: number, purpose: LockPurpose): Promise<LockHandle> {
    validateLease(leaseMs);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.pathFor(key);
    const owner = newOwner(purpose, leaseMs, { ...this.opts, now: this.now });
    const content = JSON.stringify(owner);
    let freed: LockOwner | undefined;
    let last: HeldLock | null = null;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (createExclusive(path, content)) return this.handle(key, path, owner, freed);
      last = this.read(key, path);
      if (!last) continue; // released between our create and our read
      const gone = holderGone(last.holder, this.opts);
      if (!gone && !this.lapsed(path, last)) break;
      const swapped = compareAndSwap(path, last.raw, content);
      if (swapped === 'done') return this.handle(key, path, owner, gone ? (last.holder ?? undefined) : freed);
      // 'busy': another process is replacing this very holder; let it finish, then look again
      if (swapped === 'busy') await sleep(1 + (attempt % 5));
    }
    throw new LockHeldError(lockSubject(key), last?.holder ?? null, last?.expiresInMs ?? null, this.now(), this.opts);
  }

  private lapsed(path: string, held: HeldLock): boolean {
    if (held.holder) return held.holder.leaseExpiresAt <= this.now();
    try {
      return this.now() - statSync(path).mtimeMs > GARBAGE_GRACE_MS;
    } catch {
      return false;
    }
  }

  private read(key: string, path: string): HeldLock | null {
    const raw = readIfExists(path);
    if (raw === null) return null;
    const holder = parseOwner(raw);
    return { key, holder, raw, expiresInMs: holder ? holder.leaseExpiresAt - this.now() : null };
  }

  async inspect(key: string): Promise<HeldLock | null> {
    const held = this.read(key, this.pathFor(key));
    // a lapsed lease is no lock: the next acquire takes it over
    if (held?.holder && held.holder.leaseExpiresAt <= this.now()) return null;
    return held;
  }

  async forceRelease(key: string, raw: string): Promise<boolean> {
    return releaseExclusive(this.pathFor(key), raw);
  }

  private handle(key: string, path: string, first: LockOwner, freed: LockOwner | undefined): LockHandle {
    let released = false;
    let owner = first;
    let content = JSON.stringify(owner);
    return {
      key,
      get owner() {
        return owner;
      },
      ...(freed ? { freed } : {}),
      ...(this.opts.choice ? { choice: this.opts.choice } : {}),
      release: async () => {
        if (released) return;
        released = true;
        await releaseExclusive(path, content);
      },
      renew: async (leaseMs: number): Promise<RenewResult> => {
        validateLease(leaseMs);
        if (released) return { status: 'lost', holder: null };
        const next = { ...owner, leaseExpiresAt: this.now() + leaseMs };
        const nextContent = JSON.stringify(next);
        const took = (await replaceExclusive(path, content, nextContent)) ? 'renewed' : createExclusive(path, nextContent) ? 'retaken' : undefined;
        if (!took) return { status: 'lost', holder: parseOwner(readIfExists(path)) };
        owner = next;
        content = nextContent;
        return { status: took };
      },
    };
  }
}

