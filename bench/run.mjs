// Prints benchmark figures as JSON on stdout (progress on stderr). Nothing
// here asserts on time: the figures are for people to read and compare
// across commits, next to the machine's load at the time.
//
//   npm run bench                                   everything (a few minutes)
//   node bench/run.mjs --only startup|logs|memory|queues   one (or a comma list)
//
//   startup  first full frame at 120x40 vs bare node (--runs 12), RSS after a calm soak (--soak-ms 30000)
//   logs     log lines/s the log view takes in, and key-to-screen latency, per offered rate
//            (0 is the baseline: the cost of a frame without extra log traffic)
//            (--rates 0,100,1000,5000,20000 --samples 150 --warmup-ms 4000; the rate is fitted over
//            at least --window-ms 10000)
//   memory   heap and RSS after --lines 1000000 log lines through the runtime's log tail
//   queues   reading --queues 200 queues from the real Redis, --queue-runs 30 times
//            (OPSDECK_TEST_REDIS_URL, default redis://127.0.0.1:6379)
//
// Build first (npm run bench does): startup and logs run bin/opsdeck.js.
import { cpus, loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root, round } from './pty.mjs';
import { benchStartup } from './startup.mjs';
import { benchLogs } from './logs.mjs';
import { benchMemory } from './memory.mjs';
import { benchQueues } from './queues.mjs';

const BENCHES = ['startup', 'logs', 'memory', 'queues'];

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
      rates: { type: 'string', default: '0,100,1000,5000,20000' },
      samples: { type: 'string', default: '150' },
      'warmup-ms': { type: 'string', default: '4000' },
      'window-ms': { type: 'string', default: '10000' },
      lines: { type: 'string', default: '1000000' },
      queues: { type: 'string', default: '200' },
      'queue-runs': { type: 'string', default: '30' },
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

const only = values.only === undefined ? BENCHES : values.only.split(',').map((s) => s.trim());
for (const name of only) if (!BENCHES.includes(name)) fail(`--only takes ${BENCHES.join('|')} (or a comma list), got "${name}"`);
const rates = values.rates.split(',').map(Number);
if (rates.some((r) => !Number.isFinite(r) || r < 0)) fail(`--rates must be log lines per second, comma-separated, got "${values.rates}"`);
const opts = {
  startup: { runs: whole('runs'), soakMs: whole('soak-ms') },
  logs: { rates, samples: whole('samples', 2), warmupMs: whole('warmup-ms', 0), minWindowMs: whole('window-ms', 0) },
  memory: { lines: whole('lines') },
  queues: { queues: whole('queues'), runs: whole('queue-runs') },
};
if ((only.includes('startup') || only.includes('logs')) && !existsSync(join(root, 'dist', 'opsdeck.js'))) {
  fail('dist/opsdeck.js is missing: run `npm run build` first (npm run bench does)');
}

const RUN = { startup: benchStartup, logs: benchLogs, memory: benchMemory, queues: benchQueues };
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
result.loadAverageAtEnd = load();
console.log(JSON.stringify(result, null, 2));
if (failed) process.exitCode = 1;
