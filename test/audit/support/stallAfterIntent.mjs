// Preloaded into the real CLI (node --import): once the journal's intent line
// is fsynced and the journal's append lock is fully released, the process
// stops dead before the action's call, so the test can SIGKILL it exactly in
// the window a crash leaves an intent without outcome.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const { writeSync, fsyncSync, unlinkSync } = fs;
let intentFd = -1;
let intentOnDisk = false;

fs.writeSync = function (fd, data, ...rest) {
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
  if (text.includes('"phase":"intent"')) intentFd = fd;
  return writeSync.call(this, fd, data, ...rest);
};
fs.fsyncSync = function (fd) {
  fsyncSync.call(this, fd);
  if (fd === intentFd) intentOnDisk = true;
};
fs.unlinkSync = function (path) {
  unlinkSync.call(this, path);
  if (intentOnDisk && /audit\.jsonl\.lock\.claim-/.test(String(path))) {
    writeSync(2, 'STALLED-AFTER-INTENT\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
};
syncBuiltinESMExports();
