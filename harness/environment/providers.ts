// What the live harness decides from the cluster provider, as pure functions (unit-tested in
// providers.unit.test.ts): which binaries a provider needs on this machine, where the git
// server must listen, how a provider's skip reads, and which scenarios only the local tier can
// run.
//
// Scenario authors: a check that needs the local tier's processes (component pids or log files,
// killing or restarting the apiserver, etcd, a Flux controller) must skip elsewhere:
//
//   test('apiserver restart', { skip: liveSkip ?? requireLocalProvider() }, async (t) => {
//     const env = await startLiveEnv({ name: 'fault' });
//     const notLocal = requireLocalCluster(env.cluster);   // belt and braces, after start
//     if (notLocal) return t.skip(notLocal);
//     …
//   });
//
// requireLocalProvider() answers before anything starts (from CLUSTER_PROVIDER);
// requireLocalCluster(cluster) answers for a cluster in hand.
import { PROVIDER_TRAITS, type Cluster, type ProviderName } from '../cluster/provider';
import type { KindCluster } from '../cluster/kind';
import { providerName } from '../cluster/select';
import { LOCAL_TOOLS } from '../cluster/local';
import type { Tool } from '../toolchain/binaries';
import { FLUX_CONTROLLERS } from '../toolchain/catalog';
import { setting } from '../../contracts/settings.ts';

export const LOOPBACK = '127.0.0.1';

/**
 * Binaries the live tier needs on this machine for a provider (liveSkipReason builds the
 * missing ones when Go is there):
 * - local: the control plane (kwokctl, kwok, etcd, kube-*), kubectl and the Flux controllers;
 * - kind: the kind and flux CLIs (`kind create cluster`, `flux install`) and kubectl (the
 *   scenarios' `kubectl kustomize` builds); Flux runs in the cluster;
 * - existing: kubectl and the Flux controllers, which run here as processes against it.
 */
export function liveToolsFor(provider: ProviderName): Tool[] {
  switch (provider) {
    case 'local':
      return [...LOCAL_TOOLS, ...FLUX_CONTROLLERS];
    case 'kind':
      return ['kubectl', 'kind', 'flux'];
    case 'existing':
      return ['kubectl', ...FLUX_CONTROLLERS];
  }
}

/**
 * The loud skip line for a reason: `LIVE TIER SKIPPED: …` on the default provider,
 * `LIVE TIER SKIPPED (CLUSTER_PROVIDER=kind): …` on another, so a run on the wrong machine can
 * never be mistaken for the local tier. The local provider's reasons stay as they always were.
 */
export function liveSkipMessage(provider: ProviderName, reason: string): string {
  if (/^LIVE TIER SKIPPED\b/.test(reason)) return reason;
  return provider === 'local' ? `LIVE TIER SKIPPED: ${reason}` : `LIVE TIER SKIPPED (CLUSTER_PROVIDER=${provider}): ${reason}`;
}

/**
 * Where the git server must listen for this cluster's Flux to fetch from it: 127.0.0.1 whenever
 * Flux runs here as processes (local, existing, kind without `flux install`); the kind network's
 * gateway (`cluster.gitHost`) when Flux runs in a kind cluster. Any other in-cluster Flux is
 * refused: nothing says which address its pods can reach.
 */
export function gitServerHost(cluster: Pick<Cluster, 'provider' | 'fluxInCluster' | 'name'> & Partial<Pick<KindCluster, 'gitHost'>>): string {
  if (!cluster.fluxInCluster) return LOOPBACK;
  if (cluster.provider !== 'kind') {
    throw new Error(`${cluster.provider} cluster ${cluster.name} runs Flux in the cluster, and only the kind provider names an address its pods can reach a git server on`);
  }
  const host = cluster.gitHost?.trim();
  if (!host) throw new Error(`kind cluster ${cluster.name} runs Flux in the cluster but has no gitHost (the kind network's gateway, or KIND_GIT_HOST)`);
  return host;
}

/** Why a scenario that needs the local tier's processes cannot run on `cluster`, or undefined. */
export function requireLocalCluster(cluster: Pick<Cluster, 'provider'>, what = 'it reads or stops the local control plane and Flux processes'): string | undefined {
  if (cluster.provider === 'local') return undefined;
  return `needs the local provider (${what}); this cluster comes from the ${cluster.provider} provider`;
}

/** requireLocalCluster before any cluster exists: from CLUSTER_PROVIDER (throws on an unknown name). */
export function requireLocalProvider(env: NodeJS.ProcessEnv = process.env, what?: string): string | undefined {
  return requireLocalCluster({ provider: providerName(env) }, what);
}

/** Why a scenario that sends traffic to real pods cannot run on the selected provider, or undefined. */
export function requireRunningPods(env: NodeJS.ProcessEnv = process.env, what = 'it sends requests to the pods through their Service'): string | undefined {
  const provider = providerName(env);
  if (PROVIDER_TRAITS[provider].runsPods) return undefined;
  return `needs pods that really run (${what}); the ${provider} provider's pods are status only (CLUSTER_PROVIDER=kind runs it)`;
}

/**
 * How many clusters of one scenario to run at once by default. local: 4 (measured on 2 cores,
 * see bootstrap.test.ts); kind: 2 (each cluster is a whole node in a container, about 2.3 GiB;
 * on 2 cores the fleet's 4 bootstraps took 398 s two at a time against 599 s one at a time, most
 * of a cluster's time being Flux's waits); existing: 1 (every cluster name maps to the same cluster, so they would race).
 * LIVE_CONCURRENCY overrides it, except on existing, which is always 1.
 */
export function liveConcurrency(provider: ProviderName, env: NodeJS.ProcessEnv = process.env): number {
  if (provider === 'existing') return 1;
  const raw = setting('LIVE_CONCURRENCY', env);
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`LIVE_CONCURRENCY="${raw}" is not a whole number >= 1`);
    return n;
  }
  return provider === 'local' ? 4 : 2;
}
