/**
 * A response body read up to a cap. A health endpoint that starts streaming a
 * log file or a video must not hold the probe or the process's memory: past
 * the cap the rest is dropped unread and the connection closed.
 */
import type { IncomingMessage } from 'node:http';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface CappedBody {
  text: string;
  /** bytes read (at most cap + one chunk) */
  bytes: number;
  /** the body was longer than the cap, so `text` is empty: half a JSON document parses as nothing useful */
  overCap: boolean;
}

export async function readCapped(res: IncomingMessage, cap: number): Promise<CappedBody> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    res.destroy();
    return { text: '', bytes: 0, overCap: true };
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.byteLength;
    if (bytes > cap) {
      res.destroy();
      return { text: '', bytes, overCap: true };
    }
    chunks.push(chunk);
  }
  return { text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)), bytes, overCap: false };
}

/** The same cap for a fetch Response (the metrics scrape uses fetch; the probes need the socket's certificate, so node:http). */
export async function readCappedResponse(res: Response, cap: number): Promise<CappedBody> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) {
    await res.body?.cancel().catch(() => {});
    return { text: '', bytes: 0, overCap: true };
  }
  if (!res.body) return { text: '', bytes: 0, overCap: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > cap) {
      await reader.cancel().catch(() => {});
      return { text: '', bytes, overCap: true };
    }
    chunks.push(value);
  }
  return { text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)), bytes, overCap: false };
}
