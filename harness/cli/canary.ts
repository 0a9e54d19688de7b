// npm run canary [-- --versions v1.35.4,v1.36.3] [-- --clusters development,staging]
//
// The Kubernetes upgrade canary. For each Kubernetes version (default: every canary version
// pinned in harness/toolchain/versions.ts), one after another:
//   1. builds that version's control plane if it is not cached (progress printed);
//   2. for each fleet cluster entry point: starts a local cluster at that version with Flux as
//      processes, runs the bootstrap scenario's bootstrap (gotk-sync.yaml applied, everything
//      Ready at the pushed commit, Deployments Available, every object as Git says), and keeps
//      every `Warning` header of the canary's applies and the warnings Flux's controllers logged;
//   3. reads the apiserver's apiserver_requested_deprecated_apis metric;
//   4. checks every apiVersion/kind the examples render to against the server's discovery, lists
//      each used resource to catch deprecation warnings, and dry-run applies every rendered object.
// Prints a table per version, writes .tmp/canary/report.json, and records one verification
// report entry per (example, version) with findings[].
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../contracts/paths.ts';
import { bootstrapFromGit } from '../environment/bootstrap';
import { LIVE_TOOLS, startLiveEnv, type LiveEnv } from '../environment/environment';
import { waitForDeploymentAvailable } from '../kube/readiness';
import { headCommit, isDirty } from '../../contracts/report/git';
import { recordResult } from '../report/record';
import type { ApiFinding } from '../../contracts/report/schema';
import { builtObjects, expectationsFor, FLEET_DIR, fleetClusters, fleetMismatches, waitForFleetReconcile, type ClusterExpectations } from '../fleet/expectations';
import { objectId } from '../fleet/kustomize.ts';
import { display } from '../fleet/tree.ts';
import { ensureTools, hasTool, stampPath, toolPath } from '../toolchain/binaries';
import { KUBERNETES_TOOLS } from '../toolchain/catalog';
import { CANARY_KUBERNETES_VERSIONS, FLUX_VERSION, KUBERNETES_VERSION } from '../toolchain/versions';
import { parseCanaryArgs } from '../canary/args';
import { fetchDiscovery, fetchMetrics, probeResource, ResourceMapper, serverSideApply, serverVersion, statusMessage, WarningKube } from '../canary/client';
import { apiKey, classifyApis, findResource, type ApiUse, type Discovery } from '../canary/discovery';
import { parseDeprecatedApiMetric, type DeprecatedApiRequest } from '../canary/metrics';
import {
  attributeMetric,
  captureWarnings,
  CANARY_REPORT_SCHEMA,
  findingsFor,
  findingsForFiles,
  formatSummary,
  formatVersion,
  versionPassed,
  type BootstrapResult,
  type CanaryReport,
  type CapturedWarning,
  type DryRunSummary,
  type SelfCheck,
  type VersionResult,
} from '../canary/report';
import { dryRunSet, namespacesNeeded, renderExamples, type ExampleRender } from '../canary/uses';
import { warningsInLog } from '../canary/warnings';

export const REPORT_PATH = path.join(REPO_ROOT, '.tmp', 'canary', 'report.json');
const TEST_NAME = 'harness/cli/canary.ts: upgrade canary';
const REPO = 'fleet';

