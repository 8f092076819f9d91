// The dashboard as an operator runs it on a big account: 250 ECS services on
// moto (fleetSeed.ts) plus an RDS instance, a log group, the local Redis and
// PostgreSQL, and an HTTP probe and a Prometheus endpoint of a server started
// here, so every panel has something to read. `node bin/opsdeck.js --config FILE --env fleet` on a
// 120x40 pty, no key, for --fleet-ms; RSS sampled from /proc every 10 s.
// Build first: it runs bin/opsdeck.js.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, progress } from './pty.mjs';
import { importBundled } from './bundle.mjs';
import { soakOnPty } from './soak.mjs';

const REDIS_URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_URL = process.env.OPSDECK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** /health answers as a healthy app does; /metrics counts what it was asked. */
async function startAppServer() {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE requests_total counter\nrequests_total ${requests}\n# TYPE queue_depth gauge\nqueue_depth{queue="emails"} ${requests % 7}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"healthy"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => new Promise((r) => server.close(r)) };
}

function fleetConfig(fleet, app) {
  return `environments:
  fleet:
    aws: { region: us-east-1 }
    ecs:
      - cluster: ${fleet.cluster}
    rds:
      - instance: ${fleet.rdsInstance}
    logs:
      - group: ${fleet.logGroup}
    redis:
      - name: jobs
        url: ${REDIS_URL}
        queues:
          # whether or not these keys exist: the panel reads them either way
          - { name: opsdeck-bench-fleet-emails, flavor: bullmq, prefix: opsdeck-bench-fleet }
          - { name: opsdeck-bench-fleet-default, flavor: rq }
    postgres:
      - name: primary
        url: ${PG_URL}
    http:
      - name: api
        url: ${app}/health
        expect: { status: 200, json: { status: healthy } }
    metrics:
      - name: app
        url: ${app}/metrics
        rules:
          - { series: requests_total, rate: 1m, warn: 100, crit: 1000 }
          - { series: queue_depth, labels: { queue: emails }, warn: 100, crit: 1000 }
`;
}

/**
 * The panels on the screen, in screen order, from the title each box's top
 * edge carries: ╭─ 1 ECS  ⚠ 84 warnings ─…╮ (╔═ … when it has the focus).
 */
export function panelTitles(screen) {
  const panels = [];
  for (const m of screen.matchAll(/(?:╭─|╔═) (\d+) (\S+)(?:  ([^─═]+?))? [─═]/g)) panels.push({ panel: m[2], status: m[3]?.trim() ?? '' });
  return panels;
}

export async function benchFleet({ ms = 120_000, services = 250 } = {}) {
  progress(`fleet250: moto with ${services} ECS services, RDS, logs, Redis, PostgreSQL, HTTP; the dashboard at 120x40 for ${ms / 1000} s`);
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-fleet-'));
  const cleanups = [() => rm(dir, { recursive: true, force: true })];
  try {
    const seed = await importBundled('bench/fleetSeed.ts');
    cleanups.push(seed.dispose);
    const fleet = await seed.module.startFleet({ services });
    cleanups.push(fleet.stop);
    const app = await startAppServer();
    cleanups.push(app.close);
    const config = join(dir, 'opsdeck.yaml');
    await writeFile(config, fleetConfig(fleet, app.base));
    const run = await soakOnPty(`${process.execPath} ${bin} --config ${config} --env fleet`, {
      totalMs: ms,
      everyMs: 10_000,
      env: {
        AWS_ENDPOINT_URL: fleet.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_PROFILE: '',
        // no file or instance role on this machine decides the credentials
        AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        OPSDECK_STATE_DIR: join(dir, 'state'),
      },
    });
    const panels = panelTitles(run.screen);
    return {
      services,
      size: '120x40',
      seconds: Math.round(run.elapsedS),
      rssAtStartMB: run.samples[0].rssMB,
      rssAtEndMB: run.end.rssMB,
      rssMaxMB: Math.max(...run.samples.map((s) => s.rssMB)),
      growthOverLastHalfMB: run.growthOverLastHalfMB,
      cpuPercentOfCore: run.cpuPercentOfCore,
      bytesPerSec: run.bytesPerSec,
      panelsShown: panels.map((p) => p.panel),
      // each panel's own verdict in its title (the checks engine's, not this bench's)
      panelStatus: Object.fromEntries(panels.map((p) => [p.panel, p.status])),
      samples: run.samples,
      // the last frame, for a person to see that the panels held data, not errors
      screenAtEnd: run.screen.split('\n'),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => progress(`fleet250: cleaning up: ${err.message}`));
  }
}
