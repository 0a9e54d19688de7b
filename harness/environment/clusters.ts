// The environment of one scenario file: one loopback git server shared by every cluster of the
// file, and one or more clusters (from the provider CLUSTER_PROVIDER selects), each with the Flux
// controllers as local processes. It is the multi-cluster sibling of the harness's startLiveEnv:
// the same pieces, but several clusters read one server (as a fleet reads one repository), and
// stop() tears everything down in reverse order even when parts failed, keeping the logs and
// printing their tails when the file failed.
import type { Flux } from '../cluster/flux';
import { formatTails } from '../cluster/logs';
import type { Cluster, ClusterProvider, ProviderName } from '../cluster/provider';
import { selectedProvider } from '../cluster/select';
import { startGitServer, type GitServer } from '../gitserver';
import type { FileTransform } from '../gitserver/server';
import { liveSkipReason, startClusterWithFlux, stopAll } from './environment';
import { gitServerHost, liveConcurrency } from './providers';
import { Kube } from '../kube/kube';
import { ensureTools, hasTool } from '../toolchain/binaries';
import { KUBERNETES_VERSION } from '../toolchain/versions';
import { repoTransform, type RepoTransformOptions } from './repo';

export const SCENARIO_REQUEUE_DEPENDENCY = '1s';

export interface ScenarioRepo {
  /** Repository name on the git server (its URL is <server>/<name>.git). */
  name: string;
  /** Folder copied into the repo (e.g. examples/fleet). */
  dir: string;
  /** Rewrites applied while the repo is built (placeholder URLs are always pointed at the server). */
  transform?: RepoTransformOptions;
  branch?: string;
}

export interface ScenarioCluster {
  name: string;
  cluster: Cluster;
  flux: Flux;
  kube: Kube;
  kubeconfigPath: string;
  /** gitVersion the API server reports. */
  kubernetesVersion: string;
  /** Flux controller logs first, then the control plane's. */
  logFiles(): string[];
  fluxLogs(): string[];
}

export interface ScenarioEnv {
  git: GitServer;
  clusters: ScenarioCluster[];
  /** The cluster of that name; throws when the file did not start it. */
  cluster(name: string): ScenarioCluster;
  provider: ProviderName;
  /** Versions of the API servers, one per cluster, in start order (for the report). */
  kubernetesVersions(): string[];
  /** Every log worth tailing, all clusters. */
  logFiles(): string[];
  /** Stops git server, Flux and clusters; with `failed`, keeps logs and returns where + tails. */
  stop(opts?: { failed?: boolean }): Promise<string>;
}

export interface ScenarioEnvOptions {
  /** Names of the clusters to start (in parallel). */
  clusters: string[];
  repos?: ScenarioRepo[];
  /** Credentials on the git server (default true, as for the fleet; the ephemeral app repo is public). */
  gitAuth?: boolean;
  provider?: ClusterProvider;
  log?: (line: string) => void;
  /**
   * Flux's --requeue-dependency: how often a Kustomization waiting for its dependsOn re-checks.
   * Default here 1s (the harness's default is 2s, upstream's 30s): every commit to the fleet
   * walks infra-controllers → infra-configs → apps, so this wait is paid twice per commit.
   */
  requeueDependency?: string;
}

/**
 * Why scenarios cannot run here, or undefined. The live tools are built first when Go is there
 * (the harness's own check); the scenarios also drive the flux CLI, as the tutorials do.
 */
export async function scenarioSkipReason(log: (line: string) => void = console.log): Promise<string | undefined> {
  const live = await liveSkipReason(log);
  if (live) return live;
  if (hasTool('flux')) return undefined;
  try {
    await ensureTools(['flux'], { log });
  } catch (error) {
    return `LIVE TIER SKIPPED: could not build the flux CLI: ${error instanceof Error ? error.message : String(error)}`;
  }
  return hasTool('flux') ? undefined : 'LIVE TIER SKIPPED: the flux CLI is not built (run `npm run cluster:build`)';
}

async function apiVersion(kube: Kube): Promise<string> {
  try {
    return String(JSON.parse(await kube.raw('/version')).gitVersion);
  } catch {
    return KUBERNETES_VERSION;
  }
}

/**
 * One cluster with Flux, outside any environment (a scenario that creates and deletes a cluster
 * itself); on failure part-way, stops what did start (keeping the logs).
 */
export async function startScenarioCluster(name: string, opts: Omit<ScenarioEnvOptions, 'clusters' | 'repos'> = {}): Promise<ScenarioCluster> {
  return startCluster(opts.provider ?? (await selectedProvider()), name, opts);
}

/** Stops Flux, then the cluster (each even if the other failed); resolves to where logs were kept. */
export async function stopScenarioCluster(sc: ScenarioCluster, opts: { keepLogs?: boolean } = {}): Promise<string | undefined> {
  let kept: string | undefined;
  const errors = await stopAll([
    ['flux', () => sc.flux.stop()],
    [`cluster ${sc.name}`, async () => (kept = (await sc.cluster.stop({ keepLogs: opts.keepLogs })).keptLogsDir)],
  ]);
  if (errors.length > 0) throw new Error(`cluster ${sc.name} left things behind:\n  ${errors.join('\n  ')}${kept ? `\n  logs: ${kept}` : ''}`);
  return kept;
}

