import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterProvider, StartOptions } from './provider';
import { defaultKubernetesVersion, loadProvider, providerName, selectedProvider, withDefaultVersion } from './select';

test('CLUSTER_PROVIDER selects local by default, kind or existing by name, and rejects others', () => {
  assert.equal(providerName({}), 'local');
  assert.equal(providerName({ CLUSTER_PROVIDER: '' }), 'local');
  assert.equal(providerName({ CLUSTER_PROVIDER: 'kind' }), 'kind');
  assert.equal(providerName({ CLUSTER_PROVIDER: ' Existing ' }), 'existing');
  assert.throws(() => providerName({ CLUSTER_PROVIDER: 'minikube' }), /CLUSTER_PROVIDER="minikube" is not one of local, kind, existing/);
});

test('CLUSTER_KUBERNETES_VERSION is checked and applied only when a scenario does not ask for a version', async () => {
  assert.equal(defaultKubernetesVersion({}), undefined);
  assert.equal(defaultKubernetesVersion({ CLUSTER_KUBERNETES_VERSION: '1.35' }), '1.35');
  assert.throws(() => defaultKubernetesVersion({ CLUSTER_KUBERNETES_VERSION: 'latest' }), /not 1\.X or v1\.X\.Y/);
  const seen: (string | undefined)[] = [];
  const fake: ClusterProvider = {
    name: 'kind',
    unavailableReason: (opts) => (seen.push(opts?.kubernetesVersion), undefined),
    start: async (opts: StartOptions) => {
      seen.push(opts.kubernetesVersion);
      return {} as never;
    },
  };
  const wrapped = withDefaultVersion(fake, '1.35');
  wrapped.unavailableReason();
  await wrapped.start({ name: 'a' });
  await wrapped.start({ name: 'b', kubernetesVersion: 'v1.34.4' });
  assert.deepEqual(seen, ['1.35', '1.35', 'v1.34.4']);
  assert.equal(withDefaultVersion(fake, undefined), fake);
});

test('each provider module loads and names itself', async () => {
  for (const name of ['local', 'kind', 'existing'] as const) {
    const provider = await loadProvider(name);
    assert.equal(provider.name, name);
  }
  const kind = await selectedProvider({ CLUSTER_PROVIDER: 'kind', CLUSTER_KUBERNETES_VERSION: '1.20' });
  assert.match(kind.unavailableReason()!, /no Kubernetes 1\.20 to build a kind node image for.*supported minors: 1\.35, 1\.36, 1\.37/);
});
