// The demo's certificate about to expire (unsafe-scale: 9 days left), end to end
// through the built binary: `check` judges it through the one judge, and the
// Health panel in a real terminal shows the issuer, the days left and, opened,
// the expiry date the check names, with the checks' warning on the panel.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInTmux, type TmuxSession } from './tmux.js';
import { opsdeck } from '../cli/run.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let session: TmuxSession | undefined;
const dirs: string[] = [];
afterEach(() => {
  session?.kill();
  session = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a state directory of its own: the sandbox's checklist memory stays out of the real one */
function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'opsdeck-cert-'));
  dirs.push(d);
  return d;
}

interface Finding {
  checkId: string;
  severity: string;
  subject: string;
  message: string;
  figure?: string;
}

/** The check's word on the certificate, and the expiry date it names. */
function checkCert(): { tls: Finding[]; date: string; code: number | null } {
  const r = opsdeck(['--demo', '--scenario', 'unsafe-scale', 'check', '--format', 'json'], { env: { OPSDECK_STATE_DIR: stateDir() } });
  const doc = JSON.parse(r.stdout) as { findings: Finding[] };
  const tls = doc.findings.filter((f) => f.checkId === 'health.tls');
  const date = /expires in 9 days \((\d{4}-\d{2}-\d{2})\)/.exec(tls[0]?.message ?? '')?.[1] ?? 'no date';
  return { tls, date, code: r.code };
}

describe('the demo certificate about to expire', () => {
  it('check: both https probes warn, naming the issuer and the expiry; the topology keeps the exit code critical', () => {
    const { tls, date, code } = checkCert();
    expect(code).toBe(2);
    expect(tls.map((f) => [f.subject, f.severity, f.figure])).toEqual([
      ['demo/api tls', 'warn', '9d left'],
      ['demo/queue tls', 'warn', '9d left'],
    ]);
    expect(tls[0]!.message).toBe(`certificate for demo.opsdeck.invalid from Let's Encrypt R3 expires in 9 days (${date}); warn at 14 days`);
    // the calm demo's certificate is two months from expiry: nothing to say
    const calm = opsdeck(['--demo', 'check', '--format', 'json'], { env: { OPSDECK_STATE_DIR: stateDir() } });
    const calmTls = (JSON.parse(calm.stdout) as { findings: Finding[] }).findings.filter((f) => f.checkId === 'health.tls');
    expect(calmTls.map((f) => f.severity)).toEqual(['ok', 'ok']);
  });

  it('at 160x48 the Health panel carries the warning, the issuer and days left, and opened, the date the check names', async () => {
    const { date } = checkCert();
    session = startInTmux(`env -u NO_COLOR -u FORCE_COLOR OPSDECK_STATE_DIR=${stateDir()} node ${BIN} demo --scenario unsafe-scale`, { cols: 160, rows: 48 });
    const s = session;
    let screen = await s.waitFor((sc) => /6 Health +⚠ 2 warnings/.test(sc), 'the Health panel judged', 30_000);
    expect(screen).toMatch(/⚠ api +200 +\d+ms .*9d Let's Encrypt R3/);
    expect(screen).toMatch(/⚠ queue +200 +\d+ms .*9d Let's Encrypt R3/);
    s.keys('6');
    await s.waitFor((sc) => /╔═ 6 Health/.test(sc), 'Health focused');
    s.keys('Enter');
    screen = await s.waitFor((sc) => sc.includes(`9d Let's Encrypt R3 to ${date}`), 'the expiry date in the opened panel');
    expect(screen).toMatch(new RegExp(`›⚠ api .*9d Let's Encrypt R3 to ${date}`));
  }, 60_000);

  it('at 80x24 the expanded Health panel shows the certificate column with its warning', async () => {
    session = startInTmux(`env -u NO_COLOR -u FORCE_COLOR OPSDECK_STATE_DIR=${stateDir()} node ${BIN} demo --scenario unsafe-scale`, { cols: 80, rows: 24 });
    const s = session;
    await s.waitFor((sc) => sc.includes('! next problem'), 'the first frame', 30_000);
    s.keys('6');
    const screen = await s.waitFor((sc) => /╔═ 6 Health +⚠ 2 warnings/.test(sc) && /⚠ queue .*9d Let's Encrypt R3/.test(sc), 'Health expanded');
    expect(screen).toMatch(/║›⚠ api .*9d Let's Encrypt R3/);
    for (const row of screen.split('\n')) expect([...row].length).toBeLessThanOrEqual(80);
  }, 60_000);
});
