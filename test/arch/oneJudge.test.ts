/**
 * Severity has one judge: the checks engine with the environment's
 * thresholds. A view that grades a figure itself (`cpu > 90 ? 'crit'`) would
 * disagree with `opsdeck check` as soon as an environment changes a
 * threshold, so none may: views draw the verdicts they are handed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const VIEWS = fileURLToPath(new URL('../../views/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

/** A figure compared with a number that picks a severity: `x > 90 ? 'crit'`, `if (p < 10) return 'warn'`, `> 5_000 ? 'crit'`. */
const GRADING = [
  /[<>]=?\s*-?[\d_.]+\s*\)?\s*\?\s*\(?\s*'(crit|warn)'/,
  /[<>]=?\s*-?[\d_.]+\s*\)\s*return\s+'(crit|warn)'/,
  /[<>]=?\s*-?[\d_.]+\s*\?\s*\(?\s*GLYPH\.(crit|warn)/,
  // warn and crit handed to a helper: `utilTone(cpu, 70, 90)`
  /\w*(Tone|Level|tone|level)\([^()]*,\s*[\d_.]+\s*,\s*[\d_.]+\s*\)/,
];
/** Where thresholds live: a view that reads them is grading. */
const THRESHOLD_IMPORT = /from\s+'[./]*\/(src\/checks\/thresholds|src\/config\/thresholdKeys)\.js'/;

function gradingLines(text: string): string[] {
  return text.split('\n').filter((l) => GRADING.some((re) => re.test(l)) || THRESHOLD_IMPORT.test(l));
}

describe('views hold no threshold', () => {
  test('the rule catches the gradings views used to hold', () => {
    // the lines the panels had before the checks' verdicts reached them
    expect(gradingLines("  return ms > 5_000 ? 'crit' : ms > 2_000 ? 'warn' : undefined;")).toHaveLength(1);
    expect(gradingLines("  return p > 90 ? 'crit' : p > 70 ? 'warn' : undefined;")).toHaveLength(1);
    expect(gradingLines("        failed: { text: count(q.failed), tone: q.failed > 0 ? 'crit' : undefined },")).toHaveLength(1);
    expect(gradingLines("  if (newest.createdAt !== undefined && now - newest.createdAt > BACKUP_MAX_AGE_MS) return 'crit';")).toHaveLength(0);
    expect(gradingLines("      cpu: { text: percent(cpu), tone: utilTone(cpu, 70, 90) },")).toHaveLength(1);
    expect(gradingLines("import { DEFAULT_THRESHOLDS } from '../../src/checks/thresholds.js';")).toHaveLength(1);
    // what views may do: draw the verdict, or lay out by size
    expect(gradingLines("      cpu: { text: percent(cpu), tone: problemTone(verdicts.of(ref, ['ecs.cpu'])) },")).toHaveLength(0);
    expect(gradingLines('  if (ctx.height >= 6) out.push(countsLine(db, ctx.verdicts));')).toHaveLength(0);
  });

  test('no file in views/ grades a figure or reads a threshold', () => {
    const found = sources(VIEWS).flatMap((f) => gradingLines(readFileSync(f, 'utf8')).map((l) => `${f.slice(VIEWS.length)}: ${l.trim()}`));
    expect(found).toEqual([]);
  });

  test('no file in views/ names a time limit to grade an age by', () => {
    // the backup rule once lived here as a constant (26 h): ages are judged by the checks
    const found = sources(VIEWS).flatMap((f) => (/MAX_AGE|_THRESHOLD|WARN_AT|CRIT_AT/.test(readFileSync(f, 'utf8')) ? [f.slice(VIEWS.length)] : []));
    expect(found).toEqual([]);
  });
});
