/**
 * A private PostgreSQL for tests that must see the server die: initdb into a
 * temp dir and pg_ctl on a free port. initdb refuses to run as root, so when
 * the tests run as root every server command runs as the postgres OS user.
 * Trust auth on 127.0.0.1 only; the socket lives in the data dir. A
 * streaming standby of such a server can be started too.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './moto.js';

const run = promisify(execFile);

export interface PgServer {
  port: number;
  dataDir: string;
  /** postgres://postgres@127.0.0.1:PORT/DB */
  url(database?: string): string;
  /** start (again) on the same port */
  start(): Promise<void>;
  /** an abrupt stop: every connection is cut without a goodbye */
  kill(): Promise<void>;
  /** stop and delete the data dir */
  destroy(): Promise<void>;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  for (const v of [17, 16, 15, 14, 13]) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return ''; // on PATH
}

async function osUser(name: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

type Exec = (name: string, args: string[]) => Promise<unknown>;

function executor(): Exec {
  const bin = binDir();
  const tool = (name: string) => (bin ? join(bin, name) : name);
  const asRoot = process.getuid?.() === 0;
  return async (name, args) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', tool(name), ...args]] : [tool(name), args];
    try {
      return await run(cmd, argv, { timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${name} ${args[0] ?? ''} failed: ${e.stderr || e.message}`);
    }
  };
}

/** An empty temp dir the server's OS user owns. */
async function ownedTempDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = await osUser('postgres');
    chownSync(dir, uid, gid);
  }
  return dir;
}

/** Start a server on a prepared data dir; the dir is removed if it does not come up. */
async function serve(exec: Exec, dataDir: string, settings: Record<string, string>): Promise<PgServer> {
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${dataDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');

  const server: PgServer = {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await exec('pg_ctl', ['start', '-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-t', '30', '-o', serverOptions]);
    },
    kill: async () => {
      await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '30']);
    },
    destroy: async () => {
      await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return server;
}

export async function startPgServer(settings: Record<string, string> = {}): Promise<PgServer> {
  const exec = executor();
  const dataDir = await ownedTempDir();
  try {
    await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return serve(exec, dataDir, settings);
}

/** A streaming standby of `primary` (initdb's pg_hba already trusts local replication). */
export async function startPgReplica(primary: PgServer): Promise<PgServer> {
  const exec = executor();
  const dataDir = await ownedTempDir();
  try {
    await exec('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--no-sync']);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return serve(exec, dataDir, {});
}
