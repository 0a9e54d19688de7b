/**
 * Keeps the bundler's persistent cache honest about files remark plugins read.
 *
 * The ExampleFile plugin reads `examples/`, the Scenario plugin reads the test
 * titles in `test/scenarios/`, and the tutorial-output plugin
 * reads recorded runs while compiling a page, but the bundler only knows that
 * the page depends on its own .mdx file. With the persistent cache on
 * (future.faster), editing an example or recording a new run would leave the
 * old text on the page (measured: a warm build kept the stale file). Folding
 * a hash of those folders into the cache version evicts the cache whenever
 * any of their files changes.
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

/** Folders (relative to the site) that remark plugins read at build time. */
export const REMARK_INPUT_DIRS = ['examples', 'src/data/tutorial-runs', 'test/scenarios'];

/** Hash of every file's path and bytes under the folders; missing folders count as empty. */
export function hashFolders(dirs: string[]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    hash.update(`${dir}\0`);
    try {
      for (const file of filesUnder(dir)) {
        hash.update(path.relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return hash.digest('hex').slice(0, 16);
}

type CacheSettings = {version?: string};

export default function remarkInputsCachePlugin(context: LoadContext): Plugin {
  const inputsHash = hashFolders(REMARK_INPUT_DIRS.map((dir) => path.join(context.siteDir, dir)));
  return {
    name: 'remark-inputs-cache',
    configureWebpack(config) {
      // Rspack keeps its persistent cache settings under experiments.cache.
      const experiments = config.experiments as {cache?: CacheSettings | boolean} | undefined;
      const cache = experiments?.cache;
      if (typeof cache !== 'object' || !cache) return {};
      return {experiments: {cache: {...cache, version: `${cache.version ?? ''}-inputs-${inputsHash}`}}};
    },
  };
}
