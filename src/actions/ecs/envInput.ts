/**
 * What the operator typed for set-env, checked before anything is read:
 * `NAME=VALUE` to set, `-NAME` (or --unset NAME) to remove, `@container` to
 * choose the container in the dashboard's prompt. Every error is one line
 * that names a NAME at most: a word that is not a name may be a value.
 */
import { ENV_NAME, type EnvVariable } from '../../model/envVars.js';
import { oneLine } from '../../text/sanitize.js';

export interface EnvWords {
  set: EnvVariable[];
  unset: string[];
  /** the container asked for; absent: the service's first essential one */
  container?: string;
}

const shownName = (name: string) => `"${oneLine(name, 40)}"`;

export function checkEnvName(name: string): string {
  if (ENV_NAME.test(name)) return name;
  throw new Error(`${shownName(name)} is not a variable name: letters, digits and _, not starting with a digit`);
}

function assignment(word: string): EnvVariable {
  const eq = word.indexOf('=');
  if (eq === 0) throw new Error('a variable to set is NAME=VALUE: one has nothing before its =');
  return { name: checkEnvName(word.slice(0, eq)), value: word.slice(eq + 1) };
}

/** An ECS container name: 1-255 letters, digits, hyphens and underscores. */
export function checkContainerName(name: string): string {
  if (/^[A-Za-z0-9_-]{1,255}$/.test(name)) return name;
  throw new Error(`${shownName(name)} is not a container name: letters, digits, - and _`);
}

/** Every name a shell name, none given twice, and something to do. */
export function checkEdit(set: readonly EnvVariable[], unset: readonly string[]): void {
  const names = [...set.map((v) => checkEnvName(v.name)), ...unset.map(checkEnvName)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`${twice} is given twice: set it once, or remove it`);
  if (names.length === 0) throw new Error('nothing to change: give NAME=VALUE to set a variable, or a name to remove');
}

/** The edit from `NAME=VALUE` words and names to remove; refuses a name given twice. */
export function envWords(assignments: readonly string[], unset: readonly string[], container?: string): EnvWords {
  const set = assignments.map((w) => {
    if (w.includes('=')) return assignment(w);
    // never echoed: a word without = is as likely the tail of a value with blanks as a name
    throw new Error('a word has no =: NAME=VALUE sets a variable (NAME= sets it empty), -NAME or --unset NAME removes one; a value with blanks goes in quotes');
  });
  checkEdit(set, unset);
  return { set, unset: [...unset], ...(container !== undefined ? { container: checkContainerName(container) } : {}) };
}

/** Splits at blanks outside quotes; "…" and '…' group a value with blanks (the quotes go). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (quote) throw new Error(`a ${quote} quote is not closed`);
  if (word !== undefined) words.push(word);
  return words;
}

/** The dashboard's prompt: `NAME=VALUE … -NAME … [@container]`. */
export function parseEnvPrompt(text: string): EnvWords {
  const assignments: string[] = [];
  const unset: string[] = [];
  let container: string | undefined;
  for (const w of splitWords(text)) {
    if (w.startsWith('@')) {
      if (container !== undefined) throw new Error('one @container at a time');
      container = w.slice(1);
      if (!container) throw new Error('@ is followed by the container\'s name, e.g. @app');
    } else if (w.startsWith('-') && !w.includes('=')) unset.push(w.slice(1));
    else assignments.push(w);
  }
  return envWords(assignments, unset, container);
}
