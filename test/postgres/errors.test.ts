// One-line PostgreSQL errors, URL handling and secrets, without a server (except a silent socket).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource, describePgError, describeTarget, poolConfig } from '../../src/sources/postgres/index.js';

const ctx = (url: string) => ({ name: 'primary', target: describeTarget(url), statementTimeoutMs: 3_000, connectTimeoutMs: 5_000 });
const err = (message: string, props: Record<string, unknown> = {}) => Object.assign(new Error(message), props);

describe('describeTarget', () => {
  it('names host and port, with the defaults filled in', () => {
    expect(describeTarget('postgres://u:p@db.internal:6432/app').where).toBe('db.internal:6432');
    expect(describeTarget('postgresql://db.internal/app').where).toBe('db.internal:5432');
    expect(describeTarget('postgres:///app?host=/var/run/postgresql').where).toBe('/var/run/postgresql');
    expect(describeTarget('postgres://[::1]:5433/app').where).toBe('[::1]:5433');
    expect(describeTarget('not a url at all').where).toBe('the configured server');
  });

  it('lists the password, raw and decoded, as a secret', () => {
    expect(describeTarget('postgres://app:p%40ss-w0rd@h/db').secrets).toEqual(['postgres://app:p%40ss-w0rd@h/db', 'p%40ss-w0rd', 'p@ss-w0rd']);
  });
});

describe('describePgError', () => {
  const url = 'postgres://app:hunter2-secret@db.internal:5432/app';
  it.each([
    [err('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 'primary: cannot connect to db.internal:5432 (ECONNREFUSED)'],
    [err('getaddrinfo ENOTFOUND db.internal', { code: 'ENOTFOUND' }), 'primary: cannot resolve db.internal:5432 (ENOTFOUND)'],
    [new AggregateError([err('x', { code: 'ECONNREFUSED' }), err('y', { code: 'ECONNREFUSED' })], ''), 'primary: cannot connect to db.internal:5432 (ECONNREFUSED)'],
    [err('password authentication failed for user "app"', { code: '28P01' }), 'primary: password authentication failed for user "app" (check the user and password in the URL)'],
    [err('sorry, too many clients already', { code: '53300' }), 'primary: db.internal:5432 refuses new connections: sorry, too many clients already (max_connections reached)'],
    [err('canceling statement due to statement timeout', { code: '57014' }), 'primary: query timed out after 3 s (statement_timeout)'],
    [err('the database system is starting up', { code: '57P03' }), 'primary: db.internal:5432 is shutting down or starting up: the database system is starting up'],
    [err('permission denied for function pg_ls_dir', { code: '42501' }), 'primary: permission denied for function pg_ls_dir (the monitoring user needs the pg_monitor role)'],
    [err('timeout exceeded when trying to connect'), 'primary: no connection to db.internal:5432 within 5 s'],
    [err('Connection terminated unexpectedly'), 'primary: connection to db.internal:5432 lost (the server closed it)'],
    [err('self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'primary: TLS to db.internal:5432 failed: self-signed certificate in certificate chain (check sslmode in the URL)'],
    [err('something odd', { code: 'XX000' }), 'primary: something odd (XX000)'],
  ])('%s', (e, line) => {
    expect(describePgError(e, ctx(url))).toBe(line);
  });

  it('blanks the URL and its password out of any message, and stays on one line', () => {
    const line = describePgError(err(`Invalid URL: ${url}\n    at parse (x.js:1:1)\nhunter2-secret`), ctx(url));
    expect(line).not.toContain('hunter2');
    expect(line).not.toMatch(/[\n\r]/);
    expect(line).toMatch(/^primary: Invalid URL: \*\*\*/);
  });
});

describe('a URL pg would misread', () => {
  it.each([
    ['db.internal/app', 'bad: the url "db.internal/app" is not a URL (expected postgres://user:PASSWORD@host:5432/database) (check postgres[].url in the config)'],
    ['mysql://app:pw-secret@h/app', 'bad: the url "mysql://app:***@h/app" starts with mysql:// (expected postgres:// or postgresql://) (check postgres[].url in the config)'],
  ])('%s is refused before connecting', async (url, line) => {
    const source = createPostgresSource([{ name: 'bad', url }]);
    await expect(source.read(new AbortController().signal)).rejects.toThrow(line);
    await source.close();
  });
});

describe('poolConfig', () => {
  it('sets read-only, statement timeout and application_name, and takes them out of the URL', () => {
    const cfg = poolConfig('postgres://u@h/db?application_name=x&statement_timeout=0&options=-c%20search_path%3Dapp&sslmode=require', { statementTimeoutMs: 1234 });
    expect(cfg).toMatchObject({ application_name: 'opsdeck', statement_timeout: 1234, max: 2, options: '-c search_path=app -c default_transaction_read_only=on' });
    expect(cfg.connectionString).toBe('postgres://u@h/db?sslmode=require');
  });

  it('leaves a URL without such keys untouched', () => {
    const url = 'postgres://u:p%2Fx@h:6543/db?sslmode=verify-full';
    expect(poolConfig(url).connectionString).toBe(url);
  });
});

describe('a server that accepts and never speaks', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('gives up after the connect timeout with one line', async () => {
    const { port } = server.address() as AddressInfo;
    const source = createPostgresSource([{ name: 'silent', url: `postgres://app:pw-secret@127.0.0.1:${port}/app` }], { connectTimeoutMs: 300 });
    try {
      await expect(source.read(new AbortController().signal)).rejects.toThrow(`silent: no connection to 127.0.0.1:${port} within 300 ms`);
    } finally {
      await source.close();
    }
  });
});
