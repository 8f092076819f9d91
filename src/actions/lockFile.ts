/**
 * Lock files in <stateDir>/locks/, for environments without a Redis. The file
 * holds the owner token plus an expiry; the exclusivity, the takeover of an
 * expired or dead-pid lock and the owner-only release come from
 * state/exclusiveFile.ts.
 */
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { acquireExclusive, readIfExists, releaseExclusive, replaceExclusive } from '../state/exclusiveFile.js';
import { LockHeldError, LockLostError, newOwner, parseOwner, validateTtl, type LockHandle, type LockOptions, type TargetLock } from './lock.js';

interface FileContent {
  expiresAt: number;
  key: string;
}

export class FileTargetLock implements TargetLock {
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

  async acquire(key: string, ttlMs: number): Promise<LockHandle> {
    validateTtl(ttlMs);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.pathFor(key);
    const owner = newOwner({ ...this.opts, now: this.now });
    const token = JSON.stringify(owner);
    const contentFor = (expiresAt: number) => JSON.stringify({ ...owner, key, expiresAt } satisfies FileContent & typeof owner);
    let content = contentFor(owner.acquiredAt + ttlMs);

    const r = await acquireExclusive(path, content, { now: this.now });
    if (!r.acquired) {
      const expiresAt = (safeParse(r.current) as Partial<FileContent> | null)?.expiresAt;
      throw new LockHeldError(key, parseOwner(r.current), typeof expiresAt === 'number' ? expiresAt - this.now() : null, this.now());
    }

    let released = false;
    return {
      key,
      owner,
      token,
      release: async () => {
        if (released) return;
        released = true;
        await releaseExclusive(path, content);
      },
      extend: async (nextTtlMs: number) => {
        validateTtl(nextTtlMs);
        const next = contentFor(this.now() + nextTtlMs);
        if (released || !(await replaceExclusive(path, content, next))) throw new LockLostError(key);
        content = next;
      },
    };
  }

  /** The current holder's raw file, for diagnostics (`opsdeck locks`). */
  peek(key: string): string | null {
    return readIfExists(this.pathFor(key));
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
