// The :fleet screen as drawn at 80x24, and the feed that fills it: the same
// fleet check as `check --env all`, on environments the sandbox opens, and
// opening the screen reaching the feed while Esc closes it.
import { describe, expect, it } from 'vitest';
import { fleetScreen } from '../../views/fleetScreen.js';
import { createFleetFeed, fleetRow } from '../../src/dashboard/fleet.js';
import { openEnvironment } from '../../src/cli/environment.js';
import { viewReducer as reduce, initialViewState } from '../../views/state.js';
import { scopeOf } from '../../views/keys.js';
import { parseCommand } from '../../views/commands.js';
import { width as textWidth } from '../../views/text.js';
import type { FleetView } from '../../src/dashboard/ports.js';
import type { Line } from '../../views/text.js';

const text = (lines: Line[]) => lines.map((l) => l.map((s) => s.text).join(''));
const NOW = Date.parse('2026-12-03T09:00:00Z');

const VIEW: FleetView = {
  checkedAt: NOW - 12_000,
  running: false,
  rows: [
    {
      environment: 'prod',
      status: 'crit',
      counts: { ok: 28, warn: 1, crit: 2, unknown: 0 },
      identity: 'arn:aws:sts::123456789012:assumed-role/opsdeck-read/opsdeck-alice',
      top: [
        { severity: 'crit', subject: 'api', message: '1 of 3 tasks not running for 8 min: tasks keep stopping' },
        { severity: 'crit', subject: 'main-db', message: 'storage almost full' },
        { severity: 'warn', subject: 'jobs/emails', message: '14 failed jobs' },
      ],
    },
    { environment: 'staging', status: 'ok', counts: { ok: 31, warn: 0, crit: 0, unknown: 0 }, top: [] },
    { environment: 'eu', status: 'unknown', counts: { ok: 0, warn: 0, crit: 0, unknown: 1 }, top: [], error: 'cannot reach the STS endpoint sts.eu-west-1.amazonaws.com (ENOTFOUND): check the network/VPN' },
  ],
};

describe('fleet screen', () => {
  it('reads at 80x24: a line per environment with its verdict, counts and role, then its first problems', () => {
    const lines = fleetScreen(VIEW, 1, { now: NOW, width: 80, height: 22 });
    expect(lines).toHaveLength(22);
    for (const l of text(lines)) expect(textWidth(l)).toBe(80);
    const t = text(lines).map((l) => l.trimEnd());
    expect(t[0]).toBe(' Fleet · 3 environments · checked 12s ago');
    expect(t[2]).toBe(' ✗ prod     CRIT    2 crit, 1 warn, 28 ok  opsdeck-read/opsdeck-alice');
    expect(t[3]).toBe('     ✗ api  1 of 3 tasks not running for 8 min: tasks keep stopping');
    expect(t[5]).toBe('     ⚠ jobs/emails  14 failed jobs');
    expect(t[6]).toBe(' ✓ staging  OK      31 ok');
    expect(t[7]).toBe(' ? eu       UNKNOWN 1 unknown');
    expect(t[8]).toMatch(/^ {5}\? cannot reach the STS endpoint sts\.eu-west-1\.amazonaws\.com \(ENOTFOUND\): c…$/);
    expect(t.at(-1)).toBe(' enter opens the environment · r checks again · esc back');
    // the selected environment is the highlighted one
    expect(lines[6]?.[0]?.selected).toBe(true);
    expect(lines.filter((l) => l[0]?.selected)).toHaveLength(1);
  });

  it('keeps the selected environment in sight when the fleet is taller than the screen', () => {
    const many: FleetView = { ...VIEW, rows: Array.from({ length: 8 }, (_, i) => ({ ...VIEW.rows[0]!, environment: `env-${i}` })) };
    const t = text(fleetScreen(many, 7, { now: NOW, width: 80, height: 12 }));
    expect(t.some((l) => l.includes('env-7'))).toBe(true);
    expect(t.some((l) => l.includes('env-0'))).toBe(false);
  });

  it('opens with F or :fleet, moves, and closes with Esc', () => {
    expect(parseCommand(':fleet')).toEqual({ kind: 'fleet' });
    let s = reduce(initialViewState, { type: 'fleet', open: true });
    expect(scopeOf(s)).toBe('fleet');
    s = reduce(s, { type: 'fleetSelect', delta: 5, count: 3 });
    expect(s.fleet).toEqual({ selected: 2 });
    s = reduce(s, { type: 'back' });
    expect(s.fleet).toBeNull();
    expect(scopeOf(s)).toBe('dashboard');
  });
});

describe('fleet feed', () => {
  it('checks every environment in the background once opened, with the judge the check command uses', async () => {
    const feed = createFleetFeed({ names: ['demo'], open: (name) => openEnvironment({ demo: true, env: name, scenario: 'bad-deploy' }, {}, { oneShot: true }), processEnv: {}, refreshMs: 60_000 });
    expect(feed.getState().rows.map((r) => [r.environment, r.pending])).toEqual([['demo', true]]);
    const changed = new Promise<void>((resolve) => {
      const off = feed.subscribe(() => {
        if (feed.getState().checkedAt !== undefined) {
          off();
          resolve();
        }
      });
    });
    feed.open();
    await changed;
    feed.close();
    const [row] = feed.getState().rows;
    expect(row?.status).toBe('crit');
    expect(row?.counts.crit).toBeGreaterThan(0);
    // worst first, the environment's name left off
    expect(row?.top[0]).toMatchObject({ severity: 'crit', subject: 'api' });
  }, 30_000);

  it('an environment without a report is one unknown line', () => {
    expect(fleetRow({ environment: 'eu', status: 'unknown', exitCode: 3, error: 'no AWS credentials for profile eu' })).toEqual({
      environment: 'eu', status: 'unknown', counts: { ok: 0, warn: 0, crit: 0, unknown: 1 }, top: [], error: 'no AWS credentials for profile eu',
    });
  });
});

describe('session name', () => {
  it('is opsdeck-<user> in the characters AWS takes, at most 64', async () => {
    const { defaultSessionName } = await import('../../src/sources/aws/assumeRole.js');
    expect(defaultSessionName('alice')).toBe('opsdeck-alice');
    expect(defaultSessionName('DOMAIN\\jörg smith')).toBe('opsdeck-DOMAIN-j-rg-smith');
    expect(defaultSessionName('x'.repeat(100))).toHaveLength(64);
    expect(defaultSessionName('')).toBe('opsdeck-user');
  });
});
