// Pure construction of kwokctl v0.8.0 invocations: arguments, environment and the config file.
// No I/O here, so the unit tests can check every flag without binaries.
//
// What v0.8.0 does with these (read from its source, pkg/kwokctl/...):
// - KWOK_WORKDIR replaces ~/.kwok: clusters/<name>/ holds pki, etcd data, pids/, logs/, bin/
//   (symlinks to our binaries) and kubeconfig.yaml; `delete cluster` removes that folder.
// - `--kubeconfig` defaults to ~/.kube/config and both create and delete write it, so it always
//   points into the run folder.
// - The bind address of every component has no flag, only `options.bindAddress` in a
//   KwokctlConfiguration (default 0.0.0.0), passed with `--config`.
// - kwokctl picks free ports by walking down from a fixed number, so two clusters started at
//   once would collide: every port is given explicitly (flags, or the config file for those
//   without a flag, like the etcd peer port).
// - kwok-controller always gets `--node-ip=` (empty) from kwokctl; `--extra-args` are appended
//   after it, and pflag keeps the last value.
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KwokctlBinaries {
  kwokctl: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kwok: string;
  kubectl: string;
}

export interface KwokctlPorts {
  apiserver: number;
  etcd: number;
  etcdPeer: number;
  kwokController: number;
  controllerManager: number;
  scheduler: number;
}

export interface KwokctlPlan {
  /** Our cluster name; kwokctl calls the cluster "kwok-<name>" in kubeconfigs. */
  name: string;
  /** The run folder, used as KWOK_WORKDIR. */
  workdir: string;
  kubernetesVersion: string;
  binaries: KwokctlBinaries;
  ports: KwokctlPorts;
  /** Every component listens here. */
  bindAddress: string;
  /** kwok gives pods addresses from this range (loopback: nothing may dial them). */
  podCidr: string;
  /** kwok reports this as each node's InternalIP (loopback). */
  nodeIp: string;
  /** Admission plugins enabled on top of the apiserver defaults. */
  admissionPlugins: string[];
  /** How long kwokctl waits for the cluster (kwokctl --timeout). */
  timeoutSeconds: number;
}

/** Plugins the guide relies on: Pod Security Admission and the tenant quotas/limits. */
export const DEFAULT_ADMISSION_PLUGINS = [
  'NamespaceLifecycle',
  'ServiceAccount',
  'LimitRanger',
  'ResourceQuota',
  'PodSecurity',
];

export const LOOPBACK = '127.0.0.1';
// 127.1.0.0/16 is loopback too (all of 127/8 is); kwok hands out pod IPs from it.
export const DEFAULT_POD_CIDR = '127.1.0.0/16';

export function clusterWorkdir(plan: Pick<KwokctlPlan, 'workdir' | 'name'>): string {
  return join(plan.workdir, 'clusters', plan.name);
}

export function configPath(plan: Pick<KwokctlPlan, 'workdir'>): string {
  return join(plan.workdir, 'kwokctl-config.yaml');
}

/** The kubeconfig kwokctl adds the cluster's context to (and removes it from on delete). */
export function userKubeconfigPath(plan: Pick<KwokctlPlan, 'workdir'>): string {
  return join(plan.workdir, 'kubeconfig.yaml');
}

export function logsDir(plan: Pick<KwokctlPlan, 'workdir' | 'name'>): string {
  return join(clusterWorkdir(plan), 'logs');
}

export function pidsDir(plan: Pick<KwokctlPlan, 'workdir' | 'name'>): string {
  return join(clusterWorkdir(plan), 'pids');
}

/** The context (and cluster) name kwokctl writes into kubeconfigs. */
export function contextName(name: string): string {
  return `kwok-${name}`;
}

/** The --config file: bind address and the ports that have no flag. */
export function kwokctlConfigYaml(plan: KwokctlPlan): string {
  const doc = {
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options: {
      runtime: 'binary',
      bindAddress: plan.bindAddress,
      etcdPeerPort: plan.ports.etcdPeer,
      kubeControllerManagerPort: plan.ports.controllerManager,
      kubeSchedulerPort: plan.ports.scheduler,
    },
  };
  return stringify(doc);
}

