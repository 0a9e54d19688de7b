// Promotion invariant: two clusters render the same but for the allow-listed fields
// (promotion-allowlist.ts). A difference outside the list fails and prints the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { findClusters, renderCluster, type ClusterRender } from '../../harness/fleet/render.ts';
import { formatFindings } from '../../harness/fleet/findings.ts';
import { diffRenders, flatten, formatDiff, isAllowed } from '../../harness/checks/promotion.ts';
import { PROMOTION_PAIRS } from '../../harness/checks/promotion-allowlist.ts';
import { staticSetup } from './setup.ts';
import { EXAMPLES_DIR } from '../../harness/fleet/tree.ts';

const setup = await staticSetup();
const skip = 'skip' in setup ? setup.skip : undefined;
const renders = new Map<string, ClusterRender>();
if (!('skip' in setup)) {
  const tools = setup.tools;
  for (const r of await Promise.all(findClusters(path.join(EXAMPLES_DIR, 'fleet')).clusters.map((c) => renderCluster(c, tools.kubectl)))) renders.set(r.cluster.name, r);
}

for (const pair of PROMOTION_PAIRS) {
  test(`${pair.a} and ${pair.b} render the same except for the allow-listed fields`, { skip }, (t) => {
    const a = renders.get(pair.a);
    const b = renders.get(pair.b);
    assert.ok(a && b, `clusters ${pair.a} and ${pair.b} must both exist in examples/fleet/clusters`);
    assert.equal(a.findings.length + b.findings.length, 0, formatFindings([...a.findings, ...b.findings]));
    const diffs = diffRenders(a.objects, b.objects);
    const bad = diffs.filter((d) => !isAllowed(d, pair.allowed));
    for (const d of diffs.filter((x) => isAllowed(x, pair.allowed))) t.diagnostic(`allowed: ${d.object} ${d.path}: ${d.a} -> ${d.b}`);
    assert.equal(bad.length, 0, `differences outside harness/checks/promotion-allowlist.ts:\n${bad.map((d) => formatDiff(d, pair.a, pair.b)).join('\n')}`);
    // Every allow-list entry must still be needed, or the list drifts into a blanket pass.
    const unused = pair.allowed.filter((x) => !diffs.some((d) => isAllowed(d, [x])));
    assert.equal(unused.length, 0, `allow-list entries that no difference uses (remove them):\n${unused.map((x) => `  ${x.object} ${x.path}`).join('\n')}`);
  });
}

test('the diff catches a change outside the allow-list (self-check on a tampered copy)', { skip }, () => {
  const staging = renders.get('staging')!;
  const tampered = structuredClone(staging.objects);
  const svc = tampered.find((r) => r.obj.kind === 'Service' && r.obj.metadata?.name === 'demo-app')!;
  (svc.obj.spec as { type: string }).type = 'NodePort';
  const diffs = diffRenders(staging.objects, tampered);
  assert.deepEqual(diffs.map((d) => `${d.object} ${d.path} ${d.a} ${d.b}`), ['Service/demo-app/demo-app spec.type "ClusterIP" "NodePort"']);
  assert.equal(isAllowed(diffs[0], PROMOTION_PAIRS[0].allowed), undefined);
});

test('flatten opens JSON held in strings and keys named list items by name', () => {
  const f = flatten({ data: { 'config.json': '{"logLevel":"info","n":{"a":1}}' }, c: [{ name: 'web', image: 'x:1' }], 'a.b': 1 });
  assert.deepEqual([...f.keys()], ['.data.("config.json").logLevel', '.data.("config.json").n.a', '.c[web].name', '.c[web].image', '["a.b"]']);
});
