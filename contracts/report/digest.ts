// Content digests of examples: the report stores the digest of what ran, the site compares it
// with the digest of what is in the checkout now, and a mismatch marks the result stale.
// A digest depends only on content (not on git history), so it also works in shallow clones
// and for runs made on uncommitted changes.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Folders inside examples/ that are installs or build output, never part of an example. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', '.git']);

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function* filesUnder(dir: string, rel = ''): Generator<string> {
  const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* filesUnder(dir, child);
    } else if (entry.isFile()) {
      yield child;
    }
  }
}

/** Files of an example folder, repository-relative, in path order (installs and build output left out). */
export function filesInExample(repoRoot: string, folder: string): string[] {
  const absolute = path.resolve(repoRoot, folder);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) return [];
  return [...filesUnder(absolute)].map((file) => `${folder}/${file}`);
}

/**
 * `sha256:<hex>` of an example path relative to the repository: for a file, the hash of its
 * bytes; for a folder, the hash of every file's relative path and content hash, in path order.
 * undefined when the path does not exist.
 */
export function exampleDigest(repoRoot: string, example: string): string | undefined {
  const absolute = path.resolve(repoRoot, example);
  if (!existsSync(absolute)) return undefined;
  const st = statSync(absolute);
  if (st.isFile()) return `sha256:${sha256(readFileSync(absolute))}`;
  if (!st.isDirectory()) return undefined;
  const hash = createHash('sha256');
  for (const file of filesUnder(absolute)) {
    hash.update(`${file}\0${sha256(readFileSync(path.join(absolute, file)))}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Checks that a report path names something under examples/ that exists, in the form the report
 * uses (posix separators, no trailing slash, no `./`). Returns the normalised path.
 */
export function normaliseExamplePath(repoRoot: string, example: string): string {
  const cleaned = path.posix.normalize(example.replaceAll('\\', '/')).replace(/\/+$/, '').replace(/^\.\//, '');
  if (cleaned !== 'examples' && !cleaned.startsWith('examples/')) {
    throw new Error(`report: example path "${example}" is not under examples/`);
  }
  if (cleaned.split('/').includes('..')) throw new Error(`report: example path "${example}" leaves examples/`);
  if (!existsSync(path.join(repoRoot, cleaned))) {
    throw new Error(`report: example path "${example}" does not exist (looked for ${path.join(repoRoot, cleaned)})`);
  }
  return cleaned;
}
