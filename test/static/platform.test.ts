// examples/platform: pinned charts, labelled as verified by the static and kind tiers only,
// and the README's table in step with the manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { K8sObject } from '../../harness/fleet/kustomize.ts';
import { EXAMPLES_DIR, walk } from '../../harness/fleet/tree.ts';
import { parseYamlFile } from '../../harness/fleet/yaml.ts';

const DIR = path.join(EXAMPLES_DIR, 'platform');
const objects: Array<{ file: string; obj: K8sObject }> = walk(path.join(DIR, 'controllers'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseYamlFile(f).docs.map((d) => ({ file: path.relative(DIR, f), obj: d.value as K8sObject })));

/** The layers the roadmap asks for, by chart name. */
const LAYERS = ['ingress-nginx', 'cert-manager', 'kube-prometheus-stack', 'external-secrets', 'cloudnative-pg', 'strimzi-kafka-operator', 'crossplane'];

function chartOf(hr: K8sObject): { chart: string; version: string } {
  const spec = hr.spec as { chart?: { spec: { chart: string; version: string } }; chartRef?: { kind: string; name: string } };
  if (spec.chart) return { chart: spec.chart.spec.chart, version: spec.chart.spec.version };
  const oci = objects.find((o) => o.obj.kind === spec.chartRef!.kind && o.obj.metadata?.name === spec.chartRef!.name && o.obj.metadata?.namespace === hr.metadata?.namespace);
  assert.ok(oci, `${hr.metadata?.name}: chartRef ${spec.chartRef!.name} not found`);
  const s = oci.obj.spec as { url: string; ref: { tag: string } };
  return { chart: s.url.split('/').pop()!, version: s.ref.tag };
}

const releases = objects.filter((o) => o.obj.kind === 'HelmRelease');

test('every platform layer of the roadmap has a HelmRelease', () => {
  assert.deepEqual(releases.map((r) => chartOf(r.obj).chart).sort(), [...LAYERS].sort());
});

test('every HelmRelease says it is verified by the static and kind tiers only, and as of when', () => {
  for (const r of releases) {
    assert.equal(r.obj.metadata?.annotations?.['gitops-field-guide.dev/verified-by'], 'static, kind', r.file);
    assert.match(r.obj.metadata?.annotations?.['gitops-field-guide.dev/versions-as-of'] ?? '', /^\d{4}-\d{2}$/, r.file);
    assert.equal(r.obj.metadata?.labels?.['gitops-field-guide.dev/tier'], 'kind', r.file);
  }
});

test("the README's table names the same file, chart and version as each manifest", () => {
  const readme = readFileSync(path.join(DIR, 'README.md'), 'utf8');
  for (const r of releases) {
    const { chart, version } = chartOf(r.obj);
    const row = readme.split('\n').find((l) => l.includes(`\`${r.file}\``));
    assert.ok(row, `README.md has no row for ${r.file}`);
    assert.ok(row.includes(`| ${chart} |`) && row.includes(`| ${version} |`), `README.md row for ${r.file} must say ${chart} ${version}:\n${row}`);
  }
});

test('the offline fleet never refers to the platform layers', () => {
  for (const f of walk(path.join(EXAMPLES_DIR, 'fleet'))) {
    const text = readFileSync(f, 'utf8');
    for (const chart of LAYERS.filter((c) => c !== 'cert-manager')) assert.ok(!text.includes(`chart: ${chart}`), `${f} installs ${chart}`);
    assert.ok(!/examples\/platform|\.\/platform\//.test(text), `${f} refers to examples/platform`);
  }
});
