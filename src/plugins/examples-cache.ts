/**
 * Keeps the bundler's persistent cache honest about `examples/`.
 *
 * The ExampleFile remark plugin reads example files while compiling a page,
 * but the bundler only knows that the page depends on its own .mdx file. With
 * the persistent cache on (future.faster), editing an example would leave the
 * old text on the page. Folding a hash of every example file into the cache
 * version evicts the cache whenever any example changes.
 */
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {LoadContext, Plugin} from '@docusaurus/types';

/** Folders that are build output or installs, never shown on a page. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage']);

function* filesUnder(dir: string): Generator<string> {
  const entries = readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** Hash of every example file's path and bytes; empty input hashes to a constant. */
export function hashExamples(examplesDir: string): string {
  const hash = createHash('sha256');
  try {
    for (const file of filesUnder(examplesDir)) {
      hash.update(path.relative(examplesDir, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return hash.digest('hex').slice(0, 16);
}

type CacheSettings = {version?: string};

export default function examplesCachePlugin(context: LoadContext): Plugin {
  const examplesHash = hashExamples(path.join(context.siteDir, 'examples'));
  return {
    name: 'examples-cache',
    configureWebpack(config) {
      // Rspack keeps its persistent cache settings under experiments.cache.
      const experiments = config.experiments as {cache?: CacheSettings | boolean} | undefined;
      const cache = experiments?.cache;
      if (typeof cache !== 'object' || !cache) return {};
      return {experiments: {cache: {...cache, version: `${cache.version ?? ''}-examples-${examplesHash}`}}};
    },
  };
}
