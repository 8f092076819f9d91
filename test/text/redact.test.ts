import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, redact, rememberSecret, urlPassword } from '../../src/text/redact.js';
import { escapeJsonText, oneLine, sanitize, scrubOutput } from '../../src/text/sanitize.js';
import { parseConfig } from '../../src/config/parse.js';

afterEach(() => forgetSecrets());

describe('redact', () => {
  it.each([
    ['connect redis://:hunter22@cache:6379 failed', 'connect redis://:***@cache:6379 failed'],
    ['amqp://user:p@ss/w#rd@mq:5672/vh', 'amqp://user:***@mq:5672/vh'],
    ['https://ghp_0123456789abcdefghijklmn@github.com/x', 'https://***@github.com/x'],
    ['postgres://app@db/app', 'postgres://app@db/app'],
    ['host=db password=s3cret user=app', 'host=db password=*** user=app'],
    ['GET /x?token=abcdef&y=1', 'GET /x?token=***&y=1'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: ***'],
    ['c.yaml: environments.prod.metrics[0].headers.Authorization: environment variable METRICS_TOKEN is not set', 'c.yaml: environments.prod.metrics[0].headers.Authorization: environment variable METRICS_TOKEN is not set'],
    ['nothing secret here', 'nothing secret here'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('masks a remembered secret in any form, however it is cut', () => {
    rememberSecret('Ab/Cd+Ef9=');
    expect(redact("TypeError: Invalid URL input: 'redis://:Ab/Cd+Ef9=@127.0.0.1:6379'")).not.toContain('Ab/Cd');
    expect(redact('auth Ab%2FCd%2BEf9%3D sent')).toBe('auth *** sent');
    expect(redact('plain Ab/Cd+Ef9= text')).toBe('plain *** text');
  });

  it('finds the password of a URL no parser accepts', () => {
    expect(urlPassword('redis://:Ab/Cd#Ef?9=@127.0.0.1:6379')).toBe('Ab/Cd#Ef?9=');
    expect(urlPassword('postgres://u:with space@h/db')).toBe('with space');
    expect(urlPassword('redis://localhost:6379')).toBeUndefined();
  });

  it('loading a config remembers its secrets, even when it fails to load', () => {
    expect(() =>
      parseConfig('environments:\n  p:\n    redis:\n      - { name: r, url: "redis://:${REDIS_PW}@h:6379" }\n    rds:\n      - { instance: db, drill: { database: d, user: u, password: "${DRILL_PASSWORD}" } }\n', 'c.yaml', {
        REDIS_PW: 'Zz9/Yy#Xx',
        DRILL_PASSWORD: 'drill-pass-42',
      }),
    ).toThrow(/redis\[0\]\.url: "redis:\/\/:\*\*\*@h:6379"/);
    expect(sanitize('error: Zz9/Yy#Xx and drill-pass-42')).toBe('error: *** and ***');
  });
});

describe('sanitize: bidi and zero-width', () => {
  it('shows bidi controls as a placeholder and drops zero-width characters', () => {
    expect(sanitize('abc\u202egnp.exe')).toBe('abc\ufffdgnp.exe');
    expect(sanitize('\u2066x\u2069 \u200e\u200f\u061c')).toBe('\ufffdx\ufffd \ufffd\ufffd\ufffd');
    expect(sanitize('ap\u200bi\u200c\u200d\u2060\ufeff')).toBe('api');
    expect(oneLine('\u009b31mred\x1b[0m')).toBe('red');
  });

  it('scrubOutput keeps colour for a terminal and nothing for a pipe', () => {
    expect(scrubOutput('\x1b[1mok\x1b[22m\n', true)).toBe('\x1b[1mok\x1b[22m\n');
    expect(scrubOutput('\x1b[1mok\x1b[22m\x07\n\t', false)).toBe('ok\n\t');
    expect(scrubOutput('a\u0085b\u202ec', true)).toBe('ab\ufffdc');
  });
});

describe('escapeJsonText', () => {
  it('escapes C1, bidi, zero-width and line separators, and stays valid JSON', () => {
    const value = { s: 'a\u0085b\u202ec\u200bd\u2028e\u009b' };
    const text = escapeJsonText(JSON.stringify(value));
    expect(text).toBe('{"s":"a\\u0085b\\u202ec\\u200bd\\u2028e\\u009b"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});
