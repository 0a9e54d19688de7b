// The static tier over examples/: every check of analyze.ts must find nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { recordResult } from '../../harness/report/record.ts';
import { analyze, findingsOf, type Analysis } from '../../harness/checks/analyze.ts';
import { formatFindings } from '../../harness/fleet/findings.ts';
import { CLUSTER_POLICY_RULES, POLICY_RULES } from '../../harness/checks/policy.ts';
import { staticSetup } from './setup.ts';
import { EXAMPLES_DIR, display, toPosix } from '../../harness/fleet/tree.ts';
import { REPO_ROOT } from '../../contracts/paths.ts';

const setup = await staticSetup();
const skip = 'skip' in setup ? setup.skip : undefined;
const analysisStarted = Date.now();
const analysis: Analysis | undefined = 'skip' in setup ? undefined : await analyze(EXAMPLES_DIR, setup.tools, setup.schemas);
const analysisMs = Date.now() - analysisStarted;
const schemaSkip = skip ?? ('schemaSkip' in setup ? setup.schemaSkip : undefined);

function none(check: Parameters<typeof findingsOf>[1], filter: (f: ReturnType<typeof findingsOf>[number]) => boolean = () => true): void {
  const found = findingsOf(analysis!, check).filter(filter);
  assert.equal(found.length, 0, `\n${formatFindings(found)}\n`);
}

test('every YAML file under examples/ parses (multi-document)', { skip }, (t) => {
  assert.ok(analysis!.yamlFiles.length > 0, 'no YAML files found under examples/');
  for (const n of analysis!.notYaml) t.diagnostic(`not parsed as YAML: ${n.file}: ${n.reason}`);
  none('yaml');
});

test('every kustomization under examples/ builds with kustomize', { skip }, (t) => {
  assert.ok(analysis!.builds.size > 0, 'no kustomization directories found');
  for (const n of analysis!.notBuilt) t.diagnostic(`not built on its own: ${n.dir}: ${n.reason}`);
  t.diagnostic(`${analysis!.builds.size} kustomizations built`);
  none('kustomize');
});

test('every cluster renders the way Flux applies it (root, then each spec.path, with substitutions)', { skip }, (t) => {
  assert.ok(analysis!.clusters.length > 0, 'no flux-system/gotk-sync.yaml found');
  for (const c of analysis!.clusters) {
    t.diagnostic(`cluster ${c.cluster.name} (${display(c.cluster.repoRoot)}): ${c.kustomizations.map((k) => `${k.name}=${k.objects.length}`).join(', ')} objects`);
  }
  none('flux');
});

test('every rendered object validates against the Kubernetes and Flux schemas (kubeconform -strict, offline)', { skip: schemaSkip }, (t) => {
  const v = analysis!.validation!;
  for (const source of 'schemas' in setup ? (setup.schemas?.sources ?? []) : []) t.diagnostic(`schemas from ${source}`);
  for (const s of v.skipped) t.diagnostic(`schema check skipped for ${s.object} (${s.file}): ${s.reason}`);
  assert.ok(v.validated > 0, 'kubeconform validated nothing');
  t.diagnostic(`${v.validated} objects valid, ${v.skipped.length} skipped by kind`);
  none('schema');
});

for (const rule of POLICY_RULES) {
  test(`policy ${rule.id}: ${rule.message}`, { skip }, () => {
    none('policy', (f) => f.rule === rule.id);
  });
}

// Rules over each rendered cluster as a whole (a Service and the pods it selects).
for (const rule of CLUSTER_POLICY_RULES) {
  test(`policy ${rule.id} (every rendered cluster): ${rule.message}`, { skip }, () => {
    none('policy', (f) => f.rule === rule.id);
  });
}

test('no file under examples/ holds something that looks like a credential', { skip }, () => {
  none('secrets');
});

// The verdict of the checks above for each YAML file they read, for the site's verification
// badges (harness/report): passed when no check found anything in that file. Files the tier does not
// read as YAML (scripts, Helm templates, application code, READMEs) get no static verdict.
const STATIC_TEST = 'test/static/examples.test.ts: static checks of the file (YAML parse; for Kubernetes objects kustomize build, Flux render, kubeconform, policy rules; secret scan)';

/** Repository-relative, whatever form the analysis used; never resolved against the cwd. */
function repoPath(file: string): string {
  return toPosix(path.isAbsolute(file) ? path.relative(REPO_ROOT, file) : file);
}

test('the static verdict of each YAML file under examples/ is recorded', { skip: schemaSkip }, (t) => {
  const files = [...new Set(analysis!.yamlFiles.map((y) => repoPath(y.file)))].sort();
  assert.ok(files.length > 0, 'no YAML file to record');
  let failed = 0;
  for (const file of files) {
    const found = analysis!.findings.filter((f) => repoPath(f.file) === file);
    if (found.length) failed += 1;
    recordResult({
      examples: file,
      test: STATIC_TEST,
      tier: 'static',
      result: found.length ? 'failed' : 'passed',
      ...(found.length ? { reason: formatFindings(found) } : {}),
      durationMs: analysisMs,
    });
  }
  t.diagnostic(`${files.length} files recorded, ${failed} with findings`);
});
