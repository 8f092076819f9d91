/**
 * Child process for the journal concurrency test: appends `count` records to
 * the journal at `path` once told to go, then reports.
 * Usage: node appendMany.mjs <journal path> <count> <label>
 */
import { createInterface } from 'node:readline';
import { AuditJournal } from '../../src/audit/journal.js';

const [path, countText, label] = process.argv.slice(2);
const journal = new AuditJournal(path!);
const count = Number(countText);

console.log(JSON.stringify({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  const { at } = JSON.parse(line) as { at: number };
  while (Date.now() < at) {
    // spin to the shared start time so both processes contend from the first append
  }
  for (let i = 0; i < count; i++) {
    await journal.append({
      operator: { user: label!, host: 'test' },
      environment: 'test',
      action: 'scale',
      target: `${label}/${i}`,
      phase: 'intent',
      plan: { i },
      phraseAccepted: true,
      outcome: null,
      detail: `${label} ${i}`,
      requestIds: [],
      durationMs: null,
    });
    // Real actions do not append back to back; a pause lets the other process's waiter win the lock sometimes.
    await new Promise((resolve) => setTimeout(resolve, Math.random() < 0.5 ? 0 : 1));
  }
  console.log(JSON.stringify({ done: count }));
  break;
}
