/** A local HTTP server that misbehaves on request, for the probe tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  base: string;
  /** requests seen, by path */
  hits: Map<string, number>;
  /** release everything held by /hold and /trickle */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json = (status: number, body: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export async function startTestServer(): Promise<TestServer> {
  const hits = new Map<string, number>();
  const held = new Set<ServerResponse>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  // requests parked at /barrier until `n` of them are in: only parallel probes get through
  const barrier: ServerResponse[] = [];

  const routes: Record<string, Handler> = {
    '/ok': json(200, { status: 'healthy', version: '1.4.2', build: { version: 'abc123', time: 1 }, uptime: 12, checks: { db: 'ok' } }),
    '/app-version': json(200, { status: 'ok', app_version: '2026.1.3' }),
    '/down': json(503, { status: 'unhealthy' }),
    '/degraded': json(200, { status: 'degraded', version: '1.4.2', ready: false }),
    '/created': json(201, { status: 'healthy' }),
    '/escape': json(200, { status: 'ok\u001b[2J\u0007', version: 'x\ny' }),
    '/text': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>It works!</body></html>');
    },
    '/redirect': (_req, res) => {
      res.writeHead(301, { location: '/ok' });
      res.end();
    },
    '/auth': (req, res) => {
      const ok = req.headers.authorization === `Basic ${Buffer.from('probe:s3cret-token').toString('base64')}`;
      json(ok ? 200 : 401, { status: ok ? 'healthy' : 'denied' })(req, res);
    },
    '/hangup': (req) => {
      req.socket.destroy();
    },
    // answers nothing until the client gives up
    '/hold': (_req, res) => {
      held.add(res);
    },
    // sends headers, then a byte now and then, never finishing
    '/trickle': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
      const timer = setInterval(() => res.write(' '), 50);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    },
    // 16 MiB of valid JSON, chunked, so no content-length warns the client
    '/huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"healthy","padding":"');
      const chunk = 'x'.repeat(64 * 1024);
      let left = 256;
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      res.on('close', () => (left = 0));
      pump();
    },
    '/huge-declared': (_req, res) => {
      const body = JSON.stringify({ status: 'healthy', padding: 'x'.repeat(200 * 1024) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
    '/barrier': (_req, res) => {
      barrier.push(res);
      if (barrier.length >= 3) for (const r of barrier.splice(0)) json(200, { status: 'healthy' })(_req, r);
    },
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route) route(req, res);
    else json(404, { error: 'no such route' })(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const r of [...held, ...barrier]) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
