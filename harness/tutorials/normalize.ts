// The one place that decides how a tutorial block's output is recorded: what changes from run
// to run (timestamps, ages, commit hashes, durations, ports, temporary paths, generated keys and
// passwords) becomes a stable placeholder, so a recorded run only changes when the behaviour does.
//
// Two passes: kubectl/flux tables are split into cells by their header's column offsets, each
// cell is normalised and the table is re-aligned (a shorter placeholder must not shift the
// columns); every other line goes through the same rules as plain text.

export interface NormalizeContext {
  /** Exact strings (paths, URLs) to replace, longest first: value -> placeholder (e.g. $GIT_WORKDIR). */
  replacements?: Record<string, string>;
  /** Values that must never appear in a recorded output (passwords, private keys). */
  secrets?: string[];
  /**
   * Strings kept as they are although a rule would replace them: hashes that are content, not
   * run artefacts (the illustrative commit SHAs written in examples/ and in the page itself).
   */
  keep?: Iterable<string>;
}

/** 40-hex strings in a text: what `keep` is usually built from. */
export function fullShasIn(text: string): string[] {
  return [...new Set(text.match(/\b[0-9a-f]{40}\b/g) ?? [])];
}

interface Rule {
  name: string;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

// kustomize's and the ReplicaSet controller's name suffixes use this alphabet (no vowels, no 0/1/3).
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** Rules for any text, applied in order. Exported so the unit test can name each one. */
export const TEXT_RULES: readonly Rule[] = [
  { name: 'age private key', pattern: /AGE-SECRET-KEY-1[0-9A-Z]+/g, replace: 'AGE-SECRET-KEY-1<secret>' },
  { name: 'age public key', pattern: /\bage1[0-9a-z]{58}\b/g, replace: 'age1<public-key>' },
  {
    name: 'sops ciphertext',
    pattern: /ENC\[AES256_GCM,data:[^,\]]*,iv:[^,\]]*,tag:[^,\]]*,type:([a-z]+)\]/g,
    replace: (_m, type: string) => `ENC[AES256_GCM,data:<ciphertext>,iv:<iv>,tag:<tag>,type:${type}]`,
  },
  { name: 'sha256 digest', pattern: /\bsha256:[0-9a-f]{64}\b/g, replace: 'sha256:<digest>' },
  // Flux prints revisions as <ref>@sha1:<sha>, in full or (in tables) cut to 8 digits.
  { name: 'git revision', pattern: /@sha1:[0-9a-f]{7,40}\b/g, replace: '@sha1:<sha>' },
  { name: 'full commit sha', pattern: /\b[0-9a-f]{40}\b/g, replace: '<sha>' },
  {
    name: 'timestamp',
    pattern: /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?(?: [A-Z]{3,4})?(?: m=[+-]\d+\.\d+)?/g,
    replace: '<time>',
  },
  { name: 'git date', pattern: /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}(?: [+-]\d{4})?/g, replace: '<time>' },
  { name: 'http date', pattern: /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\b/g, replace: '<time>' },
  { name: 'uid', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, replace: '<uid>' },
  { name: 'loopback port', pattern: /\b(127\.0\.0\.1|localhost|\[::1\]):\d{2,5}\b/g, replace: '$1:<port>' },
  // Short commit hashes (git log --oneline, push summaries): 7-12 hex digits with a digit and a letter.
  {
    name: 'short commit sha',
    pattern: /(?<![\w.@/-])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,12}(?![\w@-])/g,
    replace: '<sha>',
  },
  { name: 'commit range', pattern: /(?:<sha>|\b[0-9a-f]{7,12})\.\.\.?[0-9a-f]{7,12}\b/g, replace: '<sha>..<sha>' },
  // Where only a hash can stand, it may be all digits: `git commit`'s "[main 1234567]" and
  // `git log --oneline` lines.
  { name: 'commit summary', pattern: /^(\[[^\]\s]+(?: \([^)]*\))?) [0-9a-f]{7,12}\]/gm, replace: '$1 <sha>]' },
  { name: 'oneline log', pattern: /^[0-9a-f]{7,12}(?= )/gm, replace: '<sha>' },
  // Pod names: <deployment>-<pod-template-hash>-<5 random>, and ReplicaSets without the last part.
  {
    name: 'pod name suffix',
    pattern: new RegExp(`-(?=[${SAFE}]*\\d)[${SAFE}]{8,10}-[${SAFE}]{5}\\b`, 'g'),
    replace: '-<hash>-<id>',
  },
  // Hash suffixes: kustomize's generated ConfigMap/Secret names and ReplicaSets.
  { name: 'name hash suffix', pattern: new RegExp(`-(?=[${SAFE}]*\\d)[${SAFE}]{8,10}\\b(?!-)`, 'g'), replace: '-<hash>' },
  // Durations: 1.2s, 350ms, 2m3s, 1h2m3.5s (a bare "5m" stays: it is also how CPU is written).
  {
    name: 'duration',
    pattern: /(?<![\w.])(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:ns|µs|us|ms|s)(?![\w])/g,
    replace: '<duration>',
  },
  { name: 'duration with minutes', pattern: /(?<![\w.])\d+h\d+m(?![\w])/g, replace: '<duration>' },
  // Anything under /tmp, or under the session's own TMPDIR (which the runner maps to <tmp>).
  { name: 'temporary path', pattern: /(?<![\w.-])(?:<tmp>|\/tmp)\/[^\s'":]+/g, replace: '<tmp>' },
  { name: 'ip address', pattern: /(?<![\w.])(?!127\.0\.0\.1\b)(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g, replace: '<ip>' },
];

/** Rules that span lines, applied to the whole output before it is split into lines. */
export const MULTILINE_RULES: readonly Rule[] = [
  {
    // SOPS keeps the data key encrypted for each age recipient as an armored block.
    name: 'age encrypted data key',
    pattern: /(-----BEGIN AGE ENCRYPTED FILE-----\n)[\s\S]*?\n([ \t]*)(-----END AGE ENCRYPTED FILE-----)/g,
    replace: (_m, begin: string, indent: string, end: string) => `${begin}${indent}<encrypted data key>\n${indent}${end}`,
  },
];

/** Cell-only rules: ages in a table's AGE / LAST SEEN column (e.g. 12s, 3m4s, 5d, <invalid>). */
const AGE_CELL = /^(?:\d+[smhdy])+$|^<invalid>$|^<unknown>$/;
/** kubectl's repeated-event form of LAST SEEN: "25s (x3 over 35s)". */
const AGE_REPEATED_CELL = /^(?:\d+[smhdy])+ \(x\d+ over (?:\d+[smhdy])+\)$/;
const AGE_HEADERS = new Set(['AGE', 'LAST SEEN', 'LAST-SEEN', 'DURATION', 'SINCE']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rules in order on one piece of text (a line or a table cell). */
export function normalizeText(text: string, context: NormalizeContext = {}): string {
  let out = text;
  for (const secret of (context.secrets ?? []).filter((s) => s.length >= 4)) {
    out = out.replace(new RegExp(escapeRegExp(secret), 'g'), '<secret>');
  }
  const replacements = Object.entries(context.replacements ?? {})
    .filter(([from]) => from.length > 0)
    .sort((a, b) => b[0].length - a[0].length);
  for (const [from, to] of replacements) out = out.split(from).join(to);
  // Kept strings are swapped for tokens no rule matches, and swapped back afterwards.
  const kept = [...new Set(context.keep ?? [])].filter((k) => k.length > 0 && out.includes(k));
  kept.forEach((k, i) => (out = out.split(k).join(`\u0000${i}\u0000`)));
  for (const rule of TEXT_RULES) {
    out = out.replace(rule.pattern, rule.replace as never);
  }
  kept.forEach((k, i) => (out = out.split(`\u0000${i}\u0000`).join(k)));
  return out;
}

interface Column {
  name: string;
  start: number;
}

const COLUMN_NAME = /^[A-Z][A-Z0-9_()./-]*(?: [A-Z][A-Z0-9_()./-]*)*$/;

/** Column names of a tab-separated header (the flux CLI pads cells and separates them with tabs). */
export function parseTabHeader(line: string): string[] | undefined {
  if (!line.includes('\t')) return undefined;
  const names = line.split('\t').map((c) => c.trim());
  return names.length >= 2 && names.every((n) => COLUMN_NAME.test(n)) ? names : undefined;
}

/** Column names and offsets of a kubectl/flux table header, or undefined if the line is not one. */
export function parseTableHeader(line: string): Column[] | undefined {
  if (!/^[A-Z][A-Z0-9_()./-]*(?: [A-Z][A-Z0-9_()./-]*)*(?: {2,}[A-Z][A-Z0-9_()./-]*(?: [A-Z][A-Z0-9_()./-]*)*)+\s*$/.test(line)) return undefined;
  const columns: Column[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) columns.push({ name: m[0], start: m.index });
  return columns.length >= 2 ? columns : undefined;
}

/** Splits a row at the header's offsets; undefined when the row does not line up with them. */
function splitRow(line: string, columns: Column[]): string[] | undefined {
  const cells: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const start = columns[i].start;
    const end = i + 1 < columns.length ? columns[i + 1].start : line.length;
    // A cell starts at its column and the character before it is a space (or it is the first).
    if (start > 0 && line.length > start && line[start - 1] !== ' ') return undefined;
    cells.push(line.slice(start, Math.max(start, end)).trimEnd());
  }
  // Nothing may sit in the padding between columns.
  return cells;
}

function normalizeTable(names: string[], rows: string[][], context: NormalizeContext): string[] {
  const table = [names, ...rows.map((cells) =>
    cells.map((cell, i) => {
      if (AGE_HEADERS.has(names[i] ?? '') && AGE_CELL.test(cell.trim())) return '<age>';
      if (AGE_HEADERS.has(names[i] ?? '') && AGE_REPEATED_CELL.test(cell.trim())) return '<age> (repeated)';
      return normalizeText(cell, context);
    }),
  )];
  const widths = names.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  return table.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('').trimEnd());
}

/** Removes terminal colour codes, carriage-return progress updates and trailing blanks. */
export function cleanTerminalOutput(raw: string): string {
  return raw
    .replace(/\r\n/g, '\n')
    // eslint-disable-next-line no-control-regex -- ANSI escape sequences
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .split('\n')
    .map((line) => (line.includes('\r') ? line.slice(line.lastIndexOf('\r') + 1) : line).trimEnd())
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

/** The whole normalisation of a block's output. */
export function normalizeOutput(raw: string, context: NormalizeContext = {}): string {
  let text = cleanTerminalOutput(raw);
  for (const rule of MULTILINE_RULES) text = text.replace(rule.pattern, rule.replace as never);
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const tabNames = parseTabHeader(lines[i]);
    if (tabNames) {
      let j = i + 1;
      const rows: string[][] = [];
      for (; j < lines.length && lines[j].includes('\t'); j++) rows.push(lines[j].split('\t').map((c) => c.trim()));
      out.push(...normalizeTable(tabNames, rows, context));
      i = j;
      continue;
    }
    const header = parseTableHeader(lines[i]);
    if (header) {
      const rows: string[][] = [];
      let j = i + 1;
      for (; j < lines.length && lines[j].trim() !== '' && !parseTableHeader(lines[j]); j++) {
        const cells = splitRow(lines[j], header);
        if (!cells) break;
        rows.push(cells);
      }
      if (rows.length > 0) {
        out.push(...normalizeTable(header.map((c) => c.name), rows, context));
        i = j;
        continue;
      }
    }
    out.push(normalizeText(lines[i], context));
    i++;
  }
  return out.join('\n');
}
