// Recording live results in the verification report (harness/report/), in one line per scenario.
//
// verifyOnCluster runs a scenario's checks and records `passed` or `failed` (the error's first
// lines) for every example path the checks prove, on the cluster the environment runs:
//
//   const env = await startLiveEnv({ name: 'staging', repos: [{ name: 'fleet', dir: FLEET_DIR }] });
//   await verifyOnCluster(env, ['examples/promotion/staging', 'examples/fleet/apps/base/demo-app'],
//     'test/scenarios/promotion.test.ts: a tag bump reaches production', async () => {
//       …the checks (assertions throw; the error is rethrown so the test still fails)…
//     });
//
// - examples: paths under examples/ (files or folders) whose behaviour the checks prove; a folder
//   covers everything in it, so name the narrowest folders that are really exercised;
// - test: `<test file>: <test name>`, unique in its tier (the report keeps the newest entry per
//   example, test, tier and Kubernetes versions);
// - tier, Kubernetes version and Flux version come from the environment: tier = the provider
//   (local | kind | existing), version = what the API server reports, Flux = the pinned
//   distribution (or what the kind provider installed).
//
// A scenario that skips records why with recordLiveSkip(examples, test, reason) (tier = the
// selected provider). Skips never count as verification; the site shows them as not verified.
// Results go to .tmp/report/ (FIELD_GUIDE_REPORT_DIR overrides); `npm run report:update` copies
// them into the committed snapshot src/data/verification-report.json.
import type { Cluster, ProviderName } from '../cluster/provider';
import { providerName } from '../cluster/select';
import { recordSkip, verify, type RecordOptions } from '../report/record';
import type { VerificationEntry } from '../../contracts/report/schema';
import { FLUX_VERSION } from '../toolchain/versions';
import type { Kube } from './kube';

/** The Kubernetes version a cluster runs: the provider's when it knows it, else the API server's. */
export async function clusterKubernetesVersion(cluster: Cluster, kube: Pick<Kube, 'raw'>): Promise<string> {
  const known = (cluster as { kubernetesVersion?: unknown }).kubernetesVersion;
  if (typeof known === 'string' && known) return known;
  let text: string;
  try {
    text = await kube.raw('/version', 15_000);
  } catch (error) {
    throw new Error(`could not read /version of ${cluster.provider} cluster ${cluster.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const version = (JSON.parse(text) as { gitVersion?: unknown }).gitVersion;
  if (typeof version !== 'string' || !version) throw new Error(`${cluster.provider} cluster ${cluster.name}: /version has no gitVersion: ${text.slice(0, 200)}`);
  return version;
}

/** The Flux distribution version of a cluster: what the provider installed, else the pinned one. */
export function clusterFluxVersion(cluster: Cluster): string {
  const installed = (cluster as { fluxVersion?: unknown }).fluxVersion;
  return typeof installed === 'string' && installed ? installed : FLUX_VERSION;
}

/** Runs `fn` and records its verdict for `examples` on the environment's cluster (see the top). */
export async function verifyOnCluster<T>(
  env: { cluster: Cluster; kube: Pick<Kube, 'raw'> },
  examples: string | string[],
  test: string,
  fn: () => Promise<T> | T,
  options?: RecordOptions,
): Promise<T> {
  const kubernetesVersion = await clusterKubernetesVersion(env.cluster, env.kube);
  return verify(
    { examples, test, tier: env.cluster.provider, kubernetesVersions: [kubernetesVersion], fluxVersion: clusterFluxVersion(env.cluster) },
    fn,
    options,
  );
}

/** Records that a live scenario skipped, with its reason, for the selected (or given) provider. */
export function recordLiveSkip(
  examples: string | string[],
  test: string,
  reason: string,
  tier: ProviderName = providerName(),
  options?: RecordOptions,
): VerificationEntry[] {
  return recordSkip({ examples, test, tier }, reason, options);
}
