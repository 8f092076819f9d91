/**
 * The built CLI (`npm run build` first) pointed at a counting proxy in front
 * of moto, as a cron job would run it: dummy keys, no AWS config files, no
 * TTY. Spawned asynchronously: the proxy runs in the caller's process.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOTO_REGION } from '../support/moto.js';
import { FLEET_CLUSTERS } from './ecsFleet.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** An environment "moto" with the fleet's clusters, every service of each. */
export function writeFleetConfig(dir: string): string {
  const file = join(dir, 'opsdeck.yaml');
  const clusters = FLEET_CLUSTERS.map((c) => `      - cluster: ${c}\n`).join('');
  writeFileSync(file, `environments:\n  moto:\n    aws:\n      region: ${MOTO_REGION}\n    ecs:\n${clusters}`);
  return file;
}

/** `bin`: where bin/opsdeck.js is when this module is bundled elsewhere */
export function runCli(args: string[], opts: { endpoint: string; dir: string; timeoutMs?: number; bin?: string }): Promise<CliRun> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') || k.startsWith('OPSDECK_')) delete env[k];
  Object.assign(env, {
    NO_COLOR: '1',
    OPSDECK_STATE_DIR: join(opts.dir, 'state'),
    AWS_ENDPOINT_URL: opts.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(opts.dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(opts.dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}
