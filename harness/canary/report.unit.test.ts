import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEntry } from '../../contracts/report/merge';
import { parseCanaryArgs } from './args';
import type { ApiCheck, ApiUse } from './discovery';
import {
  attributeMetric,
  captureWarnings,
  failureHeadline,
  findingsFor,
  findingsForFiles,
  formatSummary,
  formatVersion,
  versionPassed,
  type VersionResult,
} from './report';

const KNOWN = ['v1.34.4', 'v1.35.4', 'v1.36.3'];

test('parseCanaryArgs: defaults, lists, duplicates, bad input', () => {
  assert.deepEqual(parseCanaryArgs([], KNOWN), { versions: KNOWN });
  assert.deepEqual(parseCanaryArgs(['--versions', 'v1.35.4, v1.36.3,v1.35.4'], KNOWN), { versions: ['v1.35.4', 'v1.36.3'] });
  assert.deepEqual(parseCanaryArgs(['--versions=v1.37.0', '--clusters', 'development,staging'], KNOWN), { versions: ['v1.37.0'], clusters: ['development', 'staging'] });
  assert.throws(() => parseCanaryArgs(['--versions', '1.35'], KNOWN), /1\.35 is not a Kubernetes release such as v1\.34\.4/);
  assert.throws(() => parseCanaryArgs(['--versions', ','], KNOWN), /names no version/);
  assert.throws(() => parseCanaryArgs(['--version', 'v1.35.4'], KNOWN), /Unknown option '--version'/);
});

