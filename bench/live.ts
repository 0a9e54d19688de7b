// npm run bench:live [-- --clusters development,staging] [-- --concurrency 2] [-- --rounds 2]
// npm run bench:kind  (the same on kind clusters: CLUSTER_PROVIDER=kind; memory is the node
//                      container's cgroup, which holds the control plane, Flux and the pods)
//
// Measures the local live tier: control plane start (kwokctl create → /readyz → node Ready),
// Flux ready (CRDs applied, four controllers answering /readyz), first full reconcile per
// cluster (gotk-sync applied → every Kustomization and HelmRelease Ready at the pushed commit
// and the Deployments Available), and the peak resident memory of all component processes
// (control plane + Flux controllers), sampled every 250 ms.
//
// Round 1 is "cold" (first start in this process: binaries and page cache may be cold), later
// rounds are "warm". Target (reported, never asserted): warm control plane + Flux ready ≤ 15 s.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../contracts/paths.ts';
import { providerName } from '../harness/cluster/select';
import { rssBytes } from '../harness/cluster/process';
import { bootstrapFromGit } from '../harness/environment/bootstrap';
import { liveSkipReason, startLiveEnv, type LiveEnv } from '../harness/environment/environment';
import { waitForAllFluxReady, waitForDeploymentAvailable, waitForGitRepository } from '../harness/kube/readiness';
import { builtObjects, expectationsFor, fleetClusters, FLEET_DIR } from '../harness/fleet/expectations';

// Targets per provider (reported, never asserted): the local tier's processes, or a kind node.
const PROVIDER = providerName();
const TARGET_SECONDS = PROVIDER === 'kind' ? 60 : 15;

interface Sample {
  cluster: string;
  round: number;
  controlPlaneSeconds: number;
  fluxReadySeconds: number;
  reconcileSeconds: number;
  stopSeconds: number;
  peakRssMiB: number;
}

/** Samples `bytes()` every 250 ms until stopped; returns the peak. */
function memorySampler(bytes: () => number): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, bytes())), 250);
  return { stop: () => (clearInterval(timer), peak) };
}

/**
 * An environment's memory: the RSS of its processes (local tier) plus the memory of clusters that
 * are containers rather than our processes (kind: the node's cgroup holds control plane, Flux, pods).
 */
function envMemoryBytes(env: LiveEnv | undefined): number {
  if (!env) return 0;
  return envPids(env).reduce((sum, pid) => sum + rssBytes(pid), 0) + (env.cluster.memoryBytes?.() ?? 0);
}

function envPids(env: LiveEnv | undefined): number[] {
  if (!env) return [];
  return [...Object.values(env.cluster.componentPids()), ...env.flux.controllers.map((c) => c.pid)];
}

async function measureCluster(name: string, round: number, global: Set<() => number>): Promise<Sample> {
  const exp = await expectationsFor(name);
  let env: LiveEnv | undefined;
  const memory = () => envMemoryBytes(env);
  global.add(memory);
  const sampler = memorySampler(memory);
  try {
    // Progress on stderr, so a long kind round shows where it is; the table goes to stdout.
    env = await startLiveEnv({ name, repos: [{ name: 'fleet', dir: FLEET_DIR }], log: (line) => console.error(`  round ${round}: ${line}`) });
  } catch (error) {
    sampler.stop();
    global.delete(memory);
    throw error;
  }
  let failed = true;
  try {
    const started = Date.now();
    const { sha } = await bootstrapFromGit(env.kube, env.git, { repo: 'fleet', clusterPath: `clusters/${name}` });
    const opts = { logs: env.fluxLogs(), timeoutMs: 5 * 60_000 };
    await waitForGitRepository(env.kube, 'flux-system', sha, opts);
    await waitForAllFluxReady(env.kube, { ...opts, expectAtLeast: exp.kustomizations.length + exp.helmReleases.length });
    for (const dep of builtObjects(exp, 'Deployment')) {
      const hpa = builtObjects(exp, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === dep.metadata.name);
      await waitForDeploymentAvailable(env.kube, dep.metadata.name, dep.metadata.namespace!, { ...opts, replicas: hpa?.spec.minReplicas });
    }
    const reconcileSeconds = (Date.now() - started) / 1000;
    failed = false;
    const stopStarted = Date.now();
    const peak = sampler.stop();
    await env.stop();
    return {
      cluster: name,
      round,
      controlPlaneSeconds: env.timings.controlPlaneSeconds,
      fluxReadySeconds: env.timings.fluxReadySeconds,
      reconcileSeconds,
      stopSeconds: (Date.now() - stopStarted) / 1000,
      peakRssMiB: peak / 2 ** 20,
    };
  } finally {
    global.delete(memory);
    if (failed) {
      sampler.stop();
      console.error(await env!.stop({ failed: true }));
    }
  }
}

