// Which cluster provider the live tier uses, from the environment:
//
//   CLUSTER_PROVIDER=local (default) | kind | existing
//   CLUSTER_KUBERNETES_VERSION=1.35   (optional; the version clusters start at when a scenario
//                                      does not ask for one; kind maps it to its pinned image)
//   KIND_IMAGES=local (default) | upstream
//                                     (kind only: make the node, Flux and demo images here without
//                                      a registry, or use kindest/node and ghcr.io's Flux images)
//
// Scenarios call selectedProvider() and never ask which one they got. The report tier of a live
// result is the provider's name (local | kind | existing).
import type { ClusterProvider, ProviderName, StartOptions } from './provider';
import {setting} from '../../contracts/settings.ts';

export const PROVIDER_NAMES: readonly ProviderName[] = ['local', 'kind', 'existing'];

/** The provider named by CLUSTER_PROVIDER; throws on an unknown name. */
export function providerName(env: NodeJS.ProcessEnv = process.env): ProviderName {
  const raw = (setting('CLUSTER_PROVIDER', env) ?? '').toLowerCase();
  if (raw === '') return 'local';
  if ((PROVIDER_NAMES as readonly string[]).includes(raw)) return raw as ProviderName;
  throw new Error(`CLUSTER_PROVIDER="${env.CLUSTER_PROVIDER}" is not one of ${PROVIDER_NAMES.join(', ')}`);
}

export type KindImageSource = 'local' | 'upstream';

/** KIND_IMAGES: where the kind tier's node and Flux images come from; throws on an unknown value. */
export function kindImageSource(env: NodeJS.ProcessEnv = process.env): KindImageSource {
  const raw = (setting('KIND_IMAGES', env) ?? '').toLowerCase();
  if (raw === '' || raw === 'local') return 'local';
  if (raw === 'upstream') return 'upstream';
  throw new Error(`KIND_IMAGES="${env.KIND_IMAGES}" is not local or upstream`);
}

/** CLUSTER_KUBERNETES_VERSION, or undefined (each provider then uses its default). */
export function defaultKubernetesVersion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = setting('CLUSTER_KUBERNETES_VERSION', env);
  if (!raw) return undefined;
  if (!/^v?\d+\.\d+(\.\d+)?$/.test(raw)) throw new Error(`CLUSTER_KUBERNETES_VERSION="${raw}" is not 1.X or v1.X.Y`);
  return raw;
}

/** Wraps a provider so clusters start at `version` unless the scenario asks for another. */
export function withDefaultVersion(provider: ClusterProvider, version: string | undefined): ClusterProvider {
  if (!version) return provider;
  return {
    name: provider.name,
    unavailableReason: (opts) => provider.unavailableReason({ kubernetesVersion: opts?.kubernetesVersion ?? version }),
    start: (opts: StartOptions) => provider.start({ ...opts, kubernetesVersion: opts.kubernetesVersion ?? version }),
  };
}

/** Loads a provider module by name (lazily, so choosing `local` never loads kind's code). */
export async function loadProvider(name: ProviderName): Promise<ClusterProvider> {
  switch (name) {
    case 'local':
      return (await import('./local')).localProvider;
    case 'kind':
      return (await import('./kind')).kindProvider;
    case 'existing':
      return (await import('./existing')).existingProvider;
  }
}

/** The provider the environment selects, with CLUSTER_KUBERNETES_VERSION applied. */
export async function selectedProvider(env: NodeJS.ProcessEnv = process.env): Promise<ClusterProvider> {
  const provider = await loadProvider(providerName(env));
  return withDefaultVersion(provider, defaultKubernetesVersion(env));
}
