// Examples for the log view's helpers: the lines an on-call engineer reads
// (the sandbox's API errors, JSON and logfmt loggers, Java and Python traces).
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/model/logs.js';
import { compileFilter, fingerprint, severityOf, topErrors, withContext, type LineFilter } from '../../src/engine/logAnalysis.js';

function ok(text: string): LineFilter {
  const c = compileFilter(text);
  if (!c.ok) throw new Error(`expected ${text} to compile: ${c.error}`);
  return c.filter;
}

describe('severityOf', () => {
  it.each([
    ['ERROR TimeoutError: upstream payments timed out after 5000ms (order 81723)', 'error'],
    ['2026-03-14T03:12:00.123Z FATAL out of memory', 'error'],
    ['java.lang.NullPointerException: Cannot invoke "String.length()"', 'error'],
    ['Traceback (most recent call last):', 'error'],
    ['panic: runtime error: invalid memory address or nil pointer dereference', 'error'],
    ['2026/03/14 03:12:00 [error] 31#31: *1 connect() failed (111: Connection refused)', 'error'],
    ['WARN retrying payments call (attempt 2/3) for order 81723', 'warn'],
    ['WARNING: disk 91% full', 'warn'],
    ['DEBUG cache miss key=orders:81723', 'debug'],
    ['TRACE entering OrderMapper.toDto', 'debug'],
    ['INFO GET /api/v1/orders 200 31ms', 'info'],
    ['GET /healthz 200', 'info'],
    ['time=2026-03-14T03:12:00Z level=error msg="payment failed"', 'error'],
    ['ts=1 level=warn msg="ERROR budget at 80%"', 'warn'],
  ] as const)('%s → %s', (line, expected) => {
    expect(severityOf(line)).toBe(expected);
  });

  it('respects the level field of JSON lines over words in the message', () => {
    expect(severityOf('{"level":"info","msg":"retry after ERROR from payments"}')).toBe('info');
    expect(severityOf('{"severity":"ERROR","message":"charge failed"}')).toBe('error');
    expect(severityOf('{"level":"warning","msg":"slow"}')).toBe('warn');
    // pino's numeric levels
    expect(severityOf('{"level":50,"msg":"charge failed"}')).toBe('error');
    expect(severityOf('{"level":40,"msg":"slow"}')).toBe('warn');
    expect(severityOf('{"level":20,"msg":"x"}')).toBe('debug');
    // no level field: the text decides
    expect(severityOf('{"msg":"ERROR charge failed"}')).toBe('error');
    expect(severityOf('{not json ERROR}')).toBe('error');
  });
});

describe('fingerprint', () => {
  it('groups the same error with other numbers', () => {
    const a = fingerprint('ERROR TimeoutError: upstream payments timed out after 5000ms (order 81723)');
    const b = fingerprint('ERROR TimeoutError: upstream payments timed out after 3000ms (order 90412)');
    expect(a).toBe(b);
    expect(a).toBe('ERROR TimeoutError: upstream payments timed out after <n>ms (order <n>)');
  });

  it('masks UUIDs, hex ids, timestamps, IPs, quoted strings and emails', () => {
    expect(fingerprint('job 3f2b8c1e-9a4d-4e6f-8b2a-1c0d9e8f7a6b failed')).toBe('job <uuid> failed');
    expect(fingerprint('charge ch_3f9a2b7c1d0e4f declined (req deadbeef01)')).toBe('charge ch_<hex> declined (req <hex>)');
    expect(fingerprint('pointer 0x7ffd5c3a at 2026-03-14T03:12:00.123Z')).toBe('pointer <hex> at <ts>');
    expect(fingerprint('at 2026-03-14 03:12:00,123 +01:00 retry')).toBe('at <ts> retry');
    expect(fingerprint('connect ECONNREFUSED 10.0.3.17:5432')).toBe('connect ECONNREFUSED <ip>');
    expect(fingerprint('upstream fe80::1ff:fe23:4567:890a down')).toBe('upstream <ip> down');
    expect(fingerprint(`Cannot read properties of undefined (reading 'sku')`)).toBe(`Cannot read properties of undefined (reading <str>)`);
    expect(fingerprint('unknown field "shipping_zip" in payload')).toBe('unknown field <str> in payload');
    expect(fingerprint('mail to jane.doe+x@example.co.uk bounced')).toBe('mail to <email> bounced');
    // an apostrophe inside a word is not a quote
    expect(fingerprint("don't retry: can't reach 10.0.0.1")).toBe("don't retry: can't reach <ip>");
  });

  it('keeps different errors apart', () => {
    expect(fingerprint('ERROR HTTP 502 from inventory-service')).not.toBe(fingerprint('ERROR TimeoutError: upstream payments'));
  });

  it('is bounded and cuts between words', () => {
    const fp = fingerprint('ERROR ' + 'word '.repeat(500));
    expect(fp.length).toBeLessThanOrEqual(300);
    expect(fp.endsWith('word')).toBe(true);
  });
});

