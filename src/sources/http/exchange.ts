/**
 * One request and its answer over node:http(s), which (unlike fetch) hands
 * over the certificate the server presented and takes a CA of our own.
 *
 * Redirects are followed only when the config asks: a health URL that
 * redirects (to a login page, to a trailing slash) is a config mistake worth
 * seeing, and following it could turn a login page into a green probe. When
 * followed, the configured headers and URL credentials go only to the
 * origin they were configured for.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export const MAX_REDIRECTS = 5;

export interface Outgoing {
  method: string;
  /** sent to every hop: accept, user-agent */
  headers: Record<string, string>;
  /** the configured headers and URL credentials: sent only to the configured origin */
  credentials: Record<string, string>;
  body?: Buffer;
  ca?: Buffer;
  insecure: boolean;
  followRedirects: boolean;
}

export interface Answer {
  res: IncomingMessage;
  /** the certificate of the configured URL's server (the first hop), when https */
  cert?: PeerCertificate;
  /** redirects followed */
  hops: number;
}

function once(url: URL, out: Outgoing, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<Omit<Answer, 'hops'>> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const sized = body ? { ...headers, 'content-length': String(body.byteLength) } : headers;
    // no agent: a probe measures a fresh connection, as a new client would see it
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { method: out.method, headers: sized, signal, agent: false, ...(https ? { ca: out.ca, rejectUnauthorized: !out.insecure } : {}) },
      (res) => {
        const socket = res.socket as TLSSocket | null;
        const cert = https && socket && typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
        resolve({ res, ...(cert && Object.keys(cert).length > 0 ? { cert } : {}) });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function exchange(url: URL, out: Outgoing, signal: AbortSignal): Promise<Answer> {
  let at = url;
  let method = out.method;
  let body = out.body;
  let base = out.headers;
  let first: PeerCertificate | undefined;
  for (let hops = 0; ; hops++) {
    const headers = at.origin === url.origin ? { ...base, ...out.credentials } : base;
    const answer = await once(at, { ...out, method }, headers, body, signal);
    if (hops === 0) first = answer.cert;
    const status = answer.res.statusCode ?? 0;
    const location = answer.res.headers.location;
    if (!out.followRedirects || !REDIRECTS.has(status) || !location || hops >= MAX_REDIRECTS) return { res: answer.res, hops, ...(first ? { cert: first } : {}) };
    answer.res.resume();
    at = new URL(location, at);
    // 303, and 301/302 after a POST as every browser does, become a GET without a body; 307/308 repeat the request
    if (status === 303 || ((status === 301 || status === 302) && method !== 'GET' && method !== 'HEAD')) {
      method = 'GET';
      body = undefined;
      const { 'content-type': _dropped, ...rest } = base;
      base = rest;
    }
  }
}