function extraArgs(component: string, pairs: Record<string, string>): string[] {
  return Object.entries(pairs).flatMap(([k, v]) => ['--extra-args', `${component}=${k}=${v}`]);
}

/** `kwokctl create cluster` arguments. */
export function createClusterArgs(plan: KwokctlPlan): string[] {
  const b = plan.binaries;
  return [
    '--name', plan.name,
    '--config', configPath(plan),
    'create', 'cluster',
    '--runtime', 'binary',
    '--kubeconfig', userKubeconfigPath(plan),
    // No --wait: it polls /healthz through kubectl about once a second; the provider polls
    // /readyz itself every 100 ms, which saves ~1.5 s per cluster.
    '--timeout', `${plan.timeoutSeconds}s`,
    '--kube-apiserver-port', String(plan.ports.apiserver),
    '--etcd-port', String(plan.ports.etcd),
    '--controller-port', String(plan.ports.kwokController),
    '--kube-controller-manager-port', String(plan.ports.controllerManager),
    '--kube-scheduler-port', String(plan.ports.scheduler),
    '--etcd-binary', b.etcd,
    '--kube-apiserver-binary', b.kubeApiserver,
    '--kube-controller-manager-binary', b.kubeControllerManager,
    '--kube-scheduler-binary', b.kubeScheduler,
    '--kwok-controller-binary', b.kwok,
    ...extraArgs('kube-apiserver', { 'enable-admission-plugins': plan.admissionPlugins.join(',') }),
    ...extraArgs('kwok-controller', { 'node-ip': plan.nodeIp, cidr: plan.podCidr }),
    // The HPA controller only raises a Deployment to minReplicas on its sync, every 15 s by
    // default; 2 s makes a fresh environment reach its replica count ~13 s sooner.
    ...extraArgs('kube-controller-manager', { 'horizontal-pod-autoscaler-sync-period': '2s' }),
  ];
}

/** `kwokctl delete cluster` arguments. */
export function deleteClusterArgs(plan: KwokctlPlan): string[] {
  return ['--name', plan.name, '--config', configPath(plan), 'delete', 'cluster', '--kubeconfig', userKubeconfigPath(plan)];
}

/**
 * Environment for kwokctl: its work folder, the version it must not guess, the kubectl it uses
 * to probe the apiserver (first on PATH, then KWOK_KUBECTL_BINARY), and a HOME inside the run
 * folder so nothing it writes by default lands in the real home.
 */
export function kwokctlEnv(plan: KwokctlPlan, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kubectlDir = plan.binaries.kubectl.replace(/\/[^/]+$/, '');
  return {
    ...base,
    HOME: join(plan.workdir, 'home'),
    KWOK_WORKDIR: plan.workdir,
    KWOK_KUBE_VERSION: plan.kubernetesVersion,
    KWOK_RUNTIME: 'binary',
    KWOK_KUBECTL_BINARY: plan.binaries.kubectl,
    PATH: `${kubectlDir}:${base.PATH ?? '/usr/bin:/bin'}`,
  };
}

/** A Node kwok manages (annotation), with a loopback pod range; kwok fills in its status. */
export function nodeManifest(name: string, index: number, podCidr = DEFAULT_POD_CIDR): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: { podCIDR: nodePodCidr(podCidr, index), podCIDRs: [nodePodCidr(podCidr, index)] },
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake' },
    },
  };
}

/** The index-th /24 inside a /16 (127.1.0.0/16, 2 -> 127.1.2.0/24). */
export function nodePodCidr(podCidr: string, index: number): string {
  const [base] = podCidr.split('/');
  const octets = base.split('.').map(Number);
  if (octets.length !== 4 || index < 0 || index > 255) throw new Error(`cannot carve node ${index} out of ${podCidr}`);
  return `${octets[0]}.${octets[1]}.${index}.0/24`;
}
