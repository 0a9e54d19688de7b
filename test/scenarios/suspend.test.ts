// The escape hatch (docs/do/drift-and-the-escape-hatch.mdx, "suspend, change, resume"): while a
// Kustomization is suspended, a change made by hand survives reconcile requests and even new
// commits; resuming hands control back to Git, which reverts the hand change and applies what
// was committed meanwhile. Once with the flux CLI (`flux suspend` / `flux resume`, as the page
// does), once by patching spec.suspend, which is all the CLI does.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { reportedRevision, revisionMatches } from '../../harness/kube/conditions';
import { fluxRef } from '../../harness/kube/readiness';
import type { ScenarioCluster } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, DEMO, deploymentImage, eventually, flux, installReceiver, kubectl, requestReconcile, waitApplied, waitForRollout } from '../../harness/environment/flux';
import { repoFile } from '../../harness/environment/repo';
import { fleetRepo, ScenarioFile, since } from './support/scenario';

const s = new ScenarioFile('suspend', { clusters: ['development'], repos: [fleetRepo()] }, async (env) => {
  const sc = env.cluster('development');
  await bootstrapFleetCluster(env, sc);
  await installReceiver(env, sc);
});

const CONFIG = 'apps/development/demo-app-config.json';
const HOTFIX = 'ghcr.io/gitops-field-guide/demo-app:1.3.1-hotfix';
const ns = ['-n', DEMO.namespace];

async function mountedGreeting(sc: ScenarioCluster): Promise<string> {
  const dep = await sc.kube.mustGet({ apiVersion: 'apps/v1', kind: 'Deployment', ...DEMO });
  const name = dep.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config').configMap.name;
  const cm = await sc.kube.mustGet({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: DEMO.namespace });
  return JSON.parse(cm.data!['config.json']).greeting;
}

describe('suspend: a hand change survives while suspended and is reverted on resume', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('flux suspend, hotfix by hand, a reconcile request and a new commit, flux resume', [
    'examples/fleet/clusters/development/apps.yaml',
    'examples/fleet/apps/development/demo-app-version.yaml',
    'examples/fleet/apps/development/demo-app-config.json',
  ], async (env, t) => {
    const sc = env.cluster('development');
    const gitImage = (await deploymentImage(sc))!;
    const applied = env.git.head('fleet');
    await flux(sc, ['suspend', 'kustomization', 'apps']);
    const suspended = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    assert.equal(suspended.spec.suspend, true, 'spec.suspend is what `flux suspend` sets');
    assert.match((await flux(sc, ['get', 'kustomizations', 'apps'])).output, /apps\s+\S+\s+True\s+True/, '`flux get` shows it SUSPENDED');

    await kubectl(sc, ['set', 'image', 'deployment/demo-app', `demo-app=${HOTFIX}`, ...ns]);
    await waitForRollout(sc, HOTFIX);
    const refused = await flux(sc, ['reconcile', 'kustomization', 'apps'], { allowFail: true });
    assert.notEqual(refused.code, 0, '`flux reconcile` refuses a suspended Kustomization');
    assert.match(refused.output, /suspended/);

    // Git moves on meanwhile: the other Kustomizations apply the commit, `apps` does not.
    const config = repoFile(env.git, 'fleet', CONFIG);
    const greeting = 'Hello while apps was suspended';
    const commit = await env.git.pushCommit('fleet', { [CONFIG]: config.replace('Hello from the GitOps Field Guide', greeting) }, 'A new greeting for development');
    await waitApplied(sc, 'infra-configs', commit);
    await requestReconcile(sc, 'Kustomization', 'apps');
    await new Promise((r) => setTimeout(r, 3000)); // a reconcile, if one ran, would be done by now
    const still = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    assert.ok(revisionMatches(reportedRevision(still), applied), `apps still at ${applied.slice(0, 7)} while suspended`);
    assert.equal(await deploymentImage(sc), HOTFIX, 'the hotfix survives');
    assert.notEqual(await mountedGreeting(sc), greeting, 'the new commit was not applied to the app');

    const t0 = Date.now();
    await flux(sc, ['resume', 'kustomization', 'apps']);
    await waitApplied(sc, 'apps', commit);
    await waitForRollout(sc, gitImage);
    s.measure(t, 'flux resume to Git\'s state', since(t0));
    assert.ok(!(await sc.kube.mustGet(fluxRef('Kustomization', 'apps'))).spec.suspend, 'spec.suspend is cleared');
    assert.equal(await deploymentImage(sc), gitImage, 'Git wins again: the hotfix is reverted');
    assert.equal(await mountedGreeting(sc), greeting, 'and the commit made meanwhile is applied');
  });

  s.test('spec.suspend patched by hand holds a deleted NetworkPolicy away until resumed', [
    'examples/fleet/clusters/development/infrastructure.yaml',
    'examples/fleet/infrastructure/configs/network-policies.yaml',
  ], async (env) => {
    const sc = env.cluster('development');
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'default-deny-all', namespace: DEMO.namespace };
    const patch = (suspend: boolean) => kubectl(sc, ['-n', 'flux-system', 'patch', 'kustomization', 'infra-configs', '--type=merge', '-p', JSON.stringify({ spec: { suspend } })]);
    await patch(true);
    try {
      await kubectl(sc, ['delete', 'networkpolicy', 'default-deny-all', ...ns]);
      await requestReconcile(sc, 'Kustomization', 'infra-configs');
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await sc.kube.get(policy), undefined, 'the policy stays deleted while suspended');
    } finally {
      await patch(false);
    }
    await eventually('the policy to be recreated on resume', async () => (await sc.kube.get(policy)) !== undefined, { timeoutMs: 60_000 });
  });
});
