import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Makes a newly created file's directory entry durable too. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms cannot fsync a directory; the file's own fsync still stands
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
