/**
 * Child process for the crash test: records notes in the open incident (the
 * state dir comes from OPSDECK_STATE_DIR) one after another, reporting each
 * one after `note` returned, until it is killed. With "tear" it stops after
 * `count` notes with half an entry written, as a crash mid-write leaves it.
 * Usage: node appendChild.mjs <run|tear> <count>
 */
import { appendFileSync } from 'node:fs';
import { IncidentRecorder } from '../../src/incident/recorder.js';

const [mode, countText] = process.argv.slice(2);
const count = Number(countText);
const recorder = new IncidentRecorder({ onError: (line) => console.log(JSON.stringify({ error: line })) });
const inc = recorder.open();
if (!inc) {
  console.log(JSON.stringify({ error: 'no open incident' }));
  process.exit(1);
}

for (let i = 1; mode === 'run' || i <= count; i++) {
  const e = recorder.note(`note ${i}`);
  console.log(JSON.stringify(e ? { acked: i } : { error: `note ${i} not written` }));
}
const whole = JSON.stringify({ kind: 'note', time: new Date().toISOString(), text: `note ${count + 1}`, by: 'child' });
appendFileSync(inc.timelinePath, whole.slice(0, Math.floor(whole.length / 2)));
console.log(JSON.stringify({ torn: count + 1 }));
// wait to be killed, as a process stuck mid-write would be
setInterval(() => undefined, 1000);
