// Faults mid-reconcile on the development cluster of examples/fleet (local provider only: it
// kills local processes). While a commit is being reconciled, each of source-controller,
// kustomize-controller, the git server and the kube-apiserver is killed (SIGKILL, no graceful
// shutdown) and later started again. Asserted: nothing Flux had applied disappears while the
// piece is down, and after the restart everything converges on the commit with no applied object
// lost (every object of every inventory still there with the same uid, so none was deleted and
// recreated either).
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext } from 'node:test';
import { killFluxController, restartFluxController } from '../../harness/cluster/flux';
import { providerName } from '../../harness/cluster/select';
import { findCondition, revisionMatches } from '../../harness/kube/conditions';
import { fluxRef, waitForObject } from '../../harness/kube/readiness';
import type { ScenarioCluster, ScenarioEnv } from '../../harness/environment/clusters';
import { appliedObjects, killApiserver, lostObjects, startApiserver, TcpRelay, type AppliedObject } from './support/faults';
import { bootstrapFleetCluster, eventually, installReceiver, waitApplied, waitForRollout } from '../../harness/environment/flux';
import { fakeCommit, repoFile, repoTransform, withRelease } from '../../harness/environment/repo';
import { ScenarioFile, since } from './support/scenario';
import { FLEET_DIR } from '../../harness/fleet/expectations';

let relay: TcpRelay | undefined;

const s = new ScenarioFile('faults', {
  clusters: ['development'],
  needs: () => (providerName() === 'local' ? undefined : `kills and restarts local processes; CLUSTER_PROVIDER=${providerName()}`),
  timeoutMs: 5 * 60_000,
}, async (env) => {
  // Flux fetches through a relay in front of the git server, so that the server can "die".
  relay = await TcpRelay.start(Number(new URL(env.git.url).port));
  const viaRelay = { url: relay.url, repoUrl: (name: string) => `${relay!.url}/${name}.git` };
  await env.git.createRepoFrom(FLEET_DIR, 'fleet', { transform: repoTransform(viaRelay, 'fleet') });
  const sc = env.cluster('development');
  await bootstrapFleetCluster(env, sc);
  await installReceiver(env, sc);
});

const VERSION = 'apps/development/demo-app-version.yaml';
let releases = 0;

/** Commits the next release of the demo app to development; resolves to the commit and image. */
async function commitRelease(env: ScenarioEnv, why: string): Promise<{ sha: string; image: string }> {
  const version = `1.${5 + ++releases}.0`;
  const file = withRelease(repoFile(env.git, 'fleet', VERSION), { version, commit: fakeCommit(`faults ${version}`) });
  const sha = await env.git.pushCommit('fleet', { [VERSION]: file }, `Release demo-app ${version} to development (${why})`);
  return { sha, image: `ghcr.io/gitops-field-guide/demo-app:${version}` };
}

/**
 * Waits for the moment to strike: `probe` names the state (a Kustomization in a phase of
 * reconciling the commit) once it is there. Polls every 50 ms; the states chosen last seconds.
 */
async function strikeWhen(what: string, probe: () => Promise<string | undefined>): Promise<string> {
  let seen = '';
  await eventually(what, async () => {
    seen = (await probe()) ?? '';
    return seen !== '' || 'not yet';
  }, { timeoutMs: 60_000, intervalMs: 50 });
  return seen;
}

/** `apps` is health-checking the rollout of `sha` (kustomize-controller polls every 5 s). */
function appsHealthChecking(sc: ScenarioCluster, sha: string): Promise<string> {
  return strikeWhen(`apps to be health-checking ${sha.slice(0, 7)}`, async () => {
    const ks = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    const reconciling = findCondition(ks, 'Reconciling');
    const busy = reconciling?.status === 'True' && revisionMatches(ks.status?.lastAttemptedRevision, sha) && /health checks/.test(reconciling.message ?? '');
    return busy ? `apps: ${reconciling!.message}` : undefined;
  });
}

/** The source has `sha`, and `apps` has yet to download it (it waits for its dependencies). */
function fetchedNotApplied(sc: ScenarioCluster, sha: string): Promise<string> {
  return strikeWhen(`the artifact of ${sha.slice(0, 7)} to exist while apps has not fetched it`, async () => {
    const repo = await sc.kube.mustGet(fluxRef('GitRepository', 'flux-system'));
    const apps = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    const fetched = revisionMatches(repo.status?.artifact?.revision, sha);
    const pending = !revisionMatches(apps.status?.lastAttemptedRevision, sha);
    return fetched && pending ? `artifact ${sha.slice(0, 7)} stored; apps last attempted ${apps.status?.lastAttemptedRevision}` : undefined;
  });
}

async function assertNothingLost(sc: ScenarioCluster, before: AppliedObject[], when: string): Promise<void> {
  const lost = await lostObjects(sc.kube, before);
  assert.deepEqual(lost, [], `${when}: applied objects lost:\n  ${lost.join('\n  ')}`);
}

