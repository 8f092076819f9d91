// Log rules against moto's CloudWatch Logs: lines put on per-task streams
// (ECS names them prefix/container/taskId), read by the real source the way
// `check` reads them, judged by the one judge. Patterns are matched here, on
// the client: moto's filter patterns beyond one term match every line.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { createLogSource, type AwsLogSource, type LogGroupConfig } from '../../src/sources/aws/logs.js';
import { readLogs } from '../../src/checks/logWindow.js';
import { evaluateChecks } from '../../src/checks/evaluate.js';
import { checkById } from '../../src/checks/rules.js';
import { environmentSchema } from '../../src/config/schema.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let ctx: AwsContext;
const sources: AwsLogSource[] = [];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  ctx.close();
});

const GROUP = '/ecs/app';
const STARTUP = 'Token replay protection: ⚠ Single-instance only';
const MIN = 60_000;

async function put(stream: string, events: Array<[number, string]>): Promise<void> {
  const l = await ctx.sdk('logs');
  const c = await ctx.logs();
  await c.send(new l.CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream })).catch(() => undefined);
  await c.send(new l.PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: events.map(([timestamp, message]) => ({ timestamp, message })) }));
}

/** The config's `logs:` entry, parsed by the schema as `config validate` would. */
function entry(rules: unknown[]): LogGroupConfig {
  const env = environmentSchema.parse({ logs: [{ group: GROUP, mode: 'poll', rules }] });
  return env.logs[0]!;
}

async function judge(rules: unknown[], from: number, now: number) {
  const src = createLogSource(ctx, [entry(rules)], { mode: 'poll' });
  sources.push(src);
  const { snapshot } = await readLogs(src, { from, now, signal: new AbortController().signal, deadline: Date.now() + 20_000, clock: Date.now });
  return evaluateChecks({ logs: snapshot }, {}, { env: 'prod', now, checks: [checkById('logs.rules')!] });
}

describe('log rules on CloudWatch Logs (moto)', () => {
  it('expect per task names the task whose stream never wrote the startup line', async () => {
    const now = Date.now();
    const from = now - 60 * MIN;
    const l = await ctx.sdk('logs');
    await (await ctx.logs()).send(new l.CreateLogGroupCommand({ logGroupName: GROUP }));
    // a task running since before the window: its startup lies before what is read, so it is not judged
    await put('app/web/0ld0ld0ld', [[from + 10_000, 'GET /health 200']]);
    await put('app/web/aaa111', [[now - 30 * MIN, 'booting'], [now - 30 * MIN + 500, STARTUP], [now - 29 * MIN, 'GET /health 200']]);
    await put('app/web/bbb222', [[now - 20 * MIN, 'booting'], [now - 20 * MIN + 800, 'listening on :8080'], [now - 19 * MIN, 'GET /health 200']]);
    await put('app/web/ccc333', [[now - 10 * MIN, 'booting'], [now - 10 * MIN + 300, `INFO ${STARTUP} (redis off)`]]);
    const [f] = await judge([{ expect: 'Token replay protection: ⚠ Single-instance only', per: 'task' }], from, now);
    expect(f).toMatchObject({ checkId: 'logs.rules', severity: 'warn', subject: 'prod/logs/ecs/app expect "Token replay protection: ⚠ Single-insta…"' });
    expect(f!.message).toBe('1 task never wrote the expected line since starting: bbb222');
    expect(f!.figure).toMatch(/^2\/3 tasks wrote it; 1 task started before 60 min ago, not judged$/);
  }, 60_000);

  it('every task writing the line is ok; a regex pattern and a name are honoured', async () => {
    const now = Date.now();
    const l = await ctx.sdk('logs');
    await (await ctx.logs()).send(new l.CreateLogGroupCommand({ logGroupName: GROUP }));
    await put('app/web/aaa111', [[now - 30 * MIN, STARTUP]]);
    await put('app/web/bbb222', [[now - 20 * MIN, 'token REPLAY protection: on']]);
    const [f] = await judge([{ expect: '/token replay protection/i', name: 'startup line', severity: 'crit' }], now - 60 * MIN, now);
    expect(f).toMatchObject({ severity: 'ok', subject: 'prod/logs/ecs/app startup line', figure: '2/2 tasks wrote it' });
  }, 60_000);

  it('forbid: any match in the window is critical and quotes the newest line; older ones do not count', async () => {
    const now = Date.now();
    const l = await ctx.sdk('logs');
    await (await ctx.logs()).send(new l.CreateLogGroupCommand({ logGroupName: GROUP }));
    await put('app/web/aaa111', [[now - 50 * MIN, 'FATAL: old'], [now - 5 * MIN, 'ok']]);
    const quiet = await judge([{ forbid: 'FATAL', window: '15m' }], now - 60 * MIN, now);
    expect(quiet[0]).toMatchObject({ severity: 'ok', figure: '0 in 15 min' });
    await put('app/web/bbb222', [[now - 4 * MIN, 'fatal: could not reach redis'], [now - 3 * MIN, 'GET /x 200']]);
    const [f] = await judge([{ forbid: 'FATAL', window: '15m' }], now - 60 * MIN, now);
    expect(f).toMatchObject({ severity: 'crit', figure: '1 in 15 min', message: '1 forbidden line in the last 15 min, last on bbb222: fatal: could not reach redis' });
  }, 60_000);

  it('rate per hour: matches of the last hour against warn and crit', async () => {
    const now = Date.now();
    const l = await ctx.sdk('logs');
    await (await ctx.logs()).send(new l.CreateLogGroupCommand({ logGroupName: GROUP }));
    // 12 replay attempts in the last hour, 5 more before it (not counted), and other lines
    const lines: Array<[number, string]> = [];
    for (let i = 0; i < 5; i++) lines.push([now - 100 * MIN + i * 1000, 'WARN replay attempt rejected jti=x']);
    for (let i = 0; i < 12; i++) lines.push([now - 50 * MIN + i * 60_000, 'WARN replay attempt rejected jti=y'], [now - 50 * MIN + i * 60_000 + 1, 'GET / 200']);
    await put('app/web/aaa111', lines);
    const rule = (warn: number, crit: number) => [{ pattern: 'replay attempt', ratePerHour: { warn, crit } }];
    const [warn] = await judge(rule(10, 100), now - 120 * MIN, now);
    expect(warn).toMatchObject({ severity: 'warn', figure: '12/h (12 in 60 min)' });
    const [ok] = await judge(rule(20, 100), now - 120 * MIN, now);
    expect(ok!.severity).toBe('ok');
  }, 60_000);
});

describe('log rules in the config', () => {
  it('refuses a bad regex with the filter syntax\'s own message', () => {
    const r = environmentSchema.safeParse({ logs: [{ group: GROUP, rules: [{ forbid: '/(unclosed/' }] }] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toContain('bad regex /(unclosed/');
  });
  it('refuses a window that is not a duration', () => {
    expect(environmentSchema.safeParse({ logs: [{ group: GROUP, rules: [{ expect: 'x', per: 'window', window: '15 minutes' }] }] }).success).toBe(false);
  });
});
