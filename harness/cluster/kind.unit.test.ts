import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { KIND_VERSION, KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../toolchain/versions';
import { NODE_NETWORK } from './images/node';
import {
  KIND_IMAGES_RELEASE,
  KIND_NODE_IMAGES,
  fluxCheckArgs,
  fluxInstallArgs,
  gatewayFromIpamConfig,
  kindClusterConfig,
  kindClusterName,
  kindCreateArgs,
  kindDeleteArgs,
  kindExportLogsArgs,
  kindNodeImage,
  kindUnavailableReason,
  kubernetesMinor,
  serverFromKubeconfig,
  type KindProbe,
} from './kind';

test('the node images belong to the pinned kind release and are pinned by digest', () => {
  assert.equal(KIND_IMAGES_RELEASE, KIND_VERSION, 'bumping KIND_VERSION needs the node images of that release (its release notes list them)');
  for (const [minor, { version, digest }] of Object.entries(KIND_NODE_IMAGES)) {
    assert.equal(kubernetesMinor(version), minor);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  }
  // Every supported minor (the CI matrix) has an upstream image.
  for (const minor of Object.keys(SUPPORTED_KUBERNETES_VERSIONS)) assert.ok(KIND_NODE_IMAGES[minor], `no image for ${minor}`);
});

test('kindNodeImage (upstream) picks the image per Kubernetes minor and reports the version it runs', () => {
  assert.deepEqual(kindNodeImage('1.35'), {
    minor: '1.35',
    kubernetesVersion: 'v1.35.8',
    source: 'upstream',
    image: 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
  });
  assert.equal(kindNodeImage('1.36.3').kubernetesVersion, 'v1.36.4');
  // Default: the toolchain's Kubernetes minor.
  assert.equal(kindNodeImage().minor, kubernetesMinor(KUBERNETES_VERSION));
  assert.throws(() => kindNodeImage('1.34'), /no pinned node image for Kubernetes 1\.34.*pinned minors: 1\.35, 1\.36, 1\.37/);
  assert.throws(() => kubernetesMinor('latest'), /"latest" is not a Kubernetes version/);
});

test('kindNodeImage (local) builds the exact version asked for, or the newest served patch of a minor', () => {
  assert.deepEqual(kindNodeImage('1.37', 'local'), { minor: '1.37', kubernetesVersion: SUPPORTED_KUBERNETES_VERSIONS['1.37'], source: 'local' });
  assert.equal(kindNodeImage('v1.36.1', 'local').kubernetesVersion, 'v1.36.1');
  assert.equal(kindNodeImage('1.35.4', 'local').kubernetesVersion, 'v1.35.4');
  assert.equal(kindNodeImage(undefined, 'local').kubernetesVersion, KUBERNETES_VERSION);
  assert.throws(() => kindNodeImage('1.34', 'local'), /no Kubernetes 1\.34 to build a kind node image for.*supported minors: 1\.35, 1\.36, 1\.37/);
});

test('kind create/delete/export arguments', () => {
  const plan = {
    kindName: 'fg-staging-ab12',
    image: kindNodeImage('1.36').image!,
    configPath: '/run/kind-config.yaml',
    kubeconfigPath: '/run/kubeconfig',
    waitSeconds: 180,
  };
  assert.deepEqual(kindCreateArgs(plan), [
    'create', 'cluster', '--name', 'fg-staging-ab12',
    '--image', 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    '--config', '/run/kind-config.yaml', '--kubeconfig', '/run/kubeconfig', '--wait', '180s',
  ]);
  assert.deepEqual(kindDeleteArgs(plan), ['delete', 'cluster', '--name', 'fg-staging-ab12', '--kubeconfig', '/run/kubeconfig']);
  assert.deepEqual(kindExportLogsArgs('fg-staging-ab12', '/logs'), ['export', 'logs', '/logs', '--name', 'fg-staging-ab12']);
});

test('kind cluster names are valid kind names and unique per start', () => {
  assert.equal(kindClusterName('production-eu', 'beef'), 'fg-production-eu-beef');
  assert.equal(kindClusterName('My Cluster_1', '0000'), 'fg-my-cluster-1-0000');
  assert.match(kindClusterName('x'.repeat(80)), /^fg-x{24}-[0-9a-f]{4}$/);
  assert.notEqual(kindClusterName('a'), kindClusterName('a'));
  for (const name of ['staging', 'A/B', '---']) assert.match(kindClusterName(name), /^[a-z0-9.-]+$/);
});

test('the kind config: one control-plane node, API server on 127.0.0.1 with a random port, kubelet allowed on cgroup v1', () => {
  const patches = ['kind: KubeletConfiguration\nfailCgroupV1: false\n'];
  assert.deepEqual(parseYaml(kindClusterConfig({ kindName: 'fg-dev-0001', source: 'upstream' })), {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: 'fg-dev-0001',
    networking: { apiServerAddress: '127.0.0.1', apiServerPort: 0 },
    kubeadmConfigPatches: patches,
    nodes: [{ role: 'control-plane' }],
  });
  // A node image made here brings its own bridge CNI for its own subnets.
  assert.deepEqual(parseYaml(kindClusterConfig({ kindName: 'fg-dev-0001', source: 'local' })).networking, {
    apiServerAddress: '127.0.0.1',
    apiServerPort: 0,
    disableDefaultCNI: true,
    podSubnet: NODE_NETWORK.podSubnet,
    serviceSubnet: NODE_NETWORK.serviceSubnet,
  });
});

test("flux install uses the CLI's embedded manifests (no --version) and the four controllers", () => {
  assert.deepEqual(fluxInstallArgs('/run/kubeconfig'), [
    'install',
    '--components=source-controller,kustomize-controller,helm-controller,notification-controller',
    '--kubeconfig=/run/kubeconfig',
    '--timeout=5m',
  ]);
  assert.deepEqual(fluxCheckArgs('/k'), ['check', '--kubeconfig=/k', '--timeout=3m']);
});

function probe(overrides: Partial<KindProbe> = {}): KindProbe {
  return { dockerProblem: () => undefined, hasTool: () => true, hasGo: () => true, ...overrides };
}

test('kindUnavailableReason: docker, binaries and image each give a reason; none when all is there', () => {
  assert.equal(kindUnavailableReason({}, probe()), undefined);
  assert.match(
    kindUnavailableReason({}, probe({ dockerProblem: () => 'docker info failed: Cannot connect to the Docker daemon' }))!,
    /^kind tier unavailable: no Docker engine \(docker info failed: Cannot connect to the Docker daemon\)/,
  );
  // Missing binaries are fine when Go can build them; not otherwise.
  assert.equal(kindUnavailableReason({}, probe({ hasTool: () => false })), undefined);
  assert.match(kindUnavailableReason({}, probe({ hasTool: (t) => t !== 'kind', hasGo: () => false }))!, /kind not built and no Go toolchain/);
  assert.match(kindUnavailableReason({ kubernetesVersion: '1.20', source: 'upstream' }, probe())!, /no pinned node image for Kubernetes 1\.20/);
  assert.match(kindUnavailableReason({ kubernetesVersion: '1.20', source: 'local' }, probe())!, /no Kubernetes 1\.20 to build/);
  const all = kindUnavailableReason({}, probe({ dockerProblem: () => 'the docker CLI is not installed', hasTool: () => false, hasGo: () => false }))!;
  assert.match(all, /docker CLI is not installed.*kind and flux not built/);
});

test('kindUnavailableReason on this machine: a reason, never a fake cluster, when docker is missing', () => {
  const reason = kindUnavailableReason();
  // Where Docker works this is undefined; where it does not, the reason names Docker.
  if (reason !== undefined) assert.match(reason, /kind tier unavailable: .*(Docker|docker|Go toolchain)/);
});

test('the docker network gateway and the kubeconfig server are read from tool output', () => {
  const ipam = JSON.stringify([{ Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);
  assert.equal(gatewayFromIpamConfig(ipam), '172.18.0.1');
  assert.equal(gatewayFromIpamConfig('[{"Subnet":"fc00::/64"}]'), undefined);
  assert.equal(gatewayFromIpamConfig('not json'), undefined);
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: kind-fg-dev-0001',
    'contexts:',
    '- name: kind-fg-dev-0001',
    '  context: {cluster: kind-fg-dev-0001, user: kind-fg-dev-0001}',
    'clusters:',
    '- name: kind-fg-dev-0001',
    '  cluster: {server: "https://127.0.0.1:41234", certificate-authority-data: AAAA}',
  ].join('\n');
  assert.equal(serverFromKubeconfig(kubeconfig), 'https://127.0.0.1:41234');
  assert.throws(() => serverFromKubeconfig('current-context: x\n'), /no server/);
});
