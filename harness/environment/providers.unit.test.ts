// Provider selection -> skip reason, git server host, local-only guards and report metadata,
// with fakes for the machine (no cluster, no Docker, no build).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kindUnavailableReason, type KindProbe } from '../cluster/kind';
import type { Cluster, ClusterProvider, ProviderName } from '../cluster/provider';
import type { Tool } from '../toolchain/binaries';
import { FLUX_VERSION } from '../toolchain/versions';
import { liveSkipReason, type LiveSkipDeps } from './environment';
import { gitServerHost, liveConcurrency, liveSkipMessage, liveToolsFor, requireLocalCluster, requireLocalProvider } from './providers';
import { clusterFluxVersion, clusterKubernetesVersion, recordLiveSkip, verifyOnCluster } from '../kube/verify';

function fakeProvider(name: ProviderName, reason?: string): ClusterProvider {
  return { name, unavailableReason: () => reason, start: async () => assert.fail('no cluster may start in a unit test') };
}

interface Calls {
  built: Tool[][];
  asked: Tool[];
}

function deps(over: Partial<LiveSkipDeps> & { provider: LiveSkipDeps['provider'] }, have: Set<Tool> | 'all', calls: Calls): Partial<LiveSkipDeps> {
  return {
    env: {},
    hasTool: (tool) => {
      calls.asked.push(tool);
      return have === 'all' || have.has(tool);
    },
    hasGo: () => true,
    ensureTools: async (tools) => {
      calls.built.push(tools);
      if (have !== 'all') for (const t of tools) have.add(t);
    },
    fluxUnavailableReason: () => undefined,
    ...over,
  };
}

const quiet = () => {};
const noDocker: KindProbe = { dockerProblem: () => 'the docker CLI is not installed', hasTool: () => true, hasGo: () => true };

test('CLUSTER_PROVIDER=kind without a Docker engine skips loudly with the kind reason, building nothing', async () => {
  const calls: Calls = { built: [], asked: [] };
  const kind: ClusterProvider = { name: 'kind', unavailableReason: (o) => kindUnavailableReason(o, noDocker), start: async () => assert.fail('no start') };
  const reason = await liveSkipReason(quiet, deps({ env: { CLUSTER_PROVIDER: 'kind' }, provider: async () => kind }, new Set(), calls));
  assert.equal(
    reason,
    'LIVE TIER SKIPPED (CLUSTER_PROVIDER=kind): kind tier unavailable: no Docker engine (the docker CLI is not installed); kind runs its nodes as Docker containers (scripts/docker-engine.sh starts one)',
  );
  assert.deepEqual(calls, { built: [], asked: [] }, 'the provider is asked before any binary');
});

test('the provider named by CLUSTER_PROVIDER is the one asked, with the environment passed through', async () => {
  const seen: NodeJS.ProcessEnv[] = [];
  const env = { CLUSTER_PROVIDER: 'existing' };
  const reason = await liveSkipReason(
    quiet,
    deps({ env, provider: async (e) => (seen.push(e), fakeProvider('existing', 'CLUSTER_PROVIDER=existing needs EXISTING_KUBECONFIG (or KUBECONFIG) to name a kubeconfig file')) }, 'all', { built: [], asked: [] }),
  );
  assert.equal(reason, 'LIVE TIER SKIPPED (CLUSTER_PROVIDER=existing): CLUSTER_PROVIDER=existing needs EXISTING_KUBECONFIG (or KUBECONFIG) to name a kubeconfig file');
  assert.deepEqual(seen, [env]);
});

test('an unknown CLUSTER_PROVIDER fails instead of skipping', async () => {
  await assert.rejects(
    liveSkipReason(quiet, deps({ env: { CLUSTER_PROVIDER: 'minikube' }, provider: async () => fakeProvider('local') }, 'all', { built: [], asked: [] })),
    /CLUSTER_PROVIDER="minikube" is not one of local, kind, existing/,
  );
});

test('an available provider: its missing binaries are built (kind: kubectl, kind, flux), then no skip', async () => {
  const calls: Calls = { built: [], asked: [] };
  const have = new Set<Tool>(['kubectl']);
  const reason = await liveSkipReason(quiet, deps({ env: { CLUSTER_PROVIDER: 'kind' }, provider: async () => fakeProvider('kind') }, have, calls));
  assert.equal(reason, undefined);
  assert.deepEqual(calls.built, [['kind', 'flux']]);
});

