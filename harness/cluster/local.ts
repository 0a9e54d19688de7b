// The local provider: a typed wrapper around `kwokctl --runtime binary`. kwokctl starts etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok-controller as processes,
// makes the certificates, pid files and per-component logs; this file only chooses the flags,
// registers fake nodes, and proves on stop() that nothing was left behind.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHint, hasTool, toolPath, type Tool } from '../toolchain/binaries';
import { KUBERNETES_VERSION } from '../toolchain/versions';
import { Kube } from '../kube/kube';
import { findCondition } from '../kube/conditions';
import { waitUntil } from '../kube/wait';
import {
  clusterWorkdir,
  configPath,
  createClusterArgs,
  DEFAULT_ADMISSION_PLUGINS,
  DEFAULT_POD_CIDR,
  deleteClusterArgs,
  kwokctlConfigYaml,
  kwokctlEnv,
  logsDir,
  LOOPBACK,
  nodeManifest,
  pidsDir,
  userKubeconfigPath,
  type KwokctlPlan,
} from './kwokctl';
import { formatTails, logFiles } from './logs';
import { keptLogsRoot, makeRunDir } from './paths';
import { freePorts, releasePorts, stillListening } from './ports';
import { isAlive, processesMentioning, runCommand, waitGone } from './process';
import type { Cluster, ClusterProvider, StartOptions, StopOptions, StopReport } from './provider';

/** What the local provider runs. kubectl is what kwokctl uses to probe the apiserver. */
export const LOCAL_TOOLS: Tool[] = ['kwokctl', 'kwok', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'];

const STATE_FILE = 'state.json';

/** What a run folder records about itself, so `cluster:down` can clean up after a crash. */
export interface LocalClusterState {
  kind: 'local-cluster';
  name: string;
  ownerPid: number;
  plan: KwokctlPlan;
}

function missingTools(kubernetesVersion?: string): Tool[] {
  return LOCAL_TOOLS.filter((tool) => !hasTool(tool, { kubernetesVersion }));
}

/** Why local clusters cannot start here, or undefined. */
export function localUnavailableReason(opts: { kubernetesVersion?: string } = {}): string | undefined {
  const missing = missingTools(opts.kubernetesVersion);
  if (missing.length === 0) return undefined;
  return `local cluster binaries not built: ${missing.join(', ')} (run: ${buildHint(missing[0], opts)})`;
}

async function makePlan(name: string, workdir: string, kubernetesVersion: string): Promise<KwokctlPlan> {
  const [apiserver, etcd, etcdPeer, kwokController, controllerManager, scheduler] = await freePorts(6);
  const bin = (tool: Tool) => toolPath(tool, { kubernetesVersion });
  return {
    name,
    workdir,
    kubernetesVersion,
    binaries: {
      kwokctl: bin('kwokctl'),
      etcd: bin('etcd'),
      kubeApiserver: bin('kube-apiserver'),
      kubeControllerManager: bin('kube-controller-manager'),
      kubeScheduler: bin('kube-scheduler'),
      kwok: bin('kwok'),
      kubectl: bin('kubectl'),
    },
    ports: { apiserver, etcd, etcdPeer, kwokController, controllerManager, scheduler },
    bindAddress: LOOPBACK,
    podCidr: DEFAULT_POD_CIDR,
    nodeIp: LOOPBACK,
    admissionPlugins: DEFAULT_ADMISSION_PLUGINS,
    timeoutSeconds: 120,
  };
}

/** Pids from kwokctl's pid files: component name -> pid. */
function readPids(plan: KwokctlPlan): Record<string, number> {
  const dir = pidsDir(plan);
  if (!existsSync(dir)) return {};
  const pids: Record<string, number> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.pid'))) {
    const pid = Number(readFileSync(join(dir, file), 'utf8').trim());
    if (pid > 0) pids[file.replace(/\.pid$/, '')] = pid;
  }
  return pids;
}