describe('topErrors', () => {
  const ev = (timestamp: number, message: string, severity: LogEvent['severity'] = 'error'): LogEvent => ({
    id: String(timestamp) + message,
    group: '/ecs/api',
    stream: 'api/1',
    timestamp,
    message,
    severity,
  });

  it('counts error lines by fingerprint, newest group first, with the newest line as sample', () => {
    const events = [
      ev(1, 'ERROR TimeoutError: upstream payments timed out after 5000ms (order 81723)'),
      ev(2, 'ERROR HTTP 502 from inventory-service GET /v2/stock/SKU-12345 (req 0a1b2c3d)'),
      ev(3, 'INFO GET /api/v1/orders 200 31ms', 'info'),
      ev(4, 'ERROR TimeoutError: upstream payments timed out after 5000ms (order 90412)'),
      ev(5, 'WARN slow request', 'warn'),
    ];
    const top = topErrors(events, 10);
    expect(top).toEqual([
      {
        fingerprint: 'ERROR TimeoutError: upstream payments timed out after <n>ms (order <n>)',
        sample: 'ERROR TimeoutError: upstream payments timed out after 5000ms (order 90412)',
        count: 2,
        lastSeen: 4,
        firstSeen: 1,
      },
      {
        fingerprint: 'ERROR HTTP <n> from inventory-service GET /v<n>/stock/SKU-<n> (req <hex>)',
        sample: 'ERROR HTTP 502 from inventory-service GET /v2/stock/SKU-12345 (req 0a1b2c3d)',
        count: 1,
        lastSeen: 2,
        firstSeen: 2,
      },
    ]);
    expect(topErrors(events, 1)).toHaveLength(1);
    expect(topErrors([], 5)).toEqual([]);
  });
});

describe('compileFilter', () => {
  it('plain text is a case-insensitive substring, highlighted everywhere', () => {
    const f = ok('timeout');
    expect(f.kind).toBe('text');
    expect(f.test('ERROR TimeoutError: upstream timed out')).toBe(true);
    expect(f.test('INFO GET /orders 200')).toBe(false);
    expect(f.highlight('Timeout then TIMEOUT')).toEqual([
      { start: 0, end: 7 },
      { start: 13, end: 20 },
    ]);
  });

  it('takes regex metacharacters in plain text literally', () => {
    const f = ok('orders/(1)?');
    expect(f.test('GET /api/orders/(1)? 200')).toBe(true);
    expect(f.test('GET /api/orders/1 200')).toBe(false);
  });

  it('reads a path as plain text, not as a regex', () => {
    const f = ok('/api/v1/orders');
    expect(f.kind).toBe('text');
    expect(f.test('POST /API/V1/ORDERS 500')).toBe(true);
  });

  it('/re/flags is a regular expression', () => {
    const f = ok('/timed out after \\d{4,}ms/');
    expect(f.kind).toBe('regex');
    expect(f.test('upstream payments timed out after 5000ms')).toBe(true);
    expect(f.test('upstream payments timed out after 500ms')).toBe(false);
    expect(f.test('upstream payments TIMED OUT after 5000ms')).toBe(false);
    expect(ok('/TIMED out/i').test('timed OUT')).toBe(true);
    expect(ok('/5\\d\\d/').highlight('HTTP 502 then 503')).toEqual([
      { start: 5, end: 8 },
      { start: 14, end: 17 },
    ]);
    // an empty match highlights nothing and does not loop
    expect(ok('/x*/').highlight('abc')).toEqual([]);
  });

  it('a leading ! keeps the lines that do not match', () => {
    const f = ok('!healthcheck');
    expect(f.inverted).toBe(true);
    expect(f.test('GET /healthcheck 200')).toBe(false);
    expect(f.test('GET /orders 200')).toBe(true);
    expect(f.highlight('GET /orders 200')).toEqual([]);
    expect(ok('!/^INFO/').test('INFO ok')).toBe(false);
    expect(ok('!/^INFO/').test('ERROR no')).toBe(true);
  });

  it('a leading backslash searches for the text as written', () => {
    expect(ok('\\!important').test('this is !important')).toBe(true);
    expect(ok('\\!important').test('this is important')).toBe(false);
    expect(ok('\\/x/').test('a /X/ b')).toBe(true);
  });

  it('empty text keeps every line', () => {
    expect(ok('  ').test('anything')).toBe(true);
    expect(ok('').kind).toBe('all');
  });

  it('a bad regex is one line saying what to do', () => {
    const c = compileFilter('/(unclosed/');
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error).toMatch(/^bad regex \/\(unclosed\/: .*group.*: fix it, or drop the slashes/i);
    expect(c.error).not.toContain('\n');
    const flag = compileFilter('/x/y');
    expect(flag.ok).toBe(false);
    if (!flag.ok) expect(flag.error).toMatch(/use only i, m, s or u/);
    expect(compileFilter('!').ok).toBe(false);
  });
});

describe('withContext', () => {
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
  const shape = (rows: ReturnType<typeof withContext<string>>) => rows.map((r) => (r.kind === 'gap' ? `--${r.skipped}` : r.match ? `[${r.index}]` : String(r.index)));

  it('shows n lines around each match and merges windows that touch', () => {
    expect(shape(withContext(lines, [5, 8, 15], 2))).toEqual(['3', '4', '[5]', '6', '7', '[8]', '9', '10', '--2', '13', '14', '[15]', '16', '17']);
  });

  it('clips at the edges and ignores indexes outside the lines', () => {
    expect(shape(withContext(lines, [0, 19, 42, -1], 1))).toEqual(['[0]', '1', '--16', '18', '[19]']);
    expect(withContext(lines, [], 3)).toEqual([]);
    // one line between two windows is a gap of one, not silently dropped
    expect(shape(withContext(lines, [2, 6], 1))).toEqual(['1', '[2]', '3', '--1', '5', '[6]', '7']);
    expect(shape(withContext(lines, [7, 7], 0))).toEqual(['[7]']);
  });
});
