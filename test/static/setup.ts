// What the static tests need before they can run: the pinned tools and the generated schemas.
// A missing tool or schema source skips only the tests that need it, with the toolchain's own
// message; on CI (CI=true) it fails them instead, since the toolchain tier runs first there.
import { ensureSchemas, type SchemaSet } from '../../harness/checks/schemas.ts';
import { toolOrSkip } from '../../harness/checks/tools.ts';
import type { Tools } from '../../harness/checks/analyze.ts';
import { setting } from '../../contracts/settings.ts';

export type Setup =
  | { skip: string }
  | {
      tools: Tools;
      /** Generated schemas, or why there are none (the schema check then skips). */
      schemas?: SchemaSet;
      schemaSkip?: string;
    };

let cached: Promise<Setup> | undefined;

export function staticSetup(): Promise<Setup> {
  cached ??= (async (): Promise<Setup> => {
    const kubectl = toolOrSkip('kubectl');
    if ('skip' in kubectl) return { skip: kubectl.skip };
    const kubeconform = toolOrSkip('kubeconform');
    if ('skip' in kubeconform) return { tools: { kubectl: kubectl.path }, schemaSkip: kubeconform.skip };
    const tools: Tools = { kubectl: kubectl.path, kubeconform: kubeconform.path };
    try {
      return { tools, schemas: await ensureSchemas() };
    } catch (err) {
      if (setting('CI') === 'true') throw err;
      return { tools, schemaSkip: `cannot generate the schemas: ${(err as Error).message}` };
    }
  })();
  return cached;
}
