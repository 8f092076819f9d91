/**
 * Connection URLs, parsed by their scheme when the config loads, so that a URL
 * no client can use is a config error naming its key (with the password
 * masked) instead of a crash at start that prints it. The usual culprit is a
 * base64 password with an unencoded `/`, `#` or `?`: a URL parser then ends
 * the host part inside the password.
 *
 * Loading also tells the redaction which strings of this config are secret.
 */
import { looksSecretName, redact, rememberSecret, urlPassword } from '../text/redact.js';
import type { Problem } from './errors.js';

type UrlKind = 'redis' | 'postgres' | 'http';

const SCHEMES: Record<UrlKind, { protocols: string[]; example: string }> = {
  redis: { protocols: ['redis:', 'rediss:'], example: 'redis://:PASSWORD@host:6379/0 or rediss://...' },
  postgres: { protocols: ['postgres:', 'postgresql:'], example: 'postgres://user:PASSWORD@host:5432/database' },
  http: { protocols: ['http:', 'https:'], example: 'https://host/health' },
};

const ENCODE_HINT = 'percent-encode / # ? @ % and spaces in the user and password (/ is %2F, # is %23, ? is %3F, @ is %40)';

/** Why `url` cannot be used as a `kind` URL, or undefined. The message shows the URL with its password masked. */
export function urlProblem(url: string, kind: UrlKind): string | undefined {
  const { protocols, example } = SCHEMES[kind];
  // pg's own "/socket/dir dbname" form
  if (kind === 'postgres' && url.startsWith('/')) return undefined;
  const shown = `"${maskedUrl(url)}"`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return `${shown} is not a URL (expected ${example})`;
  if (!protocols.includes(`${scheme}:`)) return `${shown} starts with ${scheme}:// (expected ${protocols.map((p) => `${p}//`).join(' or ')})`;
  const port = portOf(url);
  if (port !== undefined && !/^\d{1,5}$/.test(port) && !hasCredentials(url)) return `${shown} has port "${port}", which is not a number`;
  if (port !== undefined && /^\d+$/.test(port) && (Number(port) < 1 || Number(port) > 65535)) return `${shown} has port ${port}, outside 1-65535`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return hasCredentials(url) ? `${shown} does not parse as a URL; ${ENCODE_HINT}` : `${shown} does not parse as a URL (expected ${example})`;
  }
  // parsed, but the host came out of the password: "user:12/34@host" reads as host "user", port 12
  if (hasCredentials(url) && !u.password && !u.username) return `${shown} does not parse as intended: the host would be "${u.hostname}"; ${ENCODE_HINT}`;
  if (`${u.pathname}${u.search}${u.hash}`.includes('@')) return `${shown} does not parse as intended: the host would be "${u.hostname}"; ${ENCODE_HINT}`;
  if (!u.hostname && !(kind === 'postgres' && u.searchParams.has('host'))) return `${shown} has no host (expected ${example})`;
  try {
    decodeURIComponent(u.password);
    decodeURIComponent(u.username);
  } catch {
    return `${shown} has a malformed %-escape in the user or password; ${ENCODE_HINT}`;
  }
  return undefined;
}

/** The URL with its password masked, also when no parser accepts the URL. */
export function maskedUrl(url: string): string {
  rememberSecret(urlPassword(url));
  return redact(url);
}

function hasCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^\s]*@/i.test(url);
}

/** The port as written: after the last @ (or the //), up to the path. */
function portOf(url: string): string | undefined {
  const rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const afterAt = rest.slice(rest.lastIndexOf('@') + 1);
  const hostPort = afterAt.split(/[/?#]/)[0] ?? '';
  if (hostPort.startsWith('[')) {
    const m = /^\[[^\]]*\]:(.*)$/.exec(hostPort);
    return m?.[1] || undefined;
  }
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? undefined : hostPort.slice(colon + 1) || undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A problem for each redis[].url, postgres[].url and postgres[].admin of every environment that no client could use. */
export function connectionUrlProblems(value: unknown): Problem[] {
  const envs = isObj(value) && isObj(value.environments) ? value.environments : {};
  const out: Problem[] = [];
  for (const [name, env] of Object.entries(envs)) {
    if (!isObj(env)) continue;
    for (const kind of ['redis', 'postgres'] as const) {
      const list = env[kind];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, i) => {
        // a postgres entry's admin URL is checked like its url
        for (const key of kind === 'postgres' ? ['url', 'admin'] : ['url']) {
          const url = isObj(entry) ? entry[key] : undefined;
          if (typeof url !== 'string' || url === '') continue;
          const problem = urlProblem(url, kind);
          if (problem) out.push({ path: ['environments', name, kind, i, key], message: problem });
        }
      });
    }
  }
  return out;
}

/**
 * Tells the redaction what in this config is secret: URL passwords as
 * written, values under secret-sounding keys (password, token, headers), a
 * probe's body when it is a string, and the values of `${ENV}` variables
 * that sound secret or were used in request headers or a body, whatever
 * their name (`Bearer ${OPS_KEY}`).
 */
export function rememberConfigSecrets(value: unknown, fromEnv: ReadonlyMap<string, string[]>, env: NodeJS.ProcessEnv): void {
  for (const [path, vars] of fromEnv) {
    const sent = /"(headers|body)"/.test(path);
    for (const name of vars) if (sent || looksSecretName(name)) rememberSecret(env[name]);
  }
  // a notification target's URL carries its token in the path, and a routing key names no secret
  const walk = (v: unknown, secret: boolean, notify = false): void => {
    if (typeof v === 'string') {
      if (secret) rememberUrlParts(v);
      // as written: once a parser split a password with an unencoded / # ?, it no longer looks like one
      rememberSecret(urlPassword(v));
      return;
    }
    if (Array.isArray(v)) v.forEach((item) => walk(item, secret, notify));
    // a body object's plain words (e.g. "check": "deep") would be masked everywhere: only its secret-named keys and ${ENV} values are
    else if (isObj(v)) for (const [k, item] of Object.entries(v)) walk(item, secret || looksSecretName(k) || /^headers$/i.test(k) || (k === 'body' && typeof item === 'string') || (notify && /^(url|routingKey)$/.test(k)), notify || k === 'notify');
  };
  walk(value, false);
}

/**
 * A secret that may be a URL whose token is its path or query (a Slack or
 * team webhook): the whole, and its path and query apart, since a message
 * may quote either without the host.
 */
export function rememberUrlParts(value: string): void {
  rememberSecret(value);
  if (!/^https?:\/\//i.test(value)) return;
  try {
    const u = new URL(value);
    if (u.pathname.length > 1) rememberSecret(`${u.pathname}${u.search}`);
    if (u.search) rememberSecret(u.search.slice(1));
  } catch {
    // not a URL after all: remembered whole
  }
}
