// Where the static tier looks, and what it deliberately leaves out (each exclusion says why).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../contracts/paths.ts';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
export const DOCS_DIR = path.join(REPO_ROOT, 'docs');

/** Folders never walked: installed or generated content, not examples. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.cache', '.tmp']);

/** YAML-named files that are not YAML, with the reason. Matched against the path relative to the tree root. */
export const NOT_YAML: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  {
    pattern: /(^|\/)charts\/[^/]+\/templates\//,
    reason: 'Helm chart templates are Go templates that only become YAML once rendered (helm-controller renders them on the live tier)',
  },
];

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** Every file under root (sorted, absolute), skipping SKIPPED_DIRS. */
export function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) visit(full);
      } else if (entry.isFile()) {
        out.push(full);
      }
    }
  };
  visit(root);
  return out;
}

export function isYamlName(file: string): boolean {
  return /\.ya?ml$/i.test(file) || path.basename(file) === 'Kustomization';
}

/** Why a YAML-named file is not parsed as YAML, or undefined when it is. */
export function notYamlReason(root: string, file: string): string | undefined {
  const rel = toPosix(path.relative(root, file));
  return NOT_YAML.find((n) => n.pattern.test(rel))?.reason;
}

export function kustomizationFileIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const file = path.join(dir, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Directories under root that hold a kustomization file. */
export function kustomizationDirs(root: string): string[] {
  return walk(root)
    .filter((f) => (KUSTOMIZATION_FILES as readonly string[]).includes(path.basename(f)))
    .map((f) => path.dirname(f))
    .filter((d, i, all) => all.indexOf(d) === i);
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A path as messages show it: relative to the repository root. */
export function display(file: string): string {
  const rel = path.relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : toPosix(rel);
}