/** Runs `items` through `fn` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

function table(samples: Sample[]): string {
  const head = 'round  cluster         control plane  Flux ready  CP+Flux  first reconcile  stop   peak RSS';
  const rows = samples.map((s) => {
    const both = s.controlPlaneSeconds + s.fluxReadySeconds;
    return [
      String(s.round).padEnd(6),
      s.cluster.padEnd(15),
      `${s.controlPlaneSeconds.toFixed(1)} s`.padStart(13),
      `${s.fluxReadySeconds.toFixed(1)} s`.padStart(11),
      `${both.toFixed(1)} s${both <= TARGET_SECONDS ? '' : '*'}`.padStart(8),
      `${s.reconcileSeconds.toFixed(1)} s`.padStart(16),
      `${s.stopSeconds.toFixed(1)} s`.padStart(6),
      `${s.peakRssMiB.toFixed(0)} MiB`.padStart(10),
    ].join(' ');
  });
  return [head, ...rows].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clusters: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '2' },
    },
  });
  const reason = await liveSkipReason();
  if (reason) {
    console.log(`bench:live skipped: ${reason}`);
    return;
  }
  const clusters = values.clusters ? values.clusters.split(',') : fleetClusters();
  let images: { seconds: number; refs: string[] } | undefined;
  if (PROVIDER === 'kind') {
    // Image making is timed on its own: cold when nothing is cached, else the cache check.
    const { buildKindImages } = await import('../harness/cli/kind-images');
    const t0 = Date.now();
    const refs = await buildKindImages(undefined, (line) => console.log(line));
    images = { seconds: (Date.now() - t0) / 1000, refs };
  }
  const concurrency = Number(values.concurrency);
  const samples: Sample[] = [];
  const overall: Array<{ round: number; wallSeconds: number; peakRssMiB: number }> = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    const live = new Set<() => number>();
    const all = memorySampler(() => [...live].reduce((sum, bytes) => sum + bytes(), 0));
    const started = Date.now();
    samples.push(...(await pool(clusters, concurrency, (name) => measureCluster(name, round, live))));
    overall.push({ round, wallSeconds: (Date.now() - started) / 1000, peakRssMiB: all.stop() / 2 ** 20 });
  }
  console.log(`\nbench:live (${PROVIDER}) — ${clusters.length} cluster(s), concurrency ${concurrency}, ${values.rounds} round(s); round 1 = cold, later = warm`);
  if (images) console.log(`kind images ready in ${images.seconds.toFixed(1)} s (${images.refs.join(', ')})`);
  console.log(table(samples));
  for (const o of overall) console.log(`round ${o.round}: wall ${o.wallSeconds.toFixed(1)} s, peak memory of all live environments ${o.peakRssMiB.toFixed(0)} MiB`);
  const warm = samples.filter((s) => s.round > 1);
  if (warm.length) {
    const worst = Math.max(...warm.map((s) => s.controlPlaneSeconds + s.fluxReadySeconds));
    console.log(`target: warm control plane + Flux ready ≤ ${TARGET_SECONDS} s — worst warm ${worst.toFixed(1)} s (${worst <= TARGET_SECONDS ? 'met' : 'NOT met'})`);
  }
  const out = join(REPO_ROOT, '.tmp', 'results', `bench-live-${PROVIDER}.json`);
  mkdirSync(join(REPO_ROOT, '.tmp', 'results'), { recursive: true });
  writeFileSync(out, JSON.stringify({ provider: PROVIDER, images, clusters, concurrency, samples, overall, at: new Date().toISOString() }, null, 2));
  console.log(`results: ${out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
