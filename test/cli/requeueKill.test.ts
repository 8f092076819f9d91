/**
 * A requeue killed mid-call: 30 jobs failed by a real bullmq Worker, the
 * built CLI moves them in batches of 10 and is SIGKILLed once its third
 * progress record is on disk (the preload stalls it there, before the third
 * batch). What bullmq says moved must be what the journal, `check` and
 * `audit reconcile` say moved.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { opsdeck } from './run.js';
import { deleteTagged, REDIS_URL, tag } from '../redis/helpers.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
const STALL = new URL('../audit/support/stallAfterRecord.mjs', import.meta.url).pathname;
const connection = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) };

function killedAfter(nth: number, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', STALL, BIN, ...args], { env: { ...process.env, NO_COLOR: '1', STALL_PHASE: 'progress', STALL_NTH: String(nth), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the requeue never stalled: ${err}`));
    }, 30_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`STALLED-AFTER-PROGRESS-${nth}`)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(err);
      else reject(new Error(`the requeue ended by itself (${signal ?? code}): ${err}`));
    });
  });
}

describe('a requeue killed with SIGKILL between two batches', () => {
  const t = tag('kill');
  let dir: string;
  let config: string;
  let env: Record<string, string>;
  let raw: Redis;
  let queue: Queue;
  let ids: string[];
  const on = () => ['--config', config, '--env', 'staging'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-requeue-kill-'));
    env = { OPSDECK_STATE_DIR: dir };
    config = join(dir, 'opsdeck.yaml');
    writeFileSync(config, `environments:\n  staging:\n    redis:\n      - name: local\n        url: ${REDIS_URL}\n        queues:\n          - { name: ${t}, flavor: bullmq, prefix: ${t} }\n`);
    raw = new Redis(REDIS_URL);
    queue = new Queue(t, { connection, prefix: t });
    const worker = new Worker(t, async () => {
      throw new Error('smtp 421');
    }, { connection, prefix: t });
    for (let i = 1; i <= 30; i++) await queue.add('send', { i });
    await vi.waitFor(async () => {
      if ((await queue.getFailedCount()) !== 30) throw new Error('waiting for 30 failures');
    }, { timeout: 15_000 });
    // no worker from here on: a requeued job stays waiting, where bullmq can be asked about it
    await worker.close();
    const plan = JSON.parse(opsdeck(['requeue', t, ...on(), '--dry-run', '--json'], { env }).stdout) as { calls: { params: { jobs: number } }[] };
    expect(plan.calls[0]!.params.jobs).toBe(30);
    await killedAfter(3, ['requeue', t, ...on(), '--confirm', t], env);
    ids = (await queue.getFailed(0, -1)).map((j) => j.id!);
  }, 60_000);

  afterAll(async () => {
    await queue.close();
    await deleteTagged(raw, t);
    raw.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moved exactly the two batches its journal says it moved', async () => {
    const counts = await queue.getJobCounts('failed', 'waiting');
    expect(counts).toEqual({ failed: 10, waiting: 20 });
    const records = JSON.parse(opsdeck(['audit', '--json'], { env }).stdout) as { seq: number; phase: string; detail: string; plan: { progressOf?: number; lastMoved?: string[]; next?: string[]; moved?: number } }[];
    expect(records.map((r) => r.phase)).toEqual(['intent', 'progress', 'progress', 'progress']);
    const movedIds = records.flatMap((r) => r.plan.lastMoved ?? []);
    expect(movedIds).toHaveLength(20);
    for (const id of movedIds) expect(await queue.getJobState(id)).toBe('waiting');
    // what was about to move is exactly what is still failed
    expect([...records[3]!.plan.next!].sort()).toEqual([...ids].sort());
    expect(records[3]!.plan).toMatchObject({ progressOf: records[0]!.seq, moved: 20 });
    expect(records[3]!.detail).toMatch(/^moved 20 of 30 \(ids \S+(, \S+){11} … and 8 more\); moving 10 more \(ids /);
    // the table shows the same line
    expect(opsdeck(['audit'], { env }).stdout).toMatch(/requeue .* progress .* moved 20 of 30 \(ids /);
  });

  it('check names the lost requeue with how far it got and the queue now', () => {
    const r = opsdeck(['check', ...on(), '--format', 'json'], { env });
    const f = (JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; message: string }[] }).findings.filter((x) => x.checkId === 'audit.unreconciled');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('crit');
    expect(f[0]!.message).toMatch(new RegExp(`^requeue of staging/local/${t} started .* outcome unknown \\(journal #1\\); last progress: moved 20 of 30 \\(ids .*\\); now: ${t} has 20 waiting, 10 failed; record what happened`));
  }, 30_000);

  it('audit reconcile lists it with the progress and the queue now; the next requeue names it first', () => {
    const list = JSON.parse(opsdeck(['audit', 'reconcile', '--json', ...on()], { env }).stdout) as { seq: number; progress?: string; now?: string }[];
    expect(list).toHaveLength(1);
    expect(list[0]!.progress).toMatch(/^moved 20 of 30 \(ids /);
    expect(list[0]!.now).toBe(`${t} has 20 waiting, 10 failed`);
    const next = opsdeck(['requeue', t, ...on(), '--dry-run'], { env });
    expect(next.stderr).toMatch(/unknown outcome: requeue of .*last progress: moved 20 of 30 .*now: .* has 20 waiting, 10 failed — see opsdeck audit reconcile/);
  }, 30_000);
});
