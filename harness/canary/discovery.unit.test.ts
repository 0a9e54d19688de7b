import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyApis, isBuiltinGroup, mergeUses, servedAs, templateApis, type ApiUse, type Discovery } from './discovery';

// A server roughly like 1.36 with Flux's CRDs: autoscaling/v2 only, policy/v1 only.
const discovery: Discovery = {
  groupVersions: {
    v1: [
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
      { name: 'endpoints', kind: 'Endpoints', namespaced: true },
      { name: 'namespaces', kind: 'Namespace', namespaced: false },
    ],
    'apps/v1': [{ name: 'deployments', kind: 'Deployment', namespaced: true }],
    'autoscaling/v1': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true }],
    'autoscaling/v2': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true }],
    'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
    'kustomize.toolkit.fluxcd.io/v1': [{ name: 'kustomizations', kind: 'Kustomization', namespaced: true }],
  },
  crdGroups: ['kustomize.toolkit.fluxcd.io'],
};

const use = (apiVersion: string, kind: string, files = [`examples/${kind.toLowerCase()}.yaml`]): ApiUse => ({ apiVersion, kind, files, objects: [] });

test('isBuiltinGroup: the server’s own groups (listed or known), not CRD or add-on groups', () => {
  assert.equal(isBuiltinGroup('', discovery), true);
  assert.equal(isBuiltinGroup('apps', discovery), true);
  assert.equal(isBuiltinGroup('extensions', discovery), true, 'a removed built-in group is still built-in');
  assert.equal(isBuiltinGroup('networking.k8s.io', discovery), true);
  assert.equal(isBuiltinGroup('kustomize.toolkit.fluxcd.io', discovery), false);
  assert.equal(isBuiltinGroup('gateway.networking.k8s.io', discovery), false, 'Gateway API comes as CRDs');
  assert.equal(isBuiltinGroup('cert-manager.io', discovery), false);
});

test('classifyApis: served, deprecated (from the warning), removed, not installed', () => {
  const warnings = new Map([['v1 Endpoints', ['v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice']]]);
  const checks = classifyApis(
    [
      use('apps/v1', 'Deployment'),
      use('v1', 'Endpoints'),
      use('autoscaling/v2beta2', 'HorizontalPodAutoscaler', ['examples/a/hpa.yaml', 'examples/b/hpa.yaml']),
      use('policy/v1beta1', 'PodSecurityPolicy'),
      use('extensions/v1beta1', 'Ingress'),
      use('kustomize.toolkit.fluxcd.io/v1beta1', 'Kustomization'),
      use('cert-manager.io/v1', 'ClusterIssuer'),
    ],
    discovery,
    warnings,
    'v1.36.3',
  );
  const byKey = Object.fromEntries(checks.map((c) => [`${c.apiVersion} ${c.kind}`, c]));
  assert.equal(byKey['apps/v1 Deployment'].status, 'served');
  assert.equal(byKey['apps/v1 Deployment'].resource, 'deployments');
  const ep = byKey['v1 Endpoints'];
  assert.equal(ep.status, 'deprecated');
  assert.equal(ep.deprecatedIn, '1.33');
  assert.equal(ep.removedIn, undefined);
  assert.equal(ep.replacement, 'discovery.k8s.io/v1 EndpointSlice');
  const hpa = byKey['autoscaling/v2beta2 HorizontalPodAutoscaler'];
  assert.equal(hpa.status, 'removed');
  assert.equal(hpa.builtin, true);
  assert.deepEqual(hpa.servedAs, ['autoscaling/v1', 'autoscaling/v2']);
  assert.match(hpa.message, /is not served by v1\.36\.3 \(a built-in API\); HorizontalPodAutoscaler is served as autoscaling\/v1, autoscaling\/v2/);
  assert.equal(byKey['policy/v1beta1 PodSecurityPolicy'].status, 'removed');
  assert.deepEqual(byKey['policy/v1beta1 PodSecurityPolicy'].servedAs, []);
  assert.match(byKey['extensions/v1beta1 Ingress'].message, /the API group extensions is not served/);
  const ks = byKey['kustomize.toolkit.fluxcd.io/v1beta1 Kustomization'];
  assert.equal(ks.status, 'removed');
  assert.equal(ks.builtin, false);
  assert.match(ks.message, /CRDs installed/);
  assert.equal(byKey['cert-manager.io/v1 ClusterIssuer'].status, 'not-installed');
});

test('classifyApis: a warning about another kind does not make a served API deprecated', () => {
  const warnings = new Map([['apps/v1 Deployment', ['v1 Endpoints is deprecated in v1.33+', 'unknown field "spec.foo"']]]);
  const [check] = classifyApis([use('apps/v1', 'Deployment')], discovery, warnings, 'v1.36.3');
  assert.equal(check.status, 'served');
});

test('servedAs: other versions of the same group only', () => {
  assert.deepEqual(servedAs(discovery, 'autoscaling/v2', 'HorizontalPodAutoscaler'), ['autoscaling/v1']);
  assert.deepEqual(servedAs(discovery, 'apps/v1beta1', 'Deployment'), ['apps/v1']);
  assert.deepEqual(servedAs(discovery, 'v1', 'Deployment'), []);
});

test('mergeUses: one entry per apiVersion/kind, files and objects unioned and sorted', () => {
  const merged = mergeUses([
    { apiVersion: 'v1', kind: 'ConfigMap', files: ['examples/b.yaml'], objects: ['ConfigMap/x/b'] },
    { apiVersion: 'apps/v1', kind: 'Deployment', files: ['examples/d.yaml'], objects: ['Deployment/x/d'] },
    { apiVersion: 'v1', kind: 'ConfigMap', files: ['examples/a.yaml', 'examples/b.yaml'], objects: ['ConfigMap/x/a'] },
  ]);
  assert.deepEqual(merged, [
    { apiVersion: 'apps/v1', kind: 'Deployment', files: ['examples/d.yaml'], objects: ['Deployment/x/d'] },
    { apiVersion: 'v1', kind: 'ConfigMap', files: ['examples/a.yaml', 'examples/b.yaml'], objects: ['ConfigMap/x/a', 'ConfigMap/x/b'] },
  ]);
});

test('templateApis: literal apiVersion/kind per document of a Helm template; templated ones skipped', () => {
  const text = [
    '{{- range .Values.tenants }}',
    '---',
    'apiVersion: v1',
    'kind: ResourceQuota',
    'metadata:',
    '  name: tenant-quota',
    '  namespace: {{ .namespace }}',
    '{{- end }}',
    '---',
    'apiVersion: "policy/v1" # comment',
    "kind: 'PodDisruptionBudget'",
    '---',
    'apiVersion: {{ .Values.api }}',
    'kind: Thing',
    '---',
    'kind: NoApiVersion',
  ].join('\n');
  assert.deepEqual(templateApis(text), [
    { apiVersion: 'v1', kind: 'ResourceQuota' },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  ]);
});
