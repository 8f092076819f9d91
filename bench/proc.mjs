// What /proc says about a process: its CPU time and resident memory.
import { readFileSync } from 'node:fs';

/** User + system CPU time of `pid` so far, in ms (clock ticks of 10 ms). */
export function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime: fields 14 and 15 of stat
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}
