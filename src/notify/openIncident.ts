/**
 * The incident open in this state directory, read without blocking (the
 * pointer and the timeline's first line), so an action's notification can
 * say which incident it belongs to, and PagerDuty can put it on that
 * incident's alert. Only an incident of the same environment (or of none)
 * counts: a scale in staging is not part of an incident in prod.
 */
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { currentPointerPath } from '../incident/incident.js';
import { oneLine } from '../text/sanitize.js';
import type { IncidentRef } from './events.js';

type Env = Record<string, string | undefined>;

const ID = /^[0-9]{8}-[0-9]{6}-[a-z0-9-]{1,40}$/;

export async function openIncidentOf(environment: string, env: Env): Promise<IncidentRef | undefined> {
  try {
    const pointer = currentPointerPath(env);
    const id = (await readFile(pointer, 'utf8')).trim();
    if (!ID.test(id)) return undefined;
    const start = JSON.parse(await firstLine(join(dirname(pointer), id, 'timeline.jsonl'))) as { kind?: unknown; title?: unknown; environment?: unknown };
    if (start.kind !== 'start' || typeof start.title !== 'string') return undefined;
    if (typeof start.environment === 'string' && start.environment !== environment) return undefined;
    return { id, title: oneLine(start.title, 200) };
  } catch {
    // no incident, or one being written: the notification goes without it
    return undefined;
  }
}

async function firstLine(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    return nl < 0 ? text : text.slice(0, nl);
  } finally {
    await fh.close();
  }
}
