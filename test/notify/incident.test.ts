/**
 * One incident in the demo from start to end, as separate commands the way
 * an operator types them: the local receiver gets the Slack, PagerDuty and
 * generic payloads of each step, in order, each conforming to its service's
 * documented shape; PagerDuty sees one alert (trigger … resolve on one
 * dedup_key); no secret reaches any output, the journal or the state files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { opsdeckAsync, startReceiver, type Receiver, type Run } from './receiver.js';
import { filesUnder, notifySetup, secretsIn, SECRETS, type Setup } from './support.js';

let r: Receiver;
let s: Setup;
const runs: Run[] = [];

beforeAll(async () => {
  r = await startReceiver();
  s = notifySetup(r);
  const g = ['--demo', '--config', s.config];
  const steps = [
    ['incident', 'start', 'api <!channel> returns 502 \x1b[31mnow', ...g],
    ['scale', 'worker', '1', '--confirm', 'worker', '--reason', 'checkout <!here> slow', '--timeout', '30s', ...g],
    ['scale', 'worker', '0', '--confirm', 'api', ...g],
    ['incident', 'note', 'worker scaled <down> & watching', ...g],
    ['incident', 'end', ...g],
  ];
  for (const args of steps) runs.push(await opsdeckAsync(args, s.env));
}, 120_000);

afterAll(async () => {
  await r.close();
  rmSync(s.dir, { recursive: true, force: true });
});

const of = (kind: string) => r.received.filter((x) => x.kind === kind);

describe('one demo incident from start to end', () => {
  it('ran: started, an action done, a phrase refused, a note, ended', () => {
    expect(runs.map((x) => x.code)).toEqual([0, 0, 1, 0, 0]);
    expect(runs[2]!.stdout).toContain('refused');
  });

  it('every payload has its service\'s documented shape', () => {
    expect(r.received.length).toBe(16);
    for (const x of r.received) expect({ path: x.path, problems: x.problems }).toEqual({ path: x.path, problems: [] });
  });

  it('the generic webhook got the five events in order, with the incident on each and the status-page drafts', () => {
    const hook = of('webhook').map((x) => x.body as Record<string, unknown>);
    expect(hook.map((b) => b.event)).toEqual(['incident.started', 'action.executed', 'action.refused', 'incident.updated', 'incident.ended']);
    const id = (hook[0]!.incident as { id: string }).id;
    for (const b of hook) expect((b.incident as { id: string }).id).toBe(id);
    expect(hook[0]!.statusPage).toMatch(/^\[Investigating\]/);
    // the note: the draft as the timeline stands (the scale was confirmed: the cause is identified)
    expect(hook[3]!.statusPage).toMatch(/^\[Identified\] Problems with worker/);
    expect(hook[4]!.statusPage).toMatch(/^\[Resolved\] Problems with worker/);
    expect(hook[1]).toMatchObject({ action: 'scale', target: 'demo/worker', tier: 'destructive', environment: 'demo', reason: 'checkout <!here> slow' });
    expect(hook[2]!.message).toBe('the typed confirmation did not match the phrase; nothing was done');
    expect(hook[3]!.note).toBe('worker scaled <down> & watching');
    for (const x of of('webhook')) expect(x.headers['x-ops-token']).toBe(SECRETS.headerValue);
  });

  it('PagerDuty: one alert, triggered at the start, added to by the action, the refusal and the note, given the Resolved draft and resolved at the end', () => {
    const pd = of('pagerduty').map((x) => x.body as { event_action: string; dedup_key: string; routing_key: string; payload?: { severity: string; class: string; custom_details?: Record<string, unknown> } });
    expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'trigger', 'trigger', 'trigger', 'resolve']);
    expect(new Set(pd.map((e) => e.dedup_key)).size).toBe(1);
    expect(pd[0]!.dedup_key).toMatch(/^opsdeck\/demo\/incident\/\d{8}-\d{6}-/);
    expect(pd.slice(0, 5).map((e) => e.payload?.class)).toEqual(['incident.started', 'action.executed', 'action.refused', 'incident.updated', 'incident.ended']);
    expect(pd[0]!.payload?.custom_details?.status_page_draft).toMatch(/^\[Investigating\]/);
    expect(pd[3]!.payload?.custom_details?.status_page_draft).toMatch(/^\[Identified\] Problems with worker/);
    expect(pd[4]!.payload?.custom_details?.status_page_draft).toMatch(/^\[Resolved\] Problems with worker/);
    for (const e of pd) expect(e.routing_key).toBe(SECRETS.routingKey);
  });

  it('Slack: five messages, outside text escaped so nothing pings the channel, the drafts in the start, note and end messages', () => {
    const slack = of('slack').map((x) => x.body as { text: string; blocks: { text?: { text: string } }[] });
    expect(slack).toHaveLength(5);
    expect(slack[0]!.text).toBe('demo: incident started: api &lt;!channel&gt; returns 502 now');
    expect(JSON.stringify(slack)).not.toContain('\u001b');
    expect(JSON.stringify(slack)).not.toContain('<!channel>');
    expect(slack[0]!.blocks.some((b) => b.text?.text.includes('[Investigating]'))).toBe(true);
    expect(slack[3]!.blocks.some((b) => b.text?.text.includes('[Identified]'))).toBe(true);
    expect(slack[4]!.blocks.some((b) => b.text?.text.includes('[Resolved]'))).toBe(true);
    expect(slack[3]!.blocks.some((b) => b.text?.text === '> worker scaled &lt;down&gt; &amp; watching')).toBe(true);
    expect(slack[1]!.blocks.some((b) => b.text?.text.includes('Reason: checkout &lt;!here&gt; slow'))).toBe(true);
    expect(JSON.stringify(slack)).not.toContain('<!here>');
  });

  it('no secret in any output, the journal, the timeline or any state file', () => {
    for (const run of runs) expect(secretsIn(run.stdout + run.stderr)).toEqual([]);
    const files = filesUnder(s.dir).filter((f) => f.path !== s.config);
    expect(files.some((f) => f.path.endsWith('audit.jsonl'))).toBe(true);
    for (const f of files) expect({ file: f.path, secrets: secretsIn(f.text) }).toEqual({ file: f.path, secrets: [] });
  });
});
