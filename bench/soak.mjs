// A program left alone on a pty while /proc is sampled: what the memory soak
// (the calm demo) and the fleet bench (the dashboard on 250 moto services)
// both measure.
import { cpuMsOf, rssOf } from './proc.mjs';
import { onFrames, onPty, ptyChildPid, quit, round } from './pty.mjs';

const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `command` on a cols x rows pty; from its first frame on, samples its
 * RSS every `everyMs` for `totalMs`. `atEnd(pid)` runs before the program is
 * told to quit (a heap snapshot, say). Returns the samples, the one nearest
 * half-way, the growth over the second half (bounded memory grows ~0 there),
 * CPU % of a core, bytes written per second and the screen's text at the end.
 */
export async function soakOnPty(command, { cols = 120, rows = 40, env = {}, totalMs, everyMs, atEnd } = {}) {
  const child = onPty(command, { cols, rows, env });
  let bytes = 0;
  let firstFrame;
  let exited;
  const drawn = new Promise((resolve, reject) => {
    firstFrame = resolve;
    exited = reject;
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-2000)));
  child.on('exit', (code) => exited(new Error(`the program ended (exit ${code}) before its first frame: ${stderr.trim().slice(-300)}`)));
  const screen = onFrames(child, (_text, _at, size) => {
    bytes += size;
    firstFrame();
  });
  try {
    await drawn;
    const pid = ptyChildPid(child);
    const samples = [];
    const t0 = Date.now();
    const cpu0 = cpuMsOf(pid);
    const bytes0 = bytes;
    const sample = () => samples.push({ atS: round((Date.now() - t0) / 1000, 0), rssMB: round(rssOf(pid) / MB, 1) });
    sample();
    while (Date.now() - t0 < totalMs) {
      await sleep(Math.min(everyMs, totalMs - (Date.now() - t0)));
      sample();
    }
    const elapsedS = (Date.now() - t0) / 1000;
    const cpuPercentOfCore = round((cpuMsOf(pid) - cpu0) / 10 / elapsedS, 2);
    const half = samples.reduce((best, s) => (Math.abs(s.atS - elapsedS / 2) < Math.abs(best.atS - elapsedS / 2) ? s : best), samples[0]);
    const end = samples.at(-1);
    const atEndResult = atEnd ? await atEnd(pid) : undefined;
    return {
      samples,
      half,
      end,
      elapsedS,
      growthOverLastHalfMB: round(end.rssMB - half.rssMB, 1),
      cpuPercentOfCore,
      bytesPerSec: round((bytes - bytes0) / elapsedS, 0),
      screen: screen.text(),
      atEnd: atEndResult,
    };
  } finally {
    await quit(child);
  }
}
