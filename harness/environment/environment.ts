// One live environment: a cluster from a provider, the Flux controllers as processes, and a git
// server holding repositories built from examples/. Scenarios and `cluster:up` start it the
// same way; stop() tears everything down in reverse order even when parts failed, and on
// failure keeps the logs and says where they are.
//
// The provider is the one CLUSTER_PROVIDER selects (harness/cluster/select.ts; `local` when unset)
// unless the caller passes one:
// - local: kwokctl cluster, Flux controllers as local processes, git server on 127.0.0.1;
// - kind: Flux is already in the cluster (`flux install`), so no controllers start here, and the
//   git server listens on `cluster.gitHost` (the kind network's gateway) for pods to reach it;
// - existing: Flux controllers as local processes against that cluster, git server on
//   127.0.0.1 — unless the cluster is read-only (no EXISTING_CLUSTER_ALLOW_WRITES=1): then no
//   controllers start either (installing their CRDs would change the cluster), and scenarios
//   that write skip with writeSkipReason(env.cluster).
import { execFileSync } from 'node:child_process';
import { connectInClusterFlux, setControllerFlag } from '../cluster/flux-in-cluster';
import { startFlux, fluxUnavailableReason, type Flux } from '../cluster/flux';
import { writeSkipReason } from '../cluster/existing';
import { LOCAL_TOOLS } from '../cluster/local';
import { formatTails } from '../cluster/logs';
import type { Cluster, ClusterProvider, ProviderName } from '../cluster/provider';
import { providerName, selectedProvider } from '../cluster/select';
import { startGitServer, type GitServer } from '../gitserver';
import type { CreateRepoOptions } from '../gitserver/server';
import { ensureTools, hasTool, type Tool } from '../toolchain/binaries';
import { FLUX_CONTROLLERS } from '../toolchain/catalog';
import { gotkSyncUrlTransform } from './bootstrap';
import { Kube } from '../kube/kube';
import { gitServerHost, liveSkipMessage, liveToolsFor } from './providers';

// For scenario authors, from one import: the provider guards and the report helpers.
export { writeSkipReason } from '../cluster/existing';
export { gitServerHost, liveConcurrency, liveToolsFor, requireLocalCluster, requireLocalProvider } from './providers';
export { clusterKubernetesVersion, clusterFluxVersion, recordLiveSkip, verifyOnCluster } from '../kube/verify';

/** What the local provider needs (see liveToolsFor for the others). */
export const LIVE_TOOLS: Tool[] = [...LOCAL_TOOLS, ...FLUX_CONTROLLERS];

export interface RepoSpec {
  name: string;
  /** Folder copied into the repo (e.g. examples/fleet). */
  dir: string;
  opts?: CreateRepoOptions;
}

export interface LiveEnvOptions {
  name: string;
  provider?: ClusterProvider;
  kubernetesVersion?: string;
  /** Repos to create before returning; gotk-sync URLs are rewritten to this server by default. */
  repos?: RepoSpec[];
  log?: (line: string) => void;
}

/**
 * How Flux runs in a live environment: `processes` (started here, the local tier), `in-cluster`
 * (installed by the provider; `flux` then has no controllers, no log files and a no-op stop),
 * `not-started` (a read-only existing cluster: nothing may be installed; same empty `flux`).
 */
export type FluxMode = 'processes' | 'in-cluster' | 'not-started';

