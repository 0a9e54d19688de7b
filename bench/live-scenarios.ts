// npm run bench:live:scenarios [-- --only commit,promotion,ephemeral,fleet,tier] [-- --commits 10]
//   [-- --poll-interval 20s] [-- --ephemeral-rounds 3] [-- --fleet 1x5,1x20,2x5,2x20,4x5,4x20]
//   [-- --tier-concurrency 1]
//
// Measures the workflows of test/scenarios on local clusters (kwokctl binary runtime + Flux as
// processes), reports, never asserts. Targets (from the "Live workflow scenarios" issue):
// webhook commit-to-Ready ≤ 2 s p50; ephemeral environment converged ≤ 20 s; whole live tier warm
// ≤ 5 min.
//
// - commit: commit-to-Ready on examples/fleet's development cluster, N commits by webhook (a
//   Receiver the git server calls on push) and N by polling (GitRepository interval set in Git,
//   as `flux bootstrap --interval` writes it, webhook detached; each commit waits a random part
//   of the interval first so that commits land at random points of the poll cycle). Each commit
//   is a release (image tag) bump; three stages are timed from the push: the source has the
//   commit (GitRepository artifact), `apps` applied it (Ready at the commit), the Deployment
//   rolled out.
// - promotion: development → staging → production on three clusters, the fleet README's way
//   (one file per environment, a commit each, the next one as soon as the previous environment
//   is Ready and rolled out).
// - ephemeral: a fresh cluster to the preview of a branch Available (examples/ephemeral).
// - fleet: N clusters × M apps: every cluster gets examples/fleet's infrastructure plus M copies
//   of the development app (M Flux Kustomizations, one namespace each); times the first
//   convergence after bootstrap and the convergence of one release commit across all N×M apps.
// - tier: the whole live tier, its files run as `npm test` runs them, wall time and per file.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import { REPO_ROOT } from '../contracts/paths.ts';
import { rssBytes } from '../harness/cluster/process';
import { bootstrapFromGit } from '../harness/environment/bootstrap';
import { deploymentReadiness, fluxReadiness, revisionMatches } from '../harness/kube/conditions';
import { fluxRef } from '../harness/kube/readiness';
import { FLEET_DIR } from '../harness/fleet/expectations';
import { scenarioSkipReason, startScenarioEnv, stopScenarioCluster, type ScenarioCluster, type ScenarioEnv } from '../harness/environment/clusters';
import { bringUpPreview, createPreviewRepos } from '../harness/environment/ephemeral';
import { bootstrapFleetCluster, installReceiver, waitApplied, waitForRollout } from '../harness/environment/flux';
import { fakeCommit, promotedFile, repoFile, setGitRepositoryInterval, withRelease } from '../harness/environment/repo';

const WEBHOOK_TARGET_P50 = 2;
const EPHEMERAL_TARGET = 20;
const LIVE_TIER_TARGET = 5 * 60;
const VERSION = 'apps/development/demo-app-version.yaml';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

const fmt = (s: number) => (Number.isFinite(s) ? `${s.toFixed(2)} s` : '—');

