// The environment a tutorial page starts from, built by the live tier's pieces: clusters from
// CLUSTER_PROVIDER with Flux (local: kwokctl binary runtime, controllers as processes; kind: a
// kind cluster after `flux install`), one git server holding the repositories the page names and
// reachable from those clusters, a kubeconfig whose contexts are named after the clusters, and
// the variables the page's commands use (KUBECONFIG, GIT_URL, GIT_USERNAME, GIT_PASSWORD,
// GIT_WORKDIR, ...). It is what `kind create cluster` + `flux install` + a Git host give a reader,
// and what `npm run cluster:up` prints.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { fluxUnavailableReason, type Flux } from '../cluster/flux.ts';
import { selectedProvider } from '../cluster/select.ts';
import { startClusterWithFlux } from '../environment/environment.ts';
import { gitServerHost } from '../environment/providers.ts';
import { makeRunDir } from '../cluster/paths.ts';
import { freePort } from '../cluster/ports.ts';
import type { Cluster, ProviderName } from '../cluster/provider.ts';
import { startGitServer, type GitServer } from '../gitserver/index.ts';
import { formatEventLines, toEventLines } from '../kube/events.ts';
import { Kube } from '../kube/kube.ts';
import { fluxReadiness } from '../kube/conditions.ts';
import { FLUX_API } from '../kube/readiness.ts';
import { buildHint, hasTool, toolPath, type Tool } from '../toolchain/binaries.ts';
import { KUBERNETES_VERSION } from '../toolchain/versions.ts';
import { headCommit, isDirty } from '../../contracts/report/git.ts';
import type { TutorialEnvironmentSpec } from './parse.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';

/** The binaries a reader has on PATH: the same names as an installed kubectl, flux, sops, age. */
export const READER_TOOLS: Tool[] = ['kubectl', 'flux', 'sops', 'age', 'age-keygen'];

/** Where the examples say a repository lives; the environment points these at its git server. */
export const PLACEHOLDER_GIT_BASE = 'https://git.example.invalid/gitops-field-guide';

/**
 * Event reasons that say nothing about a tutorial on the local tier: kwok's loopback pod
 * addresses are refused in EndpointSlices, and there is no metrics API for autoscalers.
 */
export const LOCAL_TIER_NOISE = new Set(['FailedToUpdateEndpointSlices', 'FailedGetResourceMetric', 'FailedComputeMetricsReplicas']);

/** Why a page cannot run here (a missing binary, with the command that builds it), or undefined. */
export async function environmentUnavailableReason(spec: TutorialEnvironmentSpec): Promise<string | undefined> {
  const missing = READER_TOOLS.filter((tool) => !hasTool(tool));
  if (missing.length > 0) return `not built: ${missing.join(', ')} (run: ${buildHint(missing[0])})`;
  if (spec.clusters.length === 0) return undefined;
  const provider = await selectedProvider();
  const reason = provider.unavailableReason({ kubernetesVersion: spec.kubernetesVersion });
  return reason ?? (provider.name === 'local' ? fluxUnavailableReason() : undefined);
}

export interface ClusterHandle {
  name: string;
  cluster: Cluster;
  flux: Flux;
  kube: Kube;
}

export interface TutorialEnvironment {
  /** Variables the page's commands read (and nothing else from the runner's own environment). */
  env: Record<string, string>;
  /** The same, minus PATH and HOME: what `cluster:up` would print as `export` lines. */
  exported: Record<string, string>;
  /** Values that must never be recorded (the git password). */
  secrets: string[];
  /** Paths to show as placeholders in recorded output: value -> placeholder. */
  replacements: Record<string, string>;
  clusters: ClusterHandle[];
  git: GitServer | undefined;
  runDir: string;
  kubernetesVersion: string;
  /** The provider the clusters came from (CLUSTER_PROVIDER). */
  provider: ProviderName;
  /** Seconds from start to everything ready. */
  startSeconds: number;
  /** What the clusters say, for failure messages: Flux objects not Ready and recent events. */
  explain(): Promise<string>;
  /** Stops everything; keepLogs copies the clusters' logs first and returns where they went. */
  stop(opts?: { keepLogs?: boolean }): Promise<string[]>;
}

