/**
 * A moto server (the AWS emulator) for one test file: started on a free port,
 * reset between tests, stopped after the file. Clients reach it through the
 * SDK overrides below: endpoint, region us-east-1 and dummy keys on the client
 * config, so nothing leaks into process.env.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { SdkOverrides } from '../../src/sources/aws/clients.js';

export interface Moto {
  endpoint: string;
  /** client settings that point the SDK at this server */
  sdk: SdkOverrides;
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** an EC2 query-protocol call (no EC2 client is installed); returns the XML */
  ec2(params: Record<string, string>): Promise<string>;
}

export const MOTO_REGION = 'us-east-1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** `env` is for moto's own switches, e.g. MOTO_ECS_SERVICE_RUNNING. */
export async function startMoto(env: Record<string, string> = {}, timeoutMs = 25_000): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (dead) {
      const hint = /No module named/.test(stderr) ? ' (install it: pip install "moto[server]==5.2.1")' : '';
      throw new Error(`moto exited before answering${hint}:\n${stderr}`);
    }
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      await stop(child, exited);
      throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint,
    sdk: { endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 },
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    stop: () => stop(child, exited),
    ec2: async (params) => {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          // moto routes by the service in the credential scope and does not check the signature
          authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${MOTO_REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: new URLSearchParams({ ...params, Version: '2016-11-15' }).toString(),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`EC2 ${params.Action} failed: ${text.slice(0, 300)}`);
      return text;
    },
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
