// Waiting for Flux objects and Deployments to be ready. On timeout the Error carries the
// object's conditions, the namespace's recent events and the tails of the relevant logs.
import { formatTails } from '../cluster/logs';
import { deploymentReadiness, formatConditions, fluxReadiness, type Readiness } from './conditions';
import { formatEventLines, recentEvents } from './events';
import { describeRef, refOf, type Kube, type KubeObject, type ObjectRef } from './kube';
import { waitUntil } from './wait';

export const FLUX_API = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  HelmRelease: 'helm.toolkit.fluxcd.io/v2',
  Receiver: 'notification.toolkit.fluxcd.io/v1',
} as const;

export type FluxKind = keyof typeof FLUX_API;

export function fluxRef(kind: FluxKind, name: string, namespace = 'flux-system'): ObjectRef {
  return { apiVersion: FLUX_API[kind], kind, name, namespace };
}

export interface ReadyWaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Log files whose tails go into the timeout message (e.g. the controller's). */
  logs?: string[];
  /** Lines of each log tail (default 20). */
  tailLines?: number;
}

/** Conditions, recent events of the object's namespace and log tails, as one block of text. */
export async function explainObject(kube: Kube, ref: ObjectRef, opts: ReadyWaitOptions = {}): Promise<string> {
  const obj = await kube.get(ref).catch(() => undefined);
  const parts = [`${describeRef(ref)} conditions:\n${obj ? formatConditions(obj) : '  (object not found)'}`];
  if (ref.namespace) {
    const events = await recentEvents(kube, ref.namespace).catch(() => []);
    parts.push(`recent events in namespace ${ref.namespace}:\n${formatEventLines(events)}`);
  }
  if (opts.logs && opts.logs.length > 0) parts.push(`logs:\n${formatTails(opts.logs, opts.tailLines ?? 20)}`);
  return parts.join('\n');
}

/** Polls an object until `check` says ready; the timeout Error explains the object. */
export async function waitForObject(
  kube: Kube,
  ref: ObjectRef,
  what: string,
  check: (obj: KubeObject | undefined) => Readiness,
  opts: ReadyWaitOptions = {},
): Promise<KubeObject> {
  const obj = await waitUntil(`${describeRef(ref)} ${what}`, async () => {
    const current = await kube.get(ref);
    const readiness = check(current);
    return { done: readiness.ready, detail: readiness.reason, value: current, fail: readiness.stalled ? readiness.reason : undefined };
  }, { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs, explain: () => explainObject(kube, ref, opts) });
  return obj!;
}

/** A Flux object Ready=True for its generation (and at `revision`, a commit sha, when given). */
export function waitForFluxReady(kube: Kube, ref: ObjectRef, opts: ReadyWaitOptions & { revision?: string } = {}): Promise<KubeObject> {
  const what = opts.revision ? `to be Ready at ${opts.revision}` : 'to be Ready';
  return waitForObject(kube, ref, what, (obj) => fluxReadiness(obj, { revision: opts.revision }), opts);
}

/** A GitRepository whose artifact is the given commit. */
export function waitForGitRepository(kube: Kube, name: string, sha: string, opts: ReadyWaitOptions & { namespace?: string } = {}): Promise<KubeObject> {
  return waitForFluxReady(kube, fluxRef('GitRepository', name, opts.namespace), { ...opts, revision: sha });
}

/** A Kustomization Ready (and applied at `revision` when given). */
export function waitForKustomization(kube: Kube, name: string, opts: ReadyWaitOptions & { namespace?: string; revision?: string } = {}): Promise<KubeObject> {
  return waitForFluxReady(kube, fluxRef('Kustomization', name, opts.namespace), opts);
}

/** A HelmRelease Ready. */
export function waitForHelmRelease(kube: Kube, name: string, opts: ReadyWaitOptions & { namespace?: string } = {}): Promise<KubeObject> {
  return waitForFluxReady(kube, fluxRef('HelmRelease', name, opts.namespace), opts);
}

/** A Deployment Available with `replicas` (spec.replicas when omitted) updated, ready replicas. */
export function waitForDeploymentAvailable(kube: Kube, name: string, namespace: string, opts: ReadyWaitOptions & { replicas?: number } = {}): Promise<KubeObject> {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace };
  const what = `to be Available${opts.replicas !== undefined ? ` with ${opts.replicas} replicas` : ''}`;
  return waitForObject(kube, ref, what, (obj) => deploymentReadiness(obj, { replicas: opts.replicas }), opts);
}

/**
 * Waits until every Kustomization and HelmRelease in the cluster is Ready, including ones that
 * appear while waiting (a root Kustomization creates the others). `expectAtLeast` guards against
 * declaring victory before the children exist.
 */
export async function waitForAllFluxReady(
  kube: Kube,
  opts: ReadyWaitOptions & { expectAtLeast?: number } = {},
): Promise<KubeObject[]> {
  let notReady: ObjectRef | undefined;
  const all = await waitUntil('every Kustomization and HelmRelease to be Ready', async () => {
    const objects = [
      ...(await kube.list(FLUX_API.Kustomization, 'Kustomization')),
      ...(await kube.list(FLUX_API.HelmRelease, 'HelmRelease')),
    ];
    const pending = objects
      .map((obj) => ({ obj, readiness: fluxReadiness(obj) }))
      .filter((x) => !x.readiness.ready);
    const stalled = pending.find((x) => x.readiness.stalled);
    notReady = stalled ? refOf(stalled.obj) : pending[0] ? refOf(pending[0].obj) : undefined;
    const enough = objects.length >= (opts.expectAtLeast ?? 1);
    const detail = !enough
      ? `only ${objects.length} Flux objects exist so far`
      : pending.map((x) => `${describeRef(refOf(x.obj))}: ${x.readiness.reason}`).join('; ');
    const fail = stalled ? `${describeRef(refOf(stalled.obj))} stalled` : undefined;
    return { done: enough && pending.length === 0, detail, value: objects, fail };
  }, {
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    explain: async () => (notReady ? explainObject(kube, notReady, opts) : `logs:\n${formatTails(opts.logs ?? [], opts.tailLines ?? 20)}`),
  });
  return all ?? [];
}
