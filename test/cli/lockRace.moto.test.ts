// Two environments of one config name the same ECS service. Two operators
// (two real `opsdeck scale` processes, one per environment) race for it 30
// times, with UpdateService held 2.5 s by a proxy in front of moto: exactly one
// change per race, counted from the UpdateService calls moto answered and the
// desiredCount moto reports. Without the shared lock (each process with its
// own lock file) the same race changes the service twice: the test can fail.
// Then: the shared Redis down → refused, --local-lock → runs and is journaled;
// `opsdeck unlock`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { RedisTargetLock } from '../../src/actions/lockRedis.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { LEASE_MS } from '../../src/actions/lock.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy.js';
import { freePort } from '../support/redisServer.js';

const REDIS = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACCOUNT = '123456789012';
const CLUSTER = `race-${randomBytes(4).toString('hex')}`;
const KEY = resourceKey({ kind: 'ecs-service', account: ACCOUNT, region: MOTO_REGION, cluster: CLUSTER, service: 'api' });
const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
const RACES = 30;
const DELAY_MS = 2_500;

let moto: Moto;
let proxy: CountingProxy;
let direct: AwsContext;
let raw: Redis;
let tmp: string;
let config: string;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startCountingProxy(moto.endpoint, { delayOf: (op) => (op === 'UpdateService' ? DELAY_MS : 0) });
  direct = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
  raw = new Redis(REDIS);
  const ecs = await direct.sdk('ecs');
  const client = await direct.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: CLUSTER }));
  await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:1', memory: 512 }] }));
  await client.send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName: 'api', taskDefinition: 'web:1', desiredCount: 1000 }));
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-lockrace-'));
  const dead = await freePort();
  const env = (name: string, redis: string) => `  ${name}:\n    aws:\n      region: ${MOTO_REGION}\n    ecs:\n      - cluster: ${CLUSTER}\n        services: [api]\n    redis:\n      - name: locks\n        url: ${redis}\n`;
  config = join(tmp, 'opsdeck.yaml');
  writeFileSync(config, `environments:\n${env('blue', `${REDIS}/0`)}${env('green', `${REDIS}/0`)}${env('down', `redis://127.0.0.1:${dead}/0`)}`);
}, 60_000);
afterAll(async () => {
  await raw?.del(KEY);
  raw?.disconnect();
  direct?.close();
  await proxy?.close();
  await moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function desired(): Promise<number | undefined> {
  const ecs = await direct.sdk('ecs');
  return (await (await direct.ecs()).send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['api'] }))).services?.[0]?.desiredCount;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built binary, no terminal, the SDK aimed at the delaying proxy. `state` is the operator's own state directory. */
