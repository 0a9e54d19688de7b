// Flux controllers as local processes against a cluster: their CRDs applied from the pinned
// modules, then source-, kustomize-, helm- and notification-controller started with their own
// loopback ports. Flags were read from each controller's main.go at the pinned tag:
// - `--kubeconfig` is shadowed (pflag vs controller-runtime), so KUBECONFIG is set instead;
// - every controller defaults to metrics :8080 and health :9440, source-controller's storage
//   and notification-controller's events both to :9090: all are given 127.0.0.1:<free port>;
// - source-controller advertises artifact URLs that kustomize-/helm-controller download, so
//   --storage-adv-addr is 127.0.0.1:<the storage port>;
// - leader election is off by default in fluxcd/pkg/runtime; it is still passed explicitly.
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHint, crdFiles, hasTool, toolPath, type FluxController } from '../toolchain/binaries';
import { FLUX_CONTROLLERS } from '../toolchain/catalog';
import { applyFile, applyObjects } from '../kube/apply';
import { Kube } from '../kube/kube';
import { waitUntil } from '../kube/wait';
import { formatTails } from './logs';
import { makeRunDir } from './paths';
import { freePorts, releasePorts, stillListening } from './ports';
import { processesMentioning, signalGroup, spawnProcess, waitGone, type ManagedProcess } from './process';
import type { Cluster } from './provider';

export const FLUX_NAMESPACE = 'flux-system';

export interface ControllerPorts {
  metrics: number;
  health: number;
  /** source-controller: artifact server. */
  storage?: number;
  /** notification-controller: event receiver the other controllers post to. */
  events?: number;
  /** notification-controller: webhook Receivers (git push notifications). */
  receiver?: number;
}

export interface FluxPlan {
  runDir: string;
  kubeconfigPath: string;
  logDir: string;
  ports: Record<FluxController, ControllerPorts>;
  /** How often a Kustomization/HelmRelease waiting on dependsOn re-checks (default 30 s upstream). */
  requeueDependency: string;
  logLevel: 'info' | 'debug';
}

const LOOPBACK = '127.0.0.1';
const addr = (port: number | undefined) => `${LOOPBACK}:${port}`;

/** Where a controller's binary is linked inside the run folder (so `ps` shows which run owns it). */
export function controllerBinary(plan: Pick<FluxPlan, 'runDir'>, controller: FluxController): string {
  return join(plan.runDir, 'bin', controller);
}

export function storagePath(plan: Pick<FluxPlan, 'runDir'>): string {
  return join(plan.runDir, 'storage');
}

/** The flags of one controller. */
export function fluxControllerArgs(controller: FluxController, plan: FluxPlan): string[] {
  const p = plan.ports[controller];
  const events = plan.ports['notification-controller'].events;
  const common = [
    `--metrics-addr=${addr(p.metrics)}`,
    `--health-addr=${addr(p.health)}`,
    '--enable-leader-election=false',
    '--watch-all-namespaces=true',
    `--log-level=${plan.logLevel}`,
    '--log-encoding=console',
  ];
  const postEvents = `--events-addr=http://${addr(events)}`;
  switch (controller) {
    case 'source-controller':
      return [
        ...common,
        postEvents,
        `--storage-path=${storagePath(plan)}`,
        `--storage-addr=${addr(p.storage)}`,
        `--storage-adv-addr=${addr(p.storage)}`,
        `--requeue-dependency=${plan.requeueDependency}`,
      ];
    case 'kustomize-controller':
      // Remote bases would reach the internet; the examples must not need them.
      return [...common, postEvents, `--requeue-dependency=${plan.requeueDependency}`, '--no-remote-bases=true'];
    case 'helm-controller':
      // The default 600 s graceful shutdown would make every stop() wait out a pending release.
      return [...common, postEvents, `--requeue-dependency=${plan.requeueDependency}`, '--graceful-shutdown-timeout=5s'];
    case 'notification-controller':
      return [...common, `--events-addr=${addr(p.events)}`, `--receiverAddr=${addr(p.receiver)}`];
    default:
      throw new Error(`unknown Flux controller ${String(controller)}`);
  }
}

