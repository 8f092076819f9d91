/**
 * Why a request got no answer, in the words an engineer would use: the reason
 * may hide in `cause` (sometimes one level deeper, in an AggregateError of
 * IPv4/IPv6 attempts), and node's "socket hang up" names no cause at all.
 */
import { errorMessage, oneLine } from '../../text/sanitize.js';

const TRANSPORT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection reset by the server',
  UND_ERR_SOCKET: 'connection closed by the server before it answered',
  ETIMEDOUT: 'could not connect (timed out)',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect (timed out)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed, try again (EAI_AGAIN)',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer is unknown',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is it http://, not https://?)',
  EPROTO: 'TLS handshake failed (is it http://, not https://?)',
  UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
  HPE_INVALID_CONSTANT: 'the answer is not HTTP',
};

function codeOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code) return code;
  if (err instanceof AggregateError) {
    for (const e of err.errors) {
      const c = codeOf(e, depth + 1);
      if (c) return c;
    }
  }
  return codeOf((err as { cause?: unknown }).cause, depth + 1);
}

/** The innermost message: "fetch failed" says nothing. */
function innermost(err: unknown): unknown {
  let at = err;
  for (let i = 0; i < 4 && at instanceof Error && at.cause !== undefined; i++) at = at.cause;
  return at;
}

// a certificate nobody vouches for: the config can say who does
const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

export function transportProblem(err: unknown): string {
  const code = codeOf(err);
  if (code === 'ECONNRESET' && errorMessage(err) === 'socket hang up') return 'connection closed by the server before it answered';
  if (code && UNTRUSTED.has(code)) return `${TRANSPORT[code]}: untrusted (set tls.ca to the PEM of the CA that issued it)`;
  if (code && TRANSPORT[code]) return TRANSPORT[code];
  const message = errorMessage(innermost(err)) || 'request failed';
  return oneLine(code && !message.includes(code) ? `${message} (${code})` : message, 200);
}
