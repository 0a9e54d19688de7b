// The shape examples/fleet promises its readers (README.md there): four clusters, the
// infra-controllers → infra-configs → apps chain, a self-contained repository, production-eu
// equal to production but for identity, one promotion file per environment, nothing that needs
// a webhook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findClusters, renderCluster, type ClusterRender } from '../../harness/fleet/render.ts';
import type { K8sObject } from '../../harness/fleet/kustomize.ts';
import { staticSetup } from './setup.ts';
import { EXAMPLES_DIR, kustomizationDirs, kustomizationFileIn, walk } from '../../harness/fleet/tree.ts';
import { parseYamlFile } from '../../harness/fleet/yaml.ts';

const FLEET = path.join(EXAMPLES_DIR, 'fleet');
const CLUSTERS = ['development', 'staging', 'production', 'production-eu'];
const ENVS = ['development', 'staging', 'production'];
const IMAGE = 'ghcr.io/gitops-field-guide/demo-app';

const setup = await staticSetup();
const skip = 'skip' in setup ? setup.skip : undefined;
const renders = new Map<string, ClusterRender>();
if (!('skip' in setup)) {
  const tools = setup.tools;
  for (const r of await Promise.all(findClusters(FLEET).clusters.map((c) => renderCluster(c, tools.kubectl)))) renders.set(r.cluster.name, r);
}

const read = (rel: string): string => readFileSync(path.join(FLEET, rel), 'utf8');
const objectsOf = (rel: string): K8sObject[] => parseYamlFile(path.join(FLEET, rel)).docs.map((d) => d.value as K8sObject);