function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text} (use e.g. 500ms, 20s, 1m)`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

// ---------------------------------------------------------------------------------------------
// commit-to-Ready

interface CommitSample {
  mode: 'webhook' | 'polling';
  source: number;
  applied: number;
  rolledOut: number;
}

/** Polls every 50 ms from the push until the Deployment rolled out, noting when each stage was reached. */
async function timeStages(sc: ScenarioCluster, sha: string, image: string, pushed: number): Promise<Omit<CommitSample, 'mode'>> {
  const stages: Partial<Record<'source' | 'applied' | 'rolledOut', number>> = {};
  const deadline = Date.now() + 5 * 60_000;
  while (stages.rolledOut === undefined || stages.applied === undefined) {
    if (Date.now() > deadline) throw new Error(`commit ${sha.slice(0, 7)} not rolled out within 5 minutes`);
    const [repo, apps, dep] = await Promise.all([
      sc.kube.get(fluxRef('GitRepository', 'flux-system')),
      sc.kube.get(fluxRef('Kustomization', 'apps')),
      sc.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-app', namespace: 'demo-app' }),
    ]);
    const now = (Date.now() - pushed) / 1000;
    if (stages.source === undefined && revisionMatches(repo?.status?.artifact?.revision, sha)) stages.source = now;
    if (stages.applied === undefined && fluxReadiness(apps, { revision: sha }).ready) stages.applied = now;
    if (stages.rolledOut === undefined && dep?.spec?.template?.spec?.containers?.[0]?.image === image && deploymentReadiness(dep, { replicas: dep?.spec?.replicas }).ready) stages.rolledOut = now;
    await sleep(50);
  }
  return { source: stages.source ?? NaN, applied: stages.applied, rolledOut: stages.rolledOut };
}

async function benchCommits(commits: number, pollInterval: string): Promise<CommitSample[]> {
  log(`commit-to-Ready: ${commits} commits by webhook, ${commits} by polling every ${pollInterval}`);
  const env = await startScenarioEnv({ clusters: ['development'], repos: [{ name: 'fleet', dir: FLEET_DIR }] });
  let failed = true;
  const samples: CommitSample[] = [];
  try {
    const sc = env.cluster('development');
    await bootstrapFleetCluster(env, sc);
    const receiver = await installReceiver(env, sc);
    let n = 0;
    const release = async (mode: CommitSample['mode']) => {
      n++;
      const version = `1.${10 + n}.0`;
      const file = withRelease(repoFile(env.git, 'fleet', VERSION), { version, commit: fakeCommit(`bench ${version}`) });
      const pushed = Date.now();
      const sha = await env.git.pushCommit('fleet', { [VERSION]: file }, `Release demo-app ${version} to development`);
      const sample = { mode, ...(await timeStages(sc, sha, `ghcr.io/gitops-field-guide/demo-app:${version}`, pushed)) };
      log(`  ${mode} #${n}: source ${fmt(sample.source)}, applied ${fmt(sample.applied)}, rolled out ${fmt(sample.rolledOut)}`);
      samples.push(sample);
    };
    for (let i = 0; i < commits; i++) await release('webhook');

    const sync = 'clusters/development/flux-system/gotk-sync.yaml';
    const sha = await env.git.pushCommit('fleet', { [sync]: setGitRepositoryInterval(repoFile(env.git, 'fleet', sync), pollInterval) }, `Sync every ${pollInterval}`);
    await waitApplied(sc, 'apps', sha);
    receiver.detach();
    const intervalMs = durationMs(pollInterval);
    for (let i = 0; i < commits; i++) {
      await sleep(Math.random() * intervalMs); // land anywhere in the poll cycle
      await release('polling');
    }
    failed = false;
  } finally {
    const report = await env.stop({ failed });
    if (failed) console.error(report);
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// promotion

interface PromotionSample {
  development: number;
  staging: number;
  production: number;
  total: number;
}

async function benchPromotion(): Promise<PromotionSample> {
  log('promotion: development → staging → production on three clusters');
  const envs = ['development', 'staging', 'production'] as const;
  const env = await startScenarioEnv({ clusters: [...envs], repos: [{ name: 'fleet', dir: FLEET_DIR }] });
  let failed = true;
  try {
    await Promise.all(env.clusters.map(async (sc) => {
      await bootstrapFleetCluster(env, sc);
      await installReceiver(env, sc);
    }));
    const file = (e: string) => repoFile(env.git, 'fleet', `apps/${e}/demo-app-version.yaml`);
    const release = { version: '1.20.0', commit: fakeCommit('bench promotion') };
    const image = `ghcr.io/gitops-field-guide/demo-app:${release.version}`;
    const started = Date.now();
    const steps: Record<string, number> = {};
    let previous = 'development';
    for (const e of envs) {
      const t0 = Date.now();
      const content = e === 'development' ? withRelease(file(e), release) : promotedFile(file(previous), previous, e);
      const sha = await env.git.pushCommit('fleet', { [`apps/${e}/demo-app-version.yaml`]: content }, `Promote demo-app ${release.version} to ${e}`);
      const sc = env.cluster(e);
      await waitApplied(sc, 'apps', sha);
      await waitForRollout(sc, image);
      steps[e] = (Date.now() - t0) / 1000;
      log(`  ${e}: ${fmt(steps[e])}`);
      previous = e;
    }
    failed = false;
    return { development: steps.development, staging: steps.staging, production: steps.production, total: (Date.now() - started) / 1000 };
  } finally {
    const report = await env.stop({ failed });
    if (failed) console.error(report);
  }
}

// ---------------------------------------------------------------------------------------------
// ephemeral

async function benchEphemeral(rounds: number): Promise<number[]> {
  log(`ephemeral: ${rounds} fresh cluster(s) to the preview Available`);
  const env = await startScenarioEnv({ clusters: [], gitAuth: false });
  const seconds: number[] = [];
  let failed = true;
  try {
    const repos = await createPreviewRepos(env.git);
    for (let i = 0; i < rounds; i++) {
      let sc: ScenarioCluster | undefined;
      try {
        const up = await bringUpPreview(env.git, repos, { onCluster: (c) => (sc = c) });
        seconds.push(up.seconds);
        log(`  round ${i + 1}: ${fmt(up.seconds)}`);
      } finally {
        if (sc) await stopScenarioCluster(sc);
      }
    }
    failed = false;
  } finally {
    const report = await env.stop({ failed });
    if (failed) console.error(report);
  }
  return seconds;
}

// ---------------------------------------------------------------------------------------------
// fleet simulation

interface FleetSample {
  clusters: number;
  apps: number;
  startSeconds: number;
  firstConvergence: number;
  changeConvergence: number;
  peakRssMiB: number;
}

/**
 * A copy of examples/fleet with clusters sim-1..sim-N: development's infrastructure, and M
 * copies of its `apps` Kustomization (app-01..app-M, each into its own namespace through
 * targetNamespace) instead of the one.
 */
function simulationRepo(clusters: number, apps: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-sim-'));
  cpSync(FLEET_DIR, dir, { recursive: true });
  const dev = join(FLEET_DIR, 'clusters', 'development');
  const appsKs = parseDocument(readFileSync(join(dev, 'apps.yaml'), 'utf8')).toJS();
  const nsTemplate = parseAllDocuments(readFileSync(join(FLEET_DIR, 'infrastructure', 'controllers', 'namespaces.yaml'), 'utf8'))
    .map((d) => d.toJS())
    .find((o) => o?.kind === 'Namespace');
  for (let c = 1; c <= clusters; c++) {
    const name = `sim-${c}`;
    const out = join(dir, 'clusters', name);
    mkdirSync(join(out, 'flux-system'), { recursive: true });
    writeFileSync(join(out, 'flux-system', 'gotk-sync.yaml'), readFileSync(join(dev, 'flux-system', 'gotk-sync.yaml'), 'utf8').replace('./clusters/development', `./clusters/${name}`));
    cpSync(join(dev, 'flux-system', 'kustomization.yaml'), join(out, 'flux-system', 'kustomization.yaml'));
    cpSync(join(dev, 'infrastructure.yaml'), join(out, 'infrastructure.yaml'));
    writeFileSync(join(out, 'cluster-identity.yaml'), readFileSync(join(dev, 'cluster-identity.yaml'), 'utf8').replace('cluster_name: development', `cluster_name: ${name}`));
    const docs: unknown[] = [];
    for (let a = 1; a <= apps; a++) {
      const app = `app-${String(a).padStart(2, '0')}`;
      docs.push({ ...nsTemplate, metadata: { ...nsTemplate.metadata, name: app } });
      docs.push({ ...appsKs, metadata: { ...appsKs.metadata, name: app }, spec: { ...appsKs.spec, targetNamespace: app } });
    }
    writeFileSync(join(out, 'apps.yaml'), docs.map((d) => stringify(d)).join('---\n'));
  }
  return dir;
}

async function allConverged(sc: ScenarioCluster, apps: number, sha: string, image?: string): Promise<boolean> {
  const kss = await sc.kube.list('kustomize.toolkit.fluxcd.io/v1', 'Kustomization');
  const appKss = kss.filter((k) => k.metadata.name.startsWith('app-'));
  if (appKss.length < apps || kss.some((k) => !fluxReadiness(k, { revision: sha }).ready)) return false;
  const deps = (await sc.kube.list('apps/v1', 'Deployment')).filter((d) => d.metadata.namespace!.startsWith('app-'));
  if (deps.length < apps) return false;
  return deps.every((d) => (!image || d.spec.template.spec.containers[0].image === image) && deploymentReadiness(d, { replicas: d.spec.replicas }).ready);
}

async function waitAll(env: ScenarioEnv, apps: number, sha: string, image?: string): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  const pending = new Set(env.clusters);
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`clusters ${[...pending].map((c) => c.name).join(', ')} did not converge on ${sha.slice(0, 7)} within 15 minutes`);
    for (const sc of [...pending]) if (await allConverged(sc, apps, sha, image).catch(() => false)) pending.delete(sc);
    await sleep(250);
  }
}

