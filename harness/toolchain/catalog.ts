// What each tool is built from: Go module, main package, version and recipe.
// Pure data and lookups (no I/O), so tests and binaries.ts can use it freely.
import {
  ACTIONLINT_VERSION,
  AGE_VERSION,
  ETCD_VERSION,
  FLUX_CONTROLLER_VERSIONS,
  FLUX_VERSION,
  KIND_VERSION,
  KUBECONFORM_VERSION,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  SOPS_VERSION,
  CONTAINERD_VERSION,
  CNI_PLUGINS_VERSION,
  CRICTL_VERSION,
  COREDNS_VERSION,
} from './versions';

export type Tool =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubectl'
  | 'kwokctl'
  | 'kwok'
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'notification-controller'
  | 'flux'
  | 'kubeconform'
  | 'actionlint'
  | 'sops'
  | 'age'
  | 'age-keygen'
  | 'kind'
  | 'kubelet'
  | 'kubeadm'
  | 'kube-proxy'
  | 'containerd'
  | 'containerd-shim-runc-v2'
  | 'ctr'
  | 'crictl'
  | 'coredns'
  | 'cni-bridge'
  | 'cni-host-local'
  | 'cni-loopback'
  | 'cni-portmap';

export type FluxController = keyof typeof FLUX_CONTROLLER_VERSIONS;

/**
 * How a tool's wrapper module is made:
 * - `kubernetes`: k8s.io/kubernetes with its staging modules replaced by their published v0.X.Y;
 * - `flux-controller`: controller + its `/api` module at the same tag, other replaces repeated;
 * - `flux-cli`: a writable copy of the flux2 module with cmd/flux/manifests generated locally;
 * - `module`: any other module; local-path replaces become requires of the sibling module's tag.
 */
export type Recipe = 'kubernetes' | 'flux-controller' | 'flux-cli' | 'module';

export interface ToolSpec {
  tool: Tool;
  module: string; // Go module path
  version: string; // module version, also the cache key
  pkg: string; // main package to build
  recipe: Recipe;
}

/** Tools whose version follows the Kubernetes version (opts.kubernetesVersion). */
export const KUBERNETES_TOOLS: readonly Tool[] = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'kubelet',
  'kubeadm',
  'kube-proxy',
];

/**
 * What a kind node image made here carries beyond the control plane: the node agent and kubeadm,
 * kube-proxy's image, the container runtime, CNI plugins, crictl and CoreDNS's image
 * (harness/cluster/images/node.ts; built with `--kind`, per Kubernetes version for the first three).
 */
export const KIND_NODE_KUBERNETES_TOOLS: readonly Tool[] = [
  'kubelet',
  'kubeadm',
  'kube-proxy',
  'kubectl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
];
export const KIND_NODE_TOOLS: readonly Tool[] = [
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
  'crictl',
  'coredns',
  'cni-bridge',
  'cni-host-local',
  'cni-loopback',
  'cni-portmap',
  'etcd',
];

/** CNI plugin tools and the file name each has in /opt/cni/bin. */
export const CNI_PLUGIN_FILES: Readonly<Partial<Record<Tool, string>>> = {
  'cni-bridge': 'bridge',
  'cni-host-local': 'host-local',
  'cni-loopback': 'loopback',
  'cni-portmap': 'portmap',
};

/** The control plane that `--kubernetes` and `--canary` build for other versions. */
export const CONTROL_PLANE_TOOLS: readonly Tool[] = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
];

export const FLUX_CONTROLLERS: readonly FluxController[] = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
];

/**
 * Every tool in build order: what the static tier needs first (kubectl for kustomize,
 * kubeconform), then the live tier's control plane, then Flux, then the smaller CLIs.
 */
export const BUILD_ORDER: readonly Tool[] = [
  'kubectl',
  'kubeconform',
  'kwokctl',
  'kwok',
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
  'flux',
  'sops',
  'age',
  'age-keygen',
  'actionlint',
  'kind',
  'kubelet',
  'kubeadm',
  'kube-proxy',
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
  'crictl',
  'coredns',
  'cni-bridge',
  'cni-host-local',
  'cni-loopback',
  'cni-portmap',
];