const t0 = Date.now();
/** The environment running now, stopped on Ctrl-C. */
let current: LiveEnv | undefined;
function log(line: string): void {
  console.log(`[canary ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Sum of the recorded build times (stamp.json) of the version's Kubernetes binaries, when all have one. */
function cachedBuildSeconds(version: string): number | undefined {
  let total = 0;
  for (const tool of KUBERNETES_TOOLS) {
    try {
      const stamp = JSON.parse(readFileSync(stampPath(tool, { kubernetesVersion: version }), 'utf8')) as { buildSeconds?: number };
      if (typeof stamp.buildSeconds !== 'number') return undefined;
      total += stamp.buildSeconds;
    } catch {
      return undefined;
    }
  }
  return total;
}

/** Builds what a local cluster at `version` needs and is missing; returns seconds and whether it built. */
async function ensureVersion(version: string): Promise<VersionResult['build']> {
  const missing = LIVE_TOOLS.filter((t) => !hasTool(t, { kubernetesVersion: version }));
  if (missing.length === 0) {
    const own = KUBERNETES_TOOLS.map((t) => toolPath(t, { kubernetesVersion: version }).replace(REPO_ROOT + '/', ''));
    const earlier = cachedBuildSeconds(version);
    log(`${version}: binaries cached (${own.join(', ')})${earlier ? `; their build took ${earlier.toFixed(0)} s` : ''}`);
    return { seconds: 0, built: false, ...(earlier ? { cachedBuildSeconds: earlier } : {}) };
  }
  log(`${version}: building ${missing.join(', ')} (a cold Kubernetes build takes several minutes per binary on 2 cores)`);
  const started = Date.now();
  await ensureTools(missing, { kubernetesVersion: version, log: (l) => log(`  ${l}`) });
  const seconds = (Date.now() - started) / 1000;
  log(`${version}: built in ${seconds.toFixed(0)} s`);
  return { seconds, built: true };
}

/** Replicas the bootstrap scenario expects of a built Deployment: its HPA's minReplicas, else spec.replicas. */
function expectedReplicas(exp: ClusterExpectations, name: string, namespace: string, specReplicas: number | undefined): number {
  const hpa = builtObjects(exp, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === name && h.metadata.namespace === namespace);
  return hpa?.spec.minReplicas ?? specReplicas ?? 1;
}

interface ClusterRun {
  bootstrap: BootstrapResult;
  warnings: CapturedWarning[];
  metric: DeprecatedApiRequest[];
}

/** The bootstrap scenario's bootstrap of one fleet cluster on `env`; never throws. */
async function bootstrapCluster(env: LiveEnv, kube: WarningKube, cluster: string, exp: ClusterExpectations, started: number): Promise<BootstrapResult> {
  const base = { cluster, controlPlaneSeconds: env.timings.controlPlaneSeconds, fluxReadySeconds: env.timings.fluxReadySeconds };
  try {
    const reconcileStart = Date.now();
    const { sha } = await bootstrapFromGit(kube, env.git, { repo: REPO, clusterPath: `clusters/${cluster}` });
    await waitForFleetReconcile(kube, exp, sha, { logs: env.fluxLogs() });
    const reconcileSeconds = (Date.now() - reconcileStart) / 1000;
    for (const dep of builtObjects(exp, 'Deployment')) {
      const ns = dep.metadata.namespace!;
      const replicas = expectedReplicas(exp, dep.metadata.name, ns, dep.spec.replicas);
      await waitForDeploymentAvailable(kube, dep.metadata.name, ns, { replicas, logs: env.logFiles(), timeoutMs: 3 * 60_000 });
    }
    const problems = await fleetMismatches(kube, exp);
    if (problems.length) throw new Error(`live objects differ from the fleet repo:\n  ${problems.join('\n  ')}`);
    const objectsChecked = Object.values(exp.built).flat().length;
    return { ...base, result: 'passed', seconds: (Date.now() - started) / 1000, reconcileSeconds, objectsChecked };
  } catch (error) {
    return { ...base, result: 'failed', reason: message(error), seconds: (Date.now() - started) / 1000 };
  }
}

function fluxLogWarnings(env: LiveEnv, cluster: string): CapturedWarning[] {
  const items: Array<{ text: string; object: string; cluster: string }> = [];
  for (const file of env.fluxLogs()) {
    if (!existsSync(file)) continue;
    const controller = path.basename(file).replace(/\.log$/, '');
    for (const text of warningsInLog(readFileSync(file, 'utf8'))) items.push({ text, object: controller, cluster });
  }
  return captureWarnings('flux-log', items);
}

interface ApiCheckRun {
  discovery: Discovery;
  serverVersion: string;
  probeWarnings: Map<string, string[]>;
  warnings: CapturedWarning[];
  dryRun: DryRunSummary;
  selfCheck: SelfCheck;
}

/** The resources that prove warning capture works: deprecated for years and still served in 1.34–1.36. */
const SELF_CHECK_APIS = [
  { apiVersion: 'v1', kind: 'ComponentStatus' },
  { apiVersion: 'v1', kind: 'Endpoints' },
];

/** Discovery, one LIST per used resource, and a dry-run apply of every rendered object. */
async function checkApis(kube: WarningKube, render: ExampleRender): Promise<ApiCheckRun> {
  const kc = kube.kc;
  const discovery = await fetchDiscovery(kc);
  const version = await serverVersion(kc);
  const probeWarnings = new Map<string, string[]>();
  const warnings: CapturedWarning[] = [];
  for (const use of render.uses) {
    const resource = findResource(discovery, use.apiVersion, use.kind);
    if (!resource) continue;
    const res = await probeResource(kc, use.apiVersion, resource.name);
    probeWarnings.set(apiKey(use), res.warnings);
    warnings.push(...captureWarnings('probe', res.warnings.map((text) => ({ text, object: apiKey(use) }))));
  }

  let selfCheck: SelfCheck = { request: 'none of the self-check resources is served', ok: false };
  for (const api of SELF_CHECK_APIS) {
    const resource = findResource(discovery, api.apiVersion, api.kind);
    if (!resource) continue;
    const res = await probeResource(kc, api.apiVersion, resource.name);
    const warning = res.warnings.find((w) => w.includes(api.kind));
    selfCheck = { request: `GET /api/${api.apiVersion}/${resource.name}?limit=1`, ...(warning ? { warning } : {}), ok: warning !== undefined };
    break;
  }

  const { apply, skipped } = dryRunSet(render.objects);
  const dryRun: DryRunSummary = { applied: 0, accepted: 0, rejected: [], skipped: [...skipped] };
  // Namespaces must exist for a namespaced dry-run to reach validation; the cluster is thrown away.
  for (const ns of namespacesNeeded(apply)) {
    if (!(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }))) {
      await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, 'field-guide-canary');
    }
  }
  const mapper = new ResourceMapper(kc);
  for (const r of apply) {
    const object = objectId(r.obj);
    const file = display(r.origin);
    if (!(await mapper.find(r.obj.apiVersion, r.obj.kind))) {
      dryRun.skipped.push({ object, file, reason: `${r.obj.apiVersion} ${r.obj.kind} is not served by this cluster (see the API table)` });
      continue;
    }
    dryRun.applied++;
    try {
      const res = await serverSideApply(kc, mapper, r.obj as never, { dryRun: true });
      warnings.push(...captureWarnings('dry-run-apply', res.warnings.map((text) => ({ text, object, file }))));
      if (res.status >= 200 && res.status < 300) dryRun.accepted++;
      else dryRun.rejected.push({ object, file, reason: `HTTP ${res.status}: ${statusMessage(res.body)}` });
    } catch (error) {
      dryRun.rejected.push({ object, file, reason: message(error) });
    }
  }
  return { discovery, serverVersion: version, probeWarnings, warnings, dryRun, selfCheck };
}

/** Resource name of each used apiVersion/kind that discovery serves (to attribute the metric). */
function resourceNames(uses: ApiUse[], d: Discovery): Map<string, string> {
  const map = new Map<string, string>();
  for (const u of uses) {
    const r = findResource(d, u.apiVersion, u.kind);
    if (r) map.set(apiKey(u), r.name);
  }
  return map;
}

/** One Kubernetes version: build, then each fleet cluster in turn; API checks on the first. */
async function runVersion(version: string, clusters: string[], expectations: Map<string, ClusterExpectations>, render: ExampleRender): Promise<VersionResult> {
  const result: VersionResult = { kubernetesVersion: version, build: { seconds: 0, built: false }, bootstrap: [], warnings: [], deprecatedApiMetric: [], apis: [], findings: [], seconds: 0 };
  try {
    result.build = await ensureVersion(version);
  } catch (error) {
    result.error = `could not build the ${version} control plane: ${message(error)}`;
    return result;
  }
  const started = Date.now();
  const metricRows = new Map<string, DeprecatedApiRequest>();
  let apiRun: ApiCheckRun | undefined;
  for (const cluster of clusters) {
    const clusterStart = Date.now();
    log(`${version}: cluster ${cluster}: starting control plane, Flux and git server`);
    let env: LiveEnv;
    try {
      env = await startLiveEnv({ name: `canary-${cluster}`, kubernetesVersion: version, repos: [{ name: REPO, dir: FLEET_DIR }], log: (l) => log(`  ${l}`) });
    } catch (error) {
      result.bootstrap.push({ cluster, result: 'failed', reason: message(error), seconds: (Date.now() - clusterStart) / 1000 });
      continue;
    }
    current = env;
    const kube = new WarningKube(env.cluster.kubeconfigPath);
    let run: ClusterRun | undefined;
    try {
      log(`${version}: cluster ${cluster}: bootstrap from Git`);
      const bootstrap = await bootstrapCluster(env, kube, cluster, expectations.get(cluster)!, clusterStart);
      log(`${version}: cluster ${cluster}: bootstrap ${bootstrap.result} in ${bootstrap.seconds.toFixed(1)} s${bootstrap.reason ? `: ${bootstrap.reason.split('\n')[0]}` : ''}`);
      const warnings = [
        ...captureWarnings('bootstrap-apply', kube.warnings.map((w) => ({ ...w, cluster }))),
        ...fluxLogWarnings(env, cluster),
      ];
      // Read before the canary's own probes, so it shows what the bootstrap requested.
      const metric = parseDeprecatedApiMetric(await fetchMetrics(kube.kc));
      run = { bootstrap, warnings, metric };
      if (!apiRun) {
        log(`${version}: checking ${render.uses.length} apiVersion/kind pairs and dry-run applying ${render.objects.length} rendered objects`);
        apiRun = await checkApis(kube, render);
      }
    } catch (error) {
      run ??= { bootstrap: { cluster, result: 'failed', reason: message(error), seconds: (Date.now() - clusterStart) / 1000 }, warnings: [], metric: [] };
      if (!apiRun) result.error = `API checks failed on cluster ${cluster}: ${message(error)}`;
    } finally {
      const failed = run?.bootstrap.result !== 'passed';
      try {
        const kept = await env.stop({ failed });
        current = undefined;
        if (kept) log(kept.split('\n')[0]);
      } catch (error) {
        log(`${version}: cluster ${cluster}: stop failed: ${message(error)}`);
        if (run) run.bootstrap = { ...run.bootstrap, result: 'failed', reason: `${run.bootstrap.reason ?? ''}\nstop: ${message(error)}`.trim() };
      }
    }
    result.bootstrap.push(run.bootstrap);
    result.warnings.push(...run.warnings);
    for (const row of run.metric) metricRows.set(JSON.stringify(row), row);
  }
  if (apiRun) {
    result.serverVersion = apiRun.serverVersion;
    result.apis = classifyApis(render.uses, apiRun.discovery, apiRun.probeWarnings, version);
    result.warnings.push(...apiRun.warnings);
    result.dryRun = apiRun.dryRun;
    result.selfCheck = apiRun.selfCheck;
    result.deprecatedApiMetric = attributeMetric([...metricRows.values()], render.uses, resourceNames(render.uses, apiRun.discovery));
  } else {
    result.error ??= 'no cluster started, so no API was checked';
  }
  result.findings = findingsFor(version, result.apis, result.warnings);
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

/** Top-level example folders (examples/<name>) that the rendered uses come from. */
function exampleFolders(render: ExampleRender): string[] {
  const files = render.uses.flatMap((u) => u.files);
  return [...new Set(files.map((f) => f.split('/').slice(0, 2).join('/')))].sort();
}

/** Verification report entries for one version. */
function record(r: VersionResult, render: ExampleRender): void {
  const common = { tier: 'local' as const, kubernetesVersions: [r.kubernetesVersion], fluxVersion: FLUX_VERSION };
  for (const b of r.bootstrap) {
    const clusterPath = `examples/fleet/clusters/${b.cluster}`;
    const files = render.clusterFiles[clusterPath] ?? [];
    const findings: ApiFinding[] = [
      ...findingsForFiles(r.findings, files),
      ...r.findings.filter((f) => f.source === 'apiserver-warning' && f.message.includes(`cluster ${b.cluster})`)),
    ];
    recordResult({
      ...common,
      examples: clusterPath,
      test: `${TEST_NAME}: bootstrap of ${b.cluster} at each canary version`,
      result: b.result,
      ...(b.reason ? { reason: b.reason } : {}),
      durationMs: b.seconds * 1000,
      findings: dedupeFindings(findings),
    });
  }
  if (r.error && r.apis.length === 0) return;
  for (const folder of exampleFolders(render)) {
    const findings = r.findings.filter((f) => f.file?.startsWith(`${folder}/`));
    const removed = r.apis.filter((a) => a.status === 'removed' && a.files.some((f) => f.startsWith(`${folder}/`)));
    recordResult({
      ...common,
      examples: folder,
      test: `${TEST_NAME}: the Kubernetes and Flux APIs its rendered objects use are served, none deprecated`,
      result: removed.length || !r.selfCheck?.ok ? 'failed' : 'passed',
      ...(removed.length ? { reason: removed.map((a) => `${apiKey(a)}: ${a.message}`).join('\n') } : !r.selfCheck?.ok ? { reason: 'the warning self-check captured no warning' } : {}),
      durationMs: r.seconds * 1000,
      findings,
    });
  }
}

function dedupeFindings(findings: ApiFinding[]): ApiFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = JSON.stringify(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

async function main(): Promise<void> {
  const args = parseCanaryArgs(process.argv.slice(2));
  const clusters = args.clusters ?? fleetClusters();
  const unknown = clusters.filter((c) => !fleetClusters().includes(c));
  if (unknown.length) throw new Error(`--clusters: ${unknown.join(', ')} is not a cluster of ${display(FLEET_DIR)}/clusters (have: ${fleetClusters().join(', ')})`);
  const offList = args.versions.filter((v) => !CANARY_KUBERNETES_VERSIONS.includes(v));
  if (offList.length) log(`note: ${offList.join(', ')} is not in CANARY_KUBERNETES_VERSIONS (${CANARY_KUBERNETES_VERSIONS.join(', ')}); building it anyway`);
  log(`versions ${args.versions.join(', ')}; fleet clusters ${clusters.join(', ')}`);

  // Tools at the pinned version: kubectl renders the examples (kustomize does not depend on the server).
  await ensureTools([...LIVE_TOOLS], { log: (l) => log(`  ${l}`) });
  log(`rendering examples/ with kubectl ${KUBERNETES_VERSION}'s kustomize (the static tier's builds)`);
  const render = await renderExamples(toolPath('kubectl'));
  log(`rendered ${render.builds.length} kustomization folders and ${render.clusters.length} cluster entry points: ${render.objects.length} objects, ${render.uses.length} apiVersion/kind pairs (+ ${render.chartTemplates.length} chart templates)`);
  const expectations = new Map<string, ClusterExpectations>();
  for (const c of clusters) expectations.set(c, await expectationsFor(c));

  const results: VersionResult[] = [];
  for (const version of args.versions) {
    const r = await runVersion(version, clusters, expectations, render);
    results.push(r);
    console.log(`\n${formatVersion(r)}\n`);
    try {
      record(r, render);
    } catch (error) {
      log(`could not record ${version} in the verification report: ${message(error)}`);
    }
  }

  const report: CanaryReport = {
    schemaVersion: CANARY_REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    commit: headCommit(REPO_ROOT) ?? 'unknown',
    dirty: isDirty(REPO_ROOT),
    fluxVersion: FLUX_VERSION,
    renderedWith: `kubectl ${KUBERNETES_VERSION}`,
    versions: args.versions,
    checked: { builds: render.builds, clusters: render.clusters, chartTemplates: render.chartTemplates, renderedObjects: render.objects.length, apiUses: render.uses },
    results,
  };
  mkdirSync(path.dirname(REPORT_PATH), { recursive: true });
  writeFileSync(REPORT_PATH, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatSummary(results));
  console.log(`\nreport: ${display(REPORT_PATH)}; verification report entries recorded in .tmp/report/`);
  const failed = results.filter((r) => !versionPassed(r));
  if (failed.length) {
    console.log(`canary FAILED for ${failed.map((r) => r.kubernetesVersion).join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`canary passed for ${results.map((r) => r.kubernetesVersion).join(', ')}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the running canary cluster …`);
      const env = current;
      void (env ? env.stop().catch((e: unknown) => log(message(e))) : Promise.resolve()).finally(() => process.exit(130));
    });
  }
  main().catch((error: unknown) => {
    console.error(`canary failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  });
}
