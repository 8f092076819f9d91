// views/text.ts measures a string of "narrow" characters by its length and cuts
// it at any index. That holds only if string-width (what Ink and the terminal
// tests agree with) gives each of them one column and none combines: checked
// here for every character the pattern admits, and on mixed strings.
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import fc from 'fast-check';
import { NARROW, truncate, width } from '../../views/text.js';

const admitted: string[] = [];
for (let c = 0; c <= 0xffff; c++) {
  const ch = String.fromCharCode(c);
  if (c >= 0xd800 && c <= 0xdfff) continue;
  if (NARROW.test(ch)) admitted.push(ch);
}

describe('narrow characters', () => {
  it('are each one column for string-width', () => {
    expect(admitted.length).toBeGreaterThan(500);
    const wide = admitted.filter((ch) => stringWidth(ch) !== 1).map((ch) => ch.charCodeAt(0).toString(16));
    expect(wide).toEqual([]);
  });

  it('leave out what is wide, zero-width or combining', () => {
    for (const s of ['中', '✅', '⛔', '❌', 'e\u0301', '\u200b', '\u00ad', '\ufe0f', '⚠\ufe0f', '\u25fd', '\t', '\x1b']) expect(NARROW.test(s), JSON.stringify(s)).toBe(false);
  });

  it('measure and cut as string-width does, mixed with anything', () => {
    const pool = [...admitted.filter((_, i) => i % 7 === 0), '中', '✅', 'e\u0301', '⚠\ufe0f', 'a', ' '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (chars, max) => {
        const s = chars.join('');
        expect(width(s)).toBe(stringWidth(s));
        const cut = truncate(s, max);
        expect(stringWidth(cut)).toBeLessThanOrEqual(max);
        if (stringWidth(s) <= max) expect(cut).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});