export interface LiveEnv {
  name: string;
  cluster: Cluster;
  /** With fluxMode other than `processes`: no controllers, empty URLs, logFiles() {}. */
  flux: Flux;
  fluxMode: FluxMode;
  git: GitServer;
  kube: Kube;
  /** Clone URL per created repo. */
  repoUrls: Record<string, string>;
  timings: { controlPlaneSeconds: number; fluxReadySeconds: number; gitSeconds: number };
  /** All log files worth tailing: Flux controllers first, then the control plane. */
  logFiles(): string[];
  /** Flux controller logs only (what a Flux wait should show). */
  fluxLogs(): string[];
  /**
   * Stops git server, Flux and cluster (in that order), each even if another failed. With
   * `failed`, logs are kept and the returned text names the folder and shows the tails.
   */
  stop(opts?: { failed?: boolean }): Promise<string>;
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What liveSkipReason asks the machine; unit tests pass fakes. */
export interface LiveSkipDeps {
  env: NodeJS.ProcessEnv;
  /** The provider the environment selects (selectedProvider). */
  provider(env: NodeJS.ProcessEnv): Promise<ClusterProvider>;
  hasTool(tool: Tool): boolean;
  hasGo(): boolean;
  ensureTools(tools: Tool[], opts: { log: (line: string) => void }): Promise<unknown>;
  fluxUnavailableReason(): string | undefined;
}

const machineDeps: LiveSkipDeps = {
  env: process.env,
  provider: (env) => selectedProvider(env),
  hasTool: (tool) => hasTool(tool),
  hasGo,
  ensureTools: (tools, opts) => ensureTools(tools, opts),
  fluxUnavailableReason,
};

/**
 * Why live scenarios cannot run here, or undefined, for the provider CLUSTER_PROVIDER selects
 * (an unknown name throws: a typo must fail, not skip). Another provider than local is asked
 * first (kind: "no Docker engine …"; existing: no kubeconfig), so a machine that cannot run it
 * skips at once instead of building binaries for nothing. Missing binaries are then built when
 * Go is available (a cold build takes 30+ minutes on 2 cores); the reason is loud and says what
 * to do, and names the provider when it is not local.
 */
export async function liveSkipReason(log: (line: string) => void = console.log, deps: Partial<LiveSkipDeps> = {}): Promise<string | undefined> {
  const d: LiveSkipDeps = { ...machineDeps, ...deps };
  const name: ProviderName = providerName(d.env);
  const provider = await d.provider(d.env);
  const loud = (reason: string) => liveSkipMessage(name, reason);
  if (name !== 'local') {
    const reason = provider.unavailableReason();
    if (reason) return loud(reason);
  }
  const tools = liveToolsFor(name);
  let missing = tools.filter((t) => !d.hasTool(t));
  if (missing.length > 0) {
    if (!d.hasGo()) {
      return loud(`binaries not built (${missing.join(', ')}) and Go is not installed to build them; run \`npm run cluster:build\` where Go is available`);
    }
    log(`live tier: building missing binaries: ${missing.join(', ')}`);
    try {
      await d.ensureTools(missing, { log });
    } catch (error) {
      return loud(`could not build ${missing.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
    }
    missing = tools.filter((t) => !d.hasTool(t));
    if (missing.length > 0) return loud(`still missing after the build: ${missing.join(', ')} (run \`npm run cluster:build\`)`);
  }
  if (name === 'local') return d.fluxUnavailableReason() ?? provider.unavailableReason();
  const reason = (name === 'existing' ? d.fluxUnavailableReason() : undefined) ?? provider.unavailableReason();
  return reason ? loud(reason) : undefined;
}

/** The Flux of an environment whose controllers the harness did not start (nothing to stop). */
function fluxNotRunHere(): Flux {
  return {
    controllers: [],
    receiverUrl: '',
    storageUrl: '',
    logFiles: () => ({}) as ReturnType<Flux['logFiles']>,
    readySeconds: 0,
    stop: async () => {},
  };
}

/** Runs every stop step even when one fails; returns the failures, each named. */
export async function stopAll(steps: Array<[string, () => Promise<unknown>]>): Promise<string[]> {
  const errors: string[] = [];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return errors;
}

export interface ClusterWithFlux {
  cluster: Cluster;
  flux: Flux;
  fluxMode: FluxMode;
}

/**
 * One cluster from the provider, with Flux the way that provider runs it: installed in the
 * cluster (kind: the harness connects to it), as local processes (local, writable existing), or
 * not at all (a read-only existing cluster). Scenarios, bench and tutorials all start here. On a
 * failure the cluster is stopped (its logs kept) and the error says where they are.
 */
export async function startClusterWithFlux(opts: {
  name: string;
  provider?: ClusterProvider;
  kubernetesVersion?: string;
  /** kustomize- and helm-controller's `--requeue-dependency` (scenarios shorten Flux's 30 s). */
  requeueDependency?: string;
  log?: (line: string) => void;
}): Promise<ClusterWithFlux> {
  const provider = opts.provider ?? (await selectedProvider());
  const log = opts.log ?? (() => {});
  const cluster = await provider.start({ name: opts.name, kubernetesVersion: opts.kubernetesVersion, log });
  try {
    if (cluster.fluxInCluster) {
      // Flux is already installed in the cluster (kind): a second set of controllers here would
      // fight it over the same objects.
      if (opts.requeueDependency) {
        // Both roll out at once: each waits only on its own new pod.
        const flag = `--requeue-dependency=${opts.requeueDependency}`;
        await Promise.all((['kustomize-controller', 'helm-controller'] as const).map((controller) => setControllerFlag(cluster, controller, flag)));
      }
      return { cluster, flux: await connectInClusterFlux(cluster, log), fluxMode: 'in-cluster' };
    }
    const readOnly = writeSkipReason(cluster);
    if (readOnly) {
      log(`[${opts.name}] Flux not started: ${readOnly}`);
      return { cluster, flux: fluxNotRunHere(), fluxMode: 'not-started' };
    }
    return { cluster, flux: await startFlux(cluster, { log, requeueDependency: opts.requeueDependency }), fluxMode: 'processes' };
  } catch (error) {
    const kept = await cluster.stop({ keepLogs: true }).catch(() => undefined);
    const where = kept?.keptLogsDir ? `\nlogs kept in ${kept.keptLogsDir}` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${where}`);
  }
}

/** Starts cluster, Flux and git server; on a failure part-way, stops what did start. */
export async function startLiveEnv(opts: LiveEnvOptions): Promise<LiveEnv> {
  const log = opts.log ?? (() => {});
  let started: ClusterWithFlux | undefined;
  let git: GitServer | undefined;
  try {
    started = await startClusterWithFlux({ name: opts.name, provider: opts.provider, kubernetesVersion: opts.kubernetesVersion, log });
    const { cluster, flux, fluxMode } = started;
    const gitStart = Date.now();
    git = await startGitServer({ host: gitServerHost(cluster), log: (l) => log(`[${opts.name}] git: ${l}`) });
    const repoUrls: Record<string, string> = {};
    for (const repo of opts.repos ?? []) {
      const transform = repo.opts?.transform ?? gotkSyncUrlTransform(git.repoUrl(repo.name));
      repoUrls[repo.name] = await git.createRepoFrom(repo.dir, repo.name, { ...repo.opts, transform });
    }
    return makeEnv(opts.name, cluster, flux, fluxMode, git, repoUrls, (Date.now() - gitStart) / 1000);
  } catch (error) {
    const kept = started ? await started.cluster.stop({ keepLogs: true }).catch(() => undefined) : undefined;
    const errors = await stopAll([
      ['git server', async () => git?.stop()],
      ['flux', async () => started?.flux.stop()],
    ]);
    const where = kept?.keptLogsDir ? `\nlogs kept in ${kept.keptLogsDir}` : '';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not start live environment ${opts.name}: ${message}${where}${errors.length ? `\ncleanup: ${errors.join('; ')}` : ''}`);
  }
}

function makeEnv(name: string, cluster: Cluster, flux: Flux, fluxMode: FluxMode, git: GitServer, repoUrls: Record<string, string>, gitSeconds: number): LiveEnv {
  const fluxLogs = () => Object.values(flux.logFiles());
  const logFiles = () => [...fluxLogs(), ...Object.values(cluster.componentLogs())];
  let stopped = false;
  return {
    name,
    cluster,
    flux,
    fluxMode,
    git,
    kube: new Kube(cluster.kubeconfigPath),
    repoUrls,
    timings: { controlPlaneSeconds: cluster.startSeconds, fluxReadySeconds: flux.readySeconds, gitSeconds },
    logFiles,
    fluxLogs,
    async stop(opts = {}) {
      if (stopped) return '';
      stopped = true;
      // Flux logs say why a reconcile failed; the control plane's rarely do, so fewer lines.
      const tails = opts.failed ? `${formatTails(fluxLogs(), 15)}\n${formatTails(Object.values(cluster.componentLogs()), 6)}` : '';
      let kept: string | undefined;
      // Flux stops before the cluster: its log files live in the cluster's log folder.
      const errors = await stopAll([
        ['git server', () => git.stop()],
        ['flux', () => flux.stop()],
        ['cluster', async () => (kept = (await cluster.stop({ keepLogs: opts.failed })).keptLogsDir)],
      ]);
      if (errors.length > 0) throw new Error(`live environment ${name} left things behind:\n  ${errors.join('\n  ')}`);
      return opts.failed ? `logs of ${name} kept in ${kept ?? '(not kept)'}\n${tails}` : '';
    },
  };
}
