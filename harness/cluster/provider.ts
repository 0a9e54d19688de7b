// The contract every cluster provider meets: `local` (kwokctl binary runtime, here), `kind` and
// `existing` (any kubeconfig) come later and must fit the same shape, so scenarios never ask
// which provider they run on.

export type ProviderName = 'local' | 'kind' | 'existing';

/** What a provider's clusters can do, known before one starts (a scenario's skip is decided from it). */
export interface ProviderTraits {
  /**
   * Pods really run: images are pulled or loaded, containers start, probes are served and
   * Services route to them. False for `local`, whose kwok pods are status only (made-up IPs
   * that nothing listens on, so nothing may dial them).
   */
  runsPods: boolean;
}

export const PROVIDER_TRAITS: Readonly<Record<ProviderName, ProviderTraits>> = {
  local: { runsPods: false },
  kind: { runsPods: true },
  existing: { runsPods: true },
};

export interface StartOptions {
  /** Cluster name: development, staging, production, production-eu, ephemeral, ... */
  name: string;
  /** Kubernetes version of the control plane; the toolchain's pin when omitted. */
  kubernetesVersion?: string;
  /** Fake nodes to register so that pods schedule (local provider; default 1). */
  nodes?: number;
  /** Progress lines (default: silent). */
  log?: (line: string) => void;
}

export interface StopOptions {
  /** Copy the cluster's logs somewhere that survives the cleanup (use on failure). */
  keepLogs?: boolean;
}

export interface StopReport {
  /** Where the logs were copied when keepLogs was set. */
  keptLogsDir?: string;
  /** Seconds stop() took. */
  seconds: number;
}

export interface Cluster {
  name: string;
  provider: ProviderName;
  /** A kubeconfig whose current context is this cluster, with admin rights. */
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT for local clusters. */
  apiServerUrl: string;
  /** Folder holding the control plane's component logs (and where Flux writes its own). */
  logDir: string;
  /** Component name -> log file, for failure tails. */
  componentLogs(): Record<string, string>;
  /** Process ids of the control plane, for memory measurements (empty when not local). */
  componentPids(): Record<string, number>;
  /**
   * Memory the cluster uses now, in bytes, where it is not a set of our processes (kind: the
   * node container's cgroup, which holds kubelet, the control plane, Flux and every pod).
   */
  memoryBytes?(): number;
  /** Seconds from start() to an API server with a Ready node. */
  startSeconds: number;
  /**
   * True when the provider already runs Flux inside the cluster (kind: `flux install`); the
   * harness must then not start the controllers as local processes. Unset for `local`.
   */
  fluxInCluster?: boolean;
  /**
   * Stops the cluster and removes what start() created. Throws when anything is left behind
   * (a process, a listening port, a folder): a leak is a bug, not a warning.
   */
  stop(opts?: StopOptions): Promise<StopReport>;
}

export interface ClusterProvider {
  name: ProviderName;
  /** undefined when clusters can start here, or the reason they cannot (a test skips with it). */
  unavailableReason(opts?: { kubernetesVersion?: string }): string | undefined;
  start(opts: StartOptions): Promise<Cluster>;
  /**
   * Where a git server must listen for the Flux of this provider's clusters, known before any
   * cluster starts; absent when Flux runs on this machine (127.0.0.1). Each cluster also says it
   * (gitServerHost(cluster) in harness/providers.ts).
   */
  gitServerHost?(): Promise<string>;
}