function componentLogs(plan: KwokctlPlan): Record<string, string> {
  const logs: Record<string, string> = {};
  for (const file of logFiles(logsDir(plan))) logs[file.replace(/^.*\//, '').replace(/\.log$/, '')] = file;
  return logs;
}

/** Registers fake nodes and waits until kwok reports them Ready. */
async function addNodes(kube: Kube, count: number, podCidr: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await kube.apply(nodeManifest(`kwok-node-${i}`, i, podCidr) as never, 'field-guide-local-provider');
  }
  await waitUntil(`${count} kwok node(s) to be Ready`, async () => {
    const nodes = await kube.list('v1', 'Node');
    const ready = nodes.filter((n) => findCondition(n, 'Ready')?.status === 'True');
    return { done: ready.length >= count, detail: `${ready.length}/${count} nodes Ready` };
  }, { timeoutMs: 60_000, intervalMs: 100 });
}

/** The apiserver answers /readyz (all post-start hooks done: RBAC, priority classes, ...). */
async function waitApiReady(kube: Kube): Promise<void> {
  await waitUntil('kube-apiserver /readyz', async () => {
    const body = await kube.raw('/readyz');
    return { done: body.trim() === 'ok', detail: body };
  }, { timeoutMs: 60_000, intervalMs: 100 });
}

async function kwokctl(plan: KwokctlPlan, args: string[], timeoutMs: number) {
  return runCommand(plan.binaries.kwokctl, args, {
    env: kwokctlEnv(plan, process.env),
    logFile: join(plan.workdir, 'kwokctl.log'),
    timeoutMs,
  });
}

/** Copies the run's logs somewhere that outlives the run folder; returns that folder. */
function keepLogs(plan: KwokctlPlan): string {
  const dest = join(keptLogsRoot(), `${plan.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dest, { recursive: true });
  if (existsSync(logsDir(plan))) cpSync(logsDir(plan), dest, { recursive: true });
  const kwokctlLog = join(plan.workdir, 'kwokctl.log');
  if (existsSync(kwokctlLog)) cpSync(kwokctlLog, join(dest, 'kwokctl.log'));
  return dest;
}

/**
 * Deletes the cluster and checks the leftovers: component processes, anything else started from
 * the run folder, listening ports, the folder itself. Returns the list of problems (empty = clean).
 */
export async function deleteLocalCluster(plan: KwokctlPlan): Promise<string[]> {
  const pids = Object.values(readPids(plan));
  const problems: string[] = [];
  if (existsSync(clusterWorkdir(plan))) {
    const result = await kwokctl(plan, deleteClusterArgs(plan), 60_000);
    if (result.code !== 0) problems.push(`kwokctl delete cluster exited ${result.code}: ${result.output.trim().slice(-2000)}`);
  }
  const alive = await waitGone(pids, 10_000);
  if (alive.length > 0) problems.push(`component processes still alive after delete: ${alive.join(', ')}`);
  const strays = processesMentioning(plan.workdir);
  if (strays.length > 0) problems.push(`processes still running from ${plan.workdir}: ${strays.map((p) => `${p.pid} ${p.cmdline[0]}`).join(', ')}`);
  const ports = Object.values(plan.ports);
  const listening = await waitPortsClosed(ports, 5_000);
  if (listening.length > 0) problems.push(`ports still listening: ${listening.join(', ')}`);
  if (existsSync(clusterWorkdir(plan))) problems.push(`kwokctl left ${clusterWorkdir(plan)}`);
  rmSync(plan.workdir, { recursive: true, force: true });
  if (existsSync(plan.workdir)) problems.push(`could not remove ${plan.workdir}`);
  releasePorts(ports);
  return problems;
}

async function waitPortsClosed(ports: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let open = stillListening(ports);
  while (open.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    open = stillListening(ports);
  }
  return open;
}

class LocalCluster implements Cluster {
  readonly provider = 'local' as const;
  readonly kubeconfigPath: string;
  readonly apiServerUrl: string;
  readonly logDir: string;
  private stopped = false;

  constructor(readonly plan: KwokctlPlan, readonly startSeconds: number) {
    this.kubeconfigPath = userKubeconfigPath(plan);
    this.apiServerUrl = `https://${LOOPBACK}:${plan.ports.apiserver}`;
    this.logDir = logsDir(plan);
  }

  get name(): string {
    return this.plan.name;
  }

  componentLogs(): Record<string, string> {
    return componentLogs(this.plan);
  }

  componentPids(): Record<string, number> {
    return readPids(this.plan);
  }

  async stop(opts: StopOptions = {}): Promise<StopReport> {
    const started = Date.now();
    if (this.stopped) return { seconds: 0 };
    this.stopped = true;
    const keptLogsDir = opts.keepLogs ? keepLogs(this.plan) : undefined;
    const problems = await deleteLocalCluster(this.plan);
    if (problems.length > 0) {
      throw new Error(`cluster ${this.name} did not stop cleanly:\n  ${problems.join('\n  ')}${keptLogsDir ? `\n  logs: ${keptLogsDir}` : ''}`);
    }
    return { keptLogsDir, seconds: (Date.now() - started) / 1000 };
  }
}

/** Starts a local cluster: kwokctl create, a Ready API server, Ready fake node(s). */
export async function startLocalCluster(opts: StartOptions): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  const kubernetesVersion = opts.kubernetesVersion ?? KUBERNETES_VERSION;
  const reason = localUnavailableReason({ kubernetesVersion });
  if (reason) throw new Error(reason);
  const started = Date.now();
  const workdir = makeRunDir('cluster', opts.name);
  const plan = await makePlan(opts.name, workdir, kubernetesVersion);
  mkdirSync(join(workdir, 'home'), { recursive: true });
  writeFileSync(configPath(plan), kwokctlConfigYaml(plan));
  const state: LocalClusterState = { kind: 'local-cluster', name: opts.name, ownerPid: process.pid, plan };
  writeFileSync(join(workdir, STATE_FILE), JSON.stringify(state, null, 2));
  log(`[${opts.name}] kwokctl create cluster (apiserver 127.0.0.1:${plan.ports.apiserver}) in ${workdir}`);
  try {
    const result = await kwokctl(plan, createClusterArgs(plan), (plan.timeoutSeconds + 30) * 1000);
    if (result.code !== 0) throw new Error(`kwokctl create cluster exited ${result.code}:\n${result.output.trim().slice(-3000)}`);
    const kube = new Kube(userKubeconfigPath(plan));
    await waitApiReady(kube);
    await addNodes(kube, opts.nodes ?? 1, plan.podCidr);
  } catch (error) {
    const kept = keepLogs(plan);
    const tails = formatTails(Object.values(componentLogs(plan)), 15);
    const problems = await deleteLocalCluster(plan);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `local cluster ${opts.name} failed to start: ${message}\nlogs kept in ${kept}\n${tails}` +
        (problems.length ? `\ncleanup problems:\n  ${problems.join('\n  ')}` : ''),
    );
  }
  const seconds = (Date.now() - started) / 1000;
  log(`[${opts.name}] control plane ready in ${seconds.toFixed(1)}s`);
  return new LocalCluster(plan, seconds);
}

export const localProvider: ClusterProvider = {
  name: 'local',
  unavailableReason: localUnavailableReason,
  start: startLocalCluster,
};

/** Run folders of local clusters (for cluster:down), with their recorded state. */
export function readLocalClusterState(runDir: string): LocalClusterState | undefined {
  const file = join(runDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as LocalClusterState;
    return state.kind === 'local-cluster' ? state : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process that started a run is gone (its leftovers are orphans). */
export function isOrphan(state: { ownerPid: number }): boolean {
  return !isAlive(state.ownerPid);
}