/** Runs `start` for each name, at most `limit` at a time; settles like Promise.allSettled. */
async function settleInBatches<T>(names: string[], limit: number, start: (name: string) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  for (let i = 0; i < names.length; i += limit) {
    results.push(...(await Promise.allSettled(names.slice(i, i + limit).map(start))));
  }
  return results;
}

async function startCluster(provider: ClusterProvider, name: string, opts: Omit<ScenarioEnvOptions, 'clusters' | 'repos'>): Promise<ScenarioCluster> {
  const requeueDependency = opts.requeueDependency ?? SCENARIO_REQUEUE_DEPENDENCY;
  const { cluster, flux } = await startClusterWithFlux({ name, provider, requeueDependency, log: opts.log });
  try {
    const kube = new Kube(cluster.kubeconfigPath);
    const fluxLogs = () => Object.values(flux.logFiles());
    return {
      name,
      cluster,
      flux,
      kube,
      kubeconfigPath: cluster.kubeconfigPath,
      kubernetesVersion: await apiVersion(kube),
      fluxLogs,
      logFiles: () => [...fluxLogs(), ...Object.values(cluster.componentLogs())],
    };
  } catch (error) {
    const report = await cluster.stop({ keepLogs: true }).catch(() => undefined);
    const where = report?.keptLogsDir ? ` (logs kept in ${report.keptLogsDir})` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${where}`);
  }
}

/**
 * Starts the clusters, then the git server where their Flux can reach it (127.0.0.1, or the kind
 * network's gateway when Flux runs in kind), then the repos; everything started is stopped on
 * failure. Clusters start `liveConcurrency` at a time (the provider's trait, LIVE_CONCURRENCY).
 */
export async function startScenarioEnv(opts: ScenarioEnvOptions): Promise<ScenarioEnv> {
  const provider = opts.provider ?? (await selectedProvider());
  const log = opts.log ?? (() => {});
  const started: ScenarioCluster[] = [];
  let git: GitServer | undefined;
  try {
    const results = await settleInBatches(opts.clusters, liveConcurrency(provider.name), (name) => startCluster(provider, name, opts));
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    // No cluster yet (a scenario that makes its own later): where the provider's clusters will look.
    const hosts = started.length ? [...new Set(started.map((c) => gitServerHost(c.cluster)))] : [await provider.gitServerHost?.()].filter((h) => h !== undefined);
    if (hosts.length > 1) throw new Error(`the clusters of one scenario need the git server on different addresses (${hosts.join(', ')})`);
    git = await startGitServer({ host: hosts[0], credentials: opts.gitAuth === false ? false : undefined, log: (l) => log(`git: ${l}`) });
    for (const repo of opts.repos ?? []) {
      const transform: FileTransform = repoTransform(git, repo.name, repo.transform);
      await git.createRepoFrom(repo.dir, repo.name, { transform, branch: repo.branch });
    }
  } catch (error) {
    const errors = await stopAll([
      ['git server', async () => git?.stop()],
      ...started.map((c): [string, () => Promise<unknown>] => [`cluster ${c.name}`, async () => {
        await c.flux.stop();
        await c.cluster.stop({ keepLogs: true });
      }]),
    ]);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not start the scenario environment: ${message}${errors.length ? `\ncleanup: ${errors.join('; ')}` : ''}`);
  }
  return makeEnv(provider.name, git, started);
}

function makeEnv(provider: ProviderName, git: GitServer, clusters: ScenarioCluster[]): ScenarioEnv {
  let stopped = false;
  return {
    git,
    clusters,
    provider,
    cluster(name) {
      const found = clusters.find((c) => c.name === name);
      if (!found) throw new Error(`this scenario started no cluster named ${name} (it has ${clusters.map((c) => c.name).join(', ')})`);
      return found;
    },
    kubernetesVersions: () => clusters.map((c) => c.kubernetesVersion),
    logFiles: () => clusters.flatMap((c) => c.logFiles()),
    async stop(opts = {}) {
      if (stopped) return '';
      stopped = true;
      if (opts.failed) await Promise.all(clusters.map((c) => c.flux.collectLogs?.().catch(() => undefined)));
      const tails = opts.failed
        ? clusters.map((c) => `${formatTails(c.fluxLogs(), 15)}\n${formatTails(Object.values(c.cluster.componentLogs()), 6)}`).join('\n')
        : '';
      const kept: string[] = [];
      // Flux stops before its cluster: its log files live in the cluster's log folder.
      const errors = await stopAll([
        ['git server', () => git.stop()],
        ...clusters.map((c): [string, () => Promise<unknown>] => [`cluster ${c.name}`, async () => {
          try {
            await c.flux.stop();
          } finally {
            const report = await c.cluster.stop({ keepLogs: opts.failed });
            if (report.keptLogsDir) kept.push(report.keptLogsDir);
          }
        }]),
      ]);
      if (errors.length > 0) throw new Error(`the scenario environment left things behind:\n  ${errors.join('\n  ')}`);
      return opts.failed ? `logs kept in ${kept.join(', ') || '(not kept)'}\n${tails}` : '';
    },
  };
}
