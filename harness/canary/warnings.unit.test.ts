import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDeprecatedApiMetric, parseLabels, requestKey } from './metrics';
import { parseDeprecation, parseWarningHeaders, warningKind, warningsInLog } from './warnings';

test('parseWarningHeaders: one Kubernetes warning', () => {
  assert.deepEqual(parseWarningHeaders('299 - "v1 ComponentStatus is deprecated in v1.19+"'), [
    { code: 299, agent: '-', text: 'v1 ComponentStatus is deprecated in v1.19+' },
  ]);
});

test('parseWarningHeaders: several warnings joined by ", ", commas and escaped quotes inside the text', () => {
  const joined = '299 - "autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler", 299 - "unknown field \\"spec.foo\\""';
  assert.deepEqual(
    parseWarningHeaders(joined).map((w) => w.text),
    ['autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler', 'unknown field "spec.foo"'],
  );
});

test('parseWarningHeaders: separate header values, a warn-date, and junk skipped', () => {
  const values = ['299 kube-apiserver "first" "Wed, 25 Nov 2026 22:00:00 GMT"', 'garbage, 299 - "second"', '299 - "unterminated'];
  assert.deepEqual(parseWarningHeaders(values).map((w) => `${w.agent}:${w.text}`), ['kube-apiserver:first', '-:second']);
  assert.deepEqual(parseWarningHeaders(undefined), []);
  assert.deepEqual(parseWarningHeaders(''), []);
});

test('parseDeprecation: the full sentence with removal release and replacement', () => {
  assert.deepEqual(parseDeprecation('autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler'), {
    apiVersion: 'autoscaling/v2beta2',
    kind: 'HorizontalPodAutoscaler',
    deprecatedIn: '1.23',
    removedIn: '1.26',
    replacement: 'autoscaling/v2 HorizontalPodAutoscaler',
  });
});

test('parseDeprecation: core group, no removal release; a CRD version with no release at all', () => {
  assert.deepEqual(parseDeprecation('v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice'), {
    apiVersion: 'v1',
    kind: 'Endpoints',
    deprecatedIn: '1.33',
    replacement: 'discovery.k8s.io/v1 EndpointSlice',
  });
  assert.deepEqual(parseDeprecation('source.toolkit.fluxcd.io/v1beta2 GitRepository is deprecated; use source.toolkit.fluxcd.io/v1 GitRepository'), {
    apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
    kind: 'GitRepository',
    replacement: 'source.toolkit.fluxcd.io/v1 GitRepository',
  });
});

test('parseDeprecation and warningKind: other warnings are not deprecations', () => {
  for (const text of [
    'unknown field "spec.template.spec.foo"',
    'would violate PodSecurity "restricted:latest": privileged',
    'Default value which was 10.0.0.0/24 is deprecated and will be removed in future releases',
  ]) {
    assert.equal(parseDeprecation(text), undefined, text);
    assert.equal(warningKind(text), 'other');
  }
  assert.equal(warningKind('v1 ComponentStatus is deprecated in v1.19+'), 'deprecation');
});

test('warningsInLog: controller-runtime, klog and free-form lines; duplicates dropped', () => {
  const log = [
    '2026-11-25T22:39:14.435Z\tINFO\tsetup\tstarting manager',
    '2026-11-25T22:40:01.000Z\tINFO\tKubeAPIWarningLogger\tpolicy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget',
    '2026-11-25T22:40:02.000Z\tINFO\tKubeAPIWarningLogger\tpolicy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget',
    'W1125 22:40:03.123456   12345 warnings.go:70] unknown field "spec.foo"',
    '2026-11-25T22:40:04.000Z\tINFO\tHelmRelease\t{"msg": "v1 ComponentStatus is deprecated in v1.19+"}',
    '2026-11-25T22:40:05.000Z\tINFO\tKustomization\treconciliation finished',
  ].join('\n');
  assert.deepEqual(warningsInLog(log), [
    'policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget',
    'unknown field "spec.foo"',
    'v1 ComponentStatus is deprecated in v1.19+',
  ]);
  assert.deepEqual(warningsInLog(''), []);
});

test('parseLabels: escaped quotes and backslashes', () => {
  assert.deepEqual(parseLabels('a="x",b="y\\"z",c="",d="back\\\\slash"'), { a: 'x', b: 'y"z', c: '', d: 'back\\slash' });
});

test('parseDeprecatedApiMetric: non-zero samples of the gauge only, sorted and unique', () => {
  const text = [
    '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.',
    '# TYPE apiserver_requested_deprecated_apis gauge',
    'apiserver_requested_deprecated_apis{group="",removed_release="",resource="endpoints",subresource="",version="v1"} 1',
    'apiserver_requested_deprecated_apis{group="",removed_release="",resource="componentstatuses",subresource="",version="v1"} 1',
    'apiserver_requested_deprecated_apis{group="autoscaling",removed_release="1.26",resource="horizontalpodautoscalers",subresource="status",version="v2beta2"} 0',
    'apiserver_requested_deprecated_apis{group="",removed_release="",resource="endpoints",subresource="",version="v1"} 1',
    'apiserver_request_total{code="200"} 5',
  ].join('\n');
  const rows = parseDeprecatedApiMetric(text);
  assert.deepEqual(rows, [
    { group: '', version: 'v1', resource: 'componentstatuses', subresource: '', removedRelease: '' },
    { group: '', version: 'v1', resource: 'endpoints', subresource: '', removedRelease: '' },
  ]);
  assert.equal(requestKey({ group: 'autoscaling', version: 'v2beta2', resource: 'horizontalpodautoscalers', subresource: 'status' }), 'autoscaling/v2beta2 horizontalpodautoscalers/status');
  assert.deepEqual(parseDeprecatedApiMetric('# no samples\n'), []);
});
