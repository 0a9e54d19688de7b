// The existing provider: a cluster somebody else runs, given by a kubeconfig. It never creates
// or deletes the cluster; start() checks that the API server answers and writes a one-context
// copy of the kubeconfig (mode 0600, in the run folder) so every tool the harness starts talks
// to the same context; stop() only removes that copy.
//
//   CLUSTER_PROVIDER=existing
//   EXISTING_KUBECONFIG=/path/to/kubeconfig   (or KUBECONFIG; a `:`-separated list is merged)
//   EXISTING_CONTEXT=my-context               (default: the kubeconfig's current-context)
//   EXISTING_CLUSTER_ALLOW_WRITES=1           (without it, scenarios that change the cluster skip)
//
// Every cluster name a scenario asks for maps to this one cluster, so multi-cluster scenarios
// share it; and pods of a remote cluster cannot reach the harness's 127.0.0.1 git server, so
// Flux-driven scenarios need a cluster that can (see docs in harness/cluster/kind.ts).
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { makeRunDir } from './paths';
import type { Cluster, ClusterProvider, StartOptions, StopOptions, StopReport } from './provider';
import { setting, settingOn, type SettingName } from '../../contracts/settings.ts';

export const ALLOW_WRITES_ENV = 'EXISTING_CLUSTER_ALLOW_WRITES' satisfies SettingName;

export interface ExistingSettings {
  /** Kubeconfig file(s), in KUBECONFIG order. */
  kubeconfigPaths: string[];
  /** Which env variable named them (for messages). */
  source: 'EXISTING_KUBECONFIG' | 'KUBECONFIG';
  context?: string;
  allowWrites: boolean;
}

/** Reads the provider's settings from the environment; throws with what is missing. */
export function existingSettings(env: NodeJS.ProcessEnv = process.env): ExistingSettings {
  const source = setting('EXISTING_KUBECONFIG', env) ? 'EXISTING_KUBECONFIG' : setting('KUBECONFIG', env) ? 'KUBECONFIG' : undefined;
  if (!source) throw new Error('CLUSTER_PROVIDER=existing needs EXISTING_KUBECONFIG (or KUBECONFIG) to name a kubeconfig file');
  const kubeconfigPaths = (setting(source, env) ?? '').split(delimiter).filter(Boolean);
  const missing = kubeconfigPaths.filter((p) => !existsSync(p));
  if (kubeconfigPaths.length === 0 || missing.length) {
    throw new Error(`${source} names kubeconfig file(s) that do not exist: ${missing.join(', ') || '(empty)'}`);
  }
  return {
    kubeconfigPaths,
    source,
    context: setting('EXISTING_CONTEXT', env),
    allowWrites: settingOn(ALLOW_WRITES_ENV, env),
  };
}

/** Why the existing provider cannot be used, or undefined (reachability is checked in start()). */
export function existingUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    existingSettings(env);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The reason a scenario that changes the cluster must not run, or undefined when writes are allowed. */
export function writeRefusal(settings: Pick<ExistingSettings, 'allowWrites'>, context: string): string | undefined {
  return settings.allowWrites
    ? undefined
    : `existing cluster (context ${context}) is read-only for the harness: set ${ALLOW_WRITES_ENV}=1 to let scenarios change it`;
}

