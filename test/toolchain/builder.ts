// Builds tools into the cache. (First commit: interface only; the builder follows.)
import type { Tool } from './catalog';

export interface BuildRequest { tool: Tool; kubernetesVersion?: string }

export async function buildTools(_reqs: BuildRequest[], _opts: { log: (line: string) => void }): Promise<void> {
  throw new Error('toolchain builder not implemented yet; run: npm run cluster:build');
}
