// The header's team line: said while the store is unreachable or records wait, and nothing otherwise.
import { describe, it, expect } from 'vitest';
import { headerLines } from '../../views/chrome.js';
import { ManualClock } from '../../src/engine/clock.js';
import { teamStatusLine } from '../../src/team/sharedJournal.js';
import { allData } from '../views/fixtures.js';
import { makeStore } from '../views/render.js';

const ENV = { name: 'prod', protected: true, readOnly: false, region: 'eu-west-1', account: '111122223333', identity: 'arn:aws:iam::111122223333:user/ana' };

describe('team status in the header', () => {
  it('words the state of the store', () => {
    expect(teamStatusLine(undefined)).toBeUndefined();
    expect(teamStatusLine({ where: 'db:5432', reachable: true, unsent: 0 })).toBeUndefined();
    expect(teamStatusLine({ where: 'db:5432', reachable: false, unsent: 3, problem: 'connect ECONNREFUSED' })).toBe('team store unreachable: recording locally (3 unsent)');
    expect(teamStatusLine({ where: 'db:5432', reachable: true, unsent: 2 })).toBe('team store: sending 2 recorded locally');
  });

  it('draws it on the first row', () => {
    const snaps = makeStore(new ManualClock(0), allData, 0).getSnapshots();
    const text = (team?: string) => headerLines(ENV, snaps, 0, 160, team ? { team } : {}).map((l) => l.map((s) => s.text).join(''));
    expect(text()[0]).not.toContain('team store');
    expect(text('team store unreachable: recording locally (3 unsent)')[0]).toMatch(/⚠ PROD .* team store unreachable: recording locally \(3 unsent\)/);
  });
});
