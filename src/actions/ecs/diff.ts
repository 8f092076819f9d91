/** The lines a rollback plan shows: what differs between two task definition revisions. */
import type { TaskDefinitionSummary } from '../../model/ecs.js';

const tag = (image: string) => {
  const at = image.lastIndexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  return colon >= 0 ? image.slice(colon + 1) : 'latest';
};

export function diffTaskDefinitions(from: TaskDefinitionSummary, to: TaskDefinitionSummary): string[] {
  const lines: string[] = [];
  if (from.cpu !== to.cpu) lines.push(`cpu: ${from.cpu ?? '-'} → ${to.cpu ?? '-'}`);
  if (from.memory !== to.memory) lines.push(`memory: ${from.memory ?? '-'} → ${to.memory ?? '-'}`);
  const names = [...new Set([...from.containers.map((c) => c.name), ...to.containers.map((c) => c.name)])];
  for (const name of names) {
    const a = from.containers.find((c) => c.name === name);
    const b = to.containers.find((c) => c.name === name);
    if (!a) {
      lines.push(`container ${name}: added (${b!.image})`);
      continue;
    }
    if (!b) {
      lines.push(`container ${name}: removed (${a.image})`);
      continue;
    }
    if (a.image !== b.image) lines.push(`${name} image: ${tag(a.image)} → ${tag(b.image)}${a.image.split(':')[0] !== b.image.split(':')[0] ? ` (${a.image} → ${b.image})` : ''}`);
    if (a.cpu !== b.cpu) lines.push(`${name} cpu: ${a.cpu ?? '-'} → ${b.cpu ?? '-'}`);
    if (a.memory !== b.memory) lines.push(`${name} memory: ${a.memory ?? '-'} → ${b.memory ?? '-'}`);
    const added = b.environmentNames.filter((n) => !a.environmentNames.includes(n));
    const removed = a.environmentNames.filter((n) => !b.environmentNames.includes(n));
    if (added.length) lines.push(`${name} env added: ${added.join(', ')}`);
    if (removed.length) lines.push(`${name} env removed: ${removed.join(', ')}`);
    const sAdded = b.secretNames.filter((n) => !a.secretNames.includes(n));
    const sRemoved = a.secretNames.filter((n) => !b.secretNames.includes(n));
    if (sAdded.length) lines.push(`${name} secrets added: ${sAdded.join(', ')}`);
    if (sRemoved.length) lines.push(`${name} secrets removed: ${sRemoved.join(', ')}`);
  }
  return lines.length ? lines : ['the two revisions have the same images, cpu, memory and variable names'];
}