/** The default `npm run cluster:build` set: everything except kind (and canary versions). */
/** Tools only a kind node image made here needs; the static and local tiers never build them. */
export const KIND_ONLY_TOOLS: readonly Tool[] = [
  'kind',
  'kubelet',
  'kubeadm',
  'kube-proxy',
  ...KIND_NODE_TOOLS.filter((t) => t !== 'etcd'), // the local tier's control plane runs etcd too
];

export const DEFAULT_TOOLS: readonly Tool[] = BUILD_ORDER.filter((t) => !KIND_ONLY_TOOLS.includes(t));

export function isTool(name: string): name is Tool {
  return (BUILD_ORDER as readonly string[]).includes(name);
}

function fluxControllerSpec(tool: FluxController): ToolSpec {
  const module = `github.com/fluxcd/${tool}`;
  // The controllers keep package main at the module root (main.go).
  return { tool, module, version: FLUX_CONTROLLER_VERSIONS[tool], pkg: module, recipe: 'flux-controller' };
}

function plainSpec(tool: Tool, module: string, version: string, pkg: string): ToolSpec {
  return { tool, module, version, pkg, recipe: 'module' };
}

/** Where a tool comes from. `kubernetesVersion` only matters for KUBERNETES_TOOLS. */
export function toolSpec(tool: Tool, kubernetesVersion: string = KUBERNETES_VERSION): ToolSpec {
  if (KUBERNETES_TOOLS.includes(tool)) {
    const module = 'k8s.io/kubernetes';
    return { tool, module, version: kubernetesVersion, pkg: `${module}/cmd/${tool}`, recipe: 'kubernetes' };
  }
  switch (tool) {
    case 'source-controller':
    case 'kustomize-controller':
    case 'helm-controller':
    case 'notification-controller':
      return fluxControllerSpec(tool);
    case 'flux': {
      const module = 'github.com/fluxcd/flux2/v2';
      return { tool, module, version: FLUX_VERSION, pkg: `${module}/cmd/flux`, recipe: 'flux-cli' };
    }
    // etcd 3.5+ keeps package main at the server module's root (server/main.go).
    case 'etcd':
      return plainSpec(tool, 'go.etcd.io/etcd/server/v3', ETCD_VERSION, 'go.etcd.io/etcd/server/v3');
    case 'kwokctl':
    case 'kwok':
      return plainSpec(tool, 'sigs.k8s.io/kwok', KWOK_VERSION, `sigs.k8s.io/kwok/cmd/${tool}`);
    case 'kubeconform':
      return plainSpec(tool, 'github.com/yannh/kubeconform', KUBECONFORM_VERSION, 'github.com/yannh/kubeconform/cmd/kubeconform');
    case 'actionlint':
      return plainSpec(tool, 'github.com/rhysd/actionlint', ACTIONLINT_VERSION, 'github.com/rhysd/actionlint/cmd/actionlint');
    case 'sops':
      return plainSpec(tool, 'github.com/getsops/sops/v3', SOPS_VERSION, 'github.com/getsops/sops/v3/cmd/sops');
    case 'age':
    case 'age-keygen':
      return plainSpec(tool, 'filippo.io/age', AGE_VERSION, `filippo.io/age/cmd/${tool}`);
    case 'kind':
      return plainSpec(tool, 'sigs.k8s.io/kind', KIND_VERSION, 'sigs.k8s.io/kind');
    case 'containerd':
    case 'containerd-shim-runc-v2':
    case 'ctr': {
      const module = 'github.com/containerd/containerd/v2';
      return plainSpec(tool, module, CONTAINERD_VERSION, `${module}/cmd/${tool}`);
    }
    case 'crictl':
      return plainSpec(tool, 'sigs.k8s.io/cri-tools', CRICTL_VERSION, 'sigs.k8s.io/cri-tools/cmd/crictl');
    case 'coredns':
      return plainSpec(tool, 'github.com/coredns/coredns', COREDNS_VERSION, 'github.com/coredns/coredns');
    case 'cni-bridge':
    case 'cni-host-local':
    case 'cni-loopback':
    case 'cni-portmap': {
      const module = 'github.com/containernetworking/plugins';
      const where = { 'cni-bridge': 'main/bridge', 'cni-host-local': 'ipam/host-local', 'cni-loopback': 'main/loopback', 'cni-portmap': 'meta/portmap' }[tool];
      return plainSpec(tool, module, CNI_PLUGINS_VERSION, `${module}/plugins/${where}`);
    }
    default:
      throw new Error(`unknown tool: ${String(tool)}`);
  }
}
