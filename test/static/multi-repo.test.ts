// examples/promotion/multi-repo: each environment follows the app's release repository through
// GitRepository ref (branch, semver range, exact tag). The schema and policy checks cover the
// objects (examples.test.ts); this previews which tag each range picks. source-controller
// resolves ranges with Masterminds semver: the highest tag in range, pre-releases only when the
// range itself has a pre-release part. The live tier proves it with the real controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import semver from 'semver';
import type { K8sObject } from '../../harness/fleet/kustomize.ts';
import { EXAMPLES_DIR } from '../../harness/fleet/tree.ts';
import { parseYamlFile } from '../../harness/fleet/yaml.ts';

const DIR = path.join(EXAMPLES_DIR, 'promotion', 'multi-repo');

interface Ref {
  branch?: string;
  tag?: string;
  semver?: string;
  commit?: string;
}

function refOf(rel: string): Ref {
  const repo = parseYamlFile(path.join(DIR, rel)).docs.map((d) => d.value as K8sObject).find((o) => o.kind === 'GitRepository');
  assert.ok(repo, `${rel} has no GitRepository`);
  return (repo.spec as { ref: Ref }).ref;
}

/** The tag source-controller would check out for a semver range. */
export function pickTag(range: string, tags: string[]): string | undefined {
  const includePrerelease = range.includes('-');
  const candidates = tags.filter((t) => semver.valid(semver.clean(t)) && semver.satisfies(semver.clean(t)!, range, { includePrerelease }));
  return candidates.sort((a, b) => semver.rcompare(semver.clean(a)!, semver.clean(b)!))[0];
}

const BEFORE_RELEASE = ['v0.9.0', 'v1.0.0-rc.0', 'v1.0.0', 'v1.2.0', 'v1.2.3', 'v1.3.0-rc.1'];
const AFTER_RELEASE = [...BEFORE_RELEASE, 'v1.3.0'];
const AFTER_PATCH = [...AFTER_RELEASE, 'v1.2.4'];

test('development follows the main branch', () => {
  assert.deepEqual(refOf('development/demo-app.yaml'), { branch: 'main' });
});

test('staging follows every release, release candidates included', () => {
  const ref = refOf('staging/demo-app.yaml');
  assert.ok(ref.semver && semver.validRange(ref.semver), `staging semver range ${ref.semver} is not valid`);
  assert.equal(pickTag(ref.semver, BEFORE_RELEASE), 'v1.3.0-rc.1');
  assert.equal(pickTag(ref.semver, AFTER_RELEASE), 'v1.3.0');
});

test('production follows patch releases of 1.2 only', () => {
  const ref = refOf('production/demo-app.yaml');
  assert.ok(ref.semver && semver.validRange(ref.semver), `production semver range ${ref.semver} is not valid`);
  assert.equal(pickTag(ref.semver, BEFORE_RELEASE), 'v1.2.3');
  assert.equal(pickTag(ref.semver, AFTER_RELEASE), 'v1.2.3', 'a new minor release must not reach production by itself');
  assert.equal(pickTag(ref.semver, AFTER_PATCH), 'v1.2.4', 'a patch release reaches production by itself');
});

test('the exact-tag alternative for production names one existing release', () => {
  const ref = refOf('production/demo-app-exact-tag.yaml');
  assert.ok(ref.tag && AFTER_RELEASE.includes(ref.tag), `tag ${ref.tag}`);
  assert.equal(ref.semver, undefined);
});
