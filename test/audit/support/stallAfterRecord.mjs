// Preloaded into the real CLI (node --import): once the journal's Nth record
// of phase STALL_PHASE (default progress) is fsynced and the journal's append
// lock is released, the process stops dead, so the test can SIGKILL it at
// exactly that point of a call (e.g. a requeue between two batches).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const phase = process.env.STALL_PHASE ?? 'progress';
const nth = Number(process.env.STALL_NTH ?? '1');
const { writeSync, fsyncSync, unlinkSync } = fs;
let fdOfNth = -1;
let seen = 0;
let onDisk = false;

fs.writeSync = function (fd, data, ...rest) {
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
  if (text.includes(`"phase":"${phase}"`) && ++seen === nth) fdOfNth = fd;
  return writeSync.call(this, fd, data, ...rest);
};
fs.fsyncSync = function (fd) {
  fsyncSync.call(this, fd);
  if (fd === fdOfNth) onDisk = true;
};
fs.unlinkSync = function (path) {
  unlinkSync.call(this, path);
  if (onDisk && /audit\.jsonl\.lock\.claim-/.test(String(path))) {
    writeSync(2, `STALLED-AFTER-${phase.toUpperCase()}-${nth}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
};
syncBuiltinESMExports();
