// Properties of the log helpers over generated lines: fingerprints are fixed
// points that contain no digits and ignore the data in a line; the search
// line's highlights are exactly where it matches; context keeps every match.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileFilter, fingerprint, withContext } from '../../src/engine/logAnalysis.js';

// Log-ish text: words, digits, ids, quotes, separators, and plain noise.
const token = fc.oneof(
  fc.constantFrom('ERROR', 'WARN', 'timed out', 'order', 'req', 'at', '(', ')', ':', ' ', '  ', "'", '"', '/', '-', '.', '@', '::', 'don\'t', 'ch_', 'SKU-', 'v2', '\\', '\t', '\n'),
  fc.nat({ max: 1_000_000 }).map(String),
  fc.uuid(),
  fc.ipV4(),
  fc.ipV6(),
  fc.emailAddress(),
  fc.date({ min: new Date(0), max: new Date(4_000_000_000_000), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.stringMatching(/^[0-9a-f]{8,16}$/),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const line = fc.array(token, { maxLength: 40 }).map((parts) => parts.join(''));
const longLine = fc.array(token, { minLength: 200, maxLength: 600 }).map((parts) => parts.join(' '));
/** short lines find the masking interactions; a few long ones cover the length cuts */
const text = fc.oneof({ weight: 9, arbitrary: line }, { weight: 1, arbitrary: longLine });
const RUNS = Number(process.env.FC_RUNS ?? 3_000);

describe('fingerprint properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(text, (t) => {
        const fp = fingerprint(t);
        expect(fingerprint(fp)).toBe(fp);
      }),
      { numRuns: RUNS },
    );
  });

  it('masks every digit run and stays bounded', () => {
    fc.assert(
      fc.property(text, (t) => {
        const fp = fingerprint(t);
        expect(fp).not.toMatch(/\d/);
        // only a single token longer than the bound may exceed it (a cut never splits a token)
        if (fp.length > 300) expect(fp.includes(' ')).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('the same message with other numbers and ids has the same fingerprint', () => {
    const template = fc.array(fc.constantFrom('ERROR', 'upstream', 'payments', 'timed out after', 'ms', '(order', ')', 'for', 'job', 'from', 'req'), { minLength: 1, maxLength: 8 });
    const datum = fc.oneof(fc.nat({ max: 10_000_000 }).map(String), fc.uuid(), fc.ipV4(), fc.stringMatching(/^[0-9a-f]{12}$/).filter((s) => /\d/.test(s) && /[a-f]/.test(s)));
    fc.assert(
      fc.property(template, fc.array(fc.tuple(datum, datum), { minLength: 1, maxLength: 8 }), (words, data) => {
        const a = words.map((w, i) => `${w} ${data[i % data.length]![0]}`).join(' ');
        const b = words.map((w, i) => `${w} ${data[i % data.length]![1]}`).join(' ');
        // a uuid and a number are different kinds of data: only compare like with like
        const kind = (s: string) => (s.includes('-') ? 'uuid' : s.split('.').length === 4 ? 'ip' : /^\d+$/.test(s) ? 'n' : 'hex');
        fc.pre(data.every(([x, y]) => kind(x) === kind(y)));
        expect(fingerprint(a)).toBe(fingerprint(b));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('compileFilter properties', () => {
  it('plain text matches exactly the lines containing it, ignoring case, and highlights the occurrences', () => {
    const needle = fc.string({ minLength: 1, maxLength: 5 }).filter((s) => s.trim() === s && s !== '' && !s.startsWith('!') && !s.startsWith('\\') && !s.startsWith('/'));
    fc.assert(
      fc.property(needle, fc.array(fc.string({ maxLength: 6 }), { maxLength: 6 }), (n, parts) => {
        const text = parts.join(n);
        const c = compileFilter(n);
        expect(c.ok).toBe(true);
        if (!c.ok) return;
        const contains = text.toLowerCase().includes(n.toLowerCase());
        // toLowerCase can change lengths for a few scripts; compare on ASCII only
        fc.pre(/^[\x20-\x7e]*$/.test(text + n));
        expect(c.filter.test(text)).toBe(contains);
        const ranges = c.filter.highlight(text);
        for (const r of ranges) expect(text.slice(r.start, r.end).toLowerCase()).toBe(n.toLowerCase());
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBeGreaterThanOrEqual(ranges[i - 1]!.end);
        expect(ranges.length > 0).toBe(contains);
        // the inverted filter keeps exactly the other lines
        const inv = compileFilter('!' + n);
        if (inv.ok) expect(inv.filter.test(text)).toBe(!contains);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws: any input compiles or gives one line of error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (input, sample) => {
        const c = compileFilter(input);
        if (!c.ok) {
          expect(c.error).not.toMatch(/[\n\r]/);
          return;
        }
        c.filter.test(sample);
        c.filter.highlight(sample);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('withContext properties', () => {
  it('shows every match once, in order, within n of a match, with gaps accounting for the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: -5, max: 70 }), { maxLength: 12 }), fc.integer({ min: 0, max: 5 }), (len, idx, n) => {
        const lines = Array.from({ length: len }, (_, i) => i);
        const rows = withContext(lines, idx, n);
        const shown = rows.flatMap((r) => (r.kind === 'line' ? [r.index] : []));
        const valid = [...new Set(idx.filter((i) => i >= 0 && i < len))];
        for (let i = 1; i < shown.length; i++) expect(shown[i]!).toBeGreaterThan(shown[i - 1]!);
        for (const m of valid) expect(shown).toContain(m);
        for (const s of shown) expect(valid.some((m) => Math.abs(m - s) <= n)).toBe(true);
        // every line within n of a match is shown
        for (let i = 0; i < len; i++) if (valid.some((m) => Math.abs(m - i) <= n)) expect(shown).toContain(i);
        // a gap sits exactly where shown indexes jump, and counts the lines left out
        rows.forEach((r, k) => {
          if (r.kind !== 'gap') return;
          const before = rows[k - 1];
          const after = rows[k + 1];
          expect(before?.kind === 'line' && after?.kind === 'line').toBe(true);
          if (before?.kind === 'line' && after?.kind === 'line') expect(r.skipped).toBe(after.index - before.index - 1);
        });
        // and lines that follow each other without a gap row are adjacent
        rows.forEach((r, k) => {
          const next = rows[k + 1];
          if (r.kind === 'line' && next?.kind === 'line') expect(next.index).toBe(r.index + 1);
        });
        for (const r of rows) if (r.kind === 'line') expect(r.match).toBe(valid.includes(r.index));
        if (valid.length === 0) expect(rows).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });
});