test('captureWarnings: classified, duplicates per object dropped', () => {
  const w = captureWarnings('dry-run-apply', [
    { text: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice', object: 'Endpoints x/y', file: 'examples/e.yaml' },
    { text: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice', object: 'Endpoints x/y', file: 'examples/e.yaml' },
    { text: 'unknown field "spec.foo"', object: 'Deployment x/d' },
  ]);
  assert.deepEqual(w.map((x) => `${x.source} ${x.kind} ${x.object}`), ['dry-run-apply deprecation Endpoints x/y', 'dry-run-apply other Deployment x/d']);
  assert.equal(w[0].file, 'examples/e.yaml');
  assert.equal('cluster' in w[0], false);
});

const uses: ApiUse[] = [
  { apiVersion: 'v1', kind: 'Endpoints', files: ['examples/e.yaml'], objects: ['Endpoints/x/y'] },
  { apiVersion: 'apps/v1', kind: 'Deployment', files: ['examples/d.yaml'], objects: ['Deployment/x/d'] },
];

test('attributeMetric: rows matched to the example kinds that use that resource', () => {
  const rows = attributeMetric(
    [
      { group: '', version: 'v1', resource: 'endpoints', subresource: '', removedRelease: '' },
      { group: '', version: 'v1', resource: 'componentstatuses', subresource: '', removedRelease: '' },
    ],
    uses,
    new Map([['v1 Endpoints', 'endpoints'], ['apps/v1 Deployment', 'deployments']]),
  );
  assert.deepEqual(rows.map((r) => [r.resource, r.exampleKinds, r.files]), [
    ['endpoints', ['Endpoints'], ['examples/e.yaml']],
    ['componentstatuses', [], []],
  ]);
});

function check(partial: Partial<ApiCheck> & Pick<ApiCheck, 'apiVersion' | 'kind' | 'status'>): ApiCheck {
  return { files: [], objects: [], group: '', builtin: true, message: `${partial.status} message`, ...partial };
}

test('findingsFor: one finding per file of each deprecated or removed API, plus apply warnings; valid ApiFinding', () => {
  const apis = [
    check({ apiVersion: 'apps/v1', kind: 'Deployment', status: 'served', files: ['examples/d.yaml'] }),
    check({ apiVersion: 'v1', kind: 'Endpoints', status: 'deprecated', files: ['examples/e.yaml', 'examples/f.yaml'] }),
    check({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', status: 'removed', files: ['examples/h.yaml'] }),
    check({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', status: 'not-installed', files: ['examples/c.yaml'] }),
  ];
  const warnings = [
    ...captureWarnings('probe', [{ text: 'v1 Endpoints is deprecated in v1.33+', object: 'v1 Endpoints' }]),
    ...captureWarnings('flux-log', [{ text: 'v1 Endpoints is deprecated in v1.33+', object: 'kustomize-controller', cluster: 'staging' }]),
    ...captureWarnings('dry-run-apply', [{ text: 'unknown field "x"', object: 'Deployment x/d' }]),
  ];
  const findings = findingsFor('v1.36.3', apis, warnings);
  assert.deepEqual(findings.map((f) => `${f.source} ${f.severity} ${f.apiVersion} ${f.kind} ${f.file ?? '-'}`), [
    'rendered-apiversion deprecated v1 Endpoints examples/e.yaml',
    'rendered-apiversion deprecated v1 Endpoints examples/f.yaml',
    'rendered-apiversion removed autoscaling/v2beta2 HorizontalPodAutoscaler examples/h.yaml',
    'apiserver-warning deprecated v1 Endpoints -',
  ]);
  assert.match(findings[3].message, /\(flux-log, cluster staging\)$/);
  // The verification report accepts them.
  validateEntry(
    { example: 'examples/fleet', test: 't', tier: 'local', result: 'passed', kubernetesVersions: ['v1.36.3'], durationMs: 1, date: new Date().toISOString(), commit: 'a'.repeat(40), dirty: false, exampleDigest: `sha256:${'0'.repeat(64)}`, findings },
    'entry',
  );
  assert.deepEqual(findingsForFiles(findings, ['examples/f.yaml', 'examples/h.yaml']).map((f) => f.file), ['examples/f.yaml', 'examples/h.yaml']);
});

function result(over: Partial<VersionResult> = {}): VersionResult {
  return {
    kubernetesVersion: 'v1.35.4',
    serverVersion: 'v1.35.4',
    build: { seconds: 412, built: true },
    bootstrap: [{ cluster: 'development', result: 'passed', seconds: 61.2, controlPlaneSeconds: 9.5, fluxReadySeconds: 4.1, reconcileSeconds: 30.2, objectsChecked: 24 }],
    warnings: [],
    deprecatedApiMetric: [{ group: '', version: 'v1', resource: 'endpoints', subresource: '', removedRelease: '', exampleKinds: [], files: [] }],
    apis: [check({ apiVersion: 'apps/v1', kind: 'Deployment', status: 'served', files: ['examples/d.yaml', 'examples/e.yaml', 'examples/f.yaml'] })],
    dryRun: { applied: 10, accepted: 10, rejected: [], skipped: [] },
    selfCheck: { request: 'GET /api/v1/componentstatuses?limit=1', warning: 'v1 ComponentStatus is deprecated in v1.19+', ok: true },
    findings: [],
    seconds: 75,
    ...over,
  };
}

test('formatVersion: the table a run prints', () => {
  const text = formatVersion(result());
  assert.match(text, /^Kubernetes v1\.35\.4 \(apiserver reports v1\.35\.4\): build 412 s, canary run 75 s$/m);
  assert.match(text, /bootstrap development\s+passed\s+61\.2 s\s+control plane 9\.5 s, Flux ready 4\.1 s, reconcile 30\.2 s, 24 objects as in Git/);
  assert.match(text, /apps\/v1 Deployment\s+served\s+examples\/d\.yaml, examples\/e\.yaml \(\+1 more\)/);
  assert.match(text, /deprecation warnings on apply: none/);
  assert.match(text, /v1 endpoints: not a resource any example uses/);
  assert.match(text, /dry-run apply of the rendered examples: 10\/10 accepted, 0 rejected, 0 not applied/);
  assert.match(text, /self-check \(GET \/api\/v1\/componentstatuses\?limit=1\): warning captured/);
  assert.match(text, /findings: 0 deprecated, 0 removed/);
});

test('versionPassed and formatSummary', () => {
  assert.equal(versionPassed(result()), true);
  assert.equal(versionPassed(result({ bootstrap: [{ cluster: 'd', result: 'failed', seconds: 1, reason: 'x' }] })), false);
  assert.equal(versionPassed(result({ apis: [check({ apiVersion: 'x/v1', kind: 'X', status: 'removed' })] })), false);
  assert.equal(versionPassed(result({ apis: [check({ apiVersion: 'x/v1', kind: 'X', status: 'deprecated' })] })), true, 'deprecated is a finding, not a failure');
  assert.equal(versionPassed(result({ selfCheck: { request: 'r', ok: false } })), false, 'no captured warning means the check proved nothing');
  assert.equal(versionPassed(result({ error: 'build failed', bootstrap: [] })), false);
  const summary = formatSummary([
    result(),
    result({ kubernetesVersion: 'v1.36.3', build: { seconds: 0, built: false } }),
    result({ kubernetesVersion: 'v1.34.4', build: { seconds: 0, built: false, cachedBuildSeconds: 368 } }),
  ]);
  assert.match(summary, /^v1\.35\.4\s+412 s\s+75 s\s+1\/1 passed\s+0\s+0\s+0$/m);
  assert.match(summary, /^v1\.36\.3\s+cached\s+75 s/m);
  assert.match(summary, /^v1\.34\.4\s+cached \(368 s\)\s+75 s/m);
  assert.match(formatVersion(result({ build: { seconds: 0, built: false, cachedBuildSeconds: 368 } })), /build cached \(built earlier in 368 s\)/);
});

test('failureHeadline: the first line and the Ready=False reason, shortened', () => {
  const reason = [
    'gave up after 39s waiting for every Kustomization and HelmRelease to be Ready: HelmRelease flux-system/tenant-baseline stalled',
    '  last state: …',
    'HelmRelease flux-system/tenant-baseline conditions:',
    '  Stalled=True (RetriesExceeded) [gen 1]: Failed to install after 4 attempt(s)',
    '  Ready=False (InstallFailed) [gen 1]: Helm install failed for release flux-system/tenant-baseline',
  ].join('\n');
  assert.equal(failureHeadline(reason), 'gave up after 39s waiting for every Kustomization and HelmRelease to be Ready: HelmRelease flux-system/tenant-baseline stalled — InstallFailed: Helm install failed for release flux-system/tenant-baseline');
  assert.equal(failureHeadline('short'), 'short');
  const rejected = 'waiting: HelmRelease x stalled\n  Ready=False (InstallFailed) [gen 1]: Helm install failed for release flux-system/tenant-baseline with chart baseline@0.1.0+77bc283: server-side apply failed for object demo-app/tenant-quota /v1, Kind=ResourceQuota: ResourceQuota "tenant-quota" is invalid: [metadata.labels: Invalid value: "0.1.0+77bc283"';
  assert.equal(failureHeadline(rejected), 'waiting: HelmRelease x stalled — InstallFailed: ResourceQuota "tenant-quota" is invalid: [metadata.labels: Invalid value: "0.1.0+77bc283"');
  assert.equal(failureHeadline('x'.repeat(300)).length, 240);
});
