/**
 * A tiny HTTP proxy in front of moto that forwards every request unchanged
 * and records which AWS operation it carried, so a test can assert exactly
 * which calls reached the emulator (e.g. "zero UpdateService"). Point the SDK
 * at `url` instead of moto's endpoint.
 *
 * The operation is read the way AWS routes it: the X-Amz-Target header of the
 * JSON protocols (ECS, Logs), else the Action= field of the query protocol
 * (STS, RDS), else the path of the RPC v2 CBOR protocol (CloudWatch:
 * /service/<svc>/operation/<Op>), else the path itself.
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ProxiedCall {
  /** e.g. "AmazonEC2ContainerServiceV20141113", "sts" (from the credential scope), or "" */
  service: string;
  /** e.g. "UpdateService" */
  operation: string;
  method: string;
  path: string;
  /** the request body, parsed: JSON for the JSON protocols, the form fields for the query protocol */
  input: Record<string, unknown>;
  /** the status moto answered with; undefined until it answered, or when it could not be reached */
  status?: number;
}

export interface CountingProxy {
  /** the URL to hand the SDK as its endpoint */
  url: string;
  /** every call so far, in arrival order */
  calls(operation?: string): ProxiedCall[];
  count(operation: string): number;
  /** operation → number of calls */
  counts(): Record<string, number>;
  /** the calls that are not plain reads (Describe*, List*, Get*) */
  mutating(): ProxiedCall[];
  /** forget what was seen so far */
  clear(): void;
  close(): Promise<void>;
}

// Every AWS read operation opsdeck uses starts with one of these; anything else may change something.
const READ_OPERATION = /^(Describe|List|Get|BatchGet)/;

export function isReadOperation(operation: string): boolean {
  return READ_OPERATION.test(operation);
}

/** Which AWS operation a request carries, whatever its protocol. */
export function operationOf(headers: IncomingHttpHeaders, path: string, body: string): Pick<ProxiedCall, 'service' | 'operation' | 'input'> {
  const target = header(headers, 'x-amz-target');
  const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(header(headers, 'authorization') ?? '')?.[1] ?? '';
  if (target) {
    const dot = target.lastIndexOf('.');
    return { service: target.slice(0, dot), operation: target.slice(dot + 1), input: parseJson(body) };
  }
  const type = header(headers, 'content-type') ?? '';
  if (type.includes('x-www-form-urlencoded') || /(^|&)Action=/.test(body)) {
    const form = Object.fromEntries(new URLSearchParams(body));
    const fromQuery = new URL(path, 'http://x').searchParams.get('Action');
    const action = typeof form.Action === 'string' ? form.Action : fromQuery;
    if (action) return { service: scope, operation: action, input: form };
  }
  const rpc = /\/service\/([^/]+)\/operation\/([^/?]+)/.exec(path);
  if (rpc) return { service: rpc[1]!, operation: rpc[2]!, input: {} };
  return { service: scope, operation: path, input: {} };
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let seen: ProxiedCall[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const call: ProxiedCall = { ...operationOf(req.headers, path, raw.toString('utf8')), method: req.method ?? 'GET', path };
      seen.push(call);
      const out = httpRequest(
        { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers, agent },
        (up) => {
          call.status = up.statusCode;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`counting proxy: ${target} did not answer: ${err.message}`);
      });
      out.end(raw);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    calls: (operation) => (operation === undefined ? [...seen] : seen.filter((c) => c.operation === operation)),
    count: (operation) => seen.filter((c) => c.operation === operation).length,
    counts: () => {
      const out: Record<string, number> = {};
      for (const c of seen) out[c.operation] = (out[c.operation] ?? 0) + 1;
      return out;
    },
    mutating: () => seen.filter((c) => !isReadOperation(c.operation)),
    clear: () => {
      seen = [];
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(body: string): Record<string, unknown> {
  if (!body) return {};
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
