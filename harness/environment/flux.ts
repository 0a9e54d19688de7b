// What the scenarios do to a cluster, the way the pages tell a reader to: bootstrap from the git
// server, run the flux CLI and kubectl (the pinned builds), add a webhook Receiver so a push
// reaches Flux at once, and read the state back from object status.
import { randomBytes } from 'node:crypto';
import { runCommand } from '../cluster/process';
import { notifyReceiver, type ReceiverTarget } from '../gitserver';
import { applyObjects } from '../kube/apply';
import { bootstrapFromGit } from './bootstrap';
import { deploymentReadiness, findCondition } from '../kube/conditions';
import type { KubeObject } from '../kube/kube';
import { fluxRef, waitForKustomization, waitForObject, type ReadyWaitOptions } from '../kube/readiness';
import { waitUntil } from '../kube/wait';
import { toolPath } from '../toolchain/binaries';
import { expectationsFor, waitForFleetReconcile, type ClusterExpectations } from '../fleet/expectations';
import type { ScenarioCluster, ScenarioEnv } from './clusters';

export const FLUX_NS = 'flux-system';

export interface CommandResult {
  code: number;
  output: string;
}

async function run(tool: 'flux' | 'kubectl', sc: ScenarioCluster, args: string[], timeoutMs: number, input?: string): Promise<CommandResult> {
  const result = await runCommand(toolPath(tool), [...args, '--kubeconfig', sc.kubeconfigPath], {
    timeoutMs,
    input,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
  });
  return result;
}

/** The flux CLI against one cluster; throws with its output on a non-zero exit unless `allowFail`. */
export async function flux(sc: ScenarioCluster, args: string[], opts: { timeoutMs?: number; allowFail?: boolean } = {}): Promise<CommandResult> {
  const result = await run('flux', sc, args, opts.timeoutMs ?? 120_000);
  if (result.code !== 0 && !opts.allowFail) throw new Error(`flux ${args.join(' ')} (cluster ${sc.name}) exited ${result.code}:\n${result.output}`);
  return result;
}

/** kubectl against one cluster; throws with its output on a non-zero exit unless `allowFail`. */
export async function kubectl(sc: ScenarioCluster, args: string[], opts: { timeoutMs?: number; allowFail?: boolean; input?: string } = {}): Promise<CommandResult> {
  const result = await run('kubectl', sc, args, opts.timeoutMs ?? 60_000, opts.input);
  if (result.code !== 0 && !opts.allowFail) throw new Error(`kubectl ${args.join(' ')} (cluster ${sc.name}) exited ${result.code}:\n${result.output}`);
  return result;
}

export interface Bootstrapped {
  sha: string;
  exp: ClusterExpectations;
  /** Seconds from applying gotk-sync.yaml to every Flux object Ready at the commit. */
  seconds: number;
}

/**
 * `flux bootstrap` as the harness does it (credentials Secret + the cluster's gotk-sync.yaml from
 * the served repo), then the whole fleet chain Ready at the pushed commit.
 */
export async function bootstrapFleetCluster(env: ScenarioEnv, sc: ScenarioCluster, opts: { repo?: string; cluster?: string; timeoutMs?: number } = {}): Promise<Bootstrapped> {
  const repo = opts.repo ?? 'fleet';
  const cluster = opts.cluster ?? sc.name;
  const exp = await expectationsFor(cluster);
  const started = Date.now();
  const { sha } = await bootstrapFromGit(sc.kube, env.git, { repo, clusterPath: `clusters/${cluster}` });
  await waitForFleetReconcile(sc.kube, exp, sha, { logs: sc.fluxLogs(), timeoutMs: opts.timeoutMs ?? 4 * 60_000 });
  return { sha, exp, seconds: (Date.now() - started) / 1000 };
}

export interface InstalledReceiver {
  target: ReceiverTarget;
  /** Webhook calls made so far (one per push to the repo while attached). */
  calls(): number;
  /** Stops calling the Receiver on push (the Receiver stays in the cluster). */
  detach(): void;
}

/**
 * A Receiver of type github for the GitRepository `flux-system`, and the git server calling it
 * after every push to `repo`, as a Git host's push webhook would. (The fleet repo has none: a
 * Receiver's URL is per installation, so the guide's pages add it by hand; so does the test.)
 */
