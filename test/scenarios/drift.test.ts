// Drift: objects Flux manages, changed or deleted by hand, come back from Git, as
// docs/do/drift-and-the-escape-hatch.mdx shows on the development cluster of examples/fleet.
//
// Two ways Flux notices: a reconcile requested at once (`flux reconcile kustomization`, what the
// page does), or the Kustomization's own interval with nobody asking. The fleet's intervals are
// 10 minutes (apps) and an hour (infrastructure), too long for a test, so the interval test
// shortens the `apps` interval in the cluster (kubectl patch) and puts it back afterwards; no
// commit happens meanwhile, so the root Kustomization does not re-apply apps.yaml over the patch.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { inventoryKeys, inventoryOf } from '../../harness/kube/inventory';
import { findCondition, reportedRevision, revisionMatches } from '../../harness/kube/conditions';
import { fluxRef } from '../../harness/kube/readiness';
import type { ScenarioCluster } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, DEMO, deploymentImage, eventually, flux, kubectl } from '../../harness/environment/flux';
import { fleetRepo, ScenarioFile, since } from './support/scenario';
import { builtObject, type ClusterExpectations } from '../../harness/fleet/expectations';

let exp: ClusterExpectations;
let sha: string;

const s = new ScenarioFile('drift', { clusters: ['development'], repos: [fleetRepo()] }, async (env) => {
  ({ exp, sha } = await bootstrapFleetCluster(env, env.cluster('development')));
});

const gitImage = () => builtObject(exp, 'Deployment', 'demo-app')!.spec.template.spec.containers[0].image as string;
const ns = ['-n', DEMO.namespace];

async function assertAppliedAtBootstrapCommit(sc: ScenarioCluster, name: string): Promise<void> {
  const ks = await sc.kube.mustGet(fluxRef('Kustomization', name));
  assert.ok(revisionMatches(reportedRevision(ks), sha), `${name} still at the bootstrap commit (no commit was needed)`);
}

async function exists(sc: ScenarioCluster, apiVersion: string, kind: string, name: string, namespace: string = DEMO.namespace): Promise<boolean> {
  return (await sc.kube.get({ apiVersion, kind, name, namespace })) !== undefined;
}

/** The interval the second test sets so that drift is corrected without being asked. */
const SHORT_INTERVAL_S = 3;

/**
 * `apps` has finished the reconcile its last spec change started (Ready at its generation), and a
 * requeue the short interval may still have scheduled has fired. The label test needs a quiet
 * Kustomization: its hand change must stay until it asks Flux to reconcile (measured: right after
 * the interval was restored, a label kubectl set was gone 0.2 s later).
 */
async function appsSettled(sc: ScenarioCluster): Promise<void> {
  await eventually('apps to settle at its generation', async () => {
    const ks = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    const ready = findCondition(ks, 'Ready');
    const settled = ks.status?.observedGeneration === ks.metadata.generation && ready?.observedGeneration === ks.metadata.generation && ready?.status === 'True';
    return settled || `observedGeneration ${ks.status?.observedGeneration}, Ready ${ready?.status} at generation ${ready?.observedGeneration}`;
  });
  await new Promise((resolve) => setTimeout(resolve, (SHORT_INTERVAL_S + 1) * 1000));
}

