// Benchmark of the static tier (npm run bench:static).
//
// Measures, over the same examples/ tree and with the same pinned kubectl and kubeconform:
//   1. the whole static tier as CI runs it: `node --import tsx --test test/static/*.test.ts`, once
//      with the kustomize build cache emptied first and once with it warm;
//   2. the tier's core in-process: analyze() (parse, every kustomize build, every cluster render,
//      kubeconform, policy, secret scan), with the kustomize build cache off;
//   3. the plain pipeline of fluxcd/flux2-kustomize-helm-example's scripts/validate.sh: for every
//      directory with a kustomization.yaml, `kustomize build | kubeconform -strict
//      -ignore-missing-schemas`, plus kubeconform on every cluster file (here against the same
//      locally generated schemas, since this machine has no internet);
// and prints each, with the ratio of the tier to the plain pipeline. No timing is asserted.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { analyze } from '../harness/checks/analyze.ts';
import { ensureSchemas, schemaLocation, type SchemaSet } from '../harness/checks/schemas.ts';
import { EXAMPLES_DIR, kustomizationDirs, walk, display } from '../harness/fleet/tree.ts';
import { cacheRoot, requireTool } from '../harness/toolchain/binaries.ts';
import { setting } from '../contracts/settings.ts';
import { REPO_ROOT } from '../contracts/paths.ts';

const RUNS = Number(setting('BENCH_RUNS') ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(label: string, runs: number, fn: () => void | Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const m = median(samples);
  console.log(`${label.padEnd(58)} ${(m / 1000).toFixed(2).padStart(7)} s  (median of ${runs}: ${samples.map((s) => (s / 1000).toFixed(2)).join(', ')})`);
  return m;
}

function plainPipeline(kubectl: string, kubeconform: string, schemas: SchemaSet): { builds: number; files: number; failures: string[] } {
  const conform = ['-strict', '-ignore-missing-schemas', '-summary', '-kubernetes-version', 'master', ...schemas.dirs.flatMap((d) => ['-schema-location', schemaLocation(d)])];
  const failures: string[] = [];
  // validate.sh step 1: every YAML file parses (it uses yq); here `kubectl kustomize` parses what it builds
  // and kubeconform parses the rest, as the script's later steps do.
  // validate.sh step 2: kubeconform on the cluster files.
  const clusterFiles = walk(EXAMPLES_DIR).filter((f) => /\/clusters\/.+\.ya?ml$/.test(f));
  const files = spawnSync(kubeconform, [...conform, ...clusterFiles], { encoding: 'utf8' });
  if (files.status !== 0) failures.push(`kubeconform clusters: ${files.stdout}${files.stderr}`);
  // validate.sh step 3: kustomize build | kubeconform for each kustomization directory.
  const dirs = kustomizationDirs(EXAMPLES_DIR);
  for (const dir of dirs) {
    const build = spawnSync(kubectl, ['kustomize', dir, '--load-restrictor', 'LoadRestrictionsNone'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (build.status !== 0) {
      failures.push(`kustomize ${display(dir)}: ${build.stderr.trim()}`);
      continue;
    }
    const v = spawnSync(kubeconform, conform, { input: build.stdout, encoding: 'utf8' });
    if (v.status !== 0) failures.push(`kubeconform ${display(dir)}: ${v.stdout}${v.stderr}`);
  }
  return { builds: dirs.length, files: clusterFiles.length, failures };
}

async function main(): Promise<void> {
  const kubectl = requireTool('kubectl');
  const kubeconform = requireTool('kubeconform');
  const schemas = await ensureSchemas(); // generated once, outside the timings
  console.log(`static tier benchmark over ${display(EXAMPLES_DIR)} (${walk(EXAMPLES_DIR).length} files, ${kustomizationDirs(EXAMPLES_DIR).length} kustomizations)`);
  console.log(`kubectl ${kubectl}\nkubeconform ${kubeconform}\n`);

  let plainInfo = { builds: 0, files: 0, failures: [] as string[] };
  const plain = await time('plain pipeline (kustomize build | kubeconform, validate.sh)', RUNS, () => {
    plainInfo = plainPipeline(kubectl, kubeconform, schemas);
  });
  let analysisInfo = '';
  process.env.STATIC_NO_CACHE = '1';
  const core = await time('static tier core: analyze(examples/), no build cache', RUNS, async () => {
    const a = await analyze(EXAMPLES_DIR, { kubectl, kubeconform }, schemas);
    analysisInfo = `${a.yamlFiles.length} YAML files, ${a.builds.size} builds, ${a.clusters.length} clusters rendered, ${a.validation?.validated ?? 0} objects validated, ${a.findings.length} findings`;
  });
  delete process.env.STATIC_NO_CACHE;
  const testFiles = walk(path.join(REPO_ROOT, 'test', 'static')).filter((f) => f.endsWith('.test.ts'));
  let testStatus = 0;
  const runTier = (): void => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...testFiles], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    testStatus = Math.max(testStatus, r.status ?? 1);
  };
  // Cold: the kustomize build cache emptied first (a fresh clone, or a changed example: the
  // first test file builds, the later ones reuse its builds). Warm: nothing changed since.
  const buildCache = path.join(cacheRoot(), 'static', 'kustomize');
  const whole = await time('whole static tier, cold build cache: node --test', 1, () => {
    rmSync(buildCache, { recursive: true, force: true });
    runTier();
  });
  const warm = await time('whole static tier, warm build cache: node --test', 1, runTier);

  console.log('');
  console.log(`plain pipeline: ${plainInfo.builds} kustomize builds + ${plainInfo.files} cluster files; ${plainInfo.failures.length} failures`);
  for (const f of plainInfo.failures) console.log(`  ${f.split('\n')[0]}`);
  console.log(`static tier core: ${analysisInfo}`);
  console.log(`whole static tier: ${testFiles.length} test files, exit ${testStatus}`);
  console.log('');
  console.log(`ratio core (no cache) / plain:  ${(core / plain).toFixed(2)}x`);
  console.log(`ratio whole tier cold / plain:   ${(whole / plain).toFixed(2)}x`);
  console.log(`ratio whole tier warm / plain:   ${(warm / plain).toFixed(2)}x`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
