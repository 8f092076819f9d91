// The Health panel draws a probe's certificate and graded numbers, toned by the checks' verdicts, and nothing of what was sent.
import { describe, expect, it } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody } from '../../views/panels/index.js';
import { probeLevel } from '../../views/panels/HealthPanel.js';
import type { HealthSnapshot, ProbeResult } from '../../src/model/health.js';
import { judged } from '../views/judged.js';

const T0 = Date.parse('2026-11-22T09:00:00Z');
const DAY = 86_400_000;
const TOKEN = 'tok-0a1b2c3d4e5f';

const probe = (over: Partial<ProbeResult>): ProbeResult => ({ name: 'api', url: 'https://app.example.com/health', ok: true, status: 200, latencyMs: 80, fields: { status: 'healthy' }, problems: [], checkedAt: T0 - 2_000, ...over });
const cert = (days: number) => ({ subject: 'app.example.com', altNames: ['app.example.com'], issuer: "Let's Encrypt R3", validTo: T0 + days * DAY + 3_600_000, warnDays: 14, critDays: 3 });

const data: HealthSnapshot = {
  probes: [
    probe({ name: 'api', tls: cert(2) }),
    probe({ name: 'queue', url: 'https://app.example.com/ops/queue_health', tls: cert(40), measures: [{ field: 'dlq', value: 150, warn: 10, crit: 100 }] }),
    probe({ name: 'web', url: 'https://www.example.com/', tls: cert(40) }),
  ],
};
const verdicts = judged({ health: data }, T0);
const ctx = (over: Partial<PanelCtx> = {}): PanelCtx => ({ width: 140, height: 10, now: T0, selected: 0, focused: false, detail: false, filter: '', verdicts, ...over });
const text = (l: Line) => l.map((s) => s.text).join('');
const row = (lines: Line[], name: string) => lines.find((l) => text(l).includes(` ${name} `))!;

describe('Health panel: certificates and graded numbers', () => {
  it("shows days left and the issuer; the cert cell takes the certificate check's tone", () => {
    const lines = panelBody('health', data, ctx());
    expect(text(lines[0]!)).toContain('cert');
    const api = row(lines, 'api');
    expect(text(api)).toContain("2d Let's Encrypt R3");
    expect(api.find((s) => s.text.includes('Let'))?.tone).toBe('crit');
    expect(row(lines, 'web').find((s) => s.text.includes('Let'))?.tone).toBeUndefined();
    // the detail view adds the date
    expect(text(row(panelBody('health', data, ctx({ detail: true, width: 180 })), 'api'))).toContain("2d Let's Encrypt R3 to 2026-11-24");
  });

  it('a row is marked with the worst verdict on the probe, its certificate and its numbers', () => {
    expect(data.probes.map((p) => probeLevel(p, verdicts))).toEqual(['crit', 'crit', 'ok']);
    expect(text(row(panelBody('health', data, ctx()), 'queue'))).toContain('dlq 150');
  });

  it('draws no header or body: the probe result never carries them', () => {
    const lines = panelBody('health', { probes: [probe({ name: 'queue', problems: ['status 401, expected 2xx'], ok: false, status: 401 })] }, ctx());
    const all = lines.map(text).join('\n');
    expect(all).toContain('status 401');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toMatch(/authorization|bearer/i);
  });

  it('a narrow panel drops the cert column, and a flagged certificate moves to the problems', () => {
    const lines = panelBody('health', data, ctx({ width: 68 }));
    expect(text(lines[0]!)).not.toContain('cert');
    expect(text(row(lines, 'api'))).toContain("cert 2d Let's Encrypt R3");
    expect(text(row(lines, 'web'))).not.toContain('cert');
  });

  it('no https probe, no cert column', () => {
    expect(text(panelBody('health', { probes: [probe({ url: 'http://127.0.0.1:8080/health' })] }, ctx())[0]!)).not.toContain('cert');
  });
});
