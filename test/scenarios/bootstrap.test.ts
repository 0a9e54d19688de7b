// Bootstrap: every cluster entry point of examples/fleet reconciles from Git on a fresh cluster.
// For each cluster: a local control plane, Flux as processes, the fleet repo on a loopback git
// server, the cluster's gotk-sync.yaml applied (as `flux bootstrap` would), then the observed
// state is compared with what the fleet folder says (built with kustomize + the cluster's
// substitutions): every Flux object Ready at the pushed commit, inventories, objects, replicas,
// image tags, configuration, quotas, Pod Security Admission, pods Running on loopback IPs, and
// every app Service with a ready endpoint on each port (EndpointSlices, or on the local tier the
// pods the endpoint controller would pick: the API server refuses loopback endpoint addresses).
//
// The cluster comes from the selected provider (CLUSTER_PROVIDER, local by default); what only
// the local tier makes true (loopback artifact URLs and pod IPs) is checked only there. Each
// cluster's verdict is recorded in the verification report for the example paths it proves
// (bootstrapExamples below); a skip is recorded with its reason.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { providerName } from '../../harness/cluster/select';
import { parseManifests } from '../../harness/kube/apply';
import { bootstrapFromGit } from '../../harness/environment/bootstrap';
import { desiredState, subsetMismatches } from '../../harness/kube/compare';
import { findCondition, reportedRevision, revisionMatches } from '../../harness/kube/conditions';
import { endpointSelector, waitForServiceEndpoints } from '../../harness/kube/endpoints';
import {
  liveConcurrency,
  liveSkipReason,
  recordLiveSkip,
  startLiveEnv,
  verifyOnCluster,
  writeSkipReason,
  type LiveEnv,
} from '../../harness/environment/environment';
import { inventoryKeys, inventoryOf } from '../../harness/kube/inventory';
import { apiErrorMessage, describeRef, refOf, type KubeObject } from '../../harness/kube/kube';
import {
  fluxRef,
  waitForAllFluxReady,
  waitForDeploymentAvailable,
  waitForGitRepository,
  waitForKustomization,
} from '../../harness/kube/readiness';
import { appNamespaces, builtObjects, expectationsFor, fleetClusters, FLEET_DIR, type ClusterExpectations } from '../../harness/fleet/expectations';

const REPO = 'fleet';
const TEST_FILE = 'test/scenarios/bootstrap.test.ts';
const provider = providerName();

const skipReason = await liveSkipReason();
if (skipReason) console.error(`\n*** ${skipReason} ***\n`);
const clusters = fleetClusters();
// Local clusters all run side by side by default: measured on 2 cores / 24 GiB, four at once
// take ~40 s instead of ~115 s one after another (reconciling is mostly waiting), at ~0.9 GiB
// each. LIVE_CONCURRENCY=1 runs them one by one (npm run bench:live has the figures). kind runs
// one at a time unless told otherwise; existing always (every name is the same cluster).
const concurrency = liveConcurrency(provider);
// Results are recorded against examples/fleet; a patched copy (LIVE_FLEET_DIR) is not what the
// report's digests describe, so its runs record nothing.
const recording = relative(join(REPO_ROOT, 'examples', 'fleet'), FLEET_DIR) === '';

function testName(cluster: string): string {
  return `${TEST_FILE}: cluster ${cluster} reconciles from Git on a fresh cluster`;
}

/**
 * The example paths one cluster's bootstrap proves: its entry point, every folder its Flux
 * Kustomizations apply (read from the cluster folder; `infrastructure` as a whole when the
 * cluster applies every folder in it), the demo app base that the apps overlays build on and
 * the baseline chart the tenant-baseline HelmRelease installs (those two are fixed here: if
 * they move, verify() fails naming the missing path).
 */
