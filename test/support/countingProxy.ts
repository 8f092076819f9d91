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
 *
 * Options make moto behave like AWS where a test needs it to:
 * `latencyMs` holds every call that long before forwarding it (a slow API),
 * `delayOf` holds one kind of call (a slow UpdateService, to race two actions),
 * and `pageLists` pages the ECS list calls the way AWS does (maxResults, or
 * the API's default page, and a nextToken), which moto does not: it answers
 * every list in one page whatever maxResults says, so a client that never
 * follows nextToken would pass against it.
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

export interface CountingProxyOptions {
  /** added before each call is forwarded */
  latencyMs?: number;
  /** page ListServices / ListTasks / ListTaskDefinitions / ListClusters as AWS does */
  pageLists?: boolean;
  /** held this long before forwarding, per operation (e.g. a slow UpdateService); added to latencyMs */
  delayOf?: (operation: string) => number;
}

/** The ECS list calls: which field holds the items, and AWS's page size when maxResults is absent. */
const PAGED: Record<string, { items: string; defaultPage: number }> = {
  ListServices: { items: 'serviceArns', defaultPage: 10 },
  ListTasks: { items: 'taskArns', defaultPage: 100 },
  ListTaskDefinitions: { items: 'taskDefinitionArns', defaultPage: 100 },
  ListClusters: { items: 'clusterArns', defaultPage: 100 },
};
const TOKEN_PREFIX = 'proxy-page:';

interface Paging {
  field: string;
  from: number;
  size: number;
  /** ListTaskDefinitions sort=DESC: moto ignores it and lists oldest first */
  reverse: boolean;
}

/** What to ask moto for instead (the request without paging fields), and how to cut its answer. */
function pagingOf(call: Pick<ProxiedCall, 'operation' | 'input'>, body: Buffer): { body: Buffer; paging: Paging } | undefined {
  const spec = PAGED[call.operation];
  if (!spec) return undefined;
  const { nextToken, maxResults, ...rest } = call.input;
  const from = typeof nextToken === 'string' && nextToken.startsWith(TOKEN_PREFIX) ? Number(nextToken.slice(TOKEN_PREFIX.length)) : 0;
  const size = typeof maxResults === 'number' ? maxResults : spec.defaultPage;
  const reverse = call.operation === 'ListTaskDefinitions' && rest.sort === 'DESC';
  return { body: body.length > 0 ? Buffer.from(JSON.stringify(rest)) : body, paging: { field: spec.items, from, size, reverse } };
}

function cutPage(raw: Buffer, p: Paging): Buffer {
  const out = parseJson(raw.toString('utf8'));
  const all = Array.isArray(out[p.field]) ? (out[p.field] as unknown[]) : [];
  const ordered = p.reverse ? [...all].reverse() : all;
  const to = p.from + p.size;
  const page: Record<string, unknown> = { ...out, [p.field]: ordered.slice(p.from, to) };
  delete page.nextToken;
  if (to < ordered.length) page.nextToken = `${TOKEN_PREFIX}${to}`;
  return Buffer.from(JSON.stringify(page));
}

export async function startCountingProxy(target: string, options: CountingProxyOptions = {}): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let seen: ProxiedCall[] = [];

  const server: Server = createServer((req, res) => {
    // a held call is still forwarded when its client was killed meanwhile: the answer then has nobody to go to
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const call: ProxiedCall = { ...operationOf(req.headers, path, raw.toString('utf8')), method: req.method ?? 'GET', path };
      seen.push(call);
      const paged = options.pageLists ? pagingOf(call, raw) : undefined;
      const body = paged?.body ?? raw;
      const forward = () => {
        const headers = { ...req.headers, 'content-length': String(body.length) };
        const out = httpRequest(
          { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path, headers, agent },
          (up) => {
            call.status = up.statusCode;
            if (!paged || up.statusCode !== 200) {
              res.writeHead(up.statusCode ?? 502, up.headers);
              up.pipe(res);
              return;
            }
            const parts: Buffer[] = [];
            up.on('data', (c: Buffer) => parts.push(c));
            up.on('end', () => {
              const page = cutPage(Buffer.concat(parts), paged.paging);
              const { 'transfer-encoding': _chunked, ...headers } = up.headers;
              res.writeHead(200, { ...headers, 'content-length': String(page.length) });
              res.end(page);
            });
          },
        );
        out.on('error', (err) => {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`counting proxy: ${target} did not answer: ${err.message}`);
        });
        out.end(body);
      };
      const wait = (options.latencyMs ?? 0) + (options.delayOf?.(call.operation) ?? 0);
      if (wait > 0) setTimeout(forward, wait);
      else forward();
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
