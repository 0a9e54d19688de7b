import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  clusterWorkdir,
  createClusterArgs,
  DEFAULT_ADMISSION_PLUGINS,
  deleteClusterArgs,
  kwokctlConfigYaml,
  kwokctlEnv,
  nodeManifest,
  nodePodCidr,
  userKubeconfigPath,
  type KwokctlPlan,
} from './kwokctl';

const plan: KwokctlPlan = {
  name: 'staging',
  workdir: '/repo/.tmp/live/cluster-staging-1',
  kubernetesVersion: 'v1.36.3',
  binaries: {
    kwokctl: '/c/kwokctl',
    etcd: '/c/etcd',
    kubeApiserver: '/c/kube-apiserver',
    kubeControllerManager: '/c/kube-controller-manager',
    kubeScheduler: '/c/kube-scheduler',
    kwok: '/c/kwok',
    kubectl: '/c/kubectl@v1.36.3/kubectl',
  },
  ports: { apiserver: 40001, etcd: 40002, etcdPeer: 40003, kwokController: 40004, controllerManager: 40005, scheduler: 40006 },
  bindAddress: '127.0.0.1',
  podCidr: '127.1.0.0/16',
  nodeIp: '127.0.0.1',
  admissionPlugins: DEFAULT_ADMISSION_PLUGINS,
  timeoutSeconds: 120,
};

/** The value following a flag (first occurrence). */
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

test('create uses the binary runtime, the run folder config and kubeconfig, never ~/.kube', () => {
  const args = createClusterArgs(plan);
  assert.deepEqual(args.slice(args.indexOf('create'), args.indexOf('create') + 2), ['create', 'cluster']);
  assert.equal(flag(args, '--runtime'), 'binary');
  assert.equal(flag(args, '--name'), 'staging');
  assert.equal(flag(args, '--config'), '/repo/.tmp/live/cluster-staging-1/kwokctl-config.yaml');
  assert.equal(flag(args, '--kubeconfig'), userKubeconfigPath(plan));
  assert.ok(userKubeconfigPath(plan).startsWith(plan.workdir));
});

test('create passes every port explicitly (kwokctl would pick the same ones for parallel clusters)', () => {
  const args = createClusterArgs(plan);
  assert.equal(flag(args, '--kube-apiserver-port'), '40001');
  assert.equal(flag(args, '--etcd-port'), '40002');
  assert.equal(flag(args, '--controller-port'), '40004');
  assert.equal(flag(args, '--kube-controller-manager-port'), '40005');
  assert.equal(flag(args, '--kube-scheduler-port'), '40006');
  const config = parse(kwokctlConfigYaml(plan));
  assert.equal(config.options.etcdPeerPort, 40003, 'the etcd peer port has no flag: it is in the config file');
});

test('create points kwokctl at the local binaries, not at download URLs', () => {
  const args = createClusterArgs(plan);
  assert.equal(flag(args, '--etcd-binary'), '/c/etcd');
  assert.equal(flag(args, '--kube-apiserver-binary'), '/c/kube-apiserver');
  assert.equal(flag(args, '--kube-controller-manager-binary'), '/c/kube-controller-manager');
  assert.equal(flag(args, '--kube-scheduler-binary'), '/c/kube-scheduler');
  assert.equal(flag(args, '--kwok-controller-binary'), '/c/kwok');
  assert.ok(!args.some((a) => a.startsWith('http')), 'no URL in the arguments');
});

test('extra args enable PodSecurity and put kwok pods and nodes on loopback', () => {
  const extras = createClusterArgs(plan).filter((_, i, all) => all[i - 1] === '--extra-args');
  const admission = extras.find((e) => e.startsWith('kube-apiserver=enable-admission-plugins='));
  assert.ok(admission?.split('=')[2].split(',').includes('PodSecurity'));
  assert.ok(extras.includes('kwok-controller=node-ip=127.0.0.1'));
  assert.ok(extras.includes('kwok-controller=cidr=127.1.0.0/16'));
  assert.ok(extras.includes('kube-controller-manager=horizontal-pod-autoscaler-sync-period=2s'));
});

test('the config file binds every component to loopback', () => {
  const config = parse(kwokctlConfigYaml(plan));
  assert.equal(config.apiVersion, 'config.kwok.x-k8s.io/v1alpha1');
  assert.equal(config.kind, 'KwokctlConfiguration');
  assert.equal(config.options.bindAddress, '127.0.0.1');
  assert.equal(config.options.runtime, 'binary');
});

test('delete names the same cluster, config and kubeconfig', () => {
  const args = deleteClusterArgs(plan);
  assert.deepEqual(args, ['--name', 'staging', '--config', `${plan.workdir}/kwokctl-config.yaml`, 'delete', 'cluster', '--kubeconfig', userKubeconfigPath(plan)]);
});

test('the environment isolates kwokctl in the run folder and pins the version', () => {
  const env = kwokctlEnv(plan, { PATH: '/usr/bin', HOME: '/root' });
  assert.equal(env.KWOK_WORKDIR, plan.workdir);
  assert.equal(env.KWOK_KUBE_VERSION, 'v1.36.3');
  assert.equal(env.KWOK_KUBECTL_BINARY, '/c/kubectl@v1.36.3/kubectl');
  assert.equal(env.HOME, `${plan.workdir}/home`);
  assert.equal(env.PATH, '/c/kubectl@v1.36.3:/usr/bin', 'our kubectl is found before any on PATH');
  assert.equal(clusterWorkdir(plan), `${plan.workdir}/clusters/staging`);
});

test('fake nodes carry the kwok annotation and a loopback pod range', () => {
  const node = nodeManifest('kwok-node-1', 1) as { metadata: { annotations: Record<string, string> }; spec: { podCIDR: string } };
  assert.equal(node.metadata.annotations['kwok.x-k8s.io/node'], 'fake');
  assert.equal(node.spec.podCIDR, '127.1.1.0/24');
  assert.equal(nodePodCidr('127.1.0.0/16', 0), '127.1.0.0/24');
  assert.throws(() => nodePodCidr('127.1.0.0/16', 256), /cannot carve/);
});
