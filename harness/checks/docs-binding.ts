// The binding between pages and examples: every <ExampleFile path="…"/> names a file that
// exists, and every file under examples/ is either shown by a page or listed in
// examples/UNSHOWN.md with the reason it is not.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DOCS_DIR, SKIPPED_DIRS, toPosix, walk } from '../fleet/tree.ts';
import type { Finding } from '../fleet/findings.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';

export const UNSHOWN_FILE = 'examples/UNSHOWN.md';

export interface ShownFile {
  /** Repository-relative path as the page wrote it. */
  path: string;
  page: string;
  line: number;
}

export interface UnshownEntry {
  pattern: string;
  reason: string;
  line: number;
}

/** The `attribute` values of <element …> on a page, outside fenced code blocks. */
export function elementPathsIn(text: string, page: string, element: string, attribute: string): ShownFile[] {
  const out: ShownFile[] = [];
  const pattern = new RegExp(`<${element}\\b[^>]*?\\b${attribute}=(["'])([^"']+)\\1`, 'g');
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const f = /^\s*(```+|~~~+)/.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (line.trim().startsWith(fence)) fence = undefined;
      return;
    }
    if (fence) return;
    // An element quoted in inline code (`<Scenario file=…/>` in prose) is text, not an element.
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(pattern)) out.push({ path: m[2], page, line: i + 1 });
  });
  return out;
}

/** <ExampleFile path="…"> elements of a page, outside fenced code blocks. */
export function exampleFilesIn(text: string, page: string): ShownFile[] {
  return elementPathsIn(text, page, 'ExampleFile', 'path');
}

/** <Scenario file="…"> elements of a page (src/remark/scenario.ts), outside fenced code blocks. */
export function scenarioLinksIn(text: string, page: string): ShownFile[] {
  return elementPathsIn(text, page, 'Scenario', 'file');
}

/** Every <Scenario file> of every page under docs/. */
export function scenarioLinks(docsDir: string = DOCS_DIR): ShownFile[] {
  return pages(docsDir).flatMap((p) => scenarioLinksIn(readFileSync(p, 'utf8'), toPosix(path.relative(REPO_ROOT, p))));
}

export function pages(docsDir: string = DOCS_DIR): string[] {
  return existsSync(docsDir) ? walk(docsDir).filter((f) => /\.mdx?$/.test(f)) : [];
}

export function shownFiles(docsDir: string = DOCS_DIR): ShownFile[] {
  return pages(docsDir).flatMap((p) => exampleFilesIn(readFileSync(p, 'utf8'), toPosix(path.relative(REPO_ROOT, p))));
}

/** Files under examples/ that Git tracks or would track (ignored files are not examples). */
export function exampleFiles(root: string = REPO_ROOT): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', 'examples'], { cwd: root, encoding: 'utf8' });
    return out
      .split('\n')
      .filter(Boolean)
      .filter((f) => !f.split('/').some((part) => SKIPPED_DIRS.has(part)))
      .filter((f) => existsSync(path.join(root, f)))
      .sort();
  } catch {
    return walk(path.join(root, 'examples')).map((f) => toPosix(path.relative(root, f)));
  }
}

/** Entries of UNSHOWN.md: list items "- `path or glob` — reason". */
export function parseUnshown(text: string): { entries: UnshownEntry[]; findings: Finding[] } {
  const entries: UnshownEntry[] = [];
  const findings: Finding[] = [];
  text.split('\n').forEach((line, i) => {
    if (!/^\s*[-*]\s+`/.test(line)) return;
    const m = /^\s*[-*]\s+`([^`]+)`\s*(?:—|–|-|:)\s*(.*)$/.exec(line);
    if (!m || m[2].trim().length < 10) {
      findings.push({ check: 'docs', file: UNSHOWN_FILE, line: i + 1, rule: 'unshown-reason', message: 'each entry is "- `path or glob` — reason", with a reason of a few words at least' });
      return;
    }
    entries.push({ pattern: m[1], reason: m[2].trim(), line: i + 1 });
  });
  return { entries, findings };
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface Binding {
  findings: Finding[];
  shown: ShownFile[];
  files: string[];
  unshown: UnshownEntry[];
  /** Listed as unshown by exact path, but a page shows them now. */
  listedButShown: Array<{ file: string; page: string }>;
}

export function checkBinding(root: string = REPO_ROOT, docsDir: string = path.join(root, 'docs')): Binding {
  const findings: Finding[] = [];
  const shown = shownFiles(docsDir);
  for (const s of shown) {
    const full = path.join(root, s.path);
    if (!s.path.startsWith('examples/')) {
      findings.push({ check: 'docs', file: s.page, line: s.line, rule: 'example-path', message: `<ExampleFile path="${s.path}"> must name a file under examples/` });
    } else if (!existsSync(full) || !statSync(full).isFile()) {
      findings.push({ check: 'docs', file: s.page, line: s.line, rule: 'example-missing', message: `<ExampleFile path="${s.path}"> names a file that does not exist` });
    }
  }
  const unshownPath = path.join(root, UNSHOWN_FILE);
  const parsed = existsSync(unshownPath) ? parseUnshown(readFileSync(unshownPath, 'utf8')) : { entries: [], findings: [] };
  findings.push(...parsed.findings);
  const files = exampleFiles(root);
  const shownSet = new Set(shown.map((s) => s.path));
  const matchers = parsed.entries.map((e) => ({ e, re: globToRegExp(e.pattern) }));
  for (const f of files) {
    if (shownSet.has(f) || f === UNSHOWN_FILE) continue;
    if (matchers.some((m) => m.re.test(f))) continue;
    findings.push({ check: 'docs', file: f, rule: 'unshown', message: `no page shows it (<ExampleFile path="${f}"/>) and ${UNSHOWN_FILE} does not list it with a reason` });
  }
  for (const m of matchers) {
    if (!files.some((f) => m.re.test(f))) findings.push({ check: 'docs', file: UNSHOWN_FILE, line: m.e.line, rule: 'unshown-stale', message: `\`${m.e.pattern}\` matches no file under examples/; remove the entry` });
  }
  const listedButShown = matchers
    .filter((m) => !/[*?]/.test(m.e.pattern) && shownSet.has(m.e.pattern))
    .map((m) => ({ file: m.e.pattern, page: shown.find((s) => s.path === m.e.pattern)!.page }));
  return { findings, shown, files, unshown: parsed.entries, listedButShown };
}