async function converge(t: TestContext, sc: ScenarioCluster, sha: string, image: string, since0: number, what: string): Promise<void> {
  for (const name of ['flux-system', 'infra-controllers', 'infra-configs', 'apps']) await waitApplied(sc, name, sha, { timeoutMs: 3 * 60_000 });
  await waitForRollout(sc, image);
  s.measure(t, `${what}: restart to converged`, since(since0));
}

describe('faults: a piece of the GitOps loop dies mid-reconcile; after its restart everything converges', { skip: s.skip }, () => {
  before(() => s.start());
  after(async () => {
    await relay?.kill();
    await s.stop();
  });

  s.test('source-controller killed while the Kustomizations still need its artifact', ['examples/fleet/clusters/development'], async (env, t) => {
    const sc = env.cluster('development');
    const before = await appliedObjects(sc.kube);
    const { sha, image } = await commitRelease(env, 'source-controller dies');
    // Its artifact server goes with it: the Kustomizations not yet at the commit cannot fetch it.
    t.diagnostic(`killed when ${await fetchedNotApplied(sc, sha)}`);
    await killFluxController(sc.flux, 'source-controller');
    await new Promise((r) => setTimeout(r, 2000));
    await assertNothingLost(sc, before, 'while source-controller is down');
    const t0 = Date.now();
    await restartFluxController(sc.flux, 'source-controller');
    await converge(t, sc, sha, image, t0, 'source-controller');
    await assertNothingLost(sc, before, 'after the restart');
  });

  s.test('kustomize-controller killed while it applies and health-checks a commit', ['examples/fleet/clusters/development', 'examples/fleet/infrastructure'], async (env, t) => {
    const sc = env.cluster('development');
    const before = await appliedObjects(sc.kube);
    const { sha, image } = await commitRelease(env, 'kustomize-controller dies');
    t.diagnostic(`killed while ${await appsHealthChecking(sc, sha)}`);
    await killFluxController(sc.flux, 'kustomize-controller');
    await new Promise((r) => setTimeout(r, 2000));
    await assertNothingLost(sc, before, 'while kustomize-controller is down');
    const t0 = Date.now();
    await restartFluxController(sc.flux, 'kustomize-controller');
    await converge(t, sc, sha, image, t0, 'kustomize-controller');
    await assertNothingLost(sc, before, 'after the restart');
  });

  s.test('the git server dies: the source fails and keeps its artifact; it recovers when the server is back', ['examples/fleet/clusters/development'], async (env, t) => {
    const sc = env.cluster('development');
    const before = await appliedObjects(sc.kube);
    const previous = (await sc.kube.mustGet(fluxRef('GitRepository', 'flux-system'))).status.artifact.revision;
    await relay!.kill();
    const { sha, image } = await commitRelease(env, 'git server dies'); // the webhook still reaches Flux
    const failed = await waitForObject(sc.kube, fluxRef('GitRepository', 'flux-system'), 'to report the unreachable server', (repo) => {
      const ready = findCondition(repo, 'Ready');
      return ready?.status === 'False' ? { ready: true, reason: 'failed' } : { ready: false, reason: `Ready=${ready?.status} ${ready?.message ?? ''}` };
    }, { logs: sc.fluxLogs(), timeoutMs: 60_000, intervalMs: 100 });
    assert.match(findCondition(failed, 'Ready')!.message ?? '', /connection refused|unable to clone|failed to/i);
    assert.equal(failed.status.artifact.revision, previous, 'the last artifact is kept');
    await assertNothingLost(sc, before, 'while the git server is down');
    const apps = await sc.kube.mustGet(fluxRef('Kustomization', 'apps'));
    assert.equal(findCondition(apps, 'Ready')?.status, 'True', 'the Kustomizations stay Ready at the last commit');
    const t0 = Date.now();
    await relay!.restart();
    await converge(t, sc, sha, image, t0, 'git server (no new trigger: source-controller retries on its own)');
    await assertNothingLost(sc, before, 'after the restart');
  });

  s.test('the kube-apiserver killed mid-reconcile and restarted with kwokctl', ['examples/fleet/clusters/development', 'examples/fleet/infrastructure', 'examples/fleet/apps/development'], async (env, t) => {
    const sc = env.cluster('development');
    const before = await appliedObjects(sc.kube);
    const { sha, image } = await commitRelease(env, 'kube-apiserver dies');
    t.diagnostic(`killed while ${await appsHealthChecking(sc, sha)}`);
    const old = await killApiserver(sc);
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = Date.now();
    const pid = await startApiserver(sc);
    assert.notEqual(pid, old, 'a new kube-apiserver process');
    s.measure(t, 'kube-apiserver restart to /readyz', since(t0));
    const dead = sc.flux.controllers.filter((c) => { try { process.kill(c.pid, 0); return false; } catch { return true; } });
    assert.deepEqual(dead.map((c) => c.name), [], 'the Flux controllers ride out the outage');
    await converge(t, sc, sha, image, t0, 'kube-apiserver');
    await assertNothingLost(sc, before, 'after the restart');
  });
});
