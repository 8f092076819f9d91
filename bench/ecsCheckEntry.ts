/**
 * `opsdeck check` against moto with the fleet of test/conformance/ecsFleet.ts
 * (250 services in 3 clusters, a third below desired), --runs times, through
 * the counting proxy with --latency-ms added to every AWS call. Prints one
 * JSON line: how many runs exited 1 or 2 and named every service below
 * desired, the calls per run by operation, and each run's wall time.
 * Bundled and run by bench/ecsCheck.mjs (build first: it runs bin/opsdeck.js).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsContext } from '../src/sources/aws/clients.js';
import { startCountingProxy } from '../test/support/countingProxy.js';
import { MOTO_REGION, startMoto } from '../test/support/moto.js';
import { FLEET_RUNNING, fleetPlan, seedFleet } from '../test/conformance/ecsFleet.js';
import { runCli, writeFleetConfig } from '../test/conformance/ecsCli.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, 'latency-ms': { type: 'string', default: '0' }, timeout: { type: 'string', default: '10s' } } });
const runs = Number(values.runs);
const latencyMs = Number(values['latency-ms']);
if (!Number.isInteger(runs) || runs <= 0 || !Number.isFinite(latencyMs) || latencyMs < 0) {
  console.error('ecsCheckEntry: --runs must be a positive integer and --latency-ms a number >= 0');
  process.exit(2);
}

const moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: String(FLEET_RUNNING) });
const dir = mkdtempSync(join(tmpdir(), 'opsdeck-bench-ecs-'));
const direct = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
try {
  const plan = fleetPlan();
  await seedFleet(direct, moto);
  const below = new Set(plan.filter((s) => s.desired > FLEET_RUNNING).map((s) => s.name));
  const proxy = await startCountingProxy(moto.endpoint, { latencyMs, pageLists: true });
  const config = writeFleetConfig(dir);
  const results: { code: number | null; namedAll: boolean; missing: string[]; unknown: number; ms: number; calls: Record<string, number>; warnings: boolean }[] = [];
  for (let i = 0; i < runs; i++) {
    proxy.clear();
    const r = await runCli(['check', '--config', config, '--env', 'moto', '--since', '15m', '--timeout', String(values.timeout), '--format', 'json'], { endpoint: proxy.url, dir, bin: join(process.cwd(), 'bin', 'opsdeck.js') });
    if (!r.stdout.trim()) throw new Error(`opsdeck check printed no report (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
    const report = JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; subject: string }[] };
    const flagged = new Set(report.findings.filter((f) => f.checkId === 'ecs.running-below-desired' && f.severity !== 'ok' && f.severity !== 'unknown').map((f) => f.subject.split('/').pop()!));
    const missing = [...below].filter((n) => !flagged.has(n));
    const unknown = report.findings.filter((f) => f.checkId.startsWith('ecs.') && f.severity === 'unknown').length;
    results.push({ code: r.code, namedAll: missing.length === 0 && flagged.size === below.size, missing: missing.slice(0, 5), unknown, ms: Math.round(r.ms), calls: proxy.counts(), warnings: /Warning/.test(r.stderr) });
    if (i === 0 && r.stderr.trim()) console.error(`stderr of run 1:\n${r.stderr.trim()}`);
    console.error(`run ${i + 1}/${runs}: exit ${r.code}, ${flagged.size} of ${below.size} below desired named, ${Math.round(r.ms)} ms`);
  }
  await proxy.close();
  const good = results.filter((r) => (r.code === 1 || r.code === 2) && r.namedAll).length;
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      services: plan.length,
      belowDesired: below.size,
      latencyMs,
      runs,
      exited1or2AndNamedEach: good,
      line: `${good} of ${runs} exited 1 or 2 and named each`,
      ecsUnknownFindings: results.reduce((n, r) => n + r.unknown, 0),
      stderrWarnings: results.filter((r) => r.warnings).length,
      msMedian: ms[Math.floor(ms.length / 2)],
      msMax: ms.at(-1),
      callsFirstRun: results[0]?.calls,
      failures: results.filter((r) => !((r.code === 1 || r.code === 2) && r.namedAll)).slice(0, 3),
    }),
  );
} finally {
  direct.close();
  await moto.stop();
  rmSync(dir, { recursive: true, force: true });
}
