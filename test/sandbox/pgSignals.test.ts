// The sandbox's database takes cancel and terminate through the same action as a real server:
// in db-saturation, terminating the idle-in-transaction holder (pid 4242) frees the sessions queued behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxBackend } from '../../src/sources/sandbox/backend.js';
import { terminateAction } from '../../src/actions/postgres/terminate.js';
import { cancelAction } from '../../src/actions/postgres/cancel.js';
import type { PgActionContext } from '../../src/actions/postgres/context.js';
import { runAction } from '../../src/actions/executor.js';
import { environmentLocator } from '../../src/actions/lockResource.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { MIN, problemsOf, readAll, sandboxAt, signal } from './helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup() {
  const { sb, clock } = sandboxAt('db-saturation');
  const postgres = sandboxBackend(sb).postgresAdmin!()!;
  const ctx: PgActionContext = { env: sb.info, now: () => clock.now(), sleep: async (ms) => clock.advance(ms), postgres };
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-sandbox-pg-'));
  dirs.push(dir);
  const deps = {
    journal: new AuditJournal(join(dir, 'audit.jsonl')),
    lock: new FileTargetLock(join(dir, 'locks')),
    locate: environmentLocator(() => sb.info, {}, undefined, { primary: sb.environment.postgres[0]!.url }),
  };
  const problems = async () => problemsOf(await readAll(sb, clock.now()), clock.now(), sb.environment.redis.map((r) => r.name)).filter((p) => p.startsWith('pg.'));
  return { sb, clock, ctx, deps, problems };
}

describe('db-saturation: the lock chain as backends to act on', () => {
  it('terminating the holder 4242 ends the chain: nothing blocked, the holder gone, the checks quiet about locks', async () => {
    const { sb, clock, ctx, deps, problems } = setup();
    const before = (await sb.sources.postgres.read(signal)).databases[0]!;
    expect(before.blocked.map((b) => [b.pid, b.blockedBy])).toEqual([[5120, [4242]], [5127, [5120]]]);
    expect(await problems()).toEqual(expect.arrayContaining(['pg.blocked', 'pg.idle-in-transaction']));

    const plan = await terminateAction.plan(ctx, { database: 'primary', pid: 4242 }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.details).toContain('blocks    1 session: pid 5120');
    clock.advance(1_000);
    const result = await runAction(deps, { action: terminateAction, ctx, plan, typed: '4242' });
    expect(result).toMatchObject({ outcome: 'done', message: 'demo/primary/pid 4242: pid 4242 is gone from pg_stat_activity' });

    const after = (await sb.sources.postgres.read(signal)).databases[0]!;
    expect(after.blocked).toEqual([]);
    expect(after.idleInTransaction.map((s) => s.pid)).not.toContain(4242);
    // the report was not in the chain: it runs on
    expect(after.longQueries.map((s) => s.pid)).toEqual([3117]);
    // the terminated connection's pool opened another: the count stands, the round trips are quick again
    expect(after.connections.total).toBeGreaterThan(80);
    expect(after.rttMs).toBeLessThan(5);
    expect(await problems()).not.toContain('pg.blocked');
    clock.advance(5 * MIN);
    expect((await sb.sources.postgres.read(signal)).databases[0]!.blocked).toEqual([]);
  });

  it('a second terminate of 4242 is refused: the pid is no longer running', async () => {
    const { ctx, deps } = setup();
    await runAction(deps, { action: terminateAction, ctx, plan: await terminateAction.plan(ctx, { database: 'primary', pid: 4242 }, signal), typed: '4242' });
    const again = await terminateAction.plan(ctx, { database: 'primary', pid: 4242 }, signal);
    expect(again.refusal).toBe('pid 4242 is not running on primary (it ended, or the number is wrong); nothing to do');
  });

  it('cancelling the report 3117 ends its query; the session stays, idle', async () => {
    const { ctx, deps } = setup();
    const plan = await cancelAction.plan(ctx, { database: 'primary', pid: 3117 }, signal);
    const result = await runAction(deps, { action: cancelAction, ctx, plan, typed: '3117' });
    expect(result).toMatchObject({ outcome: 'done', message: "demo/primary/pid 3117: pid 3117's query ended; it is idle" });
    expect((await ctx.postgres.backend('primary', 3117, signal))?.state).toBe('idle');
  });
});