test('missing binaries without Go: a loud skip naming the provider and the binaries', async () => {
  const calls: Calls = { built: [], asked: [] };
  const reason = await liveSkipReason(quiet, deps({ env: { CLUSTER_PROVIDER: 'existing' }, provider: async () => fakeProvider('existing'), hasGo: () => false }, new Set<Tool>(['kubectl']), calls));
  assert.match(reason!, /^LIVE TIER SKIPPED \(CLUSTER_PROVIDER=existing\): binaries not built \(source-controller, kustomize-controller, helm-controller, notification-controller\) and Go is not installed/);
  assert.deepEqual(calls.built, []);
});

test('local (the default) keeps its behaviour: builds what is missing, then asks Flux and the local provider', async () => {
  const calls: Calls = { built: [], asked: [] };
  const have = new Set<Tool>(liveToolsFor('local').filter((t) => t !== 'etcd'));
  assert.equal(await liveSkipReason(quiet, deps({ provider: async () => fakeProvider('local') }, have, calls)), undefined);
  assert.deepEqual(calls.built, [['etcd']]);
  const stillNot = await liveSkipReason(quiet, deps({ provider: async () => fakeProvider('local', 'local cluster binaries not built: etcd (run: …)') }, 'all', { built: [], asked: [] }));
  assert.equal(stillNot, 'local cluster binaries not built: etcd (run: …)', 'the local reason reads as before');
  const noGo = await liveSkipReason(quiet, deps({ provider: async () => fakeProvider('local'), hasGo: () => false }, new Set(), { built: [], asked: [] }));
  assert.match(noGo!, /^LIVE TIER SKIPPED: binaries not built \(kwokctl, /);
});

test('each provider needs its own binaries here', () => {
  assert.deepEqual(liveToolsFor('kind'), ['kubectl', 'kind', 'flux']);
  assert.deepEqual(liveToolsFor('existing'), ['kubectl', 'source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller']);
  assert.ok(liveToolsFor('local').includes('kwokctl') && liveToolsFor('local').includes('source-controller'));
  assert.ok(!liveToolsFor('kind').includes('source-controller'), 'kind runs Flux in the cluster');
});

test('skip messages say which provider they are about, and are not prefixed twice', () => {
  assert.equal(liveSkipMessage('local', 'x'), 'LIVE TIER SKIPPED: x');
  assert.equal(liveSkipMessage('kind', 'x'), 'LIVE TIER SKIPPED (CLUSTER_PROVIDER=kind): x');
  assert.equal(liveSkipMessage('kind', 'LIVE TIER SKIPPED: y'), 'LIVE TIER SKIPPED: y');
});

test('git server host: loopback unless Flux runs in a kind cluster, then the kind gateway', () => {
  assert.equal(gitServerHost({ name: 'staging', provider: 'local' }), '127.0.0.1');
  assert.equal(gitServerHost({ name: 'staging', provider: 'existing' }), '127.0.0.1');
  assert.equal(gitServerHost({ name: 'staging', provider: 'kind', fluxInCluster: false, gitHost: '172.18.0.1' }), '127.0.0.1', 'Flux as processes here reaches loopback');
  assert.equal(gitServerHost({ name: 'staging', provider: 'kind', fluxInCluster: true, gitHost: '172.18.0.1' }), '172.18.0.1');
  assert.throws(() => gitServerHost({ name: 'staging', provider: 'kind', fluxInCluster: true, gitHost: ' ' }), /kind cluster staging runs Flux in the cluster but has no gitHost/);
  assert.throws(() => gitServerHost({ name: 'prod', provider: 'existing', fluxInCluster: true }), /existing cluster prod runs Flux in the cluster, and only the kind provider/);
});

test('local-only guards: undefined on local, a reason naming the provider elsewhere', () => {
  assert.equal(requireLocalCluster({ provider: 'local' }), undefined);
  assert.equal(requireLocalCluster({ provider: 'kind' }), 'needs the local provider (it reads or stops the local control plane and Flux processes); this cluster comes from the kind provider');
  assert.match(requireLocalCluster({ provider: 'existing' }, 'it kills the apiserver')!, /\(it kills the apiserver\); this cluster comes from the existing provider/);
  assert.equal(requireLocalProvider({}), undefined);
  assert.match(requireLocalProvider({ CLUSTER_PROVIDER: 'kind' })!, /kind provider$/);
  assert.throws(() => requireLocalProvider({ CLUSTER_PROVIDER: 'k3d' }), /not one of/);
});

test('concurrency: local 4, kind 1, existing always 1; LIVE_CONCURRENCY overrides and is checked', () => {
  assert.equal(liveConcurrency('local', {}), 4);
  assert.equal(liveConcurrency('kind', {}), 2);
  assert.equal(liveConcurrency('local', { LIVE_CONCURRENCY: '1' }), 1);
  assert.equal(liveConcurrency('kind', { LIVE_CONCURRENCY: '1' }), 1);
  assert.equal(liveConcurrency('existing', { LIVE_CONCURRENCY: '4' }), 1);
  assert.throws(() => liveConcurrency('local', { LIVE_CONCURRENCY: 'many' }), /LIVE_CONCURRENCY="many" is not a whole number >= 1/);
});

function fakeCluster(provider: ProviderName, extra: Record<string, unknown> = {}): Cluster {
  return {
    name: 'staging',
    provider,
    kubeconfigPath: '/nonexistent',
    apiServerUrl: 'https://127.0.0.1:1',
    logDir: '/nonexistent',
    componentLogs: () => ({}),
    componentPids: () => ({}),
    startSeconds: 0,
    stop: async () => ({ seconds: 0 }),
    ...extra,
  } as Cluster;
}

test('report metadata: Kubernetes version from the provider or the API server, Flux version installed or pinned', async () => {
  const paths: string[] = [];
  const kube = { raw: async (path: string) => (paths.push(path), JSON.stringify({ gitVersion: 'v1.36.3' })) };
  assert.equal(await clusterKubernetesVersion(fakeCluster('local'), kube), 'v1.36.3');
  assert.deepEqual(paths, ['/version']);
  assert.equal(await clusterKubernetesVersion(fakeCluster('kind', { kubernetesVersion: 'v1.35.8' }), kube), 'v1.35.8');
  await assert.rejects(clusterKubernetesVersion(fakeCluster('local'), { raw: async () => '{}' }), /local cluster staging: \/version has no gitVersion/);
  assert.equal(clusterFluxVersion(fakeCluster('local')), FLUX_VERSION);
  assert.equal(clusterFluxVersion(fakeCluster('kind', { fluxVersion: 'v2.9.9' })), 'v2.9.9');
});

test('verifyOnCluster records the verdict with the provider as tier; recordLiveSkip records a skip', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const options = { env: { FIELD_GUIDE_REPORT_DIR: dir } };
  const env = { cluster: fakeCluster('kind', { kubernetesVersion: 'v1.35.8', fluxVersion: FLUX_VERSION }), kube: { raw: async () => assert.fail('not asked') } };
  const test1 = 'harness/environment/providers.unit.test.ts: fake pass';
  assert.equal(await verifyOnCluster(env, ['examples/fleet/clusters/staging', 'examples/fleet/charts/baseline'], test1, () => 42, options), 42);
  await assert.rejects(
    verifyOnCluster({ ...env, cluster: fakeCluster('local'), kube: { raw: async () => '{"gitVersion":"v1.36.3"}' } }, 'examples/fleet/clusters/staging', 'harness/environment/providers.unit.test.ts: fake failure', () => {
      throw new Error('staging never became Ready');
    }, options),
    /never became Ready/,
  );
  recordLiveSkip('examples/fleet/clusters/staging', 'harness/environment/providers.unit.test.ts: fake skip', 'LIVE TIER SKIPPED (CLUSTER_PROVIDER=kind): no Docker engine', 'kind', options);
  const report = JSON.parse(readFileSync(join(dir, 'verification-report.json'), 'utf8'));
  const rows = report.entries
    .map((e: { example: string; tier: string; result: string; kubernetesVersions: string[]; fluxVersion?: string; reason?: string }) =>
      [e.example, e.tier, e.result, e.kubernetesVersions.join(','), e.fluxVersion ?? '-', e.reason ?? '-'].join(' | '))
    .sort();
  assert.deepEqual(rows, [
    `examples/fleet/charts/baseline | kind | passed | v1.35.8 | ${FLUX_VERSION} | -`,
    `examples/fleet/clusters/staging | kind | passed | v1.35.8 | ${FLUX_VERSION} | -`,
    'examples/fleet/clusters/staging | kind | skipped |  | - | LIVE TIER SKIPPED (CLUSTER_PROVIDER=kind): no Docker engine',
    `examples/fleet/clusters/staging | local | failed | v1.36.3 | ${FLUX_VERSION} | staging never became Ready`,
  ]);
});