async function benchFleet(clusters: number, apps: number): Promise<FleetSample> {
  log(`fleet: ${clusters} cluster(s) × ${apps} app(s)`);
  const repo = simulationRepo(clusters, apps);
  const names = Array.from({ length: clusters }, (_, i) => `sim-${i + 1}`);
  const t0 = Date.now();
  let env: ScenarioEnv | undefined;
  let peak = 0;
  const sampler = setInterval(() => {
    const pids = env ? env.clusters.flatMap((c) => [...Object.values(c.cluster.componentPids()), ...c.flux.controllers.map((f) => f.pid)]) : [];
    peak = Math.max(peak, pids.reduce((sum, pid) => sum + rssBytes(pid), 0));
  }, 500);
  let failed = true;
  try {
    env = await startScenarioEnv({ clusters: names, repos: [{ name: 'fleet', dir: repo }] });
    const startSeconds = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    const sha = env.git.head('fleet');
    await Promise.all(env.clusters.map((sc) => bootstrapFromGit(sc.kube, env!.git, { repo: 'fleet', clusterPath: `clusters/${sc.name}` })));
    await waitAll(env, apps, sha);
    const firstConvergence = (Date.now() - t1) / 1000;
    await Promise.all(env.clusters.map((sc) => installReceiver(env!, sc)));
    const version = `1.${30 + apps}.${clusters}`;
    const file = withRelease(repoFile(env.git, 'fleet', VERSION), { version, commit: fakeCommit(`fleet ${version}`) });
    const t2 = Date.now();
    const next = await env.git.pushCommit('fleet', { [VERSION]: file }, `Release demo-app ${version} to every development app`);
    await waitAll(env, apps, next, `ghcr.io/gitops-field-guide/demo-app:${version}`);
    const changeConvergence = (Date.now() - t2) / 1000;
    failed = false;
    const sample = { clusters, apps, startSeconds, firstConvergence, changeConvergence, peakRssMiB: peak / 2 ** 20 };
    log(`  start ${fmt(startSeconds)}, first convergence ${fmt(firstConvergence)}, change ${fmt(changeConvergence)}, peak RSS ${sample.peakRssMiB.toFixed(0)} MiB`);
    return sample;
  } finally {
    clearInterval(sampler);
    const report = await env?.stop({ failed });
    if (failed && report) console.error(report);
    rmSync(repo, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

interface LiveTierSample {
  seconds: number;
  passed: number;
  failed: number;
  /** Each file's top-level suite and its duration, from the spec reporter. */
  files: Array<{ suite: string; seconds: number }>;
}

/** Runs the live tier's files exactly as the runner does (node --test, serial by default) and times it. */
async function benchLiveTier(concurrency: number): Promise<LiveTierSample> {
  const files = readdirSync(join(REPO_ROOT, 'test', 'scenarios')).filter((f) => f.endsWith('.test.ts')).map((f) => join('test', 'scenarios', f));
  log(`live tier: ${files.length} files, ${concurrency} at a time`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  const out = run.stdout ?? '';
  const count = (what: string) => Number(new RegExp(`^ℹ ${what} (\\d+)`, 'm').exec(out)?.[1] ?? NaN);
  // The spec reporter repeats failing tests at the end; only the per-file results count here.
  const results = out.split('\n✖ failing tests:')[0];
  const suites = [...results.matchAll(/^[✔✖] (.+) \((\d+(?:\.\d+)?)ms\)$/gm)].map((m) => ({ suite: m[1], seconds: Number(m[2]) / 1000 }));
  return { seconds, passed: count('pass'), failed: count('fail'), files: suites };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'commit,promotion,ephemeral,fleet,tier' },
      commits: { type: 'string', default: '10' },
      'poll-interval': { type: 'string', default: '20s' },
      'ephemeral-rounds': { type: 'string', default: '3' },
      fleet: { type: 'string', default: '1x5,1x20,2x5,2x20,4x5,4x20' },
      'tier-concurrency': { type: 'string', default: '1' },
    },
  });
  const reason = await scenarioSkipReason(log);
  if (reason) {
    console.log(`bench:live:scenarios skipped: ${reason}`);
    return;
  }
  const only = new Set(values.only!.split(','));
  const results: Record<string, unknown> = { at: new Date().toISOString(), options: values };
  const lines: string[] = [];

  if (only.has('commit')) {
    const samples = await benchCommits(Number(values.commits), values['poll-interval']!);
    results.commits = samples;
    lines.push(`commit-to-Ready (development cluster, ${values.commits} commits each, each a release bump; seconds from push)`);
    lines.push('mode                     stage                        p50       p95       min       max');
    for (const mode of ['webhook', 'polling'] as const) {
      const of = samples.filter((s) => s.mode === mode);
      for (const stage of ['source', 'applied', 'rolledOut'] as const) {
        const v = of.map((s) => s[stage]);
        const label = { source: 'source has the commit', applied: 'apps Ready at the commit', rolledOut: 'Deployment rolled out' }[stage];
        const m = mode === 'polling' ? `polling (${values['poll-interval']})` : mode;
        lines.push(`${m.padEnd(24)} ${label.padEnd(28)} ${fmt(percentile(v, 50)).padStart(8)}  ${fmt(percentile(v, 95)).padStart(8)}  ${fmt(Math.min(...v)).padStart(8)}  ${fmt(Math.max(...v)).padStart(8)}`);
      }
    }
    const p50 = percentile(samples.filter((s) => s.mode === 'webhook').map((s) => s.applied), 50);
    lines.push(`target: webhook commit-to-Ready ≤ ${WEBHOOK_TARGET_P50} s p50 — ${fmt(p50)} (${p50 <= WEBHOOK_TARGET_P50 ? 'met' : 'NOT met'})`, '');
  }
  if (only.has('promotion')) {
    const p = await benchPromotion();
    results.promotion = p;
    lines.push('promotion development → staging → production (three clusters, webhook, one commit each; to applied and rolled out)');
    lines.push(`  development ${fmt(p.development)}, staging ${fmt(p.staging)}, production ${fmt(p.production)}; total ${fmt(p.total)}`, '');
  }
  if (only.has('ephemeral')) {
    const e = await benchEphemeral(Number(values['ephemeral-rounds']));
    results.ephemeral = e;
    const p50 = percentile(e, 50);
    lines.push(`ephemeral environment up and converged (fresh cluster → preview Available), ${e.length} round(s): ${e.map(fmt).join(', ')}`);
    lines.push(`target: ≤ ${EPHEMERAL_TARGET} s — median ${fmt(p50)} (${p50 <= EPHEMERAL_TARGET ? 'met' : 'NOT met'})`, '');
  }
  if (only.has('fleet')) {
    const sizes = values.fleet!.split(',').map((s) => s.split('x').map(Number) as [number, number]);
    const fleet: FleetSample[] = [];
    for (const [n, m] of sizes) fleet.push(await benchFleet(n, m));
    results.fleet = fleet;
    lines.push('fleet simulation (N clusters × M apps, each app a Flux Kustomization with wait: true; kwok pods)');
    lines.push('clusters  apps  apps total  clusters up  first convergence  release commit converged  peak RSS');
    for (const f of fleet) {
      lines.push(`${String(f.clusters).padStart(8)}  ${String(f.apps).padStart(4)}  ${String(f.clusters * f.apps).padStart(10)}  ${fmt(f.startSeconds).padStart(11)}  ${fmt(f.firstConvergence).padStart(17)}  ${fmt(f.changeConvergence).padStart(24)}  ${`${f.peakRssMiB.toFixed(0)} MiB`.padStart(8)}`);
    }
    lines.push('');
  }
  if (only.has('tier')) {
    const concurrency = Number(values['tier-concurrency']);
    const tier = await benchLiveTier(concurrency);
    results.tier = tier;
    lines.push(`the whole live tier (test/scenarios/*.test.ts, ${concurrency} file(s) at a time, as npm test runs it${concurrency === 1 ? '' : ' with more at once'})`);
    for (const f of tier.files) lines.push(`  ${f.suite.slice(0, 60).padEnd(60)} ${fmt(f.seconds).padStart(9)}`);
    lines.push(`  ${tier.passed} passed, ${tier.failed} failed; wall time ${fmt(tier.seconds)}`);
    lines.push(`target: whole live tier warm ≤ ${LIVE_TIER_TARGET} s — ${fmt(tier.seconds)} (${tier.seconds <= LIVE_TIER_TARGET ? 'met' : 'NOT met'})`, '');
  }
  console.log(`\nbench:live:scenarios\n${lines.join('\n')}`);
  const out = join(REPO_ROOT, '.tmp', 'results', 'bench-live-scenarios.json');
  mkdirSync(join(REPO_ROOT, '.tmp', 'results'), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`results: ${out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exit(1);
});
