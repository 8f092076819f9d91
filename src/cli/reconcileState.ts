/**
 * What a lost intent's target looks like now, from one read per area the
 * intents touch (ECS services, RDS instances, queues), put in words by the
 * same function the dashboard's finding uses (audit/targetState.ts).
 */
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import { areaOfAction, targetStateNow, type TargetData } from '../audit/targetState.js';
import { errorMessage } from '../text/sanitize.js';
import type { OpenedEnvironment } from './environment.js';

const READ_TIMEOUT_MS = 10_000;

const NAMES = { rds: 'RDS', ecs: 'ECS', queues: 'the queues' } as const;

export async function currentStates(opened: OpenedEnvironment, intents: readonly UnreconciledIntent[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const signal = AbortSignal.timeout(READ_TIMEOUT_MS);
  const s = opened.sources;
  const readers: { [K in keyof TargetData]-?: () => Promise<NonNullable<TargetData[K]>> } = {
    rds: () => s.rds.describe(signal),
    ecs: () => s.ecs.describe(signal),
    queues: () => s.queues.read(signal),
  };
  const areas = [...new Set(intents.map((i) => areaOfAction(i.action)).filter((a) => a !== undefined))];
  const data: TargetData = {};
  const failed = new Map<string, string>();
  await Promise.all(
    areas.map(async (area) => {
      try {
        Object.assign(data, { [area]: await readers[area]() });
      } catch (err) {
        failed.set(area, `${NAMES[area]} could not be read: ${errorMessage(err)}`);
      }
    }),
  );
  const now = Date.now();
  for (const i of intents) {
    const area = areaOfAction(i.action);
    const said = (area && failed.get(area)) ?? targetStateNow(i, data, now);
    if (said) out.set(i.seq, said);
  }
  return out;
}
