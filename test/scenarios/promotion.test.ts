// Promotion, the mono-repo way (examples/fleet/README.md, docs/do/promoting-a-change.mdx): a
// release lands in development by changing apps/development/demo-app-version.yaml, and moves to
// staging and then production by copying that file one environment further, one commit each.
// Three clusters (development, staging, production) read the same repository, each with a
// webhook Receiver the git server calls on push. After each commit every cluster applies it, and
// only the environment whose file changed runs the new release.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { gitEnv } from '../../harness/gitserver/server';
import type { ScenarioCluster, ScenarioEnv } from '../../harness/environment/clusters';
import { bootstrapFleetCluster, DEMO, deploymentImage, installReceiver, waitApplied, waitForRollout } from '../../harness/environment/flux';
import { fakeCommit, promotedFile, releaseOf, repoFile, withRelease, type Release } from '../../harness/environment/repo';
import { fleetRepo, ScenarioFile, since } from './support/scenario';

const ENVS = ['development', 'staging', 'production'] as const;
type Env = (typeof ENVS)[number];
const versionFile = (e: Env) => `apps/${e}/demo-app-version.yaml`;

const s = new ScenarioFile('promotion', { clusters: [...ENVS], repos: [fleetRepo()], timeoutMs: 6 * 60_000 }, async (env) => {
  await Promise.all(env.clusters.map(async (sc) => {
    await bootstrapFleetCluster(env, sc);
    await installReceiver(env, sc);
  }));
});

const image = (r: Release) => `ghcr.io/gitops-field-guide/demo-app:${r.version}`;

/**
 * Every cluster applied `sha` and runs the release its own promotion file names; resolves to the
 * seconds from `started` (before the push) until the changed environment was Ready and rolled out.
 */
async function assertReleases(env: ScenarioEnv, sha: string, want: Record<Env, Release>, changed: Env, started: number): Promise<number> {
  let changedReadySeconds = 0;
  await Promise.all(ENVS.map(async (e) => {
    const sc = env.cluster(e);
    await waitApplied(sc, 'apps', sha);
    await waitForRollout(sc, image(want[e]));
    if (e === changed) changedReadySeconds = since(started);
  }));
  for (const e of ENVS) await assertRelease(env.cluster(e), want[e], e);
  return changedReadySeconds;
}

/** The image, version label and commit annotation move together (Deployment and pod template). */
async function assertRelease(sc: ScenarioCluster, release: Release, e: Env): Promise<void> {
  const dep = await sc.kube.mustGet({ apiVersion: 'apps/v1', kind: 'Deployment', ...DEMO });
  assert.equal(await deploymentImage(sc), image(release), `${e} runs ${release.version}`);
  for (const [where, meta] of [['Deployment', dep.metadata], ['pod template', dep.spec.template.metadata]] as const) {
    assert.equal(meta.labels?.['app.kubernetes.io/version'], release.version, `${e}: version label of the ${where}`);
    assert.equal(meta.annotations?.['gitops-field-guide.dev/commit'], release.commit, `${e}: commit annotation of the ${where}`);
  }
  const pods = (await sc.kube.list('v1', 'Pod', DEMO.namespace, 'app.kubernetes.io/name=demo-app')).filter((p) => !p.metadata.deletionTimestamp);
  assert.ok(pods.length > 0, `${e} has demo-app pods`);
  for (const pod of pods) assert.equal(pod.spec.containers[0].image, image(release), `${e}: pod ${pod.metadata.name} runs ${release.version}`);
}

/** The files the last commit of the fleet repo changed. */
function changedFiles(env: ScenarioEnv): string[] {
  const out = execFileSync('git', ['show', '--name-only', '--format=', 'HEAD'], { cwd: env.git.workdir('fleet'), env: gitEnv(join(env.git.root, 'home')), encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('promotion: one file per environment moves a release development → staging → production', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('release 1.4.0 reaches development only, then staging, then production', [
    'examples/fleet/apps/development/demo-app-version.yaml',
    'examples/fleet/apps/staging/demo-app-version.yaml',
    'examples/fleet/apps/production/demo-app-version.yaml',
    'examples/fleet/clusters/development',
    'examples/fleet/clusters/staging',
    'examples/fleet/clusters/production',
  ], async (env, t) => {
    const file = (e: Env) => repoFile(env.git, 'fleet', versionFile(e));
    const before = Object.fromEntries(ENVS.map((e) => [e, releaseOf(file(e))])) as Record<Env, Release>;
    for (const e of ENVS) await assertRelease(env.cluster(e), before[e], e);
    const release: Release = { version: '1.4.0', commit: fakeCommit('promotion 1.4.0') };
    assert.ok(ENVS.every((e) => before[e].version !== release.version), 'no environment runs 1.4.0 yet');

    const started = Date.now();
    await t.test('the release pipeline changes development\'s file: development only', async (t) => {
      const t0 = Date.now();
      const sha = await env.git.pushCommit('fleet', { [versionFile('development')]: withRelease(file('development'), release) }, 'Release demo-app 1.4.0 to development');
      assert.deepEqual(changedFiles(env), [versionFile('development')], 'the commit changes one file');
      const ready = await assertReleases(env, sha, { ...before, development: release }, 'development', t0);
      s.measure(t, 'commit-to-Ready development (webhook, three clusters reconciling)', ready);
    });

    await t.test('copying development\'s file over staging\'s promotes staging only', async (t) => {
      const t0 = Date.now();
      const sha = await env.git.pushCommit('fleet', { [versionFile('staging')]: promotedFile(file('development'), 'development', 'staging') }, 'Promote demo-app 1.4.0 to staging');
      assert.deepEqual(changedFiles(env), [versionFile('staging')], 'the commit changes one file');
      const ready = await assertReleases(env, sha, { ...before, development: release, staging: release }, 'staging', t0);
      s.measure(t, 'commit-to-Ready staging (webhook, three clusters reconciling)', ready);
    });

    await t.test('copying staging\'s file over production\'s promotes production', async (t) => {
      const t0 = Date.now();
      const sha = await env.git.pushCommit('fleet', { [versionFile('production')]: promotedFile(file('staging'), 'staging', 'production') }, 'Promote demo-app 1.4.0 to production');
      assert.deepEqual(changedFiles(env), [versionFile('production')], 'the commit changes one file');
      const ready = await assertReleases(env, sha, { development: release, staging: release, production: release }, 'production', t0);
      s.measure(t, 'commit-to-Ready production (webhook, three clusters reconciling)', ready);
    });

    // The files differ only in the comment naming their environment, as the README says.
    const strip = (e: Env) => file(e).replace(/Promotion file for \w+/, 'Promotion file for <env>');
    assert.equal(strip('production'), strip('development'), 'production\'s file is development\'s but for its comment');
    s.measure(t, 'promotion development → production (three commits)', since(started));
  });
});