/** A kubeconfig holding every cluster under its own name (context, cluster and user). */
export function mergeKubeconfigs(entries: Array<{ name: string; kubeconfig: string }>): string {
  const merged = { apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [] as unknown[], users: [] as unknown[], contexts: [] as unknown[], 'current-context': entries[0]?.name ?? '' };
  for (const { name, kubeconfig } of entries) {
    const doc = parseYaml(kubeconfig) as {
      'current-context'?: string;
      contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
      clusters: Array<{ name: string; cluster: unknown }>;
      users: Array<{ name: string; user: unknown }>;
    };
    const current = doc.contexts.find((c) => c.name === doc['current-context']) ?? doc.contexts[0];
    if (!current) throw new Error(`kubeconfig of cluster ${name} has no context`);
    const cluster = doc.clusters.find((c) => c.name === current.context.cluster);
    const user = doc.users.find((u) => u.name === current.context.user);
    if (!cluster || !user) throw new Error(`kubeconfig of cluster ${name}: context ${current.name} names a missing cluster or user`);
    merged.clusters.push({ name, cluster: cluster.cluster });
    merged.users.push({ name, user: user.user });
    merged.contexts.push({ name, context: { cluster: name, user: name } });
  }
  return stringify(merged);
}

/** Points placeholder repository URLs in YAML at the git server (what a reader does with sed). */
export function rewriteGitUrls(gitBase: string): (path: string, content: Buffer) => string | undefined {
  return (path, content) => {
    if (!/\.ya?ml$/.test(path)) return undefined;
    const text = content.toString('utf8');
    return text.includes(PLACEHOLDER_GIT_BASE) ? text.split(PLACEHOLDER_GIT_BASE).join(gitBase) : undefined;
  };
}

function gitConfig(): string {
  return ['[user]', '\tname = Field Guide Reader', '\temail = reader@field-guide.invalid', '[init]', '\tdefaultBranch = main', '[advice]', '\tdetachedHead = false', ''].join('\n');
}

/** A PATH like a reader's: the pinned kubectl, flux, sops and age first, then the system's. */
function readerPath(binDir: string): string {
  const node = process.execPath.replace(/\/[^/]+$/, '');
  const rest = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter((p) => p && p !== node);
  return [binDir, node, ...rest].join(':');
}

export interface StartOptions {
  log?: (line: string) => void;
}