/** Environment of every controller: the cluster, its runtime namespace, a private HOME/TMPDIR. */
export function fluxControllerEnv(plan: FluxPlan, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: base.PATH ?? '/usr/bin:/bin',
    KUBECONFIG: plan.kubeconfigPath,
    RUNTIME_NAMESPACE: FLUX_NAMESPACE,
    HOME: join(plan.runDir, 'home'),
    TMPDIR: join(plan.runDir, 'tmp'),
  };
  return env;
}

async function makePlan(cluster: Cluster, opts: FluxOptions): Promise<FluxPlan> {
  const [sm, sh, ss, km, kh, hm, hh, nm, nh, ne, nr] = await freePorts(11);
  return {
    runDir: makeRunDir('flux', cluster.name),
    kubeconfigPath: cluster.kubeconfigPath,
    logDir: cluster.logDir,
    ports: {
      'source-controller': { metrics: sm, health: sh, storage: ss },
      'kustomize-controller': { metrics: km, health: kh },
      'helm-controller': { metrics: hm, health: hh },
      'notification-controller': { metrics: nm, health: nh, events: ne, receiver: nr },
    },
    requeueDependency: opts.requeueDependency ?? '2s',
    logLevel: opts.logLevel ?? 'info',
  };
}

export function allPorts(plan: FluxPlan): number[] {
  return Object.values(plan.ports).flatMap((p) => Object.values(p).filter((v): v is number => typeof v === 'number'));
}

export interface FluxOptions {
  /** Default 2s (upstream's own tests use 2s; the 30 s default only slows first reconciles). */
  requeueDependency?: string;
  logLevel?: 'info' | 'debug';
  log?: (line: string) => void;
}

export interface FluxControllerProcess {
  name: FluxController;
  pid: number;
  logFile: string;
  ports: ControllerPorts;
}

export interface Flux {
  controllers: FluxControllerProcess[];
  /** Base URL of notification-controller's webhook receiver (add a Receiver's status.webhookPath). */
  receiverUrl: string;
  /** source-controller's artifact server. */
  storageUrl: string;
  /** Controller name -> log file. */
  logFiles(): Record<FluxController, string>;
  /** Seconds from startFlux() to all four controllers healthy. */
  readySeconds: number;
  /** Brings logFiles() up to date where they are not written live (Flux in a cluster). */
  collectLogs?(): Promise<void>;
  stop(): Promise<void>;
}

export function fluxUnavailableReason(): string | undefined {
  const missing = FLUX_CONTROLLERS.filter((c) => !hasTool(c));
  if (missing.length === 0) return undefined;
  return `Flux controllers not built: ${missing.join(', ')} (run: ${buildHint(missing[0])})`;
}

/** The flux-system namespace and every controller's CRDs (server-side apply), CRDs Established. */
export async function installFluxCrds(kube: Kube): Promise<void> {
  await applyObjects(kube, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_NAMESPACE } }]);
  const files = FLUX_CONTROLLERS.flatMap((c) => crdFiles(c));
  await Promise.all(files.map((file) => applyFile(kube, file)));
}

async function waitHealthy(proc: ManagedProcess, healthPort: number): Promise<void> {
  await waitUntil(`${proc.name} /readyz on 127.0.0.1:${healthPort}`, async () => {
    if (proc.hasExited()) throw new Error(`${proc.name} exited (${await proc.exited})`);
    const response = await fetch(`http://${addr(healthPort)}/readyz`, { signal: AbortSignal.timeout(2000) });
    return { done: response.ok, detail: `HTTP ${response.status}` };
  }, { timeoutMs: 60_000, intervalMs: 100, explain: async () => formatTails([proc.logFile], 30) });
}

function startController(controller: FluxController, plan: FluxPlan): ManagedProcess {
  const binary = controllerBinary(plan, controller);
  if (!existsSync(binary)) symlinkSync(toolPath(controller), binary);
  return spawnProcess({
    name: controller,
    command: binary,
    args: fluxControllerArgs(controller, plan),
    env: fluxControllerEnv(plan, process.env),
    cwd: plan.runDir,
    logFile: join(plan.logDir, `${controller}.log`),
  });
}

