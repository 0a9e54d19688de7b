// `npm run canary` arguments. Pure: no I/O.
import { parseArgs } from 'node:util';
import { CANARY_KUBERNETES_VERSIONS } from '../toolchain/versions';

export interface CanaryArgs {
  versions: string[];
  clusters?: string[];
}

/** `--versions a,b` (default: every canary version) and `--clusters a,b` (default: every fleet cluster). */
export function parseCanaryArgs(argv: string[], known: readonly string[] = CANARY_KUBERNETES_VERSIONS): CanaryArgs {
  const { values } = parseArgs({ args: argv, options: { versions: { type: 'string' }, clusters: { type: 'string' } }, strict: true });
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const versions = values.versions ? list(values.versions) : [...known];
  if (versions.length === 0) throw new Error('--versions names no version');
  const bad = versions.filter((v) => !/^v\d+\.\d+\.\d+$/.test(v));
  if (bad.length) throw new Error(`--versions: ${bad.join(', ')} is not a Kubernetes release such as ${known[0] ?? 'v1.36.3'}`);
  const clusters = values.clusters ? list(values.clusters) : undefined;
  return { versions: [...new Set(versions)], ...(clusters ? { clusters } : {}) };
}
