// Rollback the GitOps way (docs/do/bad-commit-and-rollback.mdx, "Roll back with git revert"):
// `git revert` of a commit that Flux already applied adds a commit whose tree is the one before,
// and the development cluster of examples/fleet returns to exactly the previous state: the old
// template rolled out again, the objects the bad commit added pruned, the ones it deleted
// recreated.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { inventoryKeys, inventoryOf } from '../../harness/kube/inventory';
import type { KubeObject } from '../../harness/kube/kube';
import { fluxRef } from '../../harness/kube/readiness';
import type { ScenarioCluster } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, DEMO, installReceiver, waitApplied, waitForRollout } from '../../harness/environment/flux';
import { fakeCommit, gitIn, repoFile, revertAndPush, withRelease } from '../../harness/environment/repo';
import { fleetRepo, ScenarioFile, since } from './support/scenario';

const s = new ScenarioFile('rollback', { clusters: ['development'], repos: [fleetRepo()] }, async (env) => {
  const sc = env.cluster('development');
  await bootstrapFleetCluster(env, sc);
  await installReceiver(env, sc);
});

const VERSION = 'apps/development/demo-app-version.yaml';
const CONFIG = 'apps/development/demo-app-config.json';
const BASE = 'apps/base/demo-app/kustomization.yaml';

interface Snapshot {
  inventory: string[];
  deployment: KubeObject;
  configMaps: string[];
}

async function snapshot(sc: ScenarioCluster): Promise<Snapshot> {
  const apps = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
  const deployment = await sc.kube.mustGet({ apiVersion: 'apps/v1', kind: 'Deployment', ...DEMO });
  const configMaps = (await sc.kube.list('v1', 'ConfigMap', DEMO.namespace)).map((c) => c.metadata.name).filter((n) => n.startsWith('demo-app-config-')).sort();
  return { inventory: inventoryKeys(inventoryOf(apps)), deployment, configMaps };
}

const template = (d: KubeObject) => JSON.stringify(d.spec.template);

async function tree(env: Parameters<Parameters<ScenarioFile['test']>[2]>[0], commit: string): Promise<string> {
  return gitIn(env.git, 'fleet', ['rev-parse', `${commit}^{tree}`]);
}

describe('rollback: git revert returns the cluster to the state before the reverted commit', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('reverting an applied release rolls the old template out again', [
    'examples/fleet/apps/development/demo-app-version.yaml',
    'examples/fleet/apps/development/demo-app-config.json',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const good = env.git.head('fleet');
    const before = await snapshot(sc);
    const oldImage = before.deployment.spec.template.spec.containers[0].image;
    const release = withRelease(repoFile(env.git, 'fleet', VERSION), { version: '1.9.0', commit: fakeCommit('rollback 1.9.0') });
    const config = repoFile(env.git, 'fleet', CONFIG).replace('"greeting": "Hello from the GitOps Field Guide"', '"greeting": "Hello from 1.9.0"');
    const change = await env.git.pushCommit('fleet', { [VERSION]: release, [CONFIG]: config }, 'Release demo-app 1.9.0 to development');
    await waitApplied(sc, 'apps', change);
    const changed = await waitForRollout(sc, 'ghcr.io/gitops-field-guide/demo-app:1.9.0');
    assert.notEqual(template(changed), template(before.deployment), 'the release changed the pod template');

    const t0 = Date.now();
    const revert = await revertAndPush(env.git, 'fleet');
    assert.match(await gitIn(env.git, 'fleet', ['log', '-1', '--format=%s']), /^Revert "Release demo-app 1\.9\.0 to development"$/);
    assert.equal(await tree(env, revert), await tree(env, good), 'the revert commit has the tree from before the release');
    await waitApplied(sc, 'apps', revert);
    const restored = await waitForRollout(sc, oldImage);
    s.measure(t, 'revert commit to Ready and rolled out', since(t0));
    assert.equal(template(restored), template(before.deployment), 'the pod template is the one before the release');
    assert.ok(restored.metadata.generation! > changed.metadata.generation!, 'a new rollout, not an untouched object');
    await waitApplied(sc, 'apps', revert); // pruning is part of the apply
    const after = await snapshot(sc);
    assert.deepEqual(after.inventory, before.inventory, 'the inventory is the one before the release');
    assert.deepEqual(after.configMaps, before.configMaps, 'the release\'s ConfigMap was pruned, the old one mounted again');
    const pods = (await sc.kube.list('v1', 'Pod', DEMO.namespace, 'app.kubernetes.io/name=demo-app')).filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(pods.length > 0 && pods.every((p) => p.spec.containers[0].image === oldImage), `every pod runs ${oldImage} again`);
  });

  s.test('reverting a commit that deleted an object recreates it', [
    'examples/fleet/apps/base/demo-app/kustomization.yaml',
    'examples/fleet/apps/base/demo-app/pdb.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const good = env.git.head('fleet');
    const before = await snapshot(sc);
    const pdbRef = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', ...DEMO };
    const oldPdb = await sc.kube.mustGet(pdbRef);
    const base = repoFile(env.git, 'fleet', BASE);
    assert.match(base, /\n {2}- pdb\.yaml\n/);
    const change = await env.git.pushCommit('fleet', { [BASE]: base.replace(/\n {2}- pdb\.yaml\n/, '\n') }, 'Drop the PodDisruptionBudget');
    await waitApplied(sc, 'apps', change);
    assert.equal(await sc.kube.get(pdbRef), undefined, 'prune: true deleted the PodDisruptionBudget');

    const t0 = Date.now();
    const revert = await revertAndPush(env.git, 'fleet');
    assert.equal(await tree(env, revert), await tree(env, good));
    await waitApplied(sc, 'apps', revert);
    s.measure(t, 'revert commit to Ready (object recreated)', since(t0));
    const pdb = await sc.kube.mustGet(pdbRef);
    assert.notEqual(pdb.metadata.uid, oldPdb.metadata.uid, 'a new object');
    assert.deepEqual(pdb.spec, oldPdb.spec, 'with the spec Git had before');
    assert.deepEqual((await snapshot(sc)).inventory, before.inventory, 'the inventory is whole again');
  });
});
