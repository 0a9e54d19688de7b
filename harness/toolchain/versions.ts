// The single place for every pinned version the harness builds from Go modules.
// Each pin is a tag that the Go module proxy serves here; the comment says why this one.
// Change a pin here and the next `npm run cluster:build` builds it into a new
// `.cache/bin/<tool>@<version>/` folder (old builds stay until someone deletes .cache/).

/** The Kubernetes release the guide targets: its apiserver, controller-manager, scheduler and kubectl. */
// v1.36.3: newest patch of the 1.36 line served here; its staging modules (k8s.io/api, client-go, …)
// are published as v0.36.3, which the wrapper module replaces them with.
export const KUBERNETES_VERSION = 'v1.36.3';

/** Control-plane versions the upgrade canary starts one after another (built only with `--canary`). */
// The three supported minors (n-2 … n), so the canary proves the examples survive the upgrades
// readers will actually do.
export const CANARY_KUBERNETES_VERSIONS: readonly string[] = ['v1.35.4', 'v1.36.3', 'v1.37.2'];

/**
 * The newest patch served here of each Kubernetes minor the guide supports (1.34 reached end of
 * life on 2026-10-27). The kind tier builds its node image for one of these when a run asks for
 * a minor (CLUSTER_KUBERNETES_VERSION=1.37).
 */
export const SUPPORTED_KUBERNETES_VERSIONS: Readonly<Record<string, string>> = {
  '1.35': 'v1.35.4',
  '1.36': 'v1.36.3',
  '1.37': 'v1.37.2',
};

/** etcd behind the local apiserver. */
// v3.6.8: the etcd Kubernetes v1.36.3 itself names (build/dependencies.yaml, kubeadm's
// DefaultEtcdVersion "3.6.8-0", and its go.etcd.io client modules are v3.6.8). Newer 3.6 patches
// (v3.6.16) are served too, but the local tier should run what a kubeadm 1.36 cluster runs.
export const ETCD_VERSION = 'v3.6.8';

/** kwokctl (starts the control plane as processes) and kwok (fakes nodes and pods). */
// v0.8.0: its default Kubernetes is 1.36 (pkg/consts.KubeVersion 1.36.1), matching our pin;
// its binary runtime accepts local paths for every component, so nothing is downloaded.
export const KWOK_VERSION = 'v0.8.0';

/** The flux CLI. */
// v2.9.5: the Flux distribution whose controllers are pinned below (same release train).
export const FLUX_VERSION = 'v2.9.5';

/** Flux controllers, run as local processes by the live tier. Each has a separate `/api` module
 * published at the same tag; the wrapper module requires both. */
export const FLUX_CONTROLLER_VERSIONS = {
  // v1.9.3, not v1.9.5: flux v2.9.5 ships v1.9.5, but v1.9.5 (and v1.9.4) require
  // github.com/fluxcd/pkg/artifact v0.18.3 (v0.18.2), whose zips the module proxy here refuses
  // (403 "This module version is not available"). v1.9.3 needs artifact v0.18.1, which is served;
  // its config/crd is byte-identical to v1.9.5's.
  'source-controller': 'v1.9.3',
  // v1.9.5: the kustomize-controller shipped with flux v2.9.5.
  'kustomize-controller': 'v1.9.5',
  // v1.6.4: the helm-controller shipped with flux v2.9.5.
  'helm-controller': 'v1.6.4',
  // v1.9.3, not v1.9.4: flux v2.9.5 ships v1.9.4, but the module proxy here refuses v1.9.4
  // (403). v1.9.3 is the previous patch of the same minor, so CRDs and flags are the same line.
  'notification-controller': 'v1.9.3',
} as const;

/** Schema validation in the static tier. */
// v0.8.0: newest kubeconform; builds with Go 1.26 and validates offline against local schemas.
export const KUBECONFORM_VERSION = 'v0.8.0';

/** Lints .github/workflows in the examples. */
// v1.7.12: newest actionlint served here; needs only Go 1.25.
export const ACTIONLINT_VERSION = 'v1.7.12';

/** Encrypts the example secrets (SOPS + age, what Flux's kustomize-controller decrypts). */
// v3.13.3: newest sops/v3 served here (the proxy lists v3.9.0, v3.13.2, v3.13.3); go 1.25.8 directive
// so it builds with the local Go 1.26.
export const SOPS_VERSION = 'v3.13.3';

/** age and age-keygen: the key type the guide uses with SOPS. */
// v1.3.2: newest age; its go.mod says go 1.25.0 (the `toolchain go1.27.0` line is only a
// preference and is ignored for dependencies and under GOTOOLCHAIN=local).
export const AGE_VERSION = 'v1.3.2';

/** kind, for the optional kind tier (needs a container runtime; built only with `--kind`). */
// v0.33.0: newest kind served here; only built on demand since the local tier does not need it.
export const KIND_VERSION = 'v0.33.0';

/** The kind node image made here (harness/cluster/images/node.ts): its container runtime. */
// v2.3.4: the containerd kind v0.33.0's own base image builds (images/base/Dockerfile); kubelet
// 1.36 asks the runtime for its cgroup driver (RuntimeConfig), which containerd 1.x lacks.
export const CONTAINERD_VERSION = 'v2.3.4';

/** CNI plugins in the node image: bridge + host-local + loopback + portmap replace kindnetd. */
// v1.9.1: the plugins kind v0.33.0 ships. kindnetd itself cannot be built from the module proxy
// here (a pseudo-version dependency is refused), so the node carries a plain bridge config.
export const CNI_PLUGINS_VERSION = 'v1.9.1';

/** crictl in the node image (kind export logs and people debugging a node use it). */
// v1.36.0: the cri-tools kind v0.33.0 ships.
export const CRICTL_VERSION = 'v1.36.0';

/** CoreDNS image in the node: the version kubeadm v1.36 deploys (constants.CoreDNSVersion). */
export const COREDNS_VERSION = 'v1.14.2';