function opsdeck(args: string[], state: string, extra: Record<string, string> = {}): Promise<Run> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') || k === 'OPSDECK_CONFIG') delete env[k];
  Object.assign(env, {
    NO_COLOR: '1',
    OPSDECK_STATE_DIR: state,
    AWS_ENDPOINT_URL: proxy.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--config', config, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const journalOf = (state: string): { action: string; phase: string; outcome: string | null; detail: string; target: string }[] => {
  try {
    return readFileSync(join(state, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

/** One race: blue scales down to `to`, green to `to + 1`, both started together (always down: one tier, one phrase). */
async function race(to: number, states: [string, string], extra: string[] = []) {
  const before = proxy.calls('UpdateService').length;
  const [blue, green] = await Promise.all([
    opsdeck(['--env', 'blue', 'scale', 'api', String(to), '--confirm', 'api', '--timeout', '1ms', ...extra], states[0]),
    opsdeck(['--env', 'green', 'scale', 'api', String(to + 1), '--confirm', 'api', '--timeout', '1ms', ...extra], states[1]),
  ]);
  const changes = proxy.calls('UpdateService').slice(before).filter((c) => c.status === 200);
  return { blue, green, changes, now: await desired() };
}

describe('two environments naming one service', () => {
  it(`race ${RACES} times with a delayed UpdateService: exactly one change per race`, async () => {
    const states: [string, string] = [mkdtempSync(join(tmp, 'ana-')), mkdtempSync(join(tmp, 'ben-'))];
    const tally = { lockRefusals: 0, changedAborts: 0 };
    for (let r = 0; r < RACES; r++) {
      const to = 500 - 3 * r;
      const { blue, green, changes, now } = await race(to, states);
      const said = `race ${r}: blue ${blue.code} ${blue.stdout} ${blue.stderr}\ngreen ${green.code} ${green.stdout} ${green.stderr}`;
      expect(changes, said).toHaveLength(1);
      const winner = changes[0]!.input.desiredCount === to ? blue : green;
      const loser = winner === blue ? green : blue;
      // moto holds what the one winner asked for
      expect(now, said).toBe(changes[0]!.input.desiredCount);
      // the winner's call went through (its 1 ms watch then times out: exit 2); the loser changed nothing
      expect([0, 2], said).toContain(winner.code);
      expect(loser.code, said).toBe(1);
      if (/is locked: scale of (blue|green)\/api by .+; its lease lapses at/.test(loser.stdout)) tally.lockRefusals++;
      else if (/changed since the plan was shown/.test(loser.stdout)) tally.changedAborts++;
      else throw new Error(`the loser neither met the lock nor a changed service: ${said}`);
    }
    console.log(`${RACES} races: ${tally.lockRefusals} refused by the lock, ${tally.changedAborts} aborted on the re-read (started after the winner's call)`);
    expect(tally.lockRefusals).toBeGreaterThan(0);
    // both operators' journals: one outcome ok in all, the rest refusals or aborts
    const records = [...journalOf(states[0]), ...journalOf(states[1])];
    expect(records.filter((x) => x.phase === 'outcome' && x.outcome === 'ok')).toHaveLength(RACES);
  }, 900_000);

  it('control: with a lock file per operator instead of the shared lock, the same race changes the service twice', async () => {
    let doubled = 0;
    for (let r = 0; r < 3; r++) {
      const { changes } = await race(300 - 3 * r, [mkdtempSync(join(tmp, 'solo-a-')), mkdtempSync(join(tmp, 'solo-b-'))], ['--local-lock']);
      if (changes.length === 2) doubled++;
    }
    expect(doubled).toBeGreaterThan(0);
  }, 300_000);
});

describe('the shared lock does not answer', () => {
  it('refuses with the reason; --local-lock runs and the choice is journaled', async () => {
    const state = mkdtempSync(join(tmp, 'down-'));
    const before = proxy.calls('UpdateService').length;
    const refused = await opsdeck(['--env', 'down', 'scale', 'api', '3', '--confirm', 'api', '--timeout', '1ms'], state);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toMatch(/^refused: the shared lock in Redis "locks" \(127\.0\.0\.1:\d+\/0\) does not answer \(.+\), so nothing was done; to use a lock file that guards only this machine, run again with --local-lock\n$/);
    expect(proxy.calls('UpdateService').length).toBe(before);
    expect(journalOf(state).map((x) => [x.phase, x.outcome])).toEqual([['refusal', 'refused']]);

    const ran = await opsdeck(['--env', 'down', 'scale', 'api', '3', '--confirm', 'api', '--timeout', '1ms', '--local-lock'], state);
    expect([0, 2], ran.stderr + ran.stdout).toContain(ran.code);
    expect(ran.stderr).toContain('--local-lock: actions take a lock file on this machine instead of the shared lock in Redis "locks"');
    expect(proxy.calls('UpdateService').length).toBe(before + 1);
    expect(await desired()).toBe(3);
    const intent = journalOf(state).find((x) => x.phase === 'intent')!;
    expect(intent.detail).toMatch(/\[lock: --local-lock: a lock file on this machine instead of the shared lock in Redis "locks" \(127\.0\.0\.1:\d+\/0\)\]$/);
  }, 120_000);
});

describe('opsdeck unlock', () => {
  it('shows the holder; releases a live holder only with the typed phrase, journaled', async () => {
    const state = mkdtempSync(join(tmp, 'unlock-'));
    const client = new Redis(REDIS);
    try {
      await new RedisTargetLock(client, 'Redis', { identity: { operator: 'carla', host: 'bastion-7', pid: 4242 } }).acquire(KEY, LEASE_MS, { action: 'rollback', environment: 'green', target: 'green/api' });
      const refused = await opsdeck(['--env', 'blue', 'unlock', 'api'], state);
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stdout).toMatch(new RegExp(`^ecs/${ACCOUNT}/${MOTO_REGION}/${CLUSTER}/api is locked: rollback of green/api by carla@bastion-7 \\(pid 4242\\), since .+; its lease lapses at .+\\nrefused: no confirmation given; type \\(or pass --confirm\\) api: the lock was not released\\n$`));
      expect(await client.exists(KEY)).toBe(1);

      const wrong = await opsdeck(['--env', 'blue', 'unlock', 'api', '--confirm', 'apx'], state);
      expect(wrong.code).toBe(1);
      expect(await client.exists(KEY)).toBe(1);

      const done = await opsdeck(['--env', 'blue', 'unlock', `ecs/${ACCOUNT}/${MOTO_REGION}/${CLUSTER}/api`, '--confirm', `ecs/${ACCOUNT}/${MOTO_REGION}/${CLUSTER}/api`], state);
      expect(done.code, done.stderr + done.stdout).toBe(0);
      expect(done.stdout).toContain('released the lock on');
      expect(done.stdout).toContain('of rollback of green/api by carla@bastion-7 (pid 4242)');
      expect(await client.exists(KEY)).toBe(0);
      expect(journalOf(state).map((x) => [x.action, x.phase, x.outcome])).toEqual([
        ['unlock', 'refusal', 'refused'],
        ['unlock', 'refusal', 'refused'],
        ['unlock', 'outcome', 'ok'],
      ]);

      const free = await opsdeck(['--env', 'blue', 'unlock', 'api'], state);
      expect(free.code).toBe(0);
      expect(free.stdout).toMatch(/is not locked/);
    } finally {
      await client.del(KEY);
      client.disconnect();
    }
  }, 120_000);

  it('releases at once the lock of a holder whose pid on this host is gone', async () => {
    const state = mkdtempSync(join(tmp, 'unlock-dead-'));
    const client = new Redis(REDIS);
    try {
      const { deadPid } = await import('../support/lineChild.js');
      const pid = await deadPid();
      await new RedisTargetLock(client, 'Redis', { identity: { pid } }).acquire(KEY, LEASE_MS, { action: 'scale', environment: 'green', target: 'green/api' });
      const r = await opsdeck(['--env', 'blue', 'unlock', 'api'], state);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`the holder pid ${pid} on this host is gone`);
      expect(r.stdout).toContain(': that process on this host is gone');
      expect(await client.exists(KEY)).toBe(0);
      expect(journalOf(state).map((x) => [x.action, x.phase, x.outcome])).toEqual([['unlock', 'outcome', 'ok']]);
    } finally {
      await client.del(KEY);
      client.disconnect();
    }
  }, 60_000);
});
