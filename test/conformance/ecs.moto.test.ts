// Conformance: opsdeck's ECS figures against what ECS itself answers, on moto
// with 250 services in 3 clusters (test/conformance/ecsFleet.ts). opsdeck
// reads through the counting proxy, which also pages the list calls the way
// AWS does (moto answers every list in one page); the reference answers come
// from moto directly: the `aws` CLI where it is installed, else the SDK.
// Every comparison prints both figures when it fails.
//
// The CLI part runs the built binary: `npm run build` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { evaluate } from '../../src/checks/evaluate.js';
import { checkById } from '../../src/checks/rules.js';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { AwsEcsSource } from '../../src/sources/aws/ecs.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy.js';
import { FLEET_CLUSTERS, FLEET_RUNNING, STOPPED_BY_SERVICE, seedFleet } from './ecsFleet.js';
import { runCli, writeFleetConfig } from './ecsCli.js';

const run = promisify(execFile);
// 40, and since the running tasks are shown one ListTasks more per cluster
const CALLS_PER_REFRESH = 43;
const CONFIG = FLEET_CLUSTERS.map((cluster) => ({ cluster }));

let moto: Moto;
let proxy: CountingProxy;
let direct: AwsContext;
let tmp: string;
/** ECS's own answer, asked once: nothing changes the fleet after seeding */
let theirs: Awaited<ReturnType<typeof ecsSays>>;
// moto answers one call at a time; on a busy machine a refresh of 250 services takes seconds
const SLOW = 120_000;

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: String(FLEET_RUNNING) });
  direct = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
  await seedFleet(direct, moto);
  proxy = await startCountingProxy(moto.endpoint, { pageLists: true });
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-conformance-ecs-'));
  theirs = await ecsSays();
}, 240_000);
afterAll(async () => {
  direct?.close();
  await proxy?.close();
  await moto?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function viaProxy(latency?: CountingProxy): AwsContext {
  return createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: { ...moto.sdk, endpoint: (latency ?? proxy).url } });
}

let hasCli: boolean | undefined;
/** `aws <args> --output json` against moto, or undefined when the CLI is not installed */
async function awsCli(args: string[]): Promise<Record<string, unknown> | undefined> {
  hasCli ??= await run('aws', ['--version']).then(
    () => true,
    () => false,
  );
  if (!hasCli) return undefined;
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: join(tmp, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'none'), AWS_PAGER: '' };
  const { stdout } = await run('aws', [...args, '--endpoint-url', moto.endpoint, '--region', MOTO_REGION, '--output', 'json'], { env });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** ECS's own answer: every service of every cluster with its counts, and the stopped tasks by service. */
async function ecsSays() {
  const ecs = await direct.sdk('ecs');
  const client = await direct.ecs();
  const services = new Map<string, { desired: number; running: number; pending: number }>();
  const stopped = new Map<string, string[]>();
  const perCluster: Record<string, { services: number; stopped: number; running: number }> = {};
  for (const cluster of FLEET_CLUSTERS) {
    const listed = await awsCli(['ecs', 'list-services', '--cluster', cluster]);
    const arns = (listed?.serviceArns as string[] | undefined) ?? (await client.send(new ecs.ListServicesCommand({ cluster }))).serviceArns ?? [];
    for (let i = 0; i < arns.length; i += 10) {
      const out = await client.send(new ecs.DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10) }));
      for (const s of out.services ?? []) services.set(`${cluster}/${s.serviceName}`, { desired: s.desiredCount!, running: s.runningCount!, pending: s.pendingCount! });
    }
    const tasks = (await client.send(new ecs.ListTasksCommand({ cluster, desiredStatus: 'STOPPED' }))).taskArns ?? [];
    if (tasks.length > 0) {
      for (const t of (await client.send(new ecs.DescribeTasksCommand({ cluster, tasks }))).tasks ?? []) {
        const key = `${cluster}/${(t.group ?? '').replace(/^service:/, '')}`;
        stopped.set(key, [...(stopped.get(key) ?? []), t.taskArn!].sort());
      }
    }
    const running = (await client.send(new ecs.ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }))).taskArns ?? [];
    perCluster[cluster] = { services: arns.length, stopped: tasks.length, running: running.length };
  }
  return { services, stopped, perCluster };
}

/** "fleet-a/x: opsdeck 4/2/2, ECS 4/2/2" for every service whose figures differ, or that only one side has */
function differences(ours: Map<string, string>, theirs: Map<string, string>): string[] {
  const keys = [...new Set([...ours.keys(), ...theirs.keys()])].sort();
  return keys.filter((k) => ours.get(k) !== theirs.get(k)).map((k) => `${k}: opsdeck ${ours.get(k) ?? 'absent'}, ECS ${theirs.get(k) ?? 'absent'}`);
}

