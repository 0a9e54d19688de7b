import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allPorts, fluxControllerArgs, fluxControllerEnv, type FluxPlan } from './flux';

const plan: FluxPlan = {
  runDir: '/r/flux-dev',
  kubeconfigPath: '/r/cluster-dev/kubeconfig.yaml',
  logDir: '/r/cluster-dev/clusters/dev/logs',
  ports: {
    'source-controller': { metrics: 1001, health: 1002, storage: 1003 },
    'kustomize-controller': { metrics: 2001, health: 2002 },
    'helm-controller': { metrics: 3001, health: 3002 },
    'notification-controller': { metrics: 4001, health: 4002, events: 4003, receiver: 4004 },
  },
  requeueDependency: '2s',
  logLevel: 'info',
};

const value = (args: string[], name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

test('every controller binds metrics and health to its own loopback port, leader election off', () => {
  for (const c of ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'] as const) {
    const args = fluxControllerArgs(c, plan);
    assert.equal(value(args, '--metrics-addr'), `127.0.0.1:${plan.ports[c].metrics}`);
    assert.equal(value(args, '--health-addr'), `127.0.0.1:${plan.ports[c].health}`);
    assert.equal(value(args, '--enable-leader-election'), 'false');
    assert.equal(value(args, '--watch-all-namespaces'), 'true');
    assert.ok(!args.some((a) => a.startsWith('--kubeconfig')), 'KUBECONFIG env instead of the shadowed flag');
  }
  assert.equal(new Set(allPorts(plan)).size, 11, 'no two listeners share a port');
});

test('source-controller serves and advertises artifacts on the same loopback port', () => {
  const args = fluxControllerArgs('source-controller', plan);
  assert.equal(value(args, '--storage-addr'), '127.0.0.1:1003');
  assert.equal(value(args, '--storage-adv-addr'), '127.0.0.1:1003');
  assert.equal(value(args, '--storage-path'), '/r/flux-dev/storage');
});

test('events go to notification-controller on loopback; it binds events and receiver there', () => {
  for (const c of ['source-controller', 'kustomize-controller', 'helm-controller'] as const) {
    assert.equal(value(fluxControllerArgs(c, plan), '--events-addr'), 'http://127.0.0.1:4003');
  }
  const n = fluxControllerArgs('notification-controller', plan);
  assert.equal(value(n, '--events-addr'), '127.0.0.1:4003');
  assert.equal(value(n, '--receiverAddr'), '127.0.0.1:4004');
});

test('environment: KUBECONFIG, runtime namespace, private HOME and TMPDIR', () => {
  const env = fluxControllerEnv(plan, { PATH: '/usr/bin', HOME: '/root', KUBECONFIG: '/root/.kube/config' });
  assert.equal(env.KUBECONFIG, '/r/cluster-dev/kubeconfig.yaml');
  assert.equal(env.RUNTIME_NAMESPACE, 'flux-system');
  assert.equal(env.HOME, '/r/flux-dev/home');
  assert.equal(env.TMPDIR, '/r/flux-dev/tmp');
});
