/**
 * What the demo API writes to CloudWatch. Error lines carry varying ids and
 * numbers so that grouping by fingerprint (digits and ids masked) has work to do.
 * Some errors come with their stack trace, several lines in one message: the
 * log store splits it into one event per line, as the awslogs driver does, so
 * the demo shows traces joined back into one error.
 */
import type { LogSeverity } from '../../model/logs.js';
import type { Rng } from './prng.js';

export type ErrorMix = 'calm' | 'spike' | 'db';

export function severityOf(message: string): LogSeverity {
  if (/\b(ERROR|FATAL|CRITICAL|PANIC)\b|Exception\b|Traceback/.test(message)) return 'error';
  if (/\bWARN(ING)?\b/.test(message)) return 'warn';
  if (/\bDEBUG\b/.test(message)) return 'debug';
  return 'info';
}

const ms = (rng: Rng, lo: number, hi: number) => `${Math.round(rng.range(lo, hi))}ms`;
const orderId = (rng: Rng) => rng.int(80_000, 99_999);

const INFO: Array<(rng: Rng) => string> = [
  (r) => `INFO GET /api/v1/orders 200 ${ms(r, 18, 70)}`,
  (r) => `INFO GET /api/v1/orders/${orderId(r)} 200 ${ms(r, 9, 40)}`,
  (r) => `INFO POST /api/v1/orders 201 ${ms(r, 60, 190)}`,
  (r) => `INFO GET /api/v1/products?page=${r.int(1, 12)} 200 ${ms(r, 12, 55)}`,
  (r) => `INFO GET /api/v1/cart 200 ${ms(r, 6, 25)}`,
  (r) => `INFO PUT /api/v1/cart/items/${r.int(1000, 9999)} 200 ${ms(r, 15, 60)}`,
  (r) => `INFO POST /api/v1/auth/refresh 200 ${ms(r, 20, 45)}`,
  (r) => `INFO GET /api/v1/orders/${orderId(r)} 404 ${ms(r, 5, 15)}`,
  (r) => `INFO GET /api/v1/search?q=${r.pick(['boots', 'lamp', 'desk', 'mug', 'socks'])} 200 ${ms(r, 40, 160)}`,
];

const WARN: Array<(rng: Rng) => string> = [
  (r) => `WARN slow request GET /api/v1/search?q=${r.pick(['chair', 'table', 'rug'])} 200 ${ms(r, 1_200, 1_900)}`,
  (r) => `WARN retrying payments call (attempt 2/3) for order ${orderId(r)}`,
  (r) => `WARN rate limit at ${r.int(80, 95)}% for tenant ${r.int(1000, 9999)}`,
  (r) => `WARN POST /api/v1/orders 422 validation failed: shipping_address.zip (req ${r.hex(8)})`,
];

const DB_WARN: Array<(rng: Rng) => string> = [
  (r) => `WARN slow query ${ms(r, 2_000, 9_000)}: UPDATE orders SET status = $1 WHERE id = $2 (order ${orderId(r)})`,
  (r) => `WARN waited ${ms(r, 800, 4_000)} for a pool connection (pool size 26, waiting ${r.int(3, 18)})`,
];

const ERRORS: Record<ErrorMix, Array<(rng: Rng) => string>> = {
  calm: [
    (r) => `ERROR TimeoutError: upstream payments timed out after 5000ms (order ${orderId(r)})`,
    (r) =>
      trace(`ERROR TypeError: Cannot read properties of undefined (reading 'sku') (req ${r.hex(8)})`, [
        '    at OrderMapper.toDto (/app/dist/orders/mapper.js:88:21)',
        '    at OrdersController.show (/app/dist/orders/controller.js:41:30)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      ]),
    (r) => `ERROR HTTP 502 from inventory-service GET /v2/stock/SKU-${r.int(10_000, 99_999)} (req ${r.hex(8)})`,
  ],
  spike: [
    (r) => `ERROR TimeoutError: upstream payments timed out after 5000ms (order ${orderId(r)})`,
    (r) =>
      trace(`ERROR TimeoutError: upstream payments timed out after 5000ms (order ${orderId(r)})`, [
        '    at PaymentsClient.charge (/app/dist/payments/client.js:57:13)',
        '    at async CheckoutService.pay (/app/dist/checkout/service.js:112:7)',
      ]),
    (r) => `ERROR UpstreamError: payments-gateway responded 503 for charge ch_${r.hex(14)} (order ${orderId(r)})`,
    (r) => `ERROR POST /api/v1/orders 500 ${ms(r, 5_000, 5_200)} (req ${r.hex(8)})`,
    (r) => `ERROR HTTP 502 from inventory-service GET /v2/stock/SKU-${r.int(10_000, 99_999)} (req ${r.hex(8)})`,
  ],
  db: [
    (r) => `ERROR TimeoutError: timeout exceeded when trying to connect (pool size 26, waiting ${r.int(10, 40)}) (req ${r.hex(8)})`,
    (r) =>
      trace(`ERROR QueryFailedError: canceling statement due to statement timeout (order ${orderId(r)})`, [
        '    at PostgresQueryRunner.query (/app/dist/db/runner.js:211:19)',
        'Caused by: error: canceling statement due to statement timeout',
        '    at Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:287:98)',
      ]),
  ],
};

function trace(head: string, frames: readonly string[]): string {
  return [head, ...frames].join('\n');
}

export interface RequestMix {
  errorRate: number;
  warnRate: number;
  errors: ErrorMix;
  /** slow database: warnings about slow queries and pool waits */
  dbWarnings: boolean;
}

export function requestLine(rng: Rng, mix: RequestMix): string {
  const roll = rng.float();
  if (roll < mix.errorRate) return rng.pick(ERRORS[mix.errors])(rng);
  if (roll < mix.errorRate + mix.warnRate) return rng.pick(mix.dbWarnings && rng.chance(0.7) ? DB_WARN : WARN)(rng);
  return rng.pick(INFO)(rng);
}

/** What runbook 001 expects every instance to say at startup (the demo's `expect` log rule). */
export const STARTUP_LINE = 'Token replay protection: ⚠ Single-instance only';

/** `startupLine: false`: a task that never says it (its Redis-backed store misread, say): the demo's expect rule flags it. */
export function bootLines(version: string, startupLine = true): string[] {
  return [`INFO Starting demo-api ${version} (node v20.18.1, pid 1)`, 'INFO Connected to postgres and redis', ...(startupLine ? [`WARN ${STARTUP_LINE}`] : []), 'INFO Listening on 0.0.0.0:8080'];
}

export function crashLines(version: string, missing: string): string[] {
  return [
    `INFO Starting demo-api ${version} (node v20.18.1, pid 1)`,
    trace(`ERROR Error: missing required environment variable ${missing}`, ['    at loadConfig (/app/dist/config/env.js:41:11)', '    at Object.<anonymous> (/app/dist/main.js:12:3)']),
    'ERROR Process exited with code 1',
  ];
}

export function shutdownLines(rng: Rng): string[] {
  return [`INFO SIGTERM received, draining ${rng.int(2, 30)} open connections`, 'INFO Shutdown complete'];
}
