/** ECS services: is every service running what it should, and is a rollout stuck? */
import { GLYPH, markOf, problemTone } from '../theme.js';
import type { Line } from '../text.js';
import { seg } from '../text.js';
import { age } from '../format.js';
import type { PanelView } from './types.js';
import { ecsDetail } from './EcsDetail.js';
import { ecsWarnings, filterServices, serviceLevel, serviceProblems, serviceTable } from './ecsTable.js';

/** One muted line: what the source could not read (metrics, stopped tasks), so a blank column is explained. */
export function warningsLine(warnings: readonly string[]): Line | undefined {
  return warnings.length ? [seg(`${GLYPH.warn} ${warnings.join(' · ')}`, 'muted')] : undefined;
}

export const ecsPanel: PanelView<'ecs'> = {
  id: 'ecs',
  count: (data, filter) => filterServices(data.services, filter).length,
  summary(data, _now, verdicts) {
    const line: Line = [seg(`${data.services.length} svc `, 'muted')];
    for (const svc of data.services) {
      const tone = problemTone(serviceLevel(svc, verdicts));
      line.push(seg(` ${svc.name} ${svc.running}/${svc.desired}`, tone));
      if (tone) line.push(seg(markOf(serviceLevel(svc, verdicts)).text, tone));
    }
    return line;
  },
  body(data, ctx) {
    const services = filterServices(data.services, ctx.filter);
    const warning = warningsLine(ecsWarnings(data));
    if (services.length === 0) {
      return [[seg(data.services.length === 0 ? 'no services' : `no service matches /${ctx.filter}`, 'muted')], ...(warning ? [warning] : [])];
    }
    const selected = Math.min(ctx.selected, services.length - 1);
    if (ctx.detail) return ecsDetail(services, selected, ctx, warning);
    // Under the table: why each unhealthy service is red or yellow, then what the selected one last did.
    const unhealthy = services.filter((s) => problemTone(serviceLevel(s, ctx.verdicts)) !== undefined);
    const tableRows = Math.min(services.length + 1, Math.max(2, ctx.height - Math.min(unhealthy.length, 3) - 1 - (warning ? 1 : 0)));
    const out = serviceTable(services, ctx.verdicts, ctx.width, tableRows, selected, ctx.focused);
    if (warning && out.length < ctx.height) out.push(warning);
    for (const s of unhealthy) {
      if (out.length >= ctx.height) break;
      const mark = markOf(serviceLevel(s, ctx.verdicts));
      out.push([seg(`${mark.text} ${s.name}: `, mark.tone), seg(serviceProblems(s, ctx.verdicts).join(' · '), mark.tone)]);
    }
    const svc = services[selected]!;
    if (out.length < ctx.height && svc.events.length > 0) out.push([seg(`${svc.name} events`, 'muted')]);
    for (const ev of svc.events) {
      if (out.length >= ctx.height) break;
      out.push([seg(`${age(ctx.now - ev.at).padStart(4)} `, 'muted'), seg(ev.message)]);
    }
    return out;
  },
};
