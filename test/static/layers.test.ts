// Which top-level folder may import which. The site and the harness share only contracts/;
// the harness library never reaches into a suite (test/) or a benchmark (bench/), so anyone can
// lift harness/ and contracts/ out and run their own suites on it. A new import against these
// rules fails here with the file, the line and the rule it breaks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { globSync } from 'tinyglobby';
import { REPO_ROOT } from '../../contracts/paths.ts';

/** For each layer, the layers its files may import from (a layer may always import itself). */
const ALLOWED: Record<string, readonly string[]> = {
  contracts: [],
  src: ['contracts'],
  harness: ['contracts'],
  bench: ['harness', 'contracts'],
  test: ['harness', 'contracts', 'src'],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;

interface Edge { file: string; line: number; target: string }

function layerOf(relativePath: string): string | undefined {
  const top = relativePath.split('/')[0];
  return top in ALLOWED ? top : undefined;
}

/** Every import of a repository file (relative or through Docusaurus's `@site/` alias) in one source file. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const edges: Edge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[2];
    let target: string | undefined;
    if (specifier.startsWith('.')) target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    else if (specifier.startsWith('@site/')) target = specifier.slice('@site/'.length);
    if (target === undefined) continue;
    const line = text.slice(0, match.index).split('\n').length;
    edges.push({ file, line, target });
  }
  return edges;
}

function sourceFiles(): string[] {
  const layers = Object.keys(ALLOWED).map((layer) => `${layer}/**/*.{ts,tsx,mjs,js}`);
  return globSync(layers, { cwd: REPO_ROOT, ignore: ['**/node_modules/**', 'test/fixtures/**'] });
}

test('imports follow the layers: src and harness meet only in contracts/, nothing imports a suite or a benchmark', () => {
  const files = sourceFiles();
  assert.ok(files.length > 100, `expected the whole tree, found ${files.length} files`);
  const broken: string[] = [];
  for (const file of files) {
    const from = layerOf(file)!;
    for (const edge of importsOf(file)) {
      const to = layerOf(edge.target);
      if (to === undefined || to === from || ALLOWED[from].includes(to)) continue;
      broken.push(`${edge.file}:${edge.line}: ${from}/ imports ${edge.target} (${to}/); ${from}/ may import ${[from, ...ALLOWED[from]].join(', ')}`);
    }
  }
  assert.deepEqual(broken, [], `imports against the layers:\n${broken.join('\n')}`);
});

test('the layer check sees relative and @site/ imports, with their lines', () => {
  const edges = importsOf('src/components/VerificationStatus/status.ts');
  assert.ok(edges.some((e) => e.target.startsWith('contracts/report/schema')), JSON.stringify(edges));
  assert.ok(edges.every((e) => e.line > 0));
});