function bootstrapExamples(cluster: string, fleetDir = FLEET_DIR): string[] {
  const dir = join(fleetDir, 'clusters', cluster);
  const paths = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8'), join(dir, f)))
    .filter((o) => o.kind === 'Kustomization' && String(o.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/'))
    .map((o) => String(o.spec?.path ?? '').replace(/^\.\//, ''))
    .sort();
  const infra = paths.filter((p) => p.startsWith('infrastructure/'));
  const infraDirs = readdirSync(join(fleetDir, 'infrastructure'), { withFileTypes: true }).filter((e) => e.isDirectory());
  const wholeInfra = infraDirs.length > 0 && infraDirs.every((e) => infra.includes(`infrastructure/${e.name}`));
  const apps = paths.filter((p) => p.startsWith('apps/'));
  return [`clusters/${cluster}`, ...(wholeInfra ? ['infrastructure'] : infra), 'apps/base/demo-app', ...apps, 'charts/baseline'].map(
    (p) => `examples/fleet/${p}`,
  );
}

if (skipReason && recording) {
  for (const name of clusters) recordLiveSkip(bootstrapExamples(name), testName(name), skipReason);
}

interface Timings {
  reconcileSeconds: number;
}

/** Every Flux Kustomization and HelmRelease of the cluster Ready at the pushed commit. */
async function waitForReconcile(env: LiveEnv, exp: ClusterExpectations, sha: string): Promise<void> {
  const opts = { logs: env.fluxLogs(), timeoutMs: 5 * 60_000 };
  await waitForGitRepository(env.kube, 'flux-system', sha, opts);
  await waitForKustomization(env.kube, 'flux-system', { ...opts, revision: sha });
  await waitForAllFluxReady(env.kube, { ...opts, expectAtLeast: exp.kustomizations.length + exp.helmReleases.length });
  for (const ks of exp.kustomizations) await waitForKustomization(env.kube, ks.name, { ...opts, revision: sha });
}

async function assertSource(env: LiveEnv, sha: string): Promise<void> {
  const repo = await env.kube.mustGet(fluxRef('GitRepository', 'flux-system'));
  assert.equal(repo.spec.url, env.repoUrls[REPO], "the GitRepository reads from the harness's git server");
  assert.ok(revisionMatches(repo.status.artifact.revision, sha), `artifact ${repo.status.artifact.revision} is commit ${sha}`);
  if (env.fluxMode === 'processes') {
    // source-controller runs here and advertises its loopback storage address.
    assert.match(repo.status.artifact.url, /^http:\/\/127\.0\.0\.1:\d+\//, 'artifacts are served on loopback');
  }
}

async function assertKustomizations(env: LiveEnv, exp: ClusterExpectations, sha: string): Promise<void> {
  for (const spec of exp.kustomizations) {
    const ks = await env.kube.mustGet(fluxRef('Kustomization', spec.name));
    assert.ok(revisionMatches(reportedRevision(ks), sha), `${spec.name} applied ${reportedRevision(ks)}, want ${sha}`);
    assert.deepEqual((ks.spec.dependsOn ?? []).map((d: { name: string }) => d.name), spec.dependsOn, `${spec.name} dependsOn`);
    const built = exp.built[spec.name];
    if (!built) continue; // the root: its inventory holds the cluster folder
    const want = inventoryKeys(built.map((o) => ({ namespace: o.metadata.namespace ?? '', name: o.metadata.name, group: '', kind: o.kind, version: '' })));
    assert.deepEqual(inventoryKeys(inventoryOf(ks)), want, `inventory of Kustomization ${spec.name}`);
  }
  const root = await env.kube.mustGet(fluxRef('Kustomization', 'flux-system'));
  const rootInventory = inventoryKeys(inventoryOf(root));
  for (const spec of exp.kustomizations.filter((k) => k.name !== 'flux-system')) {
    assert.ok(rootInventory.includes(`Kustomization flux-system/${spec.name}`), `root applies Kustomization ${spec.name}`);
  }
  assert.ok(rootInventory.includes('ConfigMap flux-system/cluster-identity'), 'root applies cluster-identity');
}

/** Every built object exists and contains what Git says (labels, annotations, spec, data). */
async function assertBuiltObjects(env: LiveEnv, exp: ClusterExpectations): Promise<void> {
  const problems: string[] = [];
  for (const obj of Object.values(exp.built).flat()) {
    const live = await env.kube.get(refOf(obj));
    if (!live) {
      problems.push(`${describeRef(refOf(obj))} is missing`);
      continue;
    }
    const mismatches = subsetMismatches(desiredState(obj), live);
    if (mismatches.length) problems.push(`${describeRef(refOf(obj))}:\n    ${mismatches.join('\n    ')}`);
  }
  assert.deepEqual(problems, [], `live objects differ from the fleet repo:\n  ${problems.join('\n  ')}`);
}

async function assertHelmReleases(env: LiveEnv, exp: ClusterExpectations): Promise<void> {
  for (const hr of exp.helmReleases) {
    const live = await env.kube.mustGet(refOf(hr));
    const latest = live.status?.history?.[0];
    assert.equal(latest?.status, 'deployed', `HelmRelease ${hr.metadata.name} latest release is deployed`);
    assert.equal(latest?.chartName, hr.spec.chart.spec.chart.replace(/^.*\//, ''), 'chart built from the repo');
    // The baseline chart's quota per tenant (its template maps quota.requestsCpu to requests.cpu, …).
    for (const tenant of hr.spec.values?.tenants ?? []) {
      const quota = await env.kube.mustGet({ apiVersion: 'v1', kind: 'ResourceQuota', name: 'tenant-quota', namespace: tenant.namespace });
      const want = {
        pods: tenant.quota.pods,
        'requests.cpu': tenant.quota.requestsCpu,
        'requests.memory': tenant.quota.requestsMemory,
        'limits.cpu': tenant.quota.limitsCpu,
        'limits.memory': tenant.quota.limitsMemory,
      };
      assert.deepEqual(subsetMismatches(want, quota.spec.hard), [], `quota of tenant ${tenant.namespace}`);
      const limits = await env.kube.mustGet({ apiVersion: 'v1', kind: 'LimitRange', name: 'tenant-defaults', namespace: tenant.namespace });
      assert.equal(limits.spec.limits[0].default.memory, tenant.defaults.memoryLimit, `default memory limit in ${tenant.namespace}`);
    }
  }
}

/** Per-environment values of each Deployment: replicas from the HPA, image tag, config. */
async function assertWorkloads(env: LiveEnv, exp: ClusterExpectations): Promise<void> {
  for (const dep of builtObjects(exp, 'Deployment')) {
    const ns = dep.metadata.namespace!;
    const hpa = builtObjects(exp, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === dep.metadata.name && h.metadata.namespace === ns);
    const replicas = hpa?.spec.minReplicas ?? dep.spec.replicas ?? 1;
    const live = await waitForDeploymentAvailable(env.kube, dep.metadata.name, ns, { replicas, logs: env.logFiles(), timeoutMs: 3 * 60_000 });
    assert.equal(live.spec.replicas, replicas, `${ns}/${dep.metadata.name} replicas (HPA minReplicas)`);
    assert.equal(live.status.availableReplicas, replicas, `${ns}/${dep.metadata.name} available replicas`);
    const images = (d: KubeObject) => d.spec.template.spec.containers.map((c: { image: string }) => c.image);
    assert.deepEqual(images(live), images(dep), `${ns}/${dep.metadata.name} image tag`);
    await assertConfig(env, exp, dep, live);
    await assertPods(env, live, replicas);
  }
}

/** The ConfigMap the pods mount carries the environment's config, with this cluster's identity. */
async function assertConfig(env: LiveEnv, exp: ClusterExpectations, dep: KubeObject, live: KubeObject): Promise<void> {
  const ns = dep.metadata.namespace!;
  for (const volume of live.spec.template.spec.volumes ?? []) {
    if (!volume.configMap) continue;
    const built = builtObjects(exp, 'ConfigMap').find((c) => c.metadata.name === volume.configMap.name && c.metadata.namespace === ns);
    assert.ok(built, `${ns}/${dep.metadata.name} mounts ConfigMap ${volume.configMap.name}, which the repo generates`);
    const cm = await env.kube.mustGet({ apiVersion: 'v1', kind: 'ConfigMap', name: volume.configMap.name, namespace: ns });
    for (const [key, text] of Object.entries(built.data ?? {})) {
      const parsed = key.endsWith('.json') ? JSON.parse(cm.data![key]) : cm.data![key];
      assert.deepEqual(parsed, key.endsWith('.json') ? JSON.parse(text) : text, `${ns}/${cm.metadata.name} ${key}`);
      if (key.endsWith('.json')) {
        assert.equal(parsed.cluster, exp.identity.cluster_name, 'config says which cluster it runs in');
        assert.equal(parsed.environment, exp.identity.cluster_env, 'config says which environment');
      }
    }
  }
}

/**
 * Pods Running and Ready; on the local tier kwok runs them on loopback addresses (read from
 * status, never dialled), on other providers they get the cluster's own addresses.
 */
async function assertPods(env: LiveEnv, dep: KubeObject, replicas: number): Promise<void> {
  const selector = Object.entries(dep.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = (await env.kube.list('v1', 'Pod', dep.metadata.namespace, selector)).filter((p) => !p.metadata.deletionTimestamp);
  assert.equal(pods.length, replicas, `${replicas} pods of ${dep.metadata.name}`);
  for (const pod of pods) {
    assert.equal(pod.status.phase, 'Running', `pod ${pod.metadata.name} phase`);
    assert.equal(findCondition(pod, 'Ready')?.status, 'True', `pod ${pod.metadata.name} Ready`);
    if (env.cluster.provider !== 'local') continue;
    assert.match(pod.status.podIP, /^127\./, `pod ${pod.metadata.name} has a loopback IP`);
    assert.equal(pod.status.hostIP, '127.0.0.1', `pod ${pod.metadata.name} node IP`);
  }
}

/**
 * Every Service with a selector in the apps' namespaces reaches a Ready pod on each of its ports,
 * read from the API, never dialled: its EndpointSlices, or on the local tier (whose loopback pod
 * IPs the API server refuses in a slice) the pods the endpoint controller would pick
 * (harness/kube/endpoints.ts). A selector that matches no pod, or a named targetPort the pods do
 * not declare, fails here.
 */
async function assertServiceEndpoints(t: TestContext, env: LiveEnv, exp: ClusterExpectations): Promise<void> {
  const namespaces = appNamespaces(exp);
  assert.ok(namespaces.length > 0, 'the apps Kustomizations put objects in no namespace');
  // The pods are Available by now; the controller writes slices within a second or two.
  const checked = await waitForServiceEndpoints(env.kube, namespaces, { timeoutMs: 30_000 });
  // Not vacuous: every Service with a selector the fleet builds there was among those checked.
  const seen = new Set(checked.map((c) => c.service));
  for (const s of builtObjects(exp, 'Service').filter((o) => namespaces.includes(o.metadata.namespace ?? '') && endpointSelector(o))) {
    assert.ok(seen.has(`Service ${s.metadata.namespace}/${s.metadata.name}`), `Service ${s.metadata.namespace}/${s.metadata.name} was not checked`);
  }
  t.diagnostic(`${exp.cluster}: every Service reaches a ready pod on each port: ${checked.map((c) => `${c.service} (from ${c.via === 'pods' ? 'its pods: loopback IPs cannot be stored in an EndpointSlice' : 'its EndpointSlices'})`).join(', ')}`);
}

/** Namespaces labelled for Pod Security Admission reject a privileged pod (dry-run). */
async function assertPodSecurity(env: LiveEnv, exp: ClusterExpectations): Promise<void> {
  for (const ns of builtObjects(exp, 'Namespace')) {
    const level = ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    if (level !== 'restricted' && level !== 'baseline') continue;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'psa-probe', namespace: ns.metadata.name },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
    };
    const error = await env.kube.create(pod, { dryRun: true }).then(() => undefined, (e: unknown) => e);
    assert.ok(error, `namespace ${ns.metadata.name} (enforce=${level}) admitted a privileged pod`);
    assert.match(apiErrorMessage(error), /violates PodSecurity/, 'rejected by Pod Security Admission');
  }
}

async function bootstrapCluster(t: TestContext, name: string): Promise<Timings | undefined> {
  const exp = await expectationsFor(name);
  const env = await startLiveEnv({ name, repos: [{ name: REPO, dir: FLEET_DIR }], log: (l) => t.diagnostic(l) });
  let failed = true;
  try {
    // Bootstrapping applies objects: a read-only existing cluster skips (and says why).
    const readOnly = writeSkipReason(env.cluster);
    if (readOnly) {
      if (recording) recordLiveSkip(bootstrapExamples(name), testName(name), readOnly, env.cluster.provider);
      failed = false;
      t.skip(readOnly);
      return undefined;
    }
    const checks = async () => {
      const started = Date.now();
      const { sha } = await bootstrapFromGit(env.kube, env.git, { repo: REPO, clusterPath: `clusters/${name}` });
      await waitForReconcile(env, exp, sha);
      const reconcileSeconds = (Date.now() - started) / 1000;
      await assertSource(env, sha);
      await assertKustomizations(env, exp, sha);
      await assertHelmReleases(env, exp);
      await assertWorkloads(env, exp);
      await assertServiceEndpoints(t, env, exp);
      await assertBuiltObjects(env, exp);
      await assertPodSecurity(env, exp);
      return reconcileSeconds;
    };
    const reconcileSeconds = recording ? await verifyOnCluster(env, bootstrapExamples(name), testName(name), checks) : await checks();
    if (!recording) t.diagnostic(`${name}: not recorded in the verification report (LIVE_FLEET_DIR=${FLEET_DIR})`);
    failed = false;
    const { controlPlaneSeconds, fluxReadySeconds } = env.timings;
    t.diagnostic(`${name}: control plane ${controlPlaneSeconds.toFixed(1)}s, Flux ready ${fluxReadySeconds.toFixed(1)}s, first reconcile ${reconcileSeconds.toFixed(1)}s`);
    return { reconcileSeconds };
  } finally {
    const report = await env.stop({ failed });
    if (failed) console.error(`\n--- ${name} failed; ${report}\n`);
  }
}

describe('bootstrap: every fleet cluster reconciles from Git on a fresh cluster', { concurrency }, () => {
  if (!skipReason && clusters.length === 0) {
    test('examples/fleet has cluster entry points', () => assert.fail(`no clusters/*/flux-system/gotk-sync.yaml under ${FLEET_DIR}`));
  }
  for (const name of clusters) {
    test(`cluster ${name}`, { skip: skipReason, timeout: 10 * 60_000 }, async (t) => {
      await bootstrapCluster(t, name);
    });
  }
});
