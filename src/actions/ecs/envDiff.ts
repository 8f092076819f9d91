/**
 * What a set-env changes in a container's variables, by name: the plan shows
 * this and only this. Values are compared here and never leave.
 */
import type { EnvVariable } from '../../model/envVars.js';

export interface EnvDiff {
  added: string[];
  /** set to another value than the one it has */
  changed: string[];
  removed: string[];
  /** set to the value it already has */
  same: string[];
  /** asked to be removed, but not among the container's variables */
  notSet: string[];
  /** variables the edit leaves as they are (the `same` ones included) */
  unchanged: number;
}

export function envDiff(current: readonly EnvVariable[], set: readonly EnvVariable[], unset: readonly string[]): EnvDiff {
  // the value ECS would give the process: the last of duplicate names
  const now = new Map(current.map((v) => [v.name, v.value]));
  const diff: EnvDiff = { added: [], changed: [], removed: [], same: [], notSet: [], unchanged: 0 };
  for (const v of set) {
    const before = now.get(v.name);
    if (before === undefined) diff.added.push(v.name);
    else if (before === v.value) diff.same.push(v.name);
    else diff.changed.push(v.name);
  }
  for (const name of unset) (now.has(name) ? diff.removed : diff.notSet).push(name);
  const touched = new Set([...diff.changed, ...diff.removed]);
  diff.unchanged = [...now.keys()].filter((n) => !touched.has(n)).length;
  for (const list of [diff.added, diff.changed, diff.removed, diff.same, diff.notSet]) list.sort();
  return diff;
}

/** "add 1, change 2, remove 1; 7 unchanged" */
export function diffCounts(d: EnvDiff): string {
  const parts = [d.added.length && `add ${d.added.length}`, d.changed.length && `change ${d.changed.length}`, d.removed.length && `remove ${d.removed.length}`].filter(Boolean);
  return `${parts.length ? parts.join(', ') : 'no change'}; ${d.unchanged} unchanged`;
}

/** True when the edit would register a revision identical in its variables. */
export function changesNothing(d: EnvDiff): boolean {
  return d.added.length + d.changed.length + d.removed.length === 0;
}
