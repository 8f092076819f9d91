// fetch's "fetch failed" turned into the reason an engineer can act on.
import { describe, expect, it } from 'vitest';
import { transportProblem } from '../../src/sources/http/errors.js';
import { formatBytes, formatDuration } from '../../src/sources/http/format.js';

// the cause may sit a level down, as fetch and AggregateError wrap it
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
const sys = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('transportProblem', () => {
  it.each([
    [fetchFailed(sys('ENOTFOUND', 'getaddrinfo ENOTFOUND api.internal')), 'host not found (DNS)'],
    [fetchFailed(new AggregateError([sys('ECONNREFUSED'), sys('ECONNREFUSED')])), 'connection refused'],
    [fetchFailed(sys('CERT_HAS_EXPIRED', 'certificate has expired')), 'TLS certificate has expired'],
    [fetchFailed(sys('ERR_TLS_CERT_ALTNAME_INVALID')), 'TLS certificate does not match the host name'],
    [fetchFailed(sys('EWEIRD', 'something\nstrange\u001b[31m')), 'something ⏎ strange (EWEIRD)'],
    [fetchFailed(undefined), 'fetch failed'],
  ])('%s', (err, line) => {
    expect(transportProblem(err)).toBe(line);
  });
});

describe('format', () => {
  it('prints sizes and durations as the problem lines use them', () => {
    expect([formatBytes(512), formatBytes(64 * 1024), formatBytes(1.5 * 1024 * 1024)]).toEqual(['512 bytes', '64 KiB', '1.5 MiB']);
    expect([formatDuration(150), formatDuration(5_000), formatDuration(1_500)]).toEqual(['150 ms', '5 s', '1.5 s']);
  });
});
