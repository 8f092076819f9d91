/**
 * Child process for the team store tests, spoken to in JSON lines (see
 * test/support/lineChild.ts).
 *   node teamChild.mjs append <store url> <label> <seconds>
 *     an operator on a machine of its own (its own OPSDECK_STATE_DIR): once
 *     told {at}, appends action records through the shared journal until the
 *     time is up, alternating two environments, then reports how many.
 *   node teamChild.mjs lock <store url> <key> <leaseMs>
 *     takes the lock in the team store, renews it as an action under way
 *     does, prints {"held": owner} and waits to be killed.
 */
import { createInterface } from 'node:readline';
import { openJournal } from '../../../src/team/sharedJournal.js';
import { openTeamStore } from '../../../src/team/store.js';
import { PgTargetLock } from '../../../src/actions/lockPg.js';

const [mode, url, label, arg] = process.argv.slice(2);

if (mode === 'lock') {
  const store = openTeamStore(url!, { max: 1 });
  const lease = Number(arg);
  const lock = new PgTargetLock(store.pool, 'the team store', { describe: store.describe });
  const handle = await lock.acquire(label!, lease, { action: 'scale', environment: 'blue', target: 'blue/api' });
  setInterval(() => void handle.renew(lease).catch(() => {}), Math.max(100, lease / 3));
  console.log(JSON.stringify({ held: handle.owner }));
} else {
  // one connection per operator: twenty of them share the test server with everyone else's tests
  const { journal, shared, warning } = await openJournal(url, process.env, { max: 1 });
  if (!shared) throw new Error(`no team journal: ${warning}`);
  const seconds = Number(arg);
  console.log(JSON.stringify({ ready: true }));
  for await (const line of createInterface({ input: process.stdin })) {
    const { at } = JSON.parse(line) as { at: number };
    while (Date.now() < at) {
      // spin to the shared start so every operator contends from the first append
    }
    const until = at + seconds * 1000;
    let i = 0;
    for (; Date.now() < until; i++) {
      await journal.append({
        operator: { user: label!, host: `host-${label}` },
        environment: i % 2 === 0 ? 'blue' : 'green',
        action: 'scale',
        target: `${label}/${i}`,
        phase: i % 3 === 0 ? 'intent' : 'outcome',
        plan: { i, note: 'a plan with text, "quotes" and ünïcödé' },
        phraseAccepted: true,
        outcome: i % 3 === 0 ? null : 'ok',
        detail: `${label} record ${i}`,
        requestIds: [],
        durationMs: i % 3 === 0 ? null : 5,
      });
    }
    await shared.close();
    console.log(JSON.stringify({ done: i, unsent: shared.status.get().unsent }));
    break;
  }
}