/** Loads and merges the kubeconfig(s), selects the context; throws naming the context when absent. */
export function loadExistingKubeconfig(settings: ExistingSettings): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(settings.kubeconfigPaths[0]);
  for (const extra of settings.kubeconfigPaths.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(extra);
    kc.mergeConfig(more, true);
  }
  const context = settings.context ?? kc.getCurrentContext();
  const ctx = kc.getContextObject(context);
  if (!context || !ctx) {
    throw new Error(`${settings.source}: context "${context ?? ''}" not found (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
  }
  kc.setCurrentContext(context);
  return kc;
}

/** A kubeconfig with only the selected context, its cluster and its user (paths already absolute). */
export function minifiedKubeconfig(kc: KubeConfig): string {
  const context = kc.getContextObject(kc.getCurrentContext());
  if (!context) throw new Error('kubeconfig has no current context');
  const cluster = kc.getCluster(context.cluster);
  const user = context.user ? kc.getUser(context.user) : null;
  if (!cluster) throw new Error(`context ${context.name} names cluster "${context.cluster}", which the kubeconfig does not define`);
  const only = new KubeConfig();
  only.loadFromOptions({
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [context],
    currentContext: context.name,
  });
  return only.exportConfig();
}

async function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ExistingCluster extends Cluster {
  provider: 'existing';
  context: string;
  /** gitVersion the API server reported, e.g. v1.35.2. */
  kubernetesVersion: string;
  /** Set when the harness must not change this cluster; scenarios that write skip with it. */
  writeRefusal?: string;
}

/**
 * The skip reason for a scenario that changes the cluster, or undefined when it may run (always
 * undefined for clusters the harness created itself):
 *   test('drift is reverted', { skip: writeSkipReason(cluster) }, …)
 */
export function writeSkipReason(cluster: Cluster): string | undefined {
  return (cluster as Partial<ExistingCluster>).writeRefusal;
}

/** Throws unless the cluster may be changed: a guard inside destructive helpers. */
export function assertWritable(cluster: Cluster): void {
  const refusal = writeSkipReason(cluster);
  if (refusal) throw new Error(refusal);
}

export async function startExistingCluster(opts: StartOptions, env: NodeJS.ProcessEnv = process.env): Promise<ExistingCluster> {
  const started = Date.now();
  const settings = existingSettings(env);
  const kc = loadExistingKubeconfig(settings);
  const context = kc.getCurrentContext();
  const server = kc.getCurrentCluster()?.server ?? '';
  let gitVersion: string;
  try {
    const version = await withTimeout(`API server ${server}`, 15_000, kc.makeApiClient(VersionApi).getCode());
    gitVersion = version.gitVersion;
  } catch (error) {
    throw new Error(`existing cluster (context ${context}, ${server}) is not reachable: ${(error as Error).message}`);
  }
  if (opts.kubernetesVersion && !gitVersion.startsWith(opts.kubernetesVersion.replace(/^v?/, 'v'))) {
    opts.log?.(`[${opts.name}] note: existing cluster runs ${gitVersion}, not the requested ${opts.kubernetesVersion}`);
  }
  const runDir = makeRunDir('existing', opts.name);
  const logDir = join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const kubeconfigPath = join(runDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, minifiedKubeconfig(kc), { mode: 0o600 });
  chmodSync(kubeconfigPath, 0o600);
  const refusal = writeRefusal(settings, context);
  opts.log?.(`[${opts.name}] existing cluster: context ${context}, ${server}, ${gitVersion}${refusal ? ' (read-only)' : ' (writes allowed)'}`);
  let stopped = false;
  return {
    name: opts.name,
    provider: 'existing',
    context,
    kubeconfigPath,
    apiServerUrl: server,
    logDir,
    kubernetesVersion: gitVersion,
    ...(refusal ? { writeRefusal: refusal } : {}),
    startSeconds: (Date.now() - started) / 1000,
    componentLogs: () => ({}),
    componentPids: () => ({}),
    async stop(_opts: StopOptions = {}): Promise<StopReport> {
      const t = Date.now();
      if (!stopped) {
        stopped = true;
        // Never touches the cluster: only our copy of the kubeconfig and the run folder go.
        rmSync(runDir, { recursive: true, force: true });
        if (existsSync(runDir)) throw new Error(`could not remove ${runDir}`);
      }
      return { seconds: (Date.now() - t) / 1000 };
    },
  };
}

export const existingProvider: ClusterProvider = {
  name: 'existing',
  unavailableReason: () => existingUnavailableReason(),
  start: (opts) => startExistingCluster(opts),
};
