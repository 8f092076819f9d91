/**
 * A child `node` process spoken to in JSON lines: one object per line on
 * stdin, one per line on stdout. Tests await the child's replies instead of
 * sleeping.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export class LineChild {
  readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: unknown[] = [];
  private readonly waiters: Array<(v: unknown) => void> = [];
  private stderr = '';
  private exited: Promise<number | null>;

  constructor(script: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(process.execPath, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = { unparsed: line };
      }
      const w = this.waiters.shift();
      if (w) w(value);
      else this.lines.push(value);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.exited.then(() => {
      // wake anyone still waiting, with what the child said on its way out
      for (const w of this.waiters.splice(0)) w({ exited: true, stderr: this.stderr });
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  send(message: unknown): void {
    this.proc.stdin.write(JSON.stringify(message) + '\n');
  }

  next<T = Record<string, unknown>>(): Promise<T> {
    if (this.lines.length) return Promise.resolve(this.lines.shift() as T);
    if (this.proc.exitCode !== null) return Promise.resolve({ exited: true, stderr: this.stderr } as T);
    return new Promise((resolve) => this.waiters.push(resolve as (v: unknown) => void));
  }

  async close(): Promise<number | null> {
    this.proc.stdin.end();
    return this.exited;
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill();
  }

  get errors(): string {
    return this.stderr;
  }
}

/** A pid that belonged to a process that has exited (so nothing holds it right now). */
export async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => p.on('exit', resolve));
  return p.pid!;
}
