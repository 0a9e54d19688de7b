// examples/ephemeral: render.sh turns a branch into previews/<env>.yaml, and Flux's postBuild
// substitution turns template/ into a namespace, a GitRepository on the branch and the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { findClusters, renderCluster, type ClusterRender } from '../../harness/fleet/render.ts';
import { formatFindings } from '../../harness/fleet/findings.ts';
import type { K8sObject } from '../../harness/fleet/kustomize.ts';
import { staticSetup } from './setup.ts';
import { EXAMPLES_DIR } from '../../harness/fleet/tree.ts';
import { verify } from '../../harness/report/record.ts';

const DIR = path.join(EXAMPLES_DIR, 'ephemeral');

function render(branch: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', [path.join(DIR, 'render.sh'), branch], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function envNameOf(yamlText: string): string {
  const m = /ENV_NAME: "([^"]+)"/.exec(yamlText);
  return m ? m[1] : '';
}

/** render.sh's own tests record their verdict for it (the YAML checks do not read scripts). */
const RENDER_SH = (what: string) => ({ examples: 'examples/ephemeral/render.sh', test: `test/static/ephemeral.test.ts: render.sh ${what}`, tier: 'static' as const });

test('render.sh derives a valid environment name from the branch', () => verify(RENDER_SH('derives a valid environment name from the branch'), () => {
  const cases: Array<[string, string]> = [
    ['feature/new-greeting', 'feature-new-greeting'],
    ['Fix/JIRA-123_Login', 'fix-jira-123-login'],
    ['release/2026.11-very-long-branch-name-for-the-quarterly-migration', 'release-2026-11-very-long-branch-name-fo'],
    ['--a--', 'a'],
  ];
  for (const [branch, expected] of cases) {
    const r = render(branch);
    assert.equal(r.status, 0, `render.sh ${branch}: ${r.stderr}`);
    assert.equal(envNameOf(r.stdout), expected, `render.sh ${branch}`);
    assert.match(`preview-${expected}`, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'preview-<env> is a valid namespace name');
  }
}));

test('render.sh refuses branches it cannot name safely, saying why', () => verify(RENDER_SH('refuses branches it cannot name safely'), () => {
  for (const branch of ['has space', 'quote"d', '___', '']) {
    const r = render(branch);
    assert.notEqual(r.status, 0, `render.sh '${branch}' should fail`);
    assert.ok(r.stderr.trim().length > 0, `render.sh '${branch}' must say why on stderr`);
  }
}));

test('every committed preview is exactly what render.sh writes for its branch', () => {
  const files = readdirSync(path.join(DIR, 'previews')).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length > 0, 'examples/ephemeral/previews/ holds no sample');
  for (const f of files) {
    const text = readFileSync(path.join(DIR, 'previews', f), 'utf8');
    const branch = /BRANCH: "([^"]+)"/.exec(text)?.[1];
    assert.ok(branch, `${f} has no BRANCH`);
    const r = render(branch);
    assert.equal(text, r.stdout, `previews/${f} differs from ./render.sh ${branch}`);
    assert.equal(f, `${envNameOf(text)}.yaml`, 'the file is named after the environment');
  }
});

const setup = await staticSetup();
const skip = 'skip' in setup ? setup.skip : undefined;
let rendered: ClusterRender | undefined;
if (!('skip' in setup)) rendered = await renderCluster(findClusters(DIR).clusters[0], setup.tools.kubectl);

test('Flux renders each preview into a restricted namespace, a GitRepository on the branch and the app', { skip }, () => {
  assert.ok(rendered);
  assert.equal(rendered.findings.length, 0, formatFindings(rendered.findings));
  const objs = rendered.objects.map((o) => o.obj);
  const previews = readdirSync(path.join(DIR, 'previews')).filter((f) => f.endsWith('.yaml'));
  for (const f of previews) {
    const env = f.replace(/\.yaml$/, '');
    const branch = /BRANCH: "([^"]+)"/.exec(readFileSync(path.join(DIR, 'previews', f), 'utf8'))![1];
    const find = (kind: string, name: string): K8sObject | undefined => objs.find((o) => o.kind === kind && o.metadata?.name === name);
    const ns = find('Namespace', `preview-${env}`);
    assert.equal(ns?.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    const repo = find('GitRepository', `preview-${env}`);
    assert.deepEqual((repo?.spec as { ref: unknown }).ref, { branch });
    const app = find('Kustomization', `preview-${env}-app`);
    assert.equal((app?.spec as { targetNamespace: string }).targetNamespace, `preview-${env}`);
    assert.ok(find('ResourceQuota', 'preview-quota'));
  }
  const left = rendered.objects.filter((o) => stringify(o.obj).includes('${'));
  assert.deepEqual(left.map((o) => o.obj.metadata?.name), [], 'no ${...} placeholder may survive substitution');
});
