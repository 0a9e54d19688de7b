// An ephemeral environment (examples/ephemeral, docs/do/ephemeral-environment.mdx): a branch of
// the application repository becomes an environment of its own on a fresh cluster, converges to
// what staging runs (same objects, same fields, except an allow-list), follows the branch, and
// is torn down twice over: its file deleted from previews/ (Flux prunes the namespace, source and
// Kustomizations), then the cluster itself, leaving no process, port or folder behind.
//
// The application repository's deploy/ folder is what staging runs: examples/fleet's
// apps/staging overlay with its base, made self-contained. The branch changes one thing, the
// greeting, as the page's branch does.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe } from 'node:test';
import { readLocalClusterState } from '../../harness/cluster/local';
import { stillListening } from '../../harness/cluster/ports';
import { isAlive, processesMentioning, runCommand } from '../../harness/cluster/process';
import { desiredState, subsetMismatches } from '../../harness/kube/compare';
import { inventoryOf } from '../../harness/kube/inventory';
import type { KubeObject } from '../../harness/kube/kube';
import { stopScenarioCluster, type ScenarioCluster } from '../../harness/environment/clusters';
import { APP_CONFIG, BRANCH, bringUpPreview, createPreviewRepos, ENV_NAME, EPHEMERAL_DIR, GREETING, PREVIEW_NS as NS, SAMPLE, type PreviewRepos } from '../../harness/environment/ephemeral';
import { eventually, flux, waitApplied } from '../../harness/environment/flux';
import { gitIn, repoFile } from '../../harness/environment/repo';
import { ScenarioFile, since } from './support/scenario';
import { expectationsFor, type ClusterExpectations } from '../../harness/fleet/expectations';

const CONFIG = APP_CONFIG;
// The page's second branch; render.sh derives its name.
const OTHER_BRANCH = 'fix/LOGIN-42';
const OTHER_ENV = 'fix-login-42';

/**
 * What may differ between the preview and staging, and why. Everything else the staging build
 * says must be in the preview's objects.
 */
const ALLOWED = {
  namespace: `objects live in ${NS}, not demo-app (the preview Kustomization's targetNamespace)`,
  configMapName: 'the ConfigMap name carries a hash of its content, which holds the branch\'s greeting',
  configKeys: {
    environment: 'the preview\'s identity (postBuild.substitute of template/app.yaml)',
    cluster: 'the preview\'s identity',
    region: 'the preview\'s identity',
    greeting: 'the branch\'s change',
  },
} as const;

let staging: ClusterExpectations;
let repos: PreviewRepos;

const s = new ScenarioFile('ephemeral', { clusters: [], repos: [], gitAuth: false, timeoutMs: 5 * 60_000 }, async (env) => {
  staging = await expectationsFor('staging');
  repos = await createPreviewRepos(env.git);
});

const configPrefix = 'demo-app-config-';
const key = (o: { kind: string; name: string }) => `${o.kind} ${o.name.startsWith(configPrefix) ? `${configPrefix}<hash>` : o.name}`;

