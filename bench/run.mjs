// Prints benchmark figures as JSON on stdout (progress on stderr). Nothing
// here asserts on time: the figures are for people to read and compare
// across commits, next to the machine's load at the time.
//
//   npm run bench                                   everything (a few minutes)
//   node bench/run.mjs --only startup|logs|memory|queues|frames|fleet250   one (or a comma list)
//   npm run bench:profile  (--only profile)         frame cost, key latency at 0, 1000 and 5000
//                                                   lines/s and the first frame: every issue-12 target
//
//   startup  first full frame at 120x40 vs bare node (--runs 12), RSS after a calm soak (--soak-ms 30000)
//   logs     log lines/s the log view takes in, and key-to-screen latency, per offered rate
//            (0 is the baseline: the cost of a frame without extra log traffic)
//            (--rates 0,100,1000,5000,20000 --samples 150 --warmup-ms 4000; the rate is fitted over
//            at least --window-ms 10000)
//   memory   heap and RSS after --lines 1000000 log lines through the runtime's log tail
//   frames   the calm demo at --sizes 120x40,200x60, no key: CPU % of a core over --idle-ms 60000,
//            frames/s, bytes per frame and per second; then a CPU profile over --profile-ms 20000:
//            busy time by phase (react, layout, output, write, gc) and CPU per render median/p95
//   queues   reading --queues 200 queues from the real Redis, --queue-runs 30 times
//            (OPSDECK_TEST_REDIS_URL, default redis://127.0.0.1:6379)
//   fleet250 the dashboard (`opsdeck --config … --env fleet`) at 120x40, no key, for --fleet-ms 120000
//            on moto with --fleet-services 250 ECS services in one cluster, an RDS instance and a log
//            group, plus the local Redis and PostgreSQL and a local HTTP probe and metrics endpoint:
//            RSS every 10 s (start, end, max, growth over the second half), CPU % of a core, the
//            panels on the last screen with each one's verdict, and that screen (fleet.mjs)
//
// Build first (npm run bench does): startup, logs, frames, memory and fleet250 run bin/opsdeck.js.
// `targets` (issue 12's, met or missed) ends the output when frames, fleet250 or profile ran.
import { cpus, loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root, round } from './pty.mjs';
import { benchStartup } from './startup.mjs';
import { benchLogs } from './logs.mjs';
import { benchMemory } from './memory.mjs';
import { benchQueues } from './queues.mjs';
import { benchFleet } from './fleet.mjs';

import { benchFrames } from './profile.mjs';
import { targets } from './targets.mjs';

const BENCHES = ['startup', 'logs', 'memory', 'queues', 'frames', 'fleet250'];
/** what `--only profile` stands for: every figure issue 12 sets a target on */
const PROFILE = ['startup', 'logs', 'frames'];

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '12' },
      'soak-ms': { type: 'string', default: '30000' },
      rates: { type: 'string' },
      samples: { type: 'string', default: '150' },
      'warmup-ms': { type: 'string', default: '4000' },
      'window-ms': { type: 'string', default: '10000' },
      lines: { type: 'string', default: '1000000' },
      queues: { type: 'string', default: '200' },
      'queue-runs': { type: 'string', default: '30' },
      sizes: { type: 'string', default: '120x40,200x60' },
      'idle-ms': { type: 'string', default: '60000' },
      'profile-ms': { type: 'string', default: '20000' },
      'fleet-ms': { type: 'string', default: '120000' },
      'fleet-services': { type: 'string', default: '250' },
    },
  }));
} catch (err) {
  fail(`${err.message} (see the top of bench/run.mjs for the options)`);
}

/** A whole number >= min from an option, or one line saying what is wrong. */
function whole(name, min = 1) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number of at least ${min}, got "${values[name]}"`);
  return n;
}

const asked = values.only === undefined ? BENCHES : values.only.split(',').map((s) => s.trim());
for (const name of asked) if (!BENCHES.includes(name) && name !== 'profile') fail(`--only takes ${BENCHES.join('|')}|profile (or a comma list), got "${name}"`);
const only = BENCHES.filter((b) => asked.includes(b) || (asked.includes('profile') && PROFILE.includes(b)));
const rates = (values.rates ?? (asked.includes('profile') ? '0,1000,5000' : '0,100,1000,5000,20000')).split(',').map(Number);
if (rates.some((r) => !Number.isFinite(r) || r < 0)) fail(`--rates must be log lines per second, comma-separated, got "${values.rates}"`);
const sizes = values.sizes.split(',').map((s) => s.trim().split('x').map(Number));
if (sizes.some((s) => s.length !== 2 || s.some((n) => !Number.isInteger(n) || n < 20))) fail(`--sizes must be COLSxROWS, comma-separated (e.g. 120x40,200x60), got "${values.sizes}"`);
const opts = {
  startup: { runs: whole('runs'), soakMs: whole('soak-ms') },
  logs: { rates, samples: whole('samples', 2), warmupMs: whole('warmup-ms', 0), minWindowMs: whole('window-ms', 0) },
  memory: { lines: whole('lines') },
  queues: { queues: whole('queues'), runs: whole('queue-runs') },
  frames: { sizes, windowMs: whole('idle-ms'), profileMs: whole('profile-ms') },
  fleet250: { ms: whole('fleet-ms'), services: whole('fleet-services') },
};
if (only.some((b) => ['startup', 'logs', 'memory', 'frames', 'fleet250'].includes(b)) && !existsSync(join(root, 'dist', 'opsdeck.js'))) {
  fail('dist/opsdeck.js is missing: run `npm run build` first (npm run bench does)');
}

const RUN = { startup: benchStartup, logs: benchLogs, memory: benchMemory, queues: benchQueues, frames: benchFrames, fleet250: benchFleet };
const load = () => loadavg().map((x) => round(x, 2));
const result = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverageAtStart: load(),
};
let failed = false;
for (const name of only) {
  try {
    result[name] = await RUN[name](opts[name]);
  } catch (err) {
    // one bench failing (Redis down, say) still leaves the others' figures
    failed = true;
    result[name] = { error: err instanceof Error ? err.message : String(err) };
    process.stderr.write(`bench: ${name} failed: ${result[name].error}\n`);
  }
}
if (only.includes('frames') || only.includes('fleet250') || asked.includes('profile')) result.targets = targets(result);
result.loadAverageAtEnd = load();
console.log(JSON.stringify(result, null, 2));
if (failed) process.exitCode = 1;
