// Reading readiness from object status, the way Flux and kstatus do: pure functions over plain
// objects, so the rules are unit-tested without a cluster.
import type { KubeObject } from './kube';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** Whether something is ready, and if not, why (one line, for wait loops and errors). */
export interface Readiness {
  ready: boolean;
  reason: string;
  /** The controller gave up (Stalled=True for this generation): waiting cannot help. */
  stalled?: boolean;
}

export function conditionsOf(obj: Pick<KubeObject, 'status'> | undefined): Condition[] {
  const list = obj?.status?.conditions;
  return Array.isArray(list) ? (list as Condition[]) : [];
}

export function findCondition(obj: Pick<KubeObject, 'status'> | undefined, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

/** One line per condition: "Ready=False (ArtifactFailedReason): message". */
export function formatConditions(obj: Pick<KubeObject, 'status'> | undefined): string {
  const list = conditionsOf(obj);
  if (list.length === 0) return '  (no conditions yet)';
  return list
    .map((c) => {
      const gen = c.observedGeneration !== undefined ? ` [gen ${c.observedGeneration}]` : '';
      return `  ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${gen}${c.message ? `: ${c.message}` : ''}`;
    })
    .join('\n');
}

/**
 * True when a Flux revision names the commit: "main@sha1:<sha>" (Flux 2.x), a bare "<sha>", or
 * "refs/heads/main@sha1:<sha>". A short sha matches its long form.
 */
export function revisionMatches(revision: string | undefined, sha: string): boolean {
  if (!revision || !sha) return false;
  const digest = revision.includes(':') ? revision.slice(revision.lastIndexOf(':') + 1) : revision.split('/').pop()!;
  return digest.startsWith(sha) || sha.startsWith(digest);
}

/** status.observedGeneration has caught up with metadata.generation. */
function generationObserved(obj: KubeObject): Readiness | undefined {
  const generation = obj.metadata.generation;
  const observed = obj.status?.observedGeneration;
  if (generation !== undefined && observed !== generation) {
    return { ready: false, reason: `observedGeneration ${observed ?? 'unset'} != generation ${generation}` };
  }
  return undefined;
}

/**
 * Flux readiness: Ready=True for the current generation (both status.observedGeneration and the
 * condition's own observedGeneration when set), and when `revision` is given, the revision the
 * object reports (artifact for sources, last applied for Kustomizations) names that commit.
 */
export function fluxReadiness(obj: KubeObject | undefined, opts: { revision?: string } = {}): Readiness {
  if (!obj) return { ready: false, reason: 'does not exist yet' };
  const stale = generationObserved(obj);
  if (stale) return stale;
  const ready = findCondition(obj, 'Ready');
  if (!ready) return { ready: false, reason: 'no Ready condition yet' };
  if (ready.observedGeneration !== undefined && ready.observedGeneration !== obj.metadata.generation) {
    return { ready: false, reason: `Ready condition is for generation ${ready.observedGeneration}` };
  }
  if (ready.status !== 'True') {
    const stalled = findCondition(obj, 'Stalled');
    const gaveUp = stalled?.status === 'True' && (stalled.observedGeneration ?? obj.metadata.generation) === obj.metadata.generation;
    const why = `Ready=${ready.status} (${ready.reason ?? ''}): ${ready.message ?? ''}`;
    return gaveUp ? { ready: false, stalled: true, reason: `Stalled (${stalled.reason ?? ''}); ${why}` } : { ready: false, reason: why };
  }
  if (opts.revision) {
    const revision = reportedRevision(obj);
    if (!revisionMatches(revision, opts.revision)) {
      return { ready: false, reason: `Ready at revision ${revision ?? 'none'}, waiting for ${opts.revision}` };
    }
  }
  return { ready: true, reason: `Ready: ${ready.message ?? ''}` };
}

/** The revision an object says it has: a source's artifact, a Kustomization's last applied one. */
export function reportedRevision(obj: KubeObject): string | undefined {
  const status = obj.status ?? {};
  return status.artifact?.revision ?? status.lastAppliedRevision ?? status.lastAttemptedRevision;
}

/**
 * Deployment readiness the way kstatus sees it: the controller saw this generation, all replicas
 * are updated, available and ready, and the Available condition is True. `replicas` is the count
 * expected (spec.replicas when omitted).
 */
export function deploymentReadiness(obj: KubeObject | undefined, opts: { replicas?: number } = {}): Readiness {
  if (!obj) return { ready: false, reason: 'does not exist yet' };
  const status = obj.status ?? {};
  const stale = generationObserved(obj);
  if (stale) return stale;
  const want = opts.replicas ?? obj.spec?.replicas ?? 1;
  if (obj.spec?.replicas !== want) return { ready: false, reason: `spec.replicas ${obj.spec?.replicas} != expected ${want}` };
  for (const field of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) {
    if ((status[field] ?? 0) !== want) return { ready: false, reason: `status.${field} ${status[field] ?? 0} != ${want}` };
  }
  const available = findCondition(obj, 'Available');
  if (available?.status !== 'True') return { ready: false, reason: `Available=${available?.status ?? 'unset'}` };
  return { ready: true, reason: `${want}/${want} available` };
}
