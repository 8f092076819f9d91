// The npm registry this project is built from does not serve every
// platform's prebuilt of some optional native packages (msgpackr-extract, an
// optional accelerator under bullmq), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock. Their entries are
// facts from the parent's optionalDependencies; npm skips them on other
// platforms. Run after `npm install`: node scripts/lock-optional.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const platform = { 'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'], 'linux-arm': ['linux', 'arm'], 'linux-arm64': ['linux', 'arm64'], 'linux-x64': ['linux', 'x64'], 'win32-x64': ['win32', 'x64'] };
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || !path.endsWith('msgpackr-extract')) continue;
    const suffix = Object.keys(platform).find((p) => name.endsWith(`-${p}`));
    if (!suffix) continue;
    const [os, cpu] = platform[suffix];
    lock.packages[key] = { version, cpu: [cpu], license: 'MIT', optional: true, os: [os] };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} optional platform entries`);
