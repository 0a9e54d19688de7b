// One live environment: a cluster from a provider, the Flux controllers as processes, and a git
// server holding repositories built from examples/. Scenarios and `cluster:up` start it the
// same way; stop() tears everything down in reverse order even when parts failed, and on
// failure keeps the logs and says where they are.
import { execFileSync } from 'node:child_process';
import { startFlux, fluxUnavailableReason, type Flux } from '../cluster/flux';
import { localProvider, LOCAL_TOOLS } from '../cluster/local';
import { formatTails } from '../cluster/logs';
import type { Cluster, ClusterProvider } from '../cluster/provider';
import { startGitServer, type GitServer } from '../gitserver';
import type { CreateRepoOptions } from '../gitserver/server';
import { ensureTools, hasTool, type Tool } from '../toolchain/binaries';
import { FLUX_CONTROLLERS } from '../toolchain/catalog';
import { gotkSyncUrlTransform } from './bootstrap';
import { Kube } from './kube';

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

export interface LiveEnv {
  name: string;
  cluster: Cluster;
  flux: Flux;
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

/**
 * Why live scenarios cannot run here, or undefined. Missing binaries are built first when Go is
 * available (a cold build takes 30+ minutes on 2 cores); the reason is loud and says what to do.
 */
export async function liveSkipReason(log: (line: string) => void = console.log): Promise<string | undefined> {
  let missing = LIVE_TOOLS.filter((t) => !hasTool(t));
  if (missing.length === 0) return undefined;
  if (!hasGo()) {
    return `LIVE TIER SKIPPED: binaries not built (${missing.join(', ')}) and Go is not installed to build them; run \`npm run cluster:build\` where Go is available`;
  }
  log(`live tier: building missing binaries: ${missing.join(', ')}`);
  try {
    await ensureTools(missing, { log });
  } catch (error) {
    return `LIVE TIER SKIPPED: could not build ${missing.join(', ')}: ${error instanceof Error ? error.message : String(error)}`;
  }
  missing = LIVE_TOOLS.filter((t) => !hasTool(t));
  if (missing.length > 0) return `LIVE TIER SKIPPED: still missing after the build: ${missing.join(', ')} (run \`npm run cluster:build\`)`;
  return fluxUnavailableReason() ?? localProvider.unavailableReason();
}

async function stopAll(steps: Array<[string, () => Promise<unknown>]>): Promise<string[]> {
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

/** Starts cluster, Flux and git server; on a failure part-way, stops what did start. */
export async function startLiveEnv(opts: LiveEnvOptions): Promise<LiveEnv> {
  const provider = opts.provider ?? localProvider;
  const log = opts.log ?? (() => {});
  let cluster: Cluster | undefined;
  let flux: Flux | undefined;
  let git: GitServer | undefined;
  try {
    cluster = await provider.start({ name: opts.name, kubernetesVersion: opts.kubernetesVersion, log });
    if (cluster.fluxInCluster) {
      // Two sets of controllers would fight over the same objects; in-cluster Flux (kind) also
      // needs a git server reachable from pods, which this loopback environment is not.
      throw new Error(`${provider.name} runs Flux in the cluster; startLiveEnv only supports Flux as local processes so far`);
    }
    flux = await startFlux(cluster, { log });
    const gitStart = Date.now();
    git = await startGitServer({ log: (l) => log(`[${opts.name}] git: ${l}`) });
    const repoUrls: Record<string, string> = {};
    for (const repo of opts.repos ?? []) {
      const transform = repo.opts?.transform ?? gotkSyncUrlTransform(git.repoUrl(repo.name));
      repoUrls[repo.name] = await git.createRepoFrom(repo.dir, repo.name, { ...repo.opts, transform });
    }
    return makeEnv(opts.name, cluster, flux, git, repoUrls, (Date.now() - gitStart) / 1000);
  } catch (error) {
    const kept = cluster ? await cluster.stop({ keepLogs: true }).catch(() => undefined) : undefined;
    const errors = await stopAll([
      ['git server', async () => git?.stop()],
      ['flux', async () => flux?.stop()],
    ]);
    const where = kept?.keptLogsDir ? `\nlogs kept in ${kept.keptLogsDir}` : '';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not start live environment ${opts.name}: ${message}${where}${errors.length ? `\ncleanup: ${errors.join('; ')}` : ''}`);
  }
}

function makeEnv(name: string, cluster: Cluster, flux: Flux, git: GitServer, repoUrls: Record<string, string>, gitSeconds: number): LiveEnv {
  const fluxLogs = () => Object.values(flux.logFiles());
  const logFiles = () => [...fluxLogs(), ...Object.values(cluster.componentLogs())];
  let stopped = false;
  return {
    name,
    cluster,
    flux,
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