/** The staging object as the preview must have it, with the allow-listed differences applied. */
function expectedInPreview(obj: KubeObject, liveConfigMap: string): Record<string, unknown> {
  const want = structuredClone(desiredState(obj)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifest
  if (obj.kind === 'Deployment') {
    for (const volume of want.spec.template.spec.volumes ?? []) {
      if (volume.configMap?.name?.startsWith(configPrefix)) volume.configMap.name = liveConfigMap; // ALLOWED.configMapName
    }
  }
  if (obj.kind === 'ConfigMap') delete want.data; // compared key by key below
  return want;
}

function withoutAllowedKeys(json: string): Record<string, unknown> {
  const config = JSON.parse(json) as Record<string, unknown>;
  for (const k of Object.keys(ALLOWED.configKeys)) delete config[k];
  return config;
}

/** Everything a leftover check needs, read while the cluster runs (local provider). */
function footprint(sc: ScenarioCluster): { pids: number[]; ports: number[]; dirs: string[] } {
  const runDir = dirname(sc.kubeconfigPath);
  const plan = readLocalClusterState(runDir)?.plan;
  const fluxPids = sc.flux.controllers.map((c) => c.pid);
  // Flux's run folder: its controllers run from links in <run folder>/bin/.
  const fluxBinary = readFileSync(`/proc/${fluxPids[0]}/cmdline`, 'utf8').split('\0')[0];
  return {
    pids: [...Object.values(sc.cluster.componentPids()), ...fluxPids],
    ports: [...Object.values(plan?.ports ?? {}), ...sc.flux.controllers.flatMap((c) => Object.values(c.ports).filter((p): p is number => typeof p === 'number'))],
    dirs: [runDir, dirname(dirname(fluxBinary))],
  };
}

describe('ephemeral: a branch becomes an environment on a fresh cluster, then goes without a trace', { skip: s.skip }, () => {
  before(() => s.start());
  after(() => s.stop());

  s.test('the preview of feature/new-greeting converges to staging\'s objects and is torn down', [
    'examples/ephemeral',
    'examples/fleet/apps/staging',
    'examples/fleet/apps/base/demo-app',
  ], async (env, t) => {
    let running: ScenarioCluster | undefined; // stopped in `finally` unless the test stopped it
    try {
      // A fresh cluster, bootstrapped from the previews repository; its one file makes the preview.
      const up = await bringUpPreview(env.git, repos, { onCluster: (c) => (running = c) });
      const sc = up.sc;
      s.noteVersion(sc.kubernetesVersion);
      s.measure(t, 'ephemeral environment up and converged (fresh cluster to preview Available)', up.seconds);
      const app = up.app;

      // Same inventory as staging's `apps` (names; the namespace and the ConfigMap hash aside).
      const previewKeys = inventoryOf(app).map(key).sort();
      const stagingKeys = staging.built.apps.map((o) => key({ kind: o.kind, name: o.metadata.name })).sort();
      assert.deepEqual(previewKeys, stagingKeys, 'the preview applies the objects staging has');
      assert.ok(inventoryOf(app).every((e) => e.namespace === NS), `all of them in ${NS} (${ALLOWED.namespace})`);

      // Same fields as staging, except the allow-list.
      const configMaps = (await sc.kube.list('v1', 'ConfigMap', NS)).filter((c) => c.metadata.name.startsWith(configPrefix));
      assert.equal(configMaps.length, 1, 'one config ConfigMap');
      const liveConfig = configMaps[0];
      const problems: string[] = [];
      for (const obj of staging.built.apps) {
        const name = obj.kind === 'ConfigMap' ? liveConfig.metadata.name : obj.metadata.name;
        const live = await sc.kube.get({ apiVersion: obj.apiVersion, kind: obj.kind, name, namespace: NS });
        if (!live) {
          problems.push(`${obj.kind} ${NS}/${name} is missing`);
          continue;
        }
        for (const m of subsetMismatches(expectedInPreview(obj, liveConfig.metadata.name), live)) problems.push(`${obj.kind} ${name}: ${m}`);
        if (obj.kind === 'ConfigMap') {
          for (const m of subsetMismatches(withoutAllowedKeys(obj.data!['config.json']), withoutAllowedKeys(live.data!['config.json']))) problems.push(`config.json: ${m}`);
        }
      }
      assert.deepEqual(problems, [], `the preview differs from staging beyond the allow-list:\n  ${problems.join('\n  ')}`);
      const config = JSON.parse(liveConfig.data!['config.json']);
      assert.deepEqual(
        { greeting: config.greeting, environment: config.environment, cluster: config.cluster },
        { greeting: GREETING, environment: 'preview', cluster: NS },
        'the allowed differences are the branch\'s change and the preview\'s identity',
      );
      const namespace = await sc.kube.mustGet({ apiVersion: 'v1', kind: 'Namespace', name: NS });
      assert.equal(namespace.metadata.annotations?.['gitops-field-guide.dev/branch'], BRANCH);
      assert.equal(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
      assert.ok(await sc.kube.get({ apiVersion: 'v1', kind: 'ResourceQuota', name: 'preview-quota', namespace: NS }), 'the preview has its quota');

      // The preview follows the branch.
      const again = 'Hello again from a preview';
      const next = await env.git.pushCommit('demo-app', { [CONFIG]: repoFile(env.git, 'demo-app', CONFIG).replace(GREETING, again) }, 'Say hello again');
      await flux(sc, ['reconcile', 'kustomization', `preview-${ENV_NAME}-app`, '--with-source']);
      await waitApplied(sc, `preview-${ENV_NAME}-app`, next);
      await eventually('the new greeting in the preview', async () => {
        const cms = (await sc.kube.list('v1', 'ConfigMap', NS)).filter((c) => c.metadata.name.startsWith(configPrefix));
        return cms.length === 1 && JSON.parse(cms[0].data!['config.json']).greeting === again;
      });

      // A second branch gets a preview from render.sh's file (as the page does before the
      // teardown: with previews/ left empty, Git would drop the folder and `previews` would fail
      // with "kustomization path not found" instead of pruning).
      await gitIn(env.git, 'demo-app', ['switch', '--quiet', '-c', OTHER_BRANCH, 'main']);
      await gitIn(env.git, 'demo-app', ['push', '--quiet', 'origin', OTHER_BRANCH]);
      const rendered = await runCommand('sh', [join(EPHEMERAL_DIR, 'render.sh'), OTHER_BRANCH], { timeoutMs: 10_000 });
      assert.equal(rendered.code, 0, rendered.output);
      const other = await env.git.pushCommit('previews', { [`previews/${OTHER_ENV}.yaml`]: rendered.output }, `Preview for ${OTHER_BRANCH}`);
      await flux(sc, ['reconcile', 'kustomization', 'previews', '--with-source']);
      await waitApplied(sc, 'previews', other);
      await waitApplied(sc, `preview-${OTHER_ENV}-app`, env.git.head('demo-app', OTHER_BRANCH));

      // Tear the first preview down by deleting its file: prune removes everything it made.
      const removal = await env.git.pushCommit('previews', { [SAMPLE]: null }, 'Feature new-greeting is merged: remove its preview');
      const t0 = Date.now();
      await flux(sc, ['reconcile', 'kustomization', 'previews', '--with-source']);
      await waitApplied(sc, 'previews', removal);
      const gone = async () => {
        const left: string[] = [];
        if (await sc.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: NS })) left.push(`namespace ${NS}`);
        for (const k of [`preview-${ENV_NAME}`, `preview-${ENV_NAME}-app`]) {
          if (await sc.kube.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: k, namespace: 'flux-system' })) left.push(`Kustomization ${k}`);
        }
        if (await sc.kube.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: `preview-${ENV_NAME}`, namespace: 'flux-system' })) left.push('GitRepository');
        return left.length === 0 || `still there: ${left.join(', ')}`;
      };
      await eventually('the preview to be pruned', gone, { timeoutMs: 2 * 60_000, intervalMs: 250 });
      s.measure(t, 'preview pruned after its file was deleted', since(t0));
      await waitApplied(sc, `preview-${OTHER_ENV}-app`, env.git.head('demo-app', OTHER_BRANCH));
      assert.ok(await sc.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: `preview-${OTHER_ENV}` }), 'the other preview is untouched');

      // Tear the cluster down: nothing may be left.
      const local = sc.cluster.provider === 'local';
      const before = local ? footprint(sc) : undefined;
      const t1 = Date.now();
      running = undefined;
      await stopScenarioCluster(sc);
      s.measure(t, 'cluster torn down', since(t1));
      if (before) {
        assert.deepEqual(before.pids.filter(isAlive), [], 'no process of the cluster or of Flux is left');
        assert.deepEqual(before.dirs.flatMap((d) => processesMentioning(d)).map((p) => p.pid), [], 'nothing runs from their folders');
        assert.deepEqual(stillListening(before.ports), [], 'no port of theirs is listening');
        assert.deepEqual(before.dirs.filter((d) => existsSync(d)), [], 'their folders are gone');
      } else {
        t.diagnostic(`provider ${sc.cluster.provider}: the process, port and folder checks apply to the local provider only`);
      }
    } finally {
      if (running) {
        const kept = await stopScenarioCluster(running, { keepLogs: true }).catch((e: Error) => e.message);
        console.error(`ephemeral: cluster previews stopped after a failure; logs: ${kept}`);
      }
    }
  });
});