/** Stops the controllers and proves nothing of theirs is left (processes, ports, run folder). */
async function stopFlux(plan: FluxPlan, procs: ManagedProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => p.stop(10_000)));
  const problems: string[] = [];
  const alive = await waitGone(procs.map((p) => p.pid), 5_000);
  if (alive.length) problems.push(`controller processes still alive: ${alive.join(', ')}`);
  const strays = processesMentioning(plan.runDir);
  if (strays.length) problems.push(`processes still running from ${plan.runDir}: ${strays.map((p) => p.pid).join(', ')}`);
  const open = stillListening(allPorts(plan));
  if (open.length) problems.push(`ports still listening: ${open.join(', ')}`);
  rmSync(plan.runDir, { recursive: true, force: true });
  releasePorts(allPorts(plan));
  if (problems.length) throw new Error(`Flux controllers did not stop cleanly:\n  ${problems.join('\n  ')}`);
}

/** Installs the CRDs and starts the four controllers; resolves once all answer /readyz. */
export async function startFlux(cluster: Cluster, opts: FluxOptions = {}): Promise<Flux> {
  const reason = fluxUnavailableReason();
  if (reason) throw new Error(reason);
  const started = Date.now();
  const plan = await makePlan(cluster, opts);
  for (const dir of ['bin', 'home', 'tmp', 'storage']) mkdirSync(join(plan.runDir, dir), { recursive: true });
  writeFileSync(join(plan.runDir, 'state.json'), JSON.stringify({ kind: 'flux', cluster: cluster.name, ownerPid: process.pid, plan }, null, 2));
  const kube = new Kube(cluster.kubeconfigPath);
  await installFluxCrds(kube);
  const procs = FLUX_CONTROLLERS.map((c) => startController(c, plan));
  try {
    await Promise.all(procs.map((p) => waitHealthy(p, plan.ports[p.name as FluxController].health)));
  } catch (error) {
    await stopFlux(plan, procs).catch(() => {});
    throw error;
  }
  const readySeconds = (Date.now() - started) / 1000;
  opts.log?.(`[${cluster.name}] Flux controllers ready in ${readySeconds.toFixed(1)}s`);
  const n = plan.ports['notification-controller'];
  let stopped = false;
  const flux: Flux = {
    controllers: procs.map((p) => ({ name: p.name as FluxController, pid: p.pid, logFile: p.logFile, ports: plan.ports[p.name as FluxController] })),
    receiverUrl: `http://${addr(n.receiver)}`,
    storageUrl: `http://${addr(plan.ports['source-controller'].storage)}`,
    logFiles: () => Object.fromEntries(procs.map((p) => [p.name, p.logFile])) as Record<FluxController, string>,
    readySeconds,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopFlux(plan, procs);
    },
  };
  running.set(flux, { plan, procs });
  return flux;
}

// Fault injection (scenarios that crash a controller mid-reconcile). The processes of each
// startFlux() result, so that a restarted controller replaces the killed one in the list stop()
// walks, and in `controllers`.
const running = new WeakMap<Flux, { plan: FluxPlan; procs: ManagedProcess[] }>();

function runningController(flux: Flux, controller: FluxController): { plan: FluxPlan; procs: ManagedProcess[]; index: number } {
  const entry = running.get(flux);
  if (!entry) throw new Error('not a Flux started by startFlux() in this process');
  const index = entry.procs.findIndex((p) => p.name === controller);
  if (index < 0) throw new Error(`no ${controller} in this Flux`);
  return { ...entry, index };
}

/**
 * Kills one controller with SIGKILL (its whole process group), as a crash or an OOM kill would:
 * no graceful shutdown. Resolves once it has exited. Start it again with restartFluxController.
 */
export async function killFluxController(flux: Flux, controller: FluxController): Promise<void> {
  const { procs, index } = runningController(flux, controller);
  const proc = procs[index];
  signalGroup(proc.pid, 'SIGKILL');
  await proc.exited;
}

/**
 * Starts a killed controller again with the same flags, ports and log file (appended to), and
 * resolves once it answers /readyz. stop() then stops the new process like the others.
 */
export async function restartFluxController(flux: Flux, controller: FluxController): Promise<FluxControllerProcess> {
  const { plan, procs, index } = runningController(flux, controller);
  if (!procs[index].hasExited()) throw new Error(`${controller} (pid ${procs[index].pid}) is still running; kill it first`);
  const proc = startController(controller, plan);
  procs[index] = proc;
  const entry = flux.controllers.find((c) => c.name === controller);
  if (entry) entry.pid = proc.pid;
  await waitHealthy(proc, plan.ports[controller].health);
  return { name: controller, pid: proc.pid, logFile: proc.logFile, ports: plan.ports[controller] };
}
