/**
 * Groups log lines that differ only in their data: "timed out after 5000ms
 * (order 81723)" and "... (order 90412)" are the same error. Ids, numbers,
 * timestamps, addresses and quoted values are replaced by placeholders; what
 * is left is the shape of the message.
 */

/** Placeholders carry no digits, so a fingerprint is its own fingerprint. */
const MASKS = {
  timestamp: '<ts>',
  uuid: '<uuid>',
  email: '<email>',
  ip: '<ip>',
  string: '<str>',
  hex: '<hex>',
  number: '<n>',
} as const;

/** Grouping needs the message's head, not a 256 KB payload. */
const FINGERPRINT_MAX = 300;
const INPUT_MAX = 4_000;

// Order matters: a timestamp or a UUID is masked whole before its digit runs would be.
const RULES: ReadonlyArray<[RegExp, string]> = [
  // 2026-03-14T03:12:00.123Z, 2026-03-14 03:12:00,123 +01:00, 2026/03/14 03:12:00
  [/\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?)?/g, MASKS.timestamp],
  [/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, MASKS.uuid],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, MASKS.email],
  // IPv4 with an optional port, and IPv6 with at least three groups
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, MASKS.ip],
  // (a digit and a hex letter or "::" required: "03:12:00" is a time, "A::B" a C++ name)
  [/(?<![0-9A-Za-z:])(?=[0-9a-fA-F:]*\d)(?=[0-9:]*(?:[a-fA-F]|::))(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![0-9A-Za-z:])/g, MASKS.ip],
  // quoted values, quotes included (a mask that kept them could pair up with a neighbour's);
  // a quote inside a word ("don't") opens nothing
  [/(?<![\w'"])'[^'\n]{0,200}'(?![\w'])/g, MASKS.string],
  [/(?<![\w"\\])"(?:[^"\\\n]|\\.){0,200}"(?!\w)/g, MASKS.string],
  // hex ids: 0x..., and runs of 8+ hex digits mixing digits and letters (ch_3f9a2b7c1d0e4f, a git
  // sha); an all-digit run is a number whatever its length, so order 81723 and 81723123 group together
  [/\b0x[0-9a-fA-F]+\b/g, MASKS.hex],
  [/(?<![0-9A-Za-z])(?=[a-fA-F]*\d)(?=\d*[a-fA-F])[0-9a-fA-F]{8,}(?![0-9A-Za-z])/g, MASKS.hex],
  [/\d+/g, MASKS.number],
];

function maskOnce(text: string): string {
  let out = text;
  for (const [re, mask] of RULES) out = out.replace(re, mask);
  return out;
}

/**
 * Cuts at the last space at or before `max`, else at the first space after
 * it, else not at all: a cut never splits a token, which keeps the result a
 * fixed point of the masking.
 */
function cutAtSpace(text: string, max: number): string {
  if (text.length <= max) return text;
  const before = text.lastIndexOf(' ', max);
  if (before > 0) return text.slice(0, before);
  const after = text.indexOf(' ', max);
  return after > 0 ? text.slice(0, after) : text;
}

export function fingerprint(message: string): string {
  let text = cutAtSpace(message.replace(/\s+/g, ' '), INPUT_MAX);
  // A mask can expose a new match (a quote after "<n>"); run until nothing changes.
  for (let i = 0; i < 10; i++) {
    const next = maskOnce(text);
    if (next === text) break;
    text = next;
  }
  return cutAtSpace(text.replace(/\s+/g, ' ').trim(), FINGERPRINT_MAX).trim();
}
