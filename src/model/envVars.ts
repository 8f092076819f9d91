/**
 * A container's plain environment variables and an edit of them (set-env).
 * Values live here only on their way into a new task definition revision:
 * they are never drawn, journaled or put in an error, since teams put
 * tokens and URLs with passwords in plain variables as often as in secrets.
 */

export interface EnvVariable {
  name: string;
  value: string;
}

/** One container of a task definition revision as set-env reads it. */
export interface ContainerEnvironment {
  name: string;
  essential: boolean;
  /** the `environment` list, in its order, values included */
  environment: readonly EnvVariable[];
  /** names of variables injected from Secrets Manager / SSM (`secrets`, valueFrom) */
  secretNames: string[];
  /** how many environment files (S3) the container reads; their variables are not visible here */
  environmentFiles: number;
}

/** Variables to set (added or changed) and names to remove, in one container. */
export interface EnvironmentEdit {
  container: string;
  set: readonly EnvVariable[];
  unset: readonly string[];
}

/**
 * The names a shell can export: a letter or underscore, then letters,
 * digits and underscores. ECS itself takes nearly anything, but a name a
 * process cannot read back is a typo, not a setting.
 */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The container's variables after the edit: a changed one keeps its place, a
 * new one goes at the end, a removed one (and any duplicate of a set name,
 * which ECS would keep ambiguously) is dropped.
 */
export function applyEnvironmentEdit(environment: readonly EnvVariable[], edit: Pick<EnvironmentEdit, 'set' | 'unset'>): EnvVariable[] {
  const set = new Map(edit.set.map((v) => [v.name, v.value]));
  const unset = new Set(edit.unset);
  const placed = new Set<string>();
  const out: EnvVariable[] = [];
  for (const v of environment) {
    if (unset.has(v.name) || placed.has(v.name)) continue;
    const value = set.get(v.name);
    if (value !== undefined) placed.add(v.name);
    out.push({ name: v.name, value: value ?? v.value });
  }
  for (const v of edit.set) if (!placed.has(v.name)) out.push({ name: v.name, value: v.value });
  return out;
}
