// What every static test needs before it can run: the pinned tools and the generated schemas.
// Missing tools skip the tests with the toolchain's own message (and fail them on CI).
import { ensureSchemas, type SchemaSet } from './schemas.ts';
import { toolsOrSkip } from './tools.ts';
import type { Tools } from './analyze.ts';

export type Setup = { tools: Tools; schemas: SchemaSet } | { skip: string };

let cached: Promise<Setup> | undefined;

export function staticSetup(): Promise<Setup> {
  cached ??= (async (): Promise<Setup> => {
    const r = toolsOrSkip(['kubectl', 'kubeconform']);
    if ('skip' in r) return { skip: r.skip };
    try {
      const schemas = await ensureSchemas();
      return { tools: { kubectl: r.paths.kubectl, kubeconform: r.paths.kubeconform }, schemas };
    } catch (err) {
      if (process.env.CI === 'true') throw err;
      return { skip: `cannot generate the schemas: ${(err as Error).message}` };
    }
  })();
  return cached;
}
