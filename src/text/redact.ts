/**
 * The one redaction every line passes on its way out of the program (errors,
 * crashes, reports, the journal, the screen). Two kinds of secrets are masked:
 *
 * - what looks like a secret wherever it appears: the password of any
 *   `scheme://user:password@host` URL, `password=...` style parameters, and
 *   `Authorization:` style header values;
 * - what the config told us is secret (see `rememberSecret`): URL passwords as
 *   written (a base64 password with an unencoded `/`, `#` or `?` does not look
 *   like a URL password any more once a parser has split it), values of
 *   secret-looking `${ENV}` variables, password fields and header values.
 *
 * Known secrets are kept for the life of the process: a secret of a config
 * that failed to load must still be masked in the error that says why.
 */

const MASK = '***';

// Anything shorter would mangle ordinary words when masked.
const MIN_SECRET_LENGTH = 4;

const known = new Set<string>();

/** Marks `secret` (and its percent-encoded and -decoded forms) as never to be shown. */
export function rememberSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return;
  for (const form of [secret, safeDecode(secret), encodeURIComponent(secret)]) {
    if (form.length >= MIN_SECRET_LENGTH) known.add(form);
  }
}

/** For tests: forget every remembered secret. */
export function forgetSecrets(): void {
  known.clear();
}

// scheme://userinfo@ — the userinfo runs to the LAST @ of the token, because a
// password may carry unencoded @ / # ? (a path or query with an @ is rarer
// than a password with one, and masking too much is the safe mistake).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s'"<>`]*)@/gi;
const PARAM = /\b((?:password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?key|auth)\s*=\s*)("[^"]*"|'[^']*'|[^\s&;,'"]+)/gi;
// not after a dot: `metrics[0].headers.Authorization: environment variable X is not set` is a config path and its problem, not a header
const HEADER = /(?<!\.)\b((?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|cookie)\s*:\s*)(\S[^\n]*)/gi;

/** `text` with every secret it carries replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  if (known.size > 0) {
    // longest first, so a secret that contains another is masked whole
    for (const s of [...known].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(MASK);
    }
  }
  return out
    .replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => `${scheme}${maskUserinfo(userinfo)}@`)
    .replace(PARAM, (_m, key: string) => `${key}${MASK}`)
    .replace(HEADER, (_m, key: string) => `${key}${MASK}`);
}

function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  if (colon >= 0) return `${userinfo.slice(0, colon)}:${MASK}`;
  // a lone user part is often a token (https://TOKEN@host); short plain names stay readable
  return /^[A-Za-z0-9._-]{1,19}$/.test(userinfo) ? userinfo : MASK;
}

/**
 * The password of a URL as written, even when no URL parser accepts it: the
 * part between the first `:` after `//` and the last `@`.
 */
export function urlPassword(url: string): string | undefined {
  // greedy to the last @, spaces included: a config value is one URL
  const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is.exec(url.trim());
  const userinfo = m?.[1];
  if (!userinfo) return undefined;
  const colon = userinfo.indexOf(':');
  if (colon < 0) return /^[A-Za-z0-9._-]{1,19}$/.test(userinfo) ? undefined : userinfo;
  return userinfo.slice(colon + 1) || undefined;
}

// "key" alone is not enough: queue configs have key and deadKey, which name Redis keys
const SECRET_NAME = /pass|pwd|secret|token|api_?key|access_?key|private_?key|auth|cred|cookie/i;

/** Whether a variable or key of this name holds a secret. */
export function looksSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
