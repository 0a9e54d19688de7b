// The local provider on its own (no Flux): two clusters side by side are isolated, kwok makes a
// Deployment Available with pods on loopback addresses, Pod Security Admission is enforced, and
// stop() leaves no process, port or folder behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { localProvider } from '../../harness/cluster/local';
import { stillListening } from '../../harness/cluster/ports';
import { isAlive, processesMentioning } from '../../harness/cluster/process';
import type { Cluster } from '../../harness/cluster/provider';
import { applyObjects } from '../../harness/kube/apply';
import { liveSkipReason, requireLocalProvider } from '../../harness/environment/environment';
import { apiErrorMessage, Kube, type KubeObject } from '../../harness/kube/kube';
import { waitForDeploymentAvailable } from '../../harness/kube/readiness';
import { waitUntil } from '../../harness/kube/wait';

// Builds missing binaries when Go is there (as `npm test` does), else skips loudly. It tests the
// local provider itself, so a run with another CLUSTER_PROVIDER skips it too.
const skip = (await liveSkipReason()) ?? requireLocalProvider(process.env, 'it tests the local provider itself');
if (skip) console.error(`\n*** ${skip} ***\n`);

function deployment(namespace: string, replicas: number): KubeObject {
  const labels = { app: 'probe' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'probe', namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'registry.invalid/probe:1' }] } },
    },
  };
}

test('local provider: isolated clusters, kwok workloads, PodSecurity, clean stop', { skip, timeout: 5 * 60_000 }, async (t) => {
  const clusters: Cluster[] = [];
  let passed = false;
  t.after(async () => {
    // On failure the logs are kept (and their folder printed) before the clusters go.
    for (const c of clusters) {
      const report = await c.stop({ keepLogs: !passed });
      if (report.keptLogsDir) console.error(`logs of ${c.name}: ${report.keptLogsDir}`);
    }
  });
  clusters.push(...(await Promise.all(['alpha', 'beta'].map((name) => localProvider.start({ name })))));
  const [a, b] = clusters;
  assert.notEqual(a.apiServerUrl, b.apiServerUrl);
  assert.match(a.apiServerUrl, /^https:\/\/127\.0\.0\.1:\d+$/);

  const ka = new Kube(a.kubeconfigPath);
  const kb = new Kube(b.kubeconfigPath);
  await applyObjects(ka, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'only-in-alpha' } }]);
  assert.ok(await ka.get({ apiVersion: 'v1', kind: 'Namespace', name: 'only-in-alpha' }));
  assert.equal(await kb.get({ apiVersion: 'v1', kind: 'Namespace', name: 'only-in-alpha' }), undefined, 'clusters share nothing');

  await applyObjects(ka, [deployment('only-in-alpha', 2)]);
  await waitForDeploymentAvailable(ka, 'probe', 'only-in-alpha', { replicas: 2, logs: Object.values(a.componentLogs()), timeoutMs: 120_000 });
  const pods = await ka.list('v1', 'Pod', 'only-in-alpha');
  assert.equal(pods.length, 2);
  for (const pod of pods) {
    assert.match(pod.status.podIP, /^127\./, 'kwok pod IPs are loopback');
    assert.equal(pod.status.hostIP, '127.0.0.1');
  }

  await applyObjects(kb, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'locked', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }]);
  // The ServiceAccount admission plugin runs before Pod Security and refuses any pod in a
  // namespace whose `default` ServiceAccount the controller-manager has not created yet.
  await waitUntil('ServiceAccount locked/default', async () => {
    const sa = await kb.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: 'locked' });
    return { done: Boolean(sa), detail: sa ? 'exists' : 'not created yet' };
  }, { timeoutMs: 60_000, intervalMs: 200 });
  const privileged = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'locked' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } };
  const error = await kb.create(privileged, { dryRun: true }).then(() => undefined, (e: unknown) => e);
  assert.match(apiErrorMessage(error), /violates PodSecurity "restricted/);

  const pidsA = Object.values(a.componentPids());
  assert.equal(pidsA.length, 5, 'etcd, apiserver, controller-manager, scheduler, kwok-controller');
  const runDir = a.kubeconfigPath.replace(/\/kubeconfig\.yaml$/, '');
  const port = Number(new URL(a.apiServerUrl).port);
  await a.stop();
  clusters.shift();
  assert.deepEqual(pidsA.filter(isAlive), [], 'no component process left');
  assert.deepEqual(processesMentioning(runDir), []);
  assert.deepEqual(stillListening([port]), [], 'apiserver port closed');
  assert.ok(!existsSync(runDir), 'run folder removed');
  assert.ok((await kb.raw('/readyz')).includes('ok'), 'the other cluster is untouched');
  passed = true;
});
