// A bad commit (docs/do/bad-commit-and-rollback.mdx): a change the API server rejects, and one
// that does not even build, pushed to the fleet's development cluster. Flux reports each on the
// `apps` Kustomization (Ready=False, the reason in its message, an event), applies nothing of the
// revision (the server-side dry run makes a revision all or nothing), keeps the last good objects
// running, and recovers with the next good commit. (Rollback by `git revert` is rollback.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { findCondition, revisionMatches } from '../../harness/kube/conditions';
import { fluxRef, waitForObject } from '../../harness/kube/readiness';
import type { KubeObject } from '../../harness/kube/kube';
import type { ScenarioCluster } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, DEMO, flux, installReceiver, waitApplied, waitForRollout } from '../../harness/environment/flux';
import { repoFile } from '../../harness/environment/repo';
import { fleetRepo, ScenarioFile, since } from './support/scenario';

const s = new ScenarioFile('bad-commit', { clusters: ['development'], repos: [fleetRepo()] }, async (env) => {
  const sc = env.cluster('development');
  await bootstrapFleetCluster(env, sc);
  await installReceiver(env, sc);
});

const SIZE = 'apps/development/demo-app-size.yaml';
const CONFIG = 'apps/development/demo-app-config.json';
const OVERLAY = 'apps/development/kustomization.yaml';

/** `apps` attempted `sha`, failed, and still reports `good` as the last applied revision. */
async function waitFailed(sc: ScenarioCluster, sha: string, good: string, reason: string): Promise<KubeObject> {
  return waitForObject(sc.kube, fluxRef('Kustomization', 'apps'), `to fail at ${sha.slice(0, 7)}`, (ks) => {
    const ready = findCondition(ks, 'Ready');
    if (!revisionMatches(ks?.status?.lastAttemptedRevision, sha)) return { ready: false, reason: `last attempted ${ks?.status?.lastAttemptedRevision}` };
    if (ready?.status !== 'False' || ready.reason !== reason) return { ready: false, reason: `Ready=${ready?.status} (${ready?.reason})` };
    return { ready: true, reason: 'failed as expected' };
  }, { logs: sc.fluxLogs(), timeoutMs: 3 * 60_000, intervalMs: 100 }).then((ks) => {
    assert.ok(revisionMatches(ks.status.lastAppliedRevision, good), `last applied revision stays ${good.slice(0, 7)}, is ${ks.status.lastAppliedRevision}`);
    return ks;
  });
}

async function liveDeployment(sc: ScenarioCluster): Promise<KubeObject> {
  return sc.kube.mustGet({ apiVersion: 'apps/v1', kind: 'Deployment', ...DEMO });
}

/** The ConfigMap the Deployment mounts (its name carries a hash of the content). */
function mountedConfig(dep: KubeObject): string {
  return dep.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config').configMap.name;
}

/** The Deployment is as it was: same template generation, same config, every replica available. */
async function assertUntouched(sc: ScenarioCluster, before: KubeObject): Promise<void> {
  const now = await liveDeployment(sc);
  assert.equal(now.metadata.generation, before.metadata.generation, 'the Deployment was not changed');
  assert.deepEqual(now.spec.template.spec.containers[0].resources, before.spec.template.spec.containers[0].resources, 'resources unchanged');
  assert.equal(mountedConfig(now), mountedConfig(before), 'the same ConfigMap is mounted');
  assert.equal(now.status.availableReplicas, now.spec.replicas, 'the app keeps running');
}

async function assertOthersApplied(sc: ScenarioCluster, sha: string): Promise<void> {
  for (const name of ['flux-system', 'infra-controllers', 'infra-configs']) await waitApplied(sc, name, sha);
}

describe('bad commit: Flux refuses a broken revision, keeps the last good one, recovers with a fix', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('a request above its limit: Ready=False with the API server\'s reason; a fix recovers', [
    'examples/fleet/apps/development/demo-app-size.yaml',
    'examples/fleet/apps/development/demo-app-config.json',
    'examples/fleet/clusters/development/apps.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const good = env.git.head('fleet');
    const before = await liveDeployment(sc);
    const size = repoFile(env.git, 'fleet', SIZE);
    const config = repoFile(env.git, 'fleet', CONFIG);
    assert.match(size, /cpu: 25m/, 'development requests 25m CPU');
    assert.match(size, /cpu: 250m/, 'with a 250m limit');
    // The page's sed, plus a valid change in the same commit: a revision is all or nothing.
    const newConfig = config.replace('"logLevel": "debug"', '"logLevel": "trace"');
    assert.notEqual(newConfig, config);
    const bad = await env.git.pushCommit('fleet', { [SIZE]: size.replace('cpu: 25m', 'cpu: 500m'), [CONFIG]: newConfig }, 'Give the demo app more CPU in development');

    const failed = await waitFailed(sc, bad, good, 'ReconciliationFailed');
    const message = findCondition(failed, 'Ready')!.message ?? '';
    assert.match(message, /Deployment\/demo-app\/demo-app/, 'the message names the object');
    assert.match(message, /must be less than or equal to cpu limit/, 'and the API server\'s reason');
    const events = (await flux(sc, ['events', '--for', 'Kustomization/apps'])).output;
    assert.match(events, /ReconciliationFailed/, '`flux events` shows the failure');
    await assertOthersApplied(sc, bad);
    await assertUntouched(sc, before);
    const configMaps = await sc.kube.list('v1', 'ConfigMap', DEMO.namespace);
    assert.equal(configMaps.filter((c) => c.metadata.name.startsWith('demo-app-config-')).length, 1, 'the valid ConfigMap of the bad revision was not applied either');

    const t0 = Date.now();
    const fix = await env.git.pushCommit('fleet', { [SIZE]: size }, 'Keep the CPU request within the limit');
    await waitApplied(sc, 'apps', fix);
    const dep = await waitForRollout(sc, before.spec.template.spec.containers[0].image);
    s.measure(t, 'fix commit to Ready', since(t0));
    assert.equal(dep.spec.template.spec.containers[0].resources.requests.cpu, '25m');
    const cm = await sc.kube.mustGet({ apiVersion: 'v1', kind: 'ConfigMap', name: mountedConfig(dep), namespace: DEMO.namespace });
    assert.equal(JSON.parse(cm.data!['config.json']).logLevel, 'trace', 'the valid part of the change arrives with the fix');
    assert.notEqual(mountedConfig(dep), mountedConfig(before), 'a new ConfigMap rolled the pods');
  });

  s.test('a kustomization that does not build: Ready=False naming the file; a fix recovers', [
    'examples/fleet/apps/development/kustomization.yaml',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const good = env.git.head('fleet');
    const before = await liveDeployment(sc);
    const overlay = repoFile(env.git, 'fleet', OVERLAY);
    assert.match(overlay, /- path: demo-app-size\.yaml/);
    const bad = await env.git.pushCommit('fleet', { [OVERLAY]: overlay.replace('- path: demo-app-size.yaml', '- path: demo-app-sizes.yaml') }, 'Typo in a patch path');

    const failed = await waitFailed(sc, bad, good, 'BuildFailed');
    assert.match(findCondition(failed, 'Ready')!.message ?? '', /demo-app-sizes\.yaml/, 'the message names the missing file');
    await assertOthersApplied(sc, bad);
    await assertUntouched(sc, before);

    const t0 = Date.now();
    const fix = await env.git.pushCommit('fleet', { [OVERLAY]: overlay }, 'Fix the patch path');
    await waitApplied(sc, 'apps', fix);
    s.measure(t, 'fix commit to Ready', since(t0));
    await assertUntouched(sc, before);
  });
});