describe('ECS conformance: 250 services in 3 clusters on moto', () => {
  it('desired / running / pending of every service equal DescribeServices', async () => {
    const snap = await new AwsEcsSource(viaProxy(), CONFIG).describe(new AbortController().signal);
    const ours = new Map(snap.services.map((s) => [`${s.cluster}/${s.name}`, `${s.desired}/${s.running}/${s.pending}`]));
    const expected = new Map([...theirs.services].map(([k, v]) => [k, `${v.desired}/${v.running}/${v.pending}`]));
    expect(expected.size, 'services ECS lists').toBe(250);
    expect(differences(ours, expected)).toEqual([]);
    expect(snap.warnings).toEqual([]);
  }, SLOW);

  it('each service holds exactly the stopped tasks ECS lists for its group', async () => {
    const snap = await new AwsEcsSource(viaProxy(), CONFIG).describe(new AbortController().signal);
    const ours = new Map(snap.services.filter((s) => s.stoppedTasks.length > 0).map((s) => [`${s.cluster}/${s.name}`, s.stoppedTasks.map((t) => t.taskArn).sort().join(' ')]));
    const expected = new Map([...theirs.stopped].map(([k, v]) => [k, v.join(' ')]));
    expect(Object.fromEntries(Object.entries(STOPPED_BY_SERVICE).map(([n, c]) => [n, theirs.stopped.get(`fleet-a/${n}`)?.length]))).toEqual(STOPPED_BY_SERVICE);
    expect(differences(ours, expected)).toEqual([]);
  }, SLOW);

  it('finds every service below desired, and only those, even with "now" taken before the read (as check does)', async () => {
    const now = Date.now();
    const snap = await new AwsEcsSource(viaProxy(), CONFIG).describe(new AbortController().signal);
    const { findings } = evaluate({ ecs: snap }, {}, { env: 'moto', now, checks: [checkById('ecs.running-below-desired')!] });
    const flagged = findings.filter((f) => f.severity !== 'ok').map((f) => `${f.subject.split('/').pop()}: ${f.severity}`);
    const below = [...theirs.services].filter(([, s]) => s.running < s.desired).map(([k]) => k.split('/').pop()!);
    expect(below.length).toBeGreaterThan(80);
    // warn at once (a rollout with tasks running, minutes old) or crit (older than belowDesiredSeconds): never ok, never unknown
    expect(flagged.map((l) => l.replace(/: (warn|crit)$/, '')).sort()).toEqual(below.sort());
  }, SLOW);

  it(`one refresh costs at most ${CALLS_PER_REFRESH} AWS calls, exactly what the fleet's size implies`, async () => {
    const source = new AwsEcsSource(viaProxy(), CONFIG);
    proxy.clear();
    await source.describe(new AbortController().signal);
    const first = proxy.counts();
    proxy.clear();
    await source.describe(new AbortController().signal);
    const second = proxy.counts();
    const clusters = Object.values(theirs.perCluster);
    const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
    const expected = {
      ListServices: clusters.reduce((n, c) => n + pages(c.services, 100), 0),
      DescribeServices: clusters.reduce((n, c) => n + Math.ceil(c.services / 10), 0),
      // the stopped tasks and the running ones, each list per cluster
      ListTasks: clusters.reduce((n, c) => n + pages(c.stopped, 100) + pages(c.running, 100), 0),
      // stopped tasks are described once: the second refresh has them; running ones every time (health changes)
      DescribeTasks: clusters.reduce((n, c) => n + Math.ceil(c.stopped / 100) + Math.ceil(c.running / 100), 0),
      GetMetricData: 1,
      // Application Auto Scaling: at most 50 resource ids a call
      DescribeScalableTargets: Math.ceil(clusters.reduce((n, c) => n + c.services, 0) / 50),
    };
    expect(first).toEqual(expected);
    const runningDescribes = clusters.reduce((n, c) => n + Math.ceil(c.running / 100), 0);
    const { DescribeTasks: _described, ...rest } = expected;
    expect(second).toEqual(runningDescribes > 0 ? { ...rest, DescribeTasks: runningDescribes } : rest);
    const total = Object.values(first).reduce((a, b) => a + b, 0);
    console.log(`ECS refresh of 250 services in 3 clusters: ${total} AWS calls (${JSON.stringify(first)}), then ${Object.values(second).reduce((a, b) => a + b, 0)}`);
    expect(total).toBeLessThanOrEqual(CALLS_PER_REFRESH);
  }, SLOW);
});

describe('ECS conformance: `opsdeck check` on the fleet (built binary)', () => {
  it('exits 1 or 2, names every service below desired, and prints no warning on stderr', async () => {
    const below = [...theirs.services].filter(([, s]) => s.running < s.desired).map(([k]) => k.split('/').pop()!).sort();
    const config = writeFleetConfig(tmp);
    const r = await runCli(['check', '--config', config, '--env', 'moto', '--since', '15m', '--format', 'json'], { endpoint: proxy.url, dir: tmp });
    expect(r.stderr).toBe('');
    expect([1, 2]).toContain(r.code);
    const report = JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; subject: string }[] };
    const named = report.findings.filter((f) => f.checkId === 'ecs.running-below-desired' && (f.severity === 'warn' || f.severity === 'crit')).map((f) => f.subject.split('/').pop()!);
    expect(named.sort()).toEqual(below);
  }, SLOW);

  it('with 80 ms added to every AWS call, finishes well inside its 10 s timeout: no ECS check is unknown', async () => {
    const slow = await startCountingProxy(moto.endpoint, { pageLists: true, latencyMs: 80 });
    try {
      const config = writeFleetConfig(tmp);
      const r = await runCli(['check', '--config', config, '--env', 'moto', '--since', '15m', '--timeout', '10s', '--format', 'json'], { endpoint: slow.url, dir: tmp });
      const report = JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; message: string }[] };
      const unknown = report.findings.filter((f) => f.checkId.startsWith('ecs.') && f.severity === 'unknown').map((f) => f.message);
      console.log(`opsdeck check, 250 services, 80 ms per AWS call: ${Math.round(r.ms)} ms wall time (process start included), ${slow.calls().length} calls`);
      expect(unknown).toEqual([]);
      expect(r.stderr).toBe('');
    } finally {
      await slow.close();
    }
  }, SLOW);
});