describe('drift: Flux puts back what was changed by hand', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('an image set and a policy deleted by hand are restored by `flux reconcile`', [
    'examples/fleet/apps/development/demo-app-version.yaml',
    'examples/fleet/infrastructure/configs/network-policies.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    assert.equal(await deploymentImage(sc), gitImage(), 'starts at the image Git says');
    await kubectl(sc, ['set', 'image', 'deployment/demo-app', 'demo-app=ghcr.io/gitops-field-guide/demo-app:9.9.9', ...ns]);
    await kubectl(sc, ['delete', 'networkpolicy', 'default-deny-all', ...ns]);
    assert.equal(await deploymentImage(sc), 'ghcr.io/gitops-field-guide/demo-app:9.9.9', 'the hand edit took effect');
    assert.equal(await exists(sc, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny-all'), false, 'the policy is gone');

    const started = Date.now();
    await Promise.all([flux(sc, ['reconcile', 'kustomization', 'apps']), flux(sc, ['reconcile', 'kustomization', 'infra-configs'])]);
    s.measure(t, 'drift corrected by flux reconcile', since(started));
    assert.equal(await deploymentImage(sc), gitImage(), 'the image is Git\'s again');
    assert.ok(await exists(sc, 'networking.k8s.io/v1', 'NetworkPolicy', 'default-deny-all'), 'the policy is back');
    await assertAppliedAtBootstrapCommit(sc, 'apps');
    await assertAppliedAtBootstrapCommit(sc, 'infra-configs');
  });

  s.test('objects deleted or edited by hand come back when the interval elapses, unasked', [
    'examples/fleet/apps/base/demo-app',
    'examples/fleet/clusters/development/apps.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const apps = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    const interval = apps.spec.interval as string;
    const inventory = inventoryKeys(inventoryOf(apps));
    const configMap = inventory.find((k) => k.startsWith('ConfigMap '))!.split('/')[1];
    // Flux's own field manager wrote these; the test changes them as a person would.
    await kubectl(sc, ['-n', 'flux-system', 'patch', 'kustomization', 'apps', '--type=merge', '-p', JSON.stringify({ spec: { interval: `${SHORT_INTERVAL_S}s` } })]);
    try {
      // Let the patched Kustomization settle at its new generation before the hand changes, so
      // what restores them below is the interval, not the reconcile the patch itself starts.
      await eventually('apps to observe the shorter interval', async () => {
        const ks = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
        return ks.status?.observedGeneration === ks.metadata.generation || `observedGeneration ${ks.status?.observedGeneration}`;
      });
      const started = Date.now();
      await kubectl(sc, ['delete', 'service', 'demo-app', ...ns]);
      await kubectl(sc, ['delete', 'poddisruptionbudget', 'demo-app', ...ns]);
      await kubectl(sc, ['patch', 'configmap', configMap, ...ns, '--type=merge', '-p', '{"data":{"config.json":"{}"}}']);
      await kubectl(sc, ['patch', 'horizontalpodautoscaler', 'demo-app', ...ns, '--type=merge', '-p', '{"spec":{"maxReplicas":9}}']);
      const wantConfig = builtObject(exp, 'ConfigMap')!.data!['config.json'];
      const wantMax = builtObject(exp, 'HorizontalPodAutoscaler')!.spec.maxReplicas;
      await eventually('the deleted and edited objects to be restored by the interval', async () => {
        const missing: string[] = [];
        if (!(await exists(sc, 'v1', 'Service', 'demo-app'))) missing.push('Service deleted');
        if (!(await exists(sc, 'policy/v1', 'PodDisruptionBudget', 'demo-app'))) missing.push('PodDisruptionBudget deleted');
        const cm = await sc.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: configMap, namespace: DEMO.namespace });
        if (JSON.stringify(JSON.parse(cm?.data?.['config.json'] ?? '{}')) !== JSON.stringify(JSON.parse(wantConfig))) missing.push('config edited');
        const hpa = await sc.kube.get({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'demo-app', namespace: DEMO.namespace });
        if (hpa?.spec?.maxReplicas !== wantMax) missing.push(`maxReplicas ${hpa?.spec?.maxReplicas}`);
        return missing.length === 0 || missing.join(', ');
      }, { timeoutMs: 60_000 });
      s.measure(t, `drift corrected by a ${SHORT_INTERVAL_S} s interval`, since(started));
      const now = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
      assert.deepEqual(inventoryKeys(inventoryOf(now)), inventory, 'same inventory as before the hand changes');
      await assertAppliedAtBootstrapCommit(sc, 'apps');
    } finally {
      await kubectl(sc, ['-n', 'flux-system', 'patch', 'kustomization', 'apps', '--type=merge', '-p', JSON.stringify({ spec: { interval } })]);
    }
  });

  s.test('a label added with kubectl goes, a label another field manager owns stays', [
    'examples/fleet/apps/base/demo-app/deployment.yaml',
  ], async (env) => {
    const sc = env.cluster('development');
    await appsSettled(sc);
    const label = async () => (await sc.kube.mustGet({ apiVersion: 'apps/v1', kind: 'Deployment', ...DEMO })).metadata.labels?.['on-call'];
    await kubectl(sc, ['label', 'deployment', 'demo-app', 'on-call=paged', ...ns]);
    assert.equal(await label(), 'paged', 'the label kubectl set is there until Flux reconciles');
    await flux(sc, ['reconcile', 'kustomization', 'apps']);
    assert.equal(await label(), undefined, 'Flux takes over fields last written by kubectl-* managers and drops the label');

    await kubectl(sc, ['label', 'deployment', 'demo-app', 'on-call=paged', '--field-manager=pager-bot', ...ns]);
    await flux(sc, ['reconcile', 'kustomization', 'apps']);
    assert.equal(await label(), 'paged', 'a field owned by another manager and not in Git is left alone');
    await kubectl(sc, ['label', 'deployment', 'demo-app', 'on-call-', '--field-manager=pager-bot', ...ns]);
  });
});