test('each cluster has flux-system/gotk-sync.yaml, its kustomization, infrastructure.yaml and apps.yaml, and no gotk-components.yaml', () => {
  for (const c of CLUSTERS) {
    for (const f of ['flux-system/gotk-sync.yaml', 'flux-system/kustomization.yaml', 'infrastructure.yaml', 'apps.yaml', 'cluster-identity.yaml']) {
      assert.ok(existsSync(path.join(FLEET, 'clusters', c, f)), `examples/fleet/clusters/${c}/${f} is missing`);
    }
    assert.ok(!existsSync(path.join(FLEET, 'clusters', c, 'flux-system/gotk-components.yaml')), 'the live tier runs the controllers as processes; gotk-components.yaml stays out');
    const sync = objectsOf(`clusters/${c}/flux-system/gotk-sync.yaml`);
    const repo = sync.find((o) => o.kind === 'GitRepository')!;
    assert.match(String((repo.spec as { url: string }).url), /\.invalid\//, 'the Git URL is a placeholder that can never resolve');
    const root = sync.find((o) => o.kind === 'Kustomization')!;
    assert.equal((root.spec as { path: string }).path, `./clusters/${c}`);
  }
});

test('each cluster chains infra-controllers → infra-configs → apps, with prune, wait, interval, timeout and the flux-system source', () => {
  for (const c of CLUSTERS) {
    const ks = [...objectsOf(`clusters/${c}/infrastructure.yaml`), ...objectsOf(`clusters/${c}/apps.yaml`)];
    const byName = new Map(ks.map((k) => [k.metadata!.name!, k.spec as Record<string, unknown>]));
    assert.deepEqual([...byName.keys()].sort(), ['apps', 'infra-configs', 'infra-controllers']);
    const deps = (n: string): string[] => ((byName.get(n)!.dependsOn as Array<{ name: string }>) ?? []).map((d) => d.name);
    assert.deepEqual(deps('infra-controllers'), []);
    assert.deepEqual(deps('infra-configs'), ['infra-controllers']);
    assert.deepEqual(deps('apps'), ['infra-configs']);
    for (const [name, spec] of byName) {
      const where = `clusters/${c}: Kustomization ${name}`;
      assert.equal(spec.prune, true, `${where}: prune`);
      assert.equal(spec.wait, true, `${where}: wait`);
      assert.ok(spec.interval && spec.timeout && spec.retryInterval, `${where}: interval, retryInterval and timeout`);
      assert.deepEqual(spec.sourceRef, { kind: 'GitRepository', name: 'flux-system' }, `${where}: sourceRef`);
    }
  }
});

test('production-eu shares everything with production but its identity', () => {
  for (const f of ['infrastructure.yaml', 'apps.yaml', 'flux-system/kustomization.yaml']) {
    assert.equal(read(`clusters/production-eu/${f}`), read(`clusters/production/${f}`), `clusters/production-eu/${f} must equal clusters/production/${f}`);
  }
  assert.equal(read('clusters/production-eu/flux-system/gotk-sync.yaml'), read('clusters/production/flux-system/gotk-sync.yaml').replace('./clusters/production', './clusters/production-eu'));
  const id = (c: string): Record<string, string> => objectsOf(`clusters/${c}/cluster-identity.yaml`)[0].data as Record<string, string>;
  assert.equal(id('production-eu').cluster_env, id('production').cluster_env);
  assert.notEqual(id('production-eu').cluster_name, id('production').cluster_name);
});

test('the fleet is self-contained: no kustomization refers to a file outside examples/fleet', () => {
  for (const dir of kustomizationDirs(FLEET)) {
    const text = readFileSync(kustomizationFileIn(dir)!, 'utf8');
    for (const m of text.matchAll(/(?:^|\s|=)((?:\.\.\/)+[^\s'"]*)/g)) {
      const target = path.resolve(dir, m[1]);
      assert.ok(target.startsWith(FLEET + path.sep), `${path.relative(EXAMPLES_DIR, dir)}: ${m[1]} leaves the fleet repository`);
    }
  }
});

test('the promotion file apps/<env>/demo-app-version.yaml is the only place the image tag is set, and its version label and tag agree', () => {
  for (const env of ENVS) {
    const files = walk(path.join(FLEET, 'apps', env)).filter((f) => readFileSync(f, 'utf8').includes(`${IMAGE}:`));
    assert.deepEqual(files.map((f) => path.basename(f)), ['demo-app-version.yaml'], `apps/${env}: the image tag must be set in demo-app-version.yaml only`);
    const [d] = objectsOf(`apps/${env}/demo-app-version.yaml`);
    const tmpl = (d.spec as { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { containers: Array<{ image: string }> } } }).template;
    const tag = tmpl.spec.containers[0].image.split(':').pop();
    assert.match(tag!, /^\d+\.\d+\.\d+$/, `apps/${env}: the tag is a semantic version`);
    assert.equal(d.metadata!.labels!['app.kubernetes.io/version'], tag);
    assert.equal(tmpl.metadata.labels['app.kubernetes.io/version'], tag);
    assert.equal(d.metadata!.annotations!['gitops-field-guide.dev/commit'], tmpl.metadata.annotations['gitops-field-guide.dev/commit']);
  }
});

test('what the clusters apply needs no webhook, APIService or CRD, and the Helm chart comes from the fleet repository', { skip }, () => {
  for (const c of CLUSTERS) {
    const r = renders.get(c);
    assert.ok(r, `cluster ${c} was not found`);
    const kinds = new Set(r.objects.map((o) => o.obj.kind));
    for (const k of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'CustomResourceDefinition']) assert.ok(!kinds.has(k), `cluster ${c} applies a ${k}`);
    const hr = r.objects.find((o) => o.obj.kind === 'HelmRelease');
    assert.ok(hr, `cluster ${c} has no HelmRelease`);
    const chart = (hr.obj.spec as { chart: { spec: { chart: string; sourceRef: { kind: string; name: string } } } }).chart.spec;
    assert.deepEqual(chart.sourceRef, { kind: 'GitRepository', name: 'flux-system' });
    assert.ok(existsSync(path.join(FLEET, chart.chart, 'Chart.yaml')));
  }
});

test('every namespace the apps use enforces Pod Security restricted', { skip }, () => {
  for (const c of CLUSTERS) {
    const r = renders.get(c)!;
    const restricted = new Set(r.objects.filter((o) => o.obj.kind === 'Namespace' && o.obj.metadata?.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted').map((o) => o.obj.metadata!.name));
    const apps = r.kustomizations.find((k) => k.name === 'apps')!;
    for (const o of apps.objects) {
      const ns = o.obj.metadata?.namespace;
      if (ns) assert.ok(restricted.has(ns), `cluster ${c}: ${o.obj.kind}/${o.obj.metadata?.name} is in ${ns}, which does not enforce restricted`);
    }
  }
});

test('the cluster identity reaches the app: each cluster renders its own name into config.json', { skip }, () => {
  for (const c of CLUSTERS) {
    const cm = renders.get(c)!.objects.find((o) => o.obj.kind === 'ConfigMap' && o.obj.metadata?.name?.startsWith('demo-app-config'));
    const config = JSON.parse((cm!.obj.data as Record<string, string>)['config.json']) as { cluster: string };
    assert.equal(config.cluster, c);
  }
});