/** Starts the clusters, Flux and the git server a page asks for. */
export async function startTutorialEnvironment(spec: TutorialEnvironmentSpec, opts: StartOptions = {}): Promise<TutorialEnvironment> {
  const log = opts.log ?? (() => {});
  const reason = await environmentUnavailableReason(spec);
  if (reason) throw new Error(reason);
  const started = Date.now();
  const runDir = makeRunDir('tutorial', 'env');
  const home = join(runDir, 'home');
  const binDir = join(runDir, 'bin');
  for (const dir of [home, binDir, join(runDir, 'tmp')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(home, '.gitconfig'), gitConfig());
  for (const tool of READER_TOOLS) symlinkSync(toolPath(tool), join(binDir, tool));

  const clusters: ClusterHandle[] = [];
  let git: GitServer | undefined;
  const stop = async (stopOpts: { keepLogs?: boolean } = {}): Promise<string[]> => {
    const problems: string[] = [];
    const kept: string[] = [];
    for (const handle of clusters) {
      await handle.flux.stop().catch((e: Error) => problems.push(e.message));
      const report = await handle.cluster.stop({ keepLogs: stopOpts.keepLogs }).catch((e: Error) => {
        problems.push(e.message);
        return undefined;
      });
      if (report?.keptLogsDir) kept.push(report.keptLogsDir);
    }
    clusters.length = 0;
    await git?.stop().catch((e: Error) => problems.push(e.message));
    git = undefined;
    rmSync(runDir, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`the tutorial environment did not stop cleanly:\n  ${problems.join('\n  ')}`);
    return kept;
  };

  try {
    const env: Record<string, string> = {
      PATH: readerPath(binDir),
      HOME: home,
      TMPDIR: join(runDir, 'tmp'),
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TERM: 'dumb',
      NO_COLOR: '1',
      USER: 'reader',
      // npm and the demo app read these; keep npm quiet and off the network where it can be.
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      // A free port for anything the page starts locally (the demo app reads PORT): 8080 may be
      // taken on a shared machine. A reader's shell has no PORT, and the pages default to 8080.
      PORT: String(await freePort()),
    };
    const exported: Record<string, string> = {};
    const secrets: string[] = [];
    const replacements: Record<string, string> = { [REPO_ROOT]: '<guide>' };

    const kubernetesVersion = spec.kubernetesVersion ?? KUBERNETES_VERSION;
    const provider = await selectedProvider();
    for (const name of spec.clusters) {
      log(`[tutorial] starting ${provider.name} cluster ${name} (Kubernetes ${kubernetesVersion})`);
      const { cluster, flux } = await startClusterWithFlux({ name, provider, kubernetesVersion, log });
      clusters.push({ name, cluster, flux, kube: new Kube(cluster.kubeconfigPath) });
    }

    if (spec.repos.length > 0) {
      // Where the clusters' Flux can reach it: 127.0.0.1 for controllers running here, the kind
      // network's gateway for controllers in a kind cluster.
      const host = clusters[0] ? gitServerHost(clusters[0].cluster) : undefined;
      git = await startGitServer({ host, credentials: spec.gitAuth ? undefined : false, log });
      const gitBase = git.url;
      for (const repo of spec.repos) {
        let from = repo.from ? join(REPO_ROOT, repo.from) : undefined;
        if (from && !existsSync(from)) throw new Error(`repository ${repo.name}: ${repo.from} does not exist`);
        if (!from) from = mkdtempSync(join(tmpdir(), 'empty-repo-'));
        try {
          await git.createRepoFrom(from, repo.name, { transform: rewriteGitUrls(gitBase), message: `Import ${repo.from ?? 'an empty repository'}` });
        } finally {
          if (!repo.from) rmSync(from, { recursive: true, force: true });
        }
        exported[repo.urlVar] = git.repoUrl(repo.name);
        if (repo.dirVar) {
          exported[repo.dirVar] = git.workdir(repo.name);
          replacements[git.workdir(repo.name)] = `$${repo.dirVar}`;
        }
      }
      // With or without auth the variables exist, so `flux create secret git` reads the same.
      exported.GIT_USERNAME = git.credentials?.username ?? 'git';
      exported.GIT_PASSWORD = git.credentials?.password ?? 'no-password-needed';
      if (git.credentials) secrets.push(git.credentials.password);
      replacements[git.root] = '<git-server>';
    }

    if (clusters.length > 0) {
      const kubeconfig = join(runDir, 'kubeconfig');
      writeFileSync(kubeconfig, mergeKubeconfigs(clusters.map((c) => ({ name: c.name, kubeconfig: readFileSync(c.cluster.kubeconfigPath, 'utf8') }))), { mode: 0o600 });
      exported.KUBECONFIG = kubeconfig;
      replacements[kubeconfig] = '$KUBECONFIG';
    }
    replacements[join(runDir, 'tmp')] = '<tmp>';
    replacements[runDir] = '<run>';
    Object.assign(env, exported);

    const explain = async (): Promise<string> => {
      const parts: string[] = [];
      for (const handle of clusters) {
        parts.push(`cluster ${handle.name}:`);
        try {
          const notReady: string[] = [];
          for (const [kind, apiVersion] of Object.entries(FLUX_API)) {
            for (const obj of await handle.kube.list(apiVersion, kind).catch(() => [])) {
              const readiness = fluxReadiness(obj);
              if (!readiness.ready) notReady.push(`  ${kind} ${obj.metadata.namespace}/${obj.metadata.name}: ${readiness.reason}`);
            }
          }
          parts.push(notReady.length ? `Flux objects not Ready:\n${notReady.join('\n')}` : '  every Flux object is Ready');
          const all = toEventLines(await handle.kube.list('v1', 'Event'));
          const relevant = all.filter((e) => !LOCAL_TIER_NOISE.has(e.reason)).slice(-20);
          const left = all.length - all.filter((e) => !LOCAL_TIER_NOISE.has(e.reason)).length;
          parts.push(`recent events (all namespaces${left ? `; ${left} local-tier noise events (${[...LOCAL_TIER_NOISE].join(', ')}) left out` : ''}):\n${formatEventLines(relevant)}`);
        } catch (error) {
          parts.push(`  (could not read the cluster: ${(error as Error).message})`);
        }
      }
      return parts.join('\n');
    };

    return {
      env,
      exported,
      secrets,
      replacements,
      clusters,
      git,
      runDir,
      kubernetesVersion,
      provider: provider.name,
      startSeconds: (Date.now() - started) / 1000,
      explain,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** `export NAME='value'` lines, as `cluster:up` prints them for a reader to paste. */
export function exportLines(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

/** The guide's current commit (12 digits) and whether the tree has uncommitted changes. */
export function guideCommit(): { commit: string; dirty: boolean } {
  return { commit: headCommit(REPO_ROOT)?.slice(0, 12) ?? 'unknown', dirty: isDirty(REPO_ROOT) };
}
