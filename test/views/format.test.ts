import { describe, expect, test } from 'vitest';
import { age, bytes, clockTime, count, duration, percent, shortIdentity, sparkline } from '../../views/format.js';
import { fit, fitLine, layoutColumns, truncate, width, windowStart } from '../../views/text.js';
import { mask } from './render.js';

describe('format', () => {
  test('age keeps one unit and a short shape', () => {
    expect(age(3_400)).toBe('3s');
    expect(age(4 * 60_000 + 59_000)).toBe('4m');
    expect(age(2 * 3_600_000)).toBe('2h');
    expect(age(26.5 * 3_600_000)).toBe('26h');
    expect(age(3 * 86_400_000)).toBe('3d');
    expect(age(-5)).toBe('0s');
    expect(age(null)).toBe('-');
    expect(age(Number.NaN)).toBe('-');
  });

  test('duration shows milliseconds and the decimal the 2 s / 5 s thresholds need', () => {
    expect(duration(850)).toBe('850ms');
    expect(duration(2_300)).toBe('2.3s');
    expect(duration(5_000)).toBe('5.0s');
    expect(duration(95_000)).toBe('1m');
    expect(duration(null)).toBe('-');
  });

  test('bytes in binary units', () => {
    expect(bytes(512)).toBe('512B');
    expect(bytes(1_536)).toBe('1.5K');
    expect(bytes(120 * 1024 ** 2)).toBe('120M');
    expect(bytes(1024 ** 3)).toBe('1.0G');
    expect(bytes(undefined)).toBe('-');
  });

  test('percent and count', () => {
    expect(percent(73.4)).toBe('73%');
    expect(percent(2.14, 1)).toBe('2.1%');
    expect(percent(undefined)).toBe('-');
    expect(count(1_234_567)).toBe('1,234,567');
  });

  test('sparkline scales to a fixed max or to the largest value', () => {
    expect(sparkline([0, 50, 100], 3, 100)).toBe('▁▅█');
    expect(sparkline([0, 2, 4, 8], 4)).toBe('▁▃▅█');
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁');
    expect(sparkline([1, 2, 3, 4, 5], 2, 5)).toBe('▇█');
    expect(sparkline([], 5)).toBe('');
  });

  test('clockTime is HH:MM:SS', () => {
    expect(clockTime(Date.now())).toMatch(/^\d{2}:\d{2}:\d{2}$/);
  });

  test('identities are shortened to the role and session', () => {
    expect(shortIdentity('arn:aws:sts::123456789012:assumed-role/OnCall/alice@example.com')).toBe('OnCall/alice@example.com');
    expect(shortIdentity('arn:aws:iam::123456789012:user/bob')).toBe('user/bob');
    expect(shortIdentity('demo')).toBe('demo');
  });
});

describe('text', () => {
  test('width counts terminal cells', () => {
    expect(width('abc')).toBe(3);
    expect(width('古い')).toBe(4);
    expect(width('▁▂█')).toBe(3);
  });

  test('truncate cuts to columns with an ellipsis, never splitting a wide character', () => {
    expect(truncate('scheduler', 5)).toBe('sche…');
    expect(truncate('api', 5)).toBe('api');
    expect(truncate('古い古い', 5)).toBe('古い…');
    expect(width(truncate('古い古い', 5))).toBeLessThanOrEqual(5);
  });

  test('fit pads or cuts to an exact width and aligns', () => {
    expect(fit('7', 4, 'right')).toBe('   7');
    expect(fit('worker', 4)).toBe('wor…');
    expect(fit('a\x1b[2Jb', 4)).toBe('ab  ');
  });

  test('fitLine sanitises and fills the width exactly', () => {
    const line = fitLine([{ text: 'x\x07y', tone: 'crit' }, { text: ' and more text' }], 8);
    expect(line.map((s) => s.text).join('')).toBe('xy and …');
    expect(fitLine([{ text: 'ok' }], 5).map((s) => s.text).join('')).toBe('ok   ');
  });

  test('layoutColumns drops the most expendable columns first and caps the flex column', () => {
    const cols = [
      { header: 'name', width: 10, flex: true, max: 20 },
      { header: 'a', width: 10, drop: 2 },
      { header: 'b', width: 10, drop: 1 },
    ];
    expect(layoutColumns(cols, 100).map((c) => [c.header, c.width])).toEqual([['name', 20], ['a', 10], ['b', 10]]);
    expect(layoutColumns(cols, 25).map((c) => c.header)).toEqual(['name', 'a']);
    expect(layoutColumns(cols, 12).map((c) => c.header)).toEqual(['name']);
  });

  test('windowStart keeps the selection visible', () => {
    expect(windowStart(5, 4, 10)).toBe(0);
    expect(windowStart(100, 0, 10)).toBe(0);
    expect(windowStart(100, 50, 10)).toBe(45);
    expect(windowStart(100, 99, 10)).toBe(90);
  });
});

test('mask hides times and ages', () => {
  expect(mask('05:41:09 updated 3s ago, stale 42s, 4m, 26h, 2.3s 850ms')).toBe('HH:MM:SS updated <age> ago, stale <age>, <age>, <age>, <age> <age>');
});