export async function installReceiver(env: ScenarioEnv, sc: ScenarioCluster, repo = 'fleet', opts: { gitRepository?: string } = {}): Promise<InstalledReceiver> {
  const token = randomBytes(16).toString('hex');
  const name = `${repo}-push`;
  await applyObjects(sc.kube, [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-token`, namespace: FLUX_NS }, type: 'Opaque', stringData: { token } },
    {
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: { name, namespace: FLUX_NS },
      spec: {
        type: 'github',
        events: ['push'],
        secretRef: { name: `${name}-token` },
        resources: [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: opts.gitRepository ?? 'flux-system' }],
      },
    },
  ]);
  const receiver = await waitForObject(sc.kube, fluxRef('Receiver', name), 'to be Ready with a webhook path', (obj) => {
    const ready = findCondition(obj, 'Ready');
    if (ready?.status === 'True' && obj?.status?.webhookPath) return { ready: true, reason: 'ready' };
    return { ready: false, reason: `Ready=${ready?.status ?? 'unset'} ${ready?.message ?? ''}` };
  }, { logs: sc.fluxLogs(), timeoutMs: 60_000, intervalMs: 100 });
  const target: ReceiverTarget = { url: `${sc.flux.receiverUrl}${receiver.status.webhookPath}`, token, type: 'github' };
  let calls = 0;
  const detach = env.git.onPush(async (event) => {
    if (event.repo !== repo) return;
    calls++;
    const status = await notifyReceiver(target, event);
    if (status < 200 || status >= 300) throw new Error(`Receiver ${name} on ${sc.name} answered HTTP ${status}`);
  });
  return { target, detach, calls: () => calls };
}

/** Asks Flux to reconcile an object now: the annotation `flux reconcile` sets, without waiting. */
export async function requestReconcile(sc: ScenarioCluster, kind: 'GitRepository' | 'Kustomization' | 'HelmRelease', name: string): Promise<void> {
  const ref = fluxRef(kind, name);
  await sc.kube.mustGet(ref); // an apply would create a missing object
  await sc.kube.apply(
    { apiVersion: ref.apiVersion, kind, metadata: { name, namespace: FLUX_NS, annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } } as KubeObject,
    'field-guide-scenarios',
  );
}

/** The Kustomization applied `sha` and is Ready. */
export function waitApplied(sc: ScenarioCluster, kustomization: string, sha: string, opts: ReadyWaitOptions = {}): Promise<KubeObject> {
  return waitForKustomization(sc.kube, kustomization, { logs: sc.fluxLogs(), timeoutMs: 3 * 60_000, intervalMs: 100, ...opts, revision: sha });
}

export const DEMO = { name: 'demo-app', namespace: 'demo-app' } as const;

/** The image of a Deployment's first container (undefined when the Deployment is missing). */
export async function deploymentImage(sc: ScenarioCluster, name: string = DEMO.name, namespace: string = DEMO.namespace): Promise<string | undefined> {
  const dep = await sc.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace });
  return dep?.spec?.template?.spec?.containers?.[0]?.image;
}

/** A Deployment runs `image` and its rollout is complete (every replica updated and available). */
export function waitForRollout(sc: ScenarioCluster, image: string, opts: ReadyWaitOptions & { name?: string; namespace?: string } = {}): Promise<KubeObject> {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: opts.name ?? DEMO.name, namespace: opts.namespace ?? DEMO.namespace };
  return waitForObject(sc.kube, ref, `to run ${image}`, (obj) => {
    const current = obj?.spec?.template?.spec?.containers?.[0]?.image;
    if (current !== image) return { ready: false, reason: `image is ${current ?? '(no Deployment)'}` };
    return deploymentReadiness(obj, { replicas: obj?.spec?.replicas });
  }, { logs: sc.fluxLogs(), timeoutMs: 3 * 60_000, intervalMs: 100, ...opts });
}

/** Polls until `probe` holds (an object back, a field restored), naming `what` on timeout. */
export async function eventually(what: string, probe: () => Promise<boolean | string>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  await waitUntil(what, async () => {
    const result = await probe();
    return { done: result === true, detail: typeof result === 'string' ? result : 'not yet' };
  }, { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: opts.intervalMs ?? 100 });
}
